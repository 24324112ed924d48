"""The interface every vendor driver implements.

A driver knows hardware and nothing above it: it never talks to the
database, the conductor or the image service. The agent hands it a local
file; the driver loads it and says what the device holds.
"""

from __future__ import annotations

import abc
import dataclasses
from typing import Any

from oslo_config import cfg

BOARD = 'board'
REGION = 'region'


@dataclasses.dataclass(frozen=True)
class DeviceReport:
    """One board or partial-reconfiguration region, as its driver sees it."""

    # Stable across agent restarts: derive it from the hardware (PCI address
    # and host), never make a random one per start.
    uuid: str
    kind: str  # BOARD or REGION
    name: str
    vendor: str
    board: str
    # Where the hardware is, in the vendor's terms (a PCI address, a slot).
    address: str
    # The board a region belongs to; None for a board.
    parent_uuid: str | None = None
    # For a region: the region type a PR bitstream's region_uuid must match.
    region_type_uuid: str | None = None
    # The Glance image on the device now; None when it holds nothing known.
    loaded_bitstream: str | None = None
    # The UUID the hardware itself reports for what it holds: for a board
    # the shell's interface UUID (a PR bitstream's shell_id must match it),
    # for a region the loaded function's UUID (the xclbin or AFU UUID, the
    # bitstream's bs-uuid). Hardware knows no Glance ids: a driver tells
    # loaded_bitstream only when this UUID confirms what it loaded.
    loaded_bs_uuid: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class BitstreamFile:
    """A downloaded bitstream, ready to load."""

    uuid: str  # the Glance image id
    path: str
    size: int
    properties: dict[str, Any] = dataclasses.field(default_factory=dict)


class FpgaDriver(abc.ABC):
    """Base class of vendor drivers (entry points ``cyborg_fpga.drivers``)."""

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf

    @abc.abstractmethod
    def discover(self) -> list[DeviceReport]:
        """The boards and PR regions of this host, with what each holds."""

    @abc.abstractmethod
    def program(self, deployable_uuid: str, bitstream: BitstreamFile) -> None:
        """Load ``bitstream`` onto the deployable; return when it is loaded.

        Raises a ``cyborg_fpga.drivers.errors.DriverError`` subclass, whose
        reason reaches the user, when the load does not happen.
        """

    def loaded(self, deployable_uuid: str) -> str | None:
        """The Glance image the deployable holds now, asked of the device.

        Raises ``DeviceNotFound`` for a deployable this driver does not have.
        """
        from cyborg_fpga.drivers import errors
        for report in self.discover():
            if report.uuid == deployable_uuid:
                return report.loaded_bitstream
        raise errors.DeviceNotFound(
            'no deployable %s on this host' % deployable_uuid)
