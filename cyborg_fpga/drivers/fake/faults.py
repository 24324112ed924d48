"""Failures injected into the fake driver by ``[fake_driver] faults_file``.

The file maps deployable UUIDs to the fault their next loads meet::

    {"<deployable uuid>": {"fault": "error", "reason": "..."}}
    {"<deployable uuid>": {"fault": "delay", "seconds": 5}}

It is read before every load, so a test makes loads fail by writing it and
heals them by removing it. No file means no faults.
"""

from __future__ import annotations

import dataclasses
import json

from cyborg_fpga.drivers import errors

# The load fails before it starts; the device keeps what it held.
ERROR = 'error'
BUSY = 'busy'
TIMEOUT = 'timeout'
# The load stops half-way; the device holds nothing usable.
PARTIAL = 'partial'
# The load succeeds, slowly: time to kill an agent in the middle of it.
DELAY = 'delay'

_ERRORS: dict[str, type[errors.DriverError]] = {
    ERROR: errors.ToolFailed,
    PARTIAL: errors.ToolFailed,
    BUSY: errors.DeviceBusy,
    TIMEOUT: errors.ProgramTimeout,
}

_DEFAULT_REASONS = {
    ERROR: 'the programming tool failed (injected fault)',
    PARTIAL: 'the load stopped half-way and the device holds nothing '
             '(injected fault)',
    BUSY: 'the device is in use (injected fault)',
    TIMEOUT: 'programming timed out (injected fault)',
}


@dataclasses.dataclass(frozen=True)
class Fault:
    kind: str
    reason: str
    # Extra programming time, for DELAY.
    seconds: float = 0.0

    @property
    def fails(self) -> bool:
        return self.kind != DELAY

    def error(self) -> errors.DriverError:
        return _ERRORS[self.kind](self.reason)


def read(path: str | None, deployable_uuid: str) -> Fault | None:
    """The fault ``deployable_uuid`` meets now, if the file names one."""
    if not path:
        return None
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        # A broken faults file is a broken test; fail its loads loudly.
        raise errors.ToolFailed(
            f'fake driver faults file {path} is unreadable: {e}') from e
    if not isinstance(data, dict):
        raise errors.ToolFailed(
            f'fake driver faults file {path} must be a JSON object keyed by '
            'deployable uuid')
    entry = data.get(deployable_uuid)
    if entry is None:
        return None
    kind = entry.get('fault') if isinstance(entry, dict) else None
    if kind == DELAY:
        try:
            return Fault(kind=DELAY, reason='', seconds=float(
                entry.get('seconds', 0)))
        except (TypeError, ValueError):
            raise errors.ToolFailed(
                f'fake driver faults file {path}: "seconds" of '
                f'{deployable_uuid} must be a number') from None
    if kind not in _ERRORS:
        raise errors.ToolFailed(
            f'fake driver faults file {path}: the entry of {deployable_uuid} '
            f'must be an object whose "fault" is one of '
            f'{", ".join(sorted([*_ERRORS, DELAY]))}, got {entry!r}')
    reason = entry.get('reason') or _DEFAULT_REASONS[kind]
    return Fault(kind=kind, reason=str(reason))
