"""What the database records after a load, from what the agent answered.

Kept apart from the manager because it is the rule that keeps the database
truthful: after any failure the row says what the device holds, or says
'error' when nobody can know (the agent died, the driver could not tell).
"""

from __future__ import annotations

import dataclasses

from cyborg_fpga import exception
from cyborg_fpga.program_result import ProgramCode
from cyborg_fpga.program_result import ProgramResult

READY = 'ready'
ERROR = 'error'


@dataclasses.dataclass(frozen=True)
class Outcome:
    state: str
    loaded_bitstream: str | None
    code: int | None
    # None when the load succeeded.
    error: exception.FpgaError | None
    # The device already held the bitstream; the agent loaded nothing.
    skipped: bool = False

    @property
    def succeeded(self) -> bool:
        return self.error is None

    @property
    def reason(self) -> str | None:
        return self.error.message if self.error else None

    @property
    def error_code(self) -> str | None:
        return self.error.code if self.error else None


def from_result(result: ProgramResult, deployable_uuid: str,
                bitstream_uuid: str) -> Outcome:
    code = ProgramCode(result['code'])
    # An empty or unknown device is recorded as None; 'error' says unknown.
    state = READY if result['state_known'] else ERROR
    loaded = result['loaded_bitstream'] if result['state_known'] else None
    reason = result['reason'] or 'the agent gave no reason'
    error: exception.FpgaError | None
    if code is ProgramCode.SUCCESS:
        error = None
    elif code is ProgramCode.INVALID_DEPLOYABLE:
        error = exception.DeployableNotFound(
            'Deployable %s was not found on its host: %s'
            % (deployable_uuid, reason), uuid=deployable_uuid)
    elif code is ProgramCode.INVALID_BITSTREAM:
        error = exception.BitstreamInvalid(uuid=bitstream_uuid,
                                           reason=reason)
    else:
        error = exception.ProgramFailed(uuid=deployable_uuid, reason=reason)
    return Outcome(state=state, loaded_bitstream=loaded, code=int(code),
                   error=error, skipped=bool(result.get('skipped')))


def from_refusal(error: exception.FpgaError,
                 loaded_bitstream: str | None) -> Outcome:
    """The agent refused the call itself: the device was not touched."""
    return Outcome(state=READY, loaded_bitstream=loaded_bitstream, code=None,
                   error=error)


def from_lost_agent(error: exception.FpgaError) -> Outcome:
    """The agent never answered: the device may hold anything now."""
    return Outcome(state=ERROR, loaded_bitstream=None, code=None, error=error)
