"""cyborg-fpga-status: checks to run before and after an upgrade.

    cyborg-fpga-status --config-file FILE upgrade check [--json]

Exit code 0: all checks succeeded; 1: a warning; 2: a failure; 255: a
check itself broke (oslo.upgradecheck's convention).
"""

from __future__ import annotations

from collections.abc import Sequence
import datetime
import logging
import sys
from typing import Any

from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_policy import _checks
from oslo_policy import _parser
from oslo_policy import policy as oslo_policy
from oslo_serialization import jsonutils
from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck
import sqlalchemy as sa
import yaml

from cyborg_fpga import conf as fpga_conf
from cyborg_fpga.db import api as db_api
from cyborg_fpga.db import migration
from cyborg_fpga.db import models
from cyborg_fpga import policies

Code = upgradecheck.Code
Result = upgradecheck.Result

# An agent that has missed this many reports is reported as silent.
MISSED_REPORTS = 3

DB_ERRORS = (sa.exc.SQLAlchemyError, db_exc.DBError)


def _parses(check: str) -> bool:
    """Whether oslo.policy understands ``check`` (without logging why)."""
    if check.strip() == '!':
        return True
    parser_log = logging.getLogger(_parser.__name__)
    disabled = parser_log.disabled
    parser_log.disabled = True
    try:
        return not isinstance(_parser.parse_rule(check), _checks.FalseCheck)
    finally:
        parser_log.disabled = disabled


def _read_policy_file(path: str) -> Any:
    with open(path) as f:
        text = f.read()
    try:
        return jsonutils.loads(text)
    except ValueError:
        return yaml.safe_load(text)


class Checks(upgradecheck.UpgradeCommands):
    """The checks of ``cyborg-fpga-status upgrade check``."""

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf

    def _check_schema(self) -> Result:
        head = migration.head()
        try:
            current = migration.current(self.conf)
        except DB_ERRORS as e:
            return Result(Code.FAILURE,
                          'Cannot read the database schema revision: %s'
                          % e.__class__.__name__)
        if current != head:
            return Result(Code.FAILURE,
                          'The database schema is at revision %s, the code '
                          'needs %s: run "cyborg-fpga-manage db sync".'
                          % (current or 'none (empty database)', head))
        return Result(Code.SUCCESS,
                      'The database schema is at revision %s.' % head)

    def _check_policy_file(self) -> Result:
        # Registers the [oslo_policy] options; fails on a JSON file, which
        # oslo.policy no longer reads by default.
        result = common_checks.check_policy_json(self, self.conf)
        if result.code != Code.SUCCESS:
            return result
        path = self.conf.find_file(self.conf.oslo_policy.policy_file)
        if not path:
            return Result(Code.SUCCESS,
                          'No policy file: the default rules apply.')
        try:
            rules = _read_policy_file(path)
        except (OSError, yaml.YAMLError) as e:
            return Result(Code.FAILURE,
                          'Cannot read the policy file %s: %s' % (path, e))
        if rules is None:
            rules = {}
        if not isinstance(rules, dict):
            return Result(Code.FAILURE,
                          'The policy file %s is not a mapping of rule names '
                          'to check strings.' % path)
        registered = {rule.name for rule in policies.list_rules()}
        broken = []
        unknown = []
        for name, check in sorted(rules.items()):
            if not isinstance(check, str):
                broken.append(name)
                continue
            if not _parses(check):
                broken.append(name)
            if name not in registered:
                unknown.append(name)
        problems = []
        if broken:
            problems.append('rules whose check string cannot be parsed '
                            '(they deny everything): %s' % ', '.join(broken))
        if unknown:
            problems.append('rules the code does not know (typos or '
                            'removed rules): %s' % ', '.join(unknown))
        if problems:
            return Result(Code.FAILURE if broken else Code.WARNING,
                          'Policy file %s has %s.' % (path,
                                                      '; '.join(problems)))
        return Result(Code.SUCCESS, 'Policy file %s: %d rules, all known.'
                      % (path, len(rules)))

    def _check_agents(self) -> Result:
        limit = MISSED_REPORTS * self.conf.agent.report_interval
        try:
            agents = db_api.Connection.from_conf(self.conf).list_agents()
        except DB_ERRORS as e:
            return Result(Code.FAILURE, 'Cannot list the agents (is the '
                          'schema at head?): %s' % e.__class__.__name__)
        if not agents:
            return Result(Code.WARNING, 'No agent has ever reported.')
        oldest = models.utcnow() - datetime.timedelta(seconds=limit)
        silent = [agent for agent in agents if agent.last_report_at < oldest]
        if silent:
            return Result(Code.WARNING,
                          '%d of %d agents have not reported in the last %d '
                          'seconds (3 x [agent] report_interval): %s.' % (
                              len(silent), len(agents), limit,
                              ', '.join('%s (last report %s UTC)' % (
                                  agent.host,
                                  agent.last_report_at.isoformat(' ',
                                                                 'seconds'))
                                  for agent in silent)))
        return Result(Code.SUCCESS, 'All %d agents reported in the last %d '
                      'seconds.' % (len(agents), limit))

    _upgrade_checks = (
        ('Database schema', _check_schema),
        ('Policy file', _check_policy_file),
        ('Agents', _check_agents),
    )


def main(argv: Sequence[str] | None = None) -> int:
    conf = cfg.ConfigOpts()
    fpga_conf.register_opts(conf)
    # Registers the [oslo_policy] options, so the file's are read.
    oslo_policy.Enforcer(conf)
    args = list(sys.argv[1:] if argv is None else argv)
    return upgradecheck.main(conf, 'cyborg-fpga', Checks(conf), args)


if __name__ == '__main__':
    sys.exit(main())
