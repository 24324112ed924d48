"""Percentiles, CPU time, peak memory and profiles of processes."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time

import psutil


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linearly interpolated between ranks."""
    if not values:
        raise ValueError('no values')
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def process_tree(pid: int) -> list[psutil.Process]:
    """A process and its living descendants (a gunicorn master's worker)."""
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def listeners(port: int) -> list[psutil.Process]:
    """The processes that hold the listening socket of ``port``.

    How the benchmark finds Glance's gunicorn master and worker, which the
    Glance fixture starts without telling their ids.
    """
    pids = {c.pid for c in psutil.net_connections(kind='tcp')
            if c.status == psutil.CONN_LISTEN and c.laddr
            and c.laddr.port == port and c.pid}
    return [psutil.Process(pid) for pid in sorted(pids)]


class CpuMeter:
    """CPU seconds (user + system) that groups of processes spend."""

    def __init__(self, groups: dict[str, list[psutil.Process]]) -> None:
        self.groups = groups
        self._start = self._now()

    def _now(self) -> dict[str, float]:
        totals = {}
        for name, processes in self.groups.items():
            total = 0.0
            for process in processes:
                times = process.cpu_times()
                total += times.user + times.system
            totals[name] = total
        return totals

    def restart(self) -> None:
        self._start = self._now()

    def spent(self) -> dict[str, float]:
        now = self._now()
        return {name: now[name] - self._start[name] for name in now}


class RssSampler:
    """Samples a process's resident memory in a thread, every 50 ms.

    A thread rather than one reading at the end: what matters is the peak
    during a load, which is gone when the load ends.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.baseline = self.process.memory_info().rss
        self.peak = self.baseline
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='rss-sampler')

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = self.process.memory_info().rss
            self.peak = max(self.peak, rss)
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


@contextlib.contextmanager
def profiled(out_dir: str | None, tag: str,
             pids: dict[str, int]) -> Iterator[None]:
    """py-spy records each process while the block runs, if asked.

    Writes ``<out_dir>/<tag>-<name>.txt`` in the collapsed-stack format
    (one line per stack with its sample count), which flamegraph tools and
    a plain ``sort`` both read. Waits are kept (``--idle``): a request's
    wall time goes to its waits on the database, Glance and the broker as
    much as to its CPU.
    """
    if out_dir is None:
        yield
        return
    py_spy = shutil.which('py-spy')
    if py_spy is None:
        raise RuntimeError('--profile needs py-spy on PATH '
                           '(pip install py-spy)')
    os.makedirs(out_dir, exist_ok=True)
    recorders = [subprocess.Popen(
        [py_spy, 'record', '--pid', str(pid), '--rate', '250',
         '--format', 'raw', '--nonblocking', '--idle', '--output',
         os.path.join(out_dir, '%s-%s.txt' % (tag, name))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for name, pid in pids.items()]
    # py-spy needs a moment to attach; samples before that are lost.
    time.sleep(1.0)
    try:
        yield
    finally:
        for recorder in recorders:
            # SIGINT makes py-spy write what it recorded and exit.
            recorder.send_signal(signal.SIGINT)
        for recorder in recorders:
            try:
                recorder.wait(30)
            except subprocess.TimeoutExpired:
                recorder.kill()
                recorder.wait()
