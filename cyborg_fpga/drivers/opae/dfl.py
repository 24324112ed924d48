"""The Intel FPGA cards of this host, from the Linux DFL sysfs tree.

``/sys/class/fpga_region/regionN`` links to a folder under the card's PCI
function (``.../SSSS:BB:DD.F/fpga_region/regionN``) holding the FPGA
Management Engine ``dfl-fme.K`` and one ``dfl-port.P`` per PR region. The
FME's PR sub-region publishes the interface ID of the running FIM
(``dfl-fme.K/dfl-fme-region.*/fpga_region/region*/compat_id``; the older
intel-fpga driver calls it ``pr/interface_id``), and each port publishes
the ``afu_id`` of the AFU it holds. Regions without an FME (the FME's own
PR sub-regions, ports handed to a virtual function) are not cards.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re

from cyborg_fpga.drivers import tools

# Product names of the PCI device IDs OPAE documents (vendor 0x8086).
PRODUCTS = {
    0x09c4: 'Intel PAC with Arria 10 GX FPGA',
    0x0b2b: 'Intel FPGA PAC D5005',
    0x0b30: 'Intel FPGA PAC N3000',
}


@dataclasses.dataclass(frozen=True)
class Port:
    index: int
    path: str


@dataclasses.dataclass(frozen=True)
class Card:
    address: str  # PCI address of the function the FME sits on
    pci: tuple[int, int, int, int]  # its segment, bus, device, function
    fme: str
    interface_uuid: str | None  # the PR interface of the running FIM
    product: str
    ports: tuple[Port, ...]

    def port(self, index: int) -> Port | None:
        for port in self.ports:
            if port.index == index:
                return port
        return None


def _instance(path: str) -> int:
    return int(path.rsplit('.', 1)[1])


def _port_id(path: str, position: int) -> int:
    # dfl-port.N numbers ports across all cards; the port's own number on
    # its FME (the slot fpgaconf means) is its "id" attribute.
    text = tools.read_attr(os.path.join(path, 'id'))
    try:
        return int(text, 0) if text else position
    except ValueError:
        return position


def find(sysfs_root: str) -> list[Card]:
    """Every card with an FME, in PCI address order."""
    found: dict[str, Card] = {}
    regions = os.path.join(sysfs_root, 'class', 'fpga_region')
    for name in tools.listdir(regions):
        if not re.fullmatch(r'region[0-9]+', name):
            continue
        region = os.path.realpath(os.path.join(regions, name))
        fmes = [n for n in tools.listdir(region)
                if re.fullmatch(r'dfl-fme\.[0-9]+', n)]
        if not fmes:
            continue
        # .../<PCI address>/fpga_region/regionN
        address = os.path.basename(os.path.dirname(os.path.dirname(region)))
        pci = tools.pci_address(address)
        if pci is None:
            continue
        fme = os.path.join(region, fmes[0])
        port_dirs = [os.path.join(region, n) for n in tools.listdir(region)
                     if re.fullmatch(r'dfl-port\.[0-9]+', n)]
        ports = tuple(sorted(
            (Port(_port_id(path, position), path)
             for position, path in enumerate(
                 sorted(port_dirs, key=_instance))),
            key=lambda p: p.index))
        found[address] = Card(
            address=address, pci=pci, fme=fme,
            interface_uuid=interface_uuid(fme),
            product=_product(os.path.dirname(os.path.dirname(region))),
            ports=ports)
    return [found[address] for address in sorted(found)]


def interface_uuid(fme: str) -> str | None:
    for pattern in ('dfl-fme-region.*/fpga_region/region*/compat_id',
                    'pr/interface_id'):
        for path in sorted(glob.glob(os.path.join(fme, pattern))):
            value = tools.read_uuid(path)
            if value is not None:
                return value
    return None


def afu_uuid(port: Port) -> str | None:
    """The AFU the port holds; None when it holds none."""
    return tools.read_uuid(os.path.join(port.path, 'afu_id'))


def _product(pci_dir: str) -> str:
    device = tools.read_attr(os.path.join(pci_dir, 'device')) or ''
    vendor = tools.read_attr(os.path.join(pci_dir, 'vendor')) or ''
    try:
        return PRODUCTS.get(int(device, 16),
                            f'Intel FPGA {vendor[2:]}:{device[2:]}')
    except ValueError:
        return 'Intel FPGA'
