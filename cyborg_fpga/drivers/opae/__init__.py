"""The OPAE driver: Intel FPGA cards of the Linux DFL driver, via fpgaconf.

Each card shows an FPGA Management Engine (FME, the board deployable) and
one port per partial-reconfiguration region (the region deployables) under
``/sys/class/fpga_region``; AFUs (GBS files) are loaded with fpgaconf.
"""
