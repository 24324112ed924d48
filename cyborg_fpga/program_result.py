"""What one load of a bitstream returns, from the agent to the conductor.

The specification's agent call ``program_fpga_with_bitstream`` answers with
an integer code; ``ProgramCode`` gives those integers names. The agent sends
the code inside a small dict that also says why it failed and what the device
holds afterwards, because the conductor must tell the user the cause and keep
the database in step with the device even when a load fails half-way.
"""

from __future__ import annotations

import enum
from typing import NotRequired
from typing import TypedDict


class ProgramCode(enum.IntEnum):
    SUCCESS = 0
    UNKNOWN_ERROR = 1
    INVALID_DEPLOYABLE = 2
    INVALID_BITSTREAM = 3


class ProgramResult(TypedDict):
    code: int
    # Why a load failed, in words a user can act on; None on success.
    reason: str | None
    # The Glance image now on the device, None when it holds nothing.
    loaded_bitstream: str | None
    # False when the driver could not say what the device holds now.
    state_known: bool
    # True when the device already held the bitstream and the agent neither
    # downloaded nor programmed it (code 0). Absent from the answers of a
    # 1.0 agent, hence NotRequired: read it with .get('skipped', False).
    skipped: NotRequired[bool]


def result(code: ProgramCode, reason: str | None = None,
           loaded_bitstream: str | None = None,
           state_known: bool = True, skipped: bool = False) -> ProgramResult:
    return ProgramResult(code=int(code), reason=reason,
                         loaded_bitstream=loaded_bitstream,
                         state_known=state_known, skipped=skipped)
