"""The XRT driver: Xilinx/AMD Alveo cards, through xbmgmt and xbutil.

A card shows two PCI functions: ``xclmgmt`` (management: the shell, the
flash) and, once a shell runs, ``xocl`` (user: the region user xclbins are
loaded into). The card is a board deployable, its user function a region.
"""
