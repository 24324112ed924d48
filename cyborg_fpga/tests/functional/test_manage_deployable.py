"""``cyborg-fpga-manage deployable`` as operators run it on the control host.

The real command in a process of its own, on a SQLite database file that the
test reads back through ``db.api``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import fixtures

from cyborg_fpga.db import api as db_api
from cyborg_fpga.db import migration
from cyborg_fpga.tests import base
from cyborg_fpga.tests.unit.db import base as db_base


class ManageDeployableTest(base.TestCase):

    def setUp(self) -> None:
        super().setUp()
        tmp = self.useFixture(fixtures.TempDir()).path
        url = 'sqlite:///%s' % os.path.join(tmp, 'cyborg-fpga.sqlite')
        self.config = os.path.join(tmp, 'cyborg-fpga.conf')
        with open(self.config, 'w') as f:
            f.write('[database]\nconnection = %s\n' % url)
        migration.upgrade(url)
        engine = db_api.create_engine(url)
        self.addCleanup(engine.dispose)
        self.db = db_api.Connection(engine)
        self.board = db_base.new_uuid()
        self.region = db_base.new_uuid()
        self.db.sync_inventory('host-a', ['fake'], [
            db_base.report(self.board),
            db_base.report(self.region, kind='region',
                           parent_uuid=self.board)])

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, '-m', 'cyborg_fpga.cmd.manage', '--config-file',
             self.config, 'deployable', *args],
            capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL)

    def assertSucceeds(self, *args: str) -> str:
        result = self.manage(*args)
        self.assertEqual(0, result.returncode, result.stderr)
        return result.stdout

    def test_assign_and_unassign(self) -> None:
        out = self.assertSucceeds('assign', self.region.upper(),
                                  '--project', 'p1')
        self.assertIn('is assigned to project p1', out)
        self.assertEqual('p1', self.db.get_deployable(self.region).project_id)
        out = self.assertSucceeds('unassign', self.region)
        self.assertIn('no project (admins only)', out)
        self.assertIsNone(self.db.get_deployable(self.region).project_id)

    def test_maintenance(self) -> None:
        out = self.assertSucceeds('maintenance', self.board, '--reason',
                                  'replacing the fan')
        self.assertIn('in maintenance: replacing the fan', out)
        row = self.db.get_deployable(self.board)
        self.assertEqual((True, 'replacing the fan'),
                         (row.maintenance, row.maintenance_reason))
        self.assertIn('not in maintenance',
                      self.assertSucceeds('no-maintenance', self.board))
        self.assertFalse(self.db.get_deployable(self.board).maintenance)

    def test_refusals(self) -> None:
        missing = db_base.new_uuid()
        result = self.manage('assign', missing, '--project', 'p1')
        self.assertEqual(1, result.returncode)
        self.assertIn('%s was not found' % missing, result.stderr)
        self.assertNotIn('Traceback', result.stderr)
        # The project is required; usage errors exit 2.
        self.assertEqual(2, self.manage('assign', self.board).returncode)
        self.assertEqual(2, self.manage('paint', self.board).returncode)
