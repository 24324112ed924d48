"""What every cyborg-fpga process does first and last."""

from __future__ import annotations

import faulthandler
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from oslo_config import cfg
from oslo_log import log as logging

from cyborg_fpga import conf as config

LOG = logging.getLogger(__name__)


def prepare(argv: Sequence[str] | None,
            cli_opts: Sequence[cfg.Opt] = ()) -> cfg.ConfigOpts:
    """Parse the command line and configuration files; set up logging."""
    # `kill -USR2 <pid>` prints every thread's stack: how an operator sees
    # where a stuck process waits.
    faulthandler.register(signal.SIGUSR2, all_threads=True)
    args = list(sys.argv[1:] if argv is None else argv)
    conf = config.load(args, cli_opts=cli_opts)
    logging.setup(conf, 'cyborg-fpga')
    return conf


def wait_for_signal() -> None:
    """Block until SIGTERM or SIGINT: the signal to stop gracefully."""
    stop = threading.Event()

    def _handler(signum: int, frame: Any) -> None:
        LOG.info('Received signal %d, stopping.', signum)
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    stop.wait()


class Periodic:
    """Runs ``task`` every ``interval`` seconds in a daemon thread."""

    def __init__(self, task: Callable[[], Any], interval: float) -> None:
        self.task = task
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=getattr(task, '__name__', 'task'))

    def start(self) -> Periodic:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.task()
            except Exception:
                LOG.exception('Periodic task %s failed', self._thread.name)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A text table with a rule above and below, as OpenStack clients draw."""
    widths = [max([len(header)] + [len(row[i]) for row in rows])
              for i, header in enumerate(headers)]
    rule = '+' + '+'.join('-' * (width + 2) for width in widths) + '+'

    def line(cells: list[str]) -> str:
        return '| ' + ' | '.join(cell.ljust(width) for cell, width
                                 in zip(cells, widths, strict=True)) + ' |'
    return '\n'.join([rule, line(headers), rule]
                     + [line(row) for row in rows] + [rule])
