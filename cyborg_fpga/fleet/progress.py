"""Progress of ``apply`` on stderr, so that stdout keeps the summary.

On a terminal, one line redrawn in place: a bar, the counts and the rate;
failures are printed above it as they happen. Elsewhere (a log, a pipe,
a CI job), one line per load started and ended, which a log keeps.
"""

from __future__ import annotations

import datetime
import time
from typing import TextIO

from cyborg_fpga.fleet import apply
from cyborg_fpga.fleet import plan as fleet_plan

BAR_WIDTH = 24


def describe(load: apply.Load, target: fleet_plan.Target) -> str:
    """'shell u250-shell-2 on host-a-u250 (host-a)' and the like."""
    board = load.board.name or load.board.uuid
    if load.region is None:
        return 'shell %s on %s (%s)' % (target.name or target.uuid, board,
                                        load.host)
    return '%s on %s/%s (%s)' % (
        load.region.bitstream_name or load.region.bitstream, board,
        load.region.name or load.region.uuid, load.host)


def failure(step: fleet_plan.BoardStep | fleet_plan.RegionStep) -> str:
    code = ' [%s]' % step.error_code if step.error_code else ''
    return '%s%s' % (step.note or 'failed', code)


class Progress:
    """Told of every load started and ended (``apply.Runner``'s listener)."""

    def __init__(self, total: int, target: fleet_plan.Target,
                 stream: TextIO, tty: bool | None = None) -> None:
        self.total = total
        self.target = target
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.done = self.failed = self.running = 0
        self._started = time.monotonic()

    def __call__(self, event: str, load: apply.Load) -> None:
        if event == 'start':
            self.running += 1
        else:
            self.running -= 1
            if load.step.status == fleet_plan.DONE:
                self.done += 1
            else:
                self.failed += 1
        if self.tty:
            self._redraw(event, load)
        else:
            self._line(event, load)

    def rate(self) -> float:
        elapsed = time.monotonic() - self._started
        return (self.done + self.failed) / elapsed if elapsed > 0 else 0.0

    def counts(self) -> str:
        return '%d/%d loads, %d failed, %d in flight, %.2f loads/s' % (
            self.done + self.failed, self.total, self.failed, self.running,
            self.rate())

    def _line(self, event: str, load: apply.Load) -> None:
        now = datetime.datetime.now(datetime.UTC).strftime('%H:%M:%SZ')
        if event == 'start':
            what = 'loading %s' % describe(load, self.target)
        elif load.step.status == fleet_plan.DONE:
            what = 'loaded %s' % describe(load, self.target)
        else:
            what = 'FAILED %s: %s' % (describe(load, self.target),
                                      failure(load.step))
        print('%s %s (%s)' % (now, what, self.counts()), file=self.stream,
              flush=True)

    def _redraw(self, event: str, load: apply.Load) -> None:
        if event == 'finish' and load.step.status != fleet_plan.DONE:
            self._clear()
            print('FAILED %s: %s' % (describe(load, self.target),
                                     failure(load.step)), file=self.stream)
        ended = self.done + self.failed
        filled = BAR_WIDTH * ended // self.total if self.total else BAR_WIDTH
        bar = '#' * filled + '.' * (BAR_WIDTH - filled)
        self.stream.write('\r[%s] %s' % (bar, self.counts()))
        self.stream.flush()

    def _clear(self) -> None:
        self.stream.write('\r\033[K')

    def note(self, text: str) -> None:
        """A message between progress lines (Ctrl-C, say)."""
        if self.tty:
            self._clear()
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty:
            self.stream.write('\n')
            self.stream.flush()
