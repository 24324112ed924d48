"""A driver that simulates FPGA boards and PR regions, for tests and demos.

The boards come from ``[fake_driver] inventory_file``; what each one holds
is kept in ``[fake_driver] state_dir`` so that it survives a restart; and
``[fake_driver] faults_file`` makes chosen loads fail the way real ones do.
"""
