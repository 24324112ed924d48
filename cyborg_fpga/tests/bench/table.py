"""The benchmark's one table, printed and recorded in the documentation.

Each row has its figure, the floor measured in the same run, their ratio
and the target; a row whose target is missed says so in its own column,
so that a reader of ``doc/source/benchmark.rst`` cannot take it as met.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import platform
import subprocess
import textwrap

import psutil

COLUMNS = ('Row', 'What', 'Figure', 'Floor', 'Ratio', 'Target', 'Verdict')
# Wide enough to read, narrow enough for a terminal and for the docs.
_WHAT_WIDTH = 52
_NOTE_WIDTH = 28

# The results go between these comments; the rest of the file is prose
# kept by hand (what the profiles showed), which a new run leaves alone.
BEGIN = '.. benchmark-results-begin'
END = '.. benchmark-results-end'


@dataclasses.dataclass
class Row:
    row: str
    what: str
    figure: float | None
    unit: str
    floor: float | None = None
    target: str = 'printed'
    # The bound the target puts on the ratio (or, with ``absolute``, on the
    # figure itself); None for a figure that is only printed.
    limit: float | None = None
    at_least: bool = False
    absolute: bool = False
    note: str = ''

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.floor:
            return None
        return self.figure / self.floor

    @property
    def met(self) -> bool | None:
        if self.limit is None:
            return None
        value = self.figure if self.absolute else self.ratio
        if value is None:
            return False
        # Ratios are shown with two decimals: a figure that prints as the
        # target itself is not called a miss.
        value = round(value, 2)
        return value >= self.limit if self.at_least else value <= self.limit

    @property
    def verdict(self) -> str:
        met = self.met
        verdict = '' if met is None else ('met' if met else 'MISSED')
        return ('%s %s' % (verdict, self.note)).strip()


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return '-'
    if unit in ('B', 'rows'):
        text = '{:,.0f}'.format(value)
    elif unit == 'MB/s' or abs(value) >= 100:
        text = '%.0f' % value
    elif abs(value) >= 10:
        text = '%.1f' % value
    else:
        text = '%.2f' % value
    return '%s %s' % (text, unit) if unit else text


def cells(row: Row) -> list[str]:
    ratio = row.ratio
    return [row.row, row.what, _number(row.figure, row.unit),
            _number(row.floor, row.unit),
            '-' if ratio is None else '%.2fx' % ratio,
            row.target, row.verdict]


def render(rows: list[Row]) -> str:
    """An RST grid table: readable as text, and valid in the docs."""
    body = [cells(row) for row in rows]
    wrapped: list[list[list[str]]] = []
    for line in [list(COLUMNS)] + body:
        wrapped.append([
            textwrap.wrap(text, _WHAT_WIDTH) if i == 1 else
            textwrap.wrap(text, _NOTE_WIDTH) if i == 6 else [text]
            for i, text in enumerate(line)])
    widths = [max(len(part) for cell in wrapped for part in cell[i] or [''])
              for i in range(len(COLUMNS))]

    def rule(char: str) -> str:
        return '+' + '+'.join(char * (w + 2) for w in widths) + '+'

    out = [rule('-')]
    for index, cell in enumerate(wrapped):
        height = max(len(parts) for parts in cell)
        for k in range(height):
            out.append('|' + '|'.join(
                ' %s ' % (parts[k] if k < len(parts) else '').ljust(w)
                for parts, w in zip(cell, widths, strict=True)) + '|')
        out.append(rule('=' if index == 0 else '-'))
    return '\n'.join(out)


def _run(argv: list[str]) -> str:
    try:
        # rstrip only: the first line of free -h starts with spaces.
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=30).stdout.rstrip()
    except (OSError, subprocess.SubprocessError):
        return ''


def cpu_model() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def machine(repo: str) -> list[str]:
    """What the figures depend on: the machine, its load, the code.

    Taken when the run starts, before its own processes load the machine.
    """
    commit = _run(['git', '-C', repo, 'rev-parse', '--short', 'HEAD'])
    if _run(['git', '-C', repo, 'status', '--porcelain']):
        commit += ' with uncommitted changes'
    load = ', '.join('%.2f' % x for x in os.getloadavg())
    # The load average still counts a run that just ended; what the other
    # tenants of the machine take now is the idle share.
    idle = psutil.cpu_times_percent(interval=3).idle
    return [
        'Date: %s' % datetime.datetime.now(datetime.UTC).strftime(
            '%Y-%m-%d %H:%M UTC'),
        'Commit: %s' % (commit or 'unknown'),
        'CPU: %s, nproc %s' % (cpu_model(), _run(['nproc']) or '?'),
        'CPU idle over the 3 s before the run: %.0f%%; load average '
        '(1, 5, 15 min): %s' % (idle, load),
        'Python %s on %s' % (platform.python_version(), platform.platform()),
        '',
        '``free -h``::',
        '',
        *('    ' + line for line in _run(['free', '-h']).splitlines()),
    ]


def results_block(rows: list[Row], machine_lines: list[str],
                  mode: str) -> str:
    lines = [BEGIN, '', 'Run of ``%s``:' % mode, '']
    for line in machine_lines:
        # The free -h block is indented literal text; the rest a list.
        lines.append(line if not line or line.startswith((' ', '`'))
                     else '* ' + line)
    lines += ['', render(rows), '', END]
    return '\n'.join(lines)


SKELETON = """\
=========
Benchmark
=========

``tox -e bench`` (``python -m cyborg_fpga.tests.bench``) writes the results
below.

{results}
"""


def record(path: str, rows: list[Row], mode: str,
           machine_lines: list[str]) -> None:
    """Put the table into ``path`` between the markers, or make the file."""
    block = results_block(rows, machine_lines, mode)
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        text = ''
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = SKELETON.format(results=block)
    with open(path, 'w') as f:
        f.write(text)
