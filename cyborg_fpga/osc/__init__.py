"""The ``openstack fpga`` commands: a plugin of the OpenStack client.

``plugin.py`` is what python-openstackclient loads (entry point
``openstack.cli.extension``); ``v1/`` holds the commands, one module per
resource, each a thin layer over ``cyborg_fpga.client.api``.
"""
