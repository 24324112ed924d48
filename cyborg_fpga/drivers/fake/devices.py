"""What each simulated deployable holds, kept on disk in ``state_dir``.

One file per deployable, ``<uuid>.json``::

    {"deployable_uuid": "...", "loaded_bitstream": "<image id>" | null,
     "size": 1234 | null, "sha256": "<hex>" | null,
     "loaded_at": "2024-01-01T00:00:00.000000+00:00" | null,
     "note": "why it is empty" | null}

A missing file means a deployable never programmed: it holds nothing. While a
load runs, ``<uuid>.programming`` exists; a crash leaves it behind as a trace.
Every file is replaced atomically, so a crash of the agent never leaves half
a file (a power cut of the host may lose the last write: see ``_replace``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import os
import threading
from typing import Any

from cyborg_fpga.drivers import errors
from cyborg_fpga import fileutils

STATE_SUFFIX = '.json'
MARKER_SUFFIX = '.programming'


@dataclasses.dataclass(frozen=True)
class DeviceState:
    loaded_bitstream: str | None = None
    # The bitstream's own bs-uuid: for a board, the shell interface UUID.
    loaded_bs_uuid: str | None = None
    # Of the bytes programmed, so that tests can tell the right file arrived.
    size: int | None = None
    sha256: str | None = None
    loaded_at: str | None = None  # ISO 8601, UTC
    # Why the device is empty, when it is; for whoever reads the file.
    note: str | None = None


EMPTY = DeviceState()


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


class DeviceStore:
    """Reads and atomically writes the state files of the deployables."""

    def __init__(self, state_dir: str) -> None:
        self.state_dir = state_dir
        os.makedirs(state_dir, exist_ok=True)
        # One lock per file keeps writes to a file in order without making
        # loads on different deployables wait for each other.
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def state_path(self, deployable_uuid: str) -> str:
        return os.path.join(self.state_dir, deployable_uuid + STATE_SUFFIX)

    def marker_path(self, deployable_uuid: str) -> str:
        return os.path.join(self.state_dir, deployable_uuid + MARKER_SUFFIX)

    def read(self, deployable_uuid: str) -> DeviceState:
        path = self.state_path(deployable_uuid)
        try:
            with open(path, encoding='utf-8') as f:
                data = json.load(f)
            fields = dataclasses.fields(DeviceState)
            return DeviceState(**{f.name: data.get(f.name) for f in fields})
        except FileNotFoundError:
            return EMPTY
        except (OSError, ValueError, AttributeError) as e:
            # Only a hand edit gets here: every write replaces the whole file.
            raise errors.ToolFailed(
                f'state file {path} of simulated deployable '
                f'{deployable_uuid} is unreadable: {e}') from e

    def write(self, deployable_uuid: str, state: DeviceState) -> None:
        data = {'deployable_uuid': deployable_uuid,
                **dataclasses.asdict(state)}
        self._replace(self.state_path(deployable_uuid), data)

    def mark_programming(self, deployable_uuid: str,
                         bitstream_uuid: str) -> None:
        self._replace(self.marker_path(deployable_uuid),
                      {'bitstream': bitstream_uuid, 'started_at': now(),
                       'pid': os.getpid()})

    def clear_programming(self, deployable_uuid: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.marker_path(deployable_uuid))

    def _lock(self, path: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(path, threading.Lock())

    def _replace(self, path: str, data: dict[str, Any]) -> None:
        # Atomic, so that an agent killed mid-write leaves the old state or
        # the new; not durable: a simulated device has nothing to keep
        # across a power cut of its host, and three fsyncs per load on a
        # busy disk cost more than the zero seconds it was asked to take.
        with self._lock(path), fileutils.atomic_file(path, 'w',
                                                     durable=False) as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write('\n')
