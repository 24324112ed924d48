"""Commands of the ``openstack.fpga.v1`` entry-point group."""
