"""The benchmark still runs: one cheap row, as ``tox -e bench`` runs it.

Only that the table prints, with every column and the row asked for: the
figures are the benchmark's business, never a test's (this machine is
shared and noisy, and a time is no verdict).
"""

from __future__ import annotations

import subprocess
import sys

from cyborg_fpga.tests import base
from cyborg_fpga.tests.bench import stack
from cyborg_fpga.tests.bench import table

# A guard against a hang, not a measurement: the run takes seconds.
_HANG_GUARD_SECONDS = 240


class BenchSmokeTest(base.TestCase):

    def test_quick_cache_row_prints_the_table(self):
        done = subprocess.run(
            [sys.executable, '-m', 'cyborg_fpga.tests.bench', '--quick',
             '--rows', 'cache'],
            capture_output=True, text=True, timeout=_HANG_GUARD_SECONDS)
        if done.returncode == stack.EX_UNAVAILABLE:
            base.service_unavailable(self, done.stderr.strip())
        self.assertEqual(0, done.returncode, done.stderr[-4000:])
        lines = done.stdout.splitlines()
        header = next((line for line in lines if line.startswith('| Row')),
                      '')
        self.assertTrue(header, done.stdout)
        self.assertEqual(list(table.COLUMNS),
                         [cell.strip() for cell in header.strip('|')
                          .split('|')])
        rows = [line for line in lines if line.startswith('| cache ')]
        self.assertEqual(1, len(rows), done.stdout)
        cells = [cell.strip() for cell in rows[0].strip('|').split('|')]
        self.assertEqual(len(table.COLUMNS), len(cells))
        # Figure, floor and ratio are there, whatever their values.
        self.assertTrue(all(cells[2:5]), cells)
