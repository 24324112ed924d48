"""The checks of ``cyborg-fpga-status upgrade check``, one by one."""

from __future__ import annotations

import datetime
import os

import fixtures
from oslo_policy import policy as oslo_policy
from oslo_upgradecheck import upgradecheck
import sqlalchemy as sa

from cyborg_fpga.cmd import status
from cyborg_fpga import conf as fpga_conf
from cyborg_fpga.db import api as db_api
from cyborg_fpga.db import migration
from cyborg_fpga.db import models
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.unit.db import base as db_base

Code = upgradecheck.Code


class StatusTestCase(base.TestCase):

    migrate = True

    def setUp(self) -> None:
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.database = database.use_database(self, migrate=self.migrate)
        self.conf = fpga_conf.load([], default_config_files=[])
        oslo_policy.Enforcer(self.conf)
        self.conf.set_override('connection', self.database.url,
                               group='database')
        self.checks = status.Checks(self.conf)


class SchemaCheckTest(StatusTestCase):

    migrate = False

    def test_empty_database_fails(self) -> None:
        result = self.checks._check_schema()
        self.assertEqual(Code.FAILURE, result.code)
        self.assertIn('none (empty database)', str(result.details))
        self.assertIn(str(migration.head()), str(result.details))
        self.assertIn('cyborg-fpga-manage db sync', str(result.details))

    def test_old_revision_fails(self) -> None:
        migration.upgrade(self.database.url, '0001')
        result = self.checks._check_schema()
        self.assertEqual(Code.FAILURE, result.code)
        self.assertIn('revision 0001', str(result.details))
        self.assertIn('needs %s' % migration.head(), str(result.details))

    def test_head_succeeds(self) -> None:
        migration.upgrade(self.database.url)
        result = self.checks._check_schema()
        self.assertEqual(Code.SUCCESS, result.code, str(result.details))
        self.assertIn(str(migration.head()), str(result.details))

    def test_unreachable_database_fails(self) -> None:
        self.conf.set_override(
            'connection', 'sqlite:///%s/missing/db.sqlite' % self.tmp,
            group='database')
        self.assertEqual(Code.FAILURE, self.checks._check_schema().code)


class PolicyCheckTest(StatusTestCase):

    def write_policy(self, text: str, name: str = 'policy.yaml') -> str:
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(text)
        self.conf.set_override('policy_file', path, group='oslo_policy')
        return path

    def test_no_file_succeeds(self) -> None:
        self.conf.set_override('policy_file', os.path.join(
            self.tmp, 'nothing.yaml'), group='oslo_policy')
        result = self.checks._check_policy_file()
        self.assertEqual(Code.SUCCESS, result.code, str(result.details))

    def test_known_rules_succeed(self) -> None:
        self.write_policy('"fpga:program": "rule:admin"\n'
                          '"deployables:list": ""\n')
        result = self.checks._check_policy_file()
        self.assertEqual(Code.SUCCESS, result.code, str(result.details))

    def test_unknown_rule_warns(self) -> None:
        self.write_policy('"fpga:porgram": "rule:admin"\n')
        result = self.checks._check_policy_file()
        self.assertEqual(Code.WARNING, result.code)
        self.assertIn('fpga:porgram', str(result.details))

    def test_unparsable_check_string_fails(self) -> None:
        self.write_policy('"fpga:show": "(( or"\n"fpga:nope": "!"\n')
        result = self.checks._check_policy_file()
        self.assertEqual(Code.FAILURE, result.code)
        self.assertIn('fpga:show', str(result.details))
        self.assertIn('fpga:nope', str(result.details))

    def test_json_file_fails(self) -> None:
        self.write_policy('{"fpga:show": ""}', name='policy.json')
        self.assertEqual(Code.FAILURE,
                         self.checks._check_policy_file().code)

    def test_not_a_mapping_fails(self) -> None:
        self.write_policy('- a list\n')
        self.assertEqual(Code.FAILURE,
                         self.checks._check_policy_file().code)


class AgentsCheckTest(StatusTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.conf.set_override('report_interval', 10, group='agent')
        self.db = db_api.Connection(self.database.engine)

    def report(self, host: str, seconds_ago: int) -> None:
        self.db.sync_inventory(host, ['fake'],
                               [db_base.report(db_base.new_uuid())])
        when = models.utcnow() - datetime.timedelta(seconds=seconds_ago)
        with self.database.engine.begin() as connection:
            connection.execute(
                sa.update(models.Agent).where(models.Agent.host == host)
                .values(last_report_at=when))

    def test_no_agent_warns(self) -> None:
        result = self.checks._check_agents()
        self.assertEqual(Code.WARNING, result.code)
        self.assertIn('No agent', str(result.details))

    def test_recent_agents_succeed(self) -> None:
        self.report('host-a', 5)
        self.report('host-b', 25)
        result = self.checks._check_agents()
        self.assertEqual(Code.SUCCESS, result.code, str(result.details))
        self.assertIn('All 2 agents', str(result.details))

    def test_silent_agent_warns(self) -> None:
        self.report('host-a', 5)
        self.report('host-b', 31)
        result = self.checks._check_agents()
        self.assertEqual(Code.WARNING, result.code)
        self.assertIn('1 of 2 agents', str(result.details))
        self.assertIn('host-b (last report ', str(result.details))
        self.assertNotIn('host-a', str(result.details))
        self.assertIn('30 seconds', str(result.details))

    def test_unmigrated_database_fails(self) -> None:
        self.conf.set_override(
            'connection', 'sqlite:///%s/empty.sqlite' % self.tmp,
            group='database')
        self.assertEqual(Code.FAILURE, self.checks._check_agents().code)


class MainTest(StatusTestCase):

    def test_exit_code_is_the_worst_result(self) -> None:
        config = os.path.join(self.tmp, 'cyborg-fpga.conf')
        with open(config, 'w') as f:
            f.write('[database]\nconnection = %s\n[oslo_policy]\n'
                    'policy_file = %s/none.yaml\n' % (self.database.url,
                                                      self.tmp))
        stdout = self.useFixture(fixtures.StringStream('stdout'))
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout.stream))
        # No agent has reported: a warning.
        self.assertEqual(Code.WARNING, status.main(
            ['--config-file', config, 'upgrade', 'check']))
        self.assertIn('No agent has ever reported', stdout.getDetails()[
            'stdout'].as_text())
