"""The result file of ``apply``: the plan with each step's outcome.

JSON, replaced atomically as loads finish (at most every
``SAVE_INTERVAL`` seconds, and at the end), so that even a killed command
leaves a file that ``apply --resume`` can read. The file holds the whole
plan, region choices included: after a shell load that failed half-way
the regions are empty, and only the file still knows which function each
one held.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from typing import Any

from cyborg_fpga import fileutils
from cyborg_fpga.fleet import plan as fleet_plan

FORMAT = 'cyborg-fpga-fleet-result'
VERSION = 1
SAVE_INTERVAL = 1.0


class ResultFileError(Exception):
    """The file is not a result file this command can resume."""


def default_path(now: datetime.datetime | None = None) -> str:
    now = now or datetime.datetime.now(datetime.UTC)
    return 'fleet-%s.json' % now.strftime('%Y%m%dT%H%M%SZ')


def dump(plan: fleet_plan.Plan, meta: dict[str, Any]) -> dict[str, Any]:
    return {'format': FORMAT, 'version': VERSION, **meta,
            'counts': plan.counts(), 'finished': plan.finished,
            **plan.to_dict()}


def save(path: str, plan: fleet_plan.Plan, meta: dict[str, Any]) -> None:
    with fileutils.atomic_file(path, 'w') as f:
        json.dump(dump(plan, meta), f, indent=2, sort_keys=True)
        f.write('\n')


def load(path: str) -> tuple[fleet_plan.Plan, dict[str, Any]]:
    """The plan and the other keys of a result file."""
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ResultFileError('%s: %s' % (path, e)) from e
    if not isinstance(data, dict) or data.get('format') != FORMAT:
        raise ResultFileError('%s is not a result file of cyborg-fpga-manage '
                              'fleet apply.' % path)
    if data.get('version') != VERSION:
        raise ResultFileError('%s has version %s; this command reads %d.'
                              % (path, data.get('version'), VERSION))
    try:
        plan = fleet_plan.Plan.from_dict(data)
    except (KeyError, TypeError) as e:
        raise ResultFileError('%s: not a plan: %s' % (path, e)) from e
    meta = {k: v for k, v in data.items()
            if k not in ('target', 'selection', 'boards', 'format',
                         'version', 'counts', 'finished')}
    return plan, meta


class Saver:
    """Saves the file when asked, no more often than every interval."""

    def __init__(self, path: str, plan: fleet_plan.Plan,
                 meta: dict[str, Any], interval: float = SAVE_INTERVAL
                 ) -> None:
        self.path = path
        self.plan = plan
        self.meta = meta
        self.interval = interval
        self._last = 0.0
        self._lock = threading.Lock()

    def maybe_save(self) -> None:
        with self._lock:
            if time.monotonic() - self._last >= self.interval:
                self._save()

    def save(self) -> None:
        with self._lock:
            self._save()

    def _save(self) -> None:
        save(self.path, self.plan, self.meta)
        self._last = time.monotonic()

