"""A Python client of the cyborg-fpga REST API.

What the ``openstack fpga`` commands and ``cyborg-fpga-manage fleet`` use:
they reach the service only through its REST API, with a keystoneauth1
session, as any tenant's or admin's script would.
"""
