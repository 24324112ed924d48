"""``cyborg-fpga-status upgrade check`` against a real MariaDB."""

from __future__ import annotations

import os
import subprocess
import sys

import fixtures
import testtools.content

from cyborg_fpga.db import api as db_api
from cyborg_fpga.db import migration
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.unit.db import base as db_base


class StatusCommandTest(base.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.database = database.use_database(self, 'mysql', migrate=False)
        self.config = os.path.join(self.tmp, 'cyborg-fpga.conf')
        with open(self.config, 'w') as f:
            f.write('[database]\nconnection = %s\n[oslo_policy]\n'
                    'policy_file = %s/policy.yaml\n' % (self.database.url,
                                                        self.tmp))

    def status(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, '-m', 'cyborg_fpga.cmd.status', '--config-file',
             self.config, 'upgrade', 'check'],
            capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL)

    def test_upgrade_check(self) -> None:
        # An empty database: the schema check fails, exit code 2.
        result = self.status()
        self.assertEqual(2, result.returncode, result.stdout + result.stderr)
        self.assertIn('Upgrade Check Results', result.stdout)
        self.assertIn('cyborg-fpga-manage db sync', result.stdout)
        self.assertNotIn('Traceback', result.stdout + result.stderr)

        migration.upgrade(self.database.url)
        # At head, but no agent has reported: a warning, exit code 1.
        result = self.status()
        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertIn('No agent has ever reported', result.stdout)

        db_api.Connection(self.database.engine).sync_inventory(
            'host-a', ['fake'], [db_base.report(db_base.new_uuid())])
        result = self.status()
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        for check in ('Database schema', 'Policy file', 'Agents'):
            self.assertIn('| Check: %s ' % check, result.stdout)
        self.assertEqual(3, result.stdout.count('Result: Success'))
        self.addDetail('table', testtools.content.text_content(
            result.stdout))
