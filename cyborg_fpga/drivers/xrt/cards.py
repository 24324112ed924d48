"""The XRT cards of this host, as sysfs shows them.

A card is a PCI slot with an ``xclmgmt`` function (management) and, when a
shell runs on it, an ``xocl`` function (user) beside it: same segment, bus
and device, another function. XRT's drivers publish what is loaded in the
functions' own folders; the driver reads only the attributes below.
"""

from __future__ import annotations

import dataclasses
import os

from cyborg_fpga.drivers import tools

MGMT_DRIVER = 'xclmgmt'
USER_DRIVER = 'xocl'


@dataclasses.dataclass(frozen=True)
class Card:
    mgmt: str  # PCI address of the xclmgmt function
    # PCI address of the xocl function; None while no shell runs.
    user: str | None


def _devices(sysfs_root: str) -> str:
    return os.path.join(sysfs_root, 'bus', 'pci', 'devices')


def _driver(sysfs_root: str, address: str) -> str | None:
    link = os.path.join(_devices(sysfs_root), address, 'driver')
    try:
        return os.path.basename(os.readlink(link))
    except OSError:
        return None


def find(sysfs_root: str) -> list[Card]:
    """Every card with an xclmgmt function, in PCI address order."""
    mgmt: dict[str, str] = {}
    user: dict[str, str] = {}
    for address in tools.listdir(_devices(sysfs_root)):
        if tools.pci_address(address) is None:
            continue
        driver = _driver(sysfs_root, address)
        slot = address.rsplit('.', 1)[0]
        if driver == MGMT_DRIVER:
            mgmt[slot] = address
        elif driver == USER_DRIVER:
            user.setdefault(slot, address)
    return [Card(mgmt=mgmt[slot], user=user.get(slot))
            for slot in sorted(mgmt)]


def xclbin_uuid(sysfs_root: str, user: str) -> str | None:
    """The UUID of the xclbin the user function holds; None when none."""
    return tools.read_uuid(
        os.path.join(_devices(sysfs_root), user, 'xclbinuuid'))
