"""``cyborg-fpga-manage fleet`` as an admin runs it in a Keystone cloud.

Password credentials in the ``OS_*`` environment, as an openrc file sets
them; the API's endpoint comes from the catalog, the admin's token
reaches Glance through our API. No configuration file, no database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import fixtures

from cyborg_fpga.tests.fixtures import keystone
from cyborg_fpga.tests.functional.keystone import base


class FleetKeystoneTest(base.KeystoneTestCase):

    def env(self, **changes):
        admin = self.cloud.users['admin']
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        env.update(OS_AUTH_URL=self.keystone.auth_url,
                   OS_USERNAME=admin.name, OS_PASSWORD=admin.password,
                   OS_PROJECT_ID=admin.project_id,
                   OS_USER_DOMAIN_ID=keystone.DOMAIN_ID,
                   OS_REGION_NAME=keystone.REGION, OS_INTERFACE='public')
        env.update(changes)
        return env

    def fleet(self, cwd, *args, env=None):
        return subprocess.run(
            [sys.executable, '-m', 'cyborg_fpga.cmd.manage', 'fleet', *args],
            capture_output=True, text=True, timeout=180, cwd=cwd,
            env=env or self.env(), stdin=subprocess.DEVNULL)

    def test_admin_migrates_a_board_with_keystone_credentials(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        host = self.deployment.hosts['host-a']
        old_shell = self.deployment.db.get_deployable(
            host.board).loaded_bs_uuid
        new_shell = str(uuid.uuid4())
        function = str(uuid.uuid4())
        name = 'u250-shell-%s' % new_shell[:8]
        target = self.environment.bitstream(
            'admin', name=name, properties=host.shell_properties(
                **{'bs-uuid': new_shell}))
        old = self.environment.bitstream(
            'admin', name='fn-old', properties=host.pr_properties(
                shell_id=old_shell, function_uuid=function))
        new = self.environment.bitstream(
            'admin', name='fn-new', properties=host.pr_properties(
                shell_id=new_shell, function_uuid=function))
        answer = self.program(host.regions[0], old,
                              self.cloud.token('admin'))
        self.assertEqual(200, answer.status_code, answer.text)

        plan = self.fleet(tmp, 'plan', name, '--host', 'host-a',
                          '--format', 'json')
        self.assertEqual(0, plan.returncode, plan.stderr)
        [board] = json.loads(plan.stdout)['boards']
        self.assertEqual(new, board['regions'][0]['bitstream'])

        done = self.fleet(tmp, 'apply', name, '--host', 'host-a',
                          '--result-file', 'r.json')
        self.assertEqual(0, done.returncode, done.stdout + done.stderr)
        db = self.deployment.db
        self.assertEqual((target, new_shell), (
            db.get_deployable(host.board).loaded_bitstream,
            db.get_deployable(host.board).loaded_bs_uuid))
        self.assertEqual(new, db.get_deployable(host.regions[0])
                         .loaded_bitstream)
        self.assertEqual(new, host.devices.read(host.regions[0])
                         .loaded_bitstream)
        # Who loaded it, in the history: the admin of Keystone.
        [row] = [r for r in db.list_history(host.regions[0])
                 if r.bitstream_uuid == new]
        self.assertEqual(self.cloud.users['admin'].id, row.user_id)

        # A wrong password: one line with Keystone's answer, exit 1.
        refused = self.fleet(tmp, 'plan', name,
                             env=self.env(OS_PASSWORD='wrong'))
        self.assertEqual(1, refused.returncode, refused.stderr)
        self.assertIn('HTTP 401', refused.stderr)
        self.assertEqual(1, len(refused.stderr.splitlines()), refused.stderr)
