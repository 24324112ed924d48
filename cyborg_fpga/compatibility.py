"""Whether a bitstream fits a deployable, decided before any load.

XRT and OPAE refuse an image whose interface does not match the loaded
shell because loading it can hang the host; we refuse it earlier, and say
which keys differ and how, instead of an opaque "invalid argument".

The rules, from the bitstream metadata standard:

* ``vendor`` and ``board`` of the bitstream are those of the deployable;
* a shell bitstream (``shell_id`` empty) goes on a board;
* a PR bitstream (``shell_id`` set) goes on a PR region, needs that shell
  loaded on the region's board, and its ``region_uuid`` is the region's
  type.

Pure functions of plain values, so the conductor (before a load) and the
API (listing what fits a deployable) apply the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
from typing import Any

BOARD = 'board'
REGION = 'region'


@dataclasses.dataclass(frozen=True)
class Mismatch:
    key: str
    # What the bitstream asks for, and what the deployable has.
    bitstream: str | None
    deployable: str | None

    def __str__(self) -> str:
        return '%s: the bitstream has %s, the deployable %s' % (
            self.key, _shown(self.bitstream), _shown(self.deployable))


def _shown(value: str | None) -> str:
    return repr(value) if value else 'none'


def _same(a: str | None, b: str | None) -> bool:
    # Vendors write 'Xilinx' and 'xilinx'; UUIDs come in either case.
    return (a or '').strip().casefold() == (b or '').strip().casefold()


def mismatches(deployable: Any, board: Any | None,
               properties: Mapping[str, Any]) -> list[Mismatch]:
    """Every reason ``properties`` cannot be loaded onto ``deployable``.

    ``deployable`` and ``board`` (the region's parent; None for a board)
    have the attributes of a deployable row: kind, vendor, board,
    region_type_uuid and, for the board, loaded_bs_uuid.
    """
    found = []
    for key in ('vendor', 'board'):
        if not _same(properties.get(key), getattr(deployable, key)):
            found.append(Mismatch(key, properties.get(key),
                                  getattr(deployable, key)))
    shell_id = properties.get('shell_id') or None
    if deployable.kind == BOARD:
        if shell_id is not None:
            found.append(Mismatch(
                'shell_id', shell_id,
                'a board, which takes a shell bitstream (no shell_id)'))
    elif deployable.kind == REGION:
        if shell_id is None:
            found.append(Mismatch(
                'shell_id', None,
                'a PR region, which takes a PR bitstream built for the '
                "board's shell"))
        else:
            running = board.loaded_bs_uuid if board is not None else None
            if not _same(shell_id, running):
                found.append(Mismatch('shell_id', shell_id, running))
        region_uuid = properties.get('region_uuid') or None
        if not _same(region_uuid, deployable.region_type_uuid):
            found.append(Mismatch('region_uuid', region_uuid,
                                  deployable.region_type_uuid))
    else:
        found.append(Mismatch('kind', None, '%s, which cannot be programmed'
                              % deployable.kind))
    return found


def describe(found: list[Mismatch]) -> str:
    return '; '.join(str(m) for m in found)
