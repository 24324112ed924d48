"""cyborg-fpga-manage deployable: who may use a board or PR region.

    deployable assign UUID --project PROJECT
    deployable unassign UUID
    deployable maintenance UUID [--reason TEXT]
    deployable no-maintenance UUID

An operator's tool on the control host: it writes the database directly, as
``PATCH /deployables/{uuid}`` does, with no token and no policy check (who
can read the configuration file owns the database anyway). Exit codes: 0
done, 1 refused (no such deployable, a PF or VF), 2 usage.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from oslo_config import cfg
from oslo_log import log as logging

from cyborg_fpga.db import api as db_api
from cyborg_fpga import exception

LOG = logging.getLogger(__name__)


def _run(conf: cfg.ConfigOpts, change: str, *args: Any) -> int:
    # Stored in lower case, as the API passes them.
    uuid = conf.category.deployable_uuid.lower()
    db = db_api.Connection.from_conf(conf)
    try:
        row = getattr(db, change)(uuid, *args)
    except exception.FpgaError as e:
        print(e.message, file=sys.stderr)
        return 1
    finally:
        db.engine.dispose()
    # The audit trail of the API's PATCH has the caller; here the operator's
    # login on the control host is all there is.
    LOG.info('Deployable %s changed with cyborg-fpga-manage by %s: '
             'project %s, maintenance %s (%s).', row.uuid, getpass.getuser(),
             row.project_id, row.maintenance, row.maintenance_reason)
    state = ('in maintenance: %s' % (row.maintenance_reason or 'no reason')
             if row.maintenance else 'not in maintenance')
    print('Deployable %s (%s %s on %s) is assigned to %s, %s.' % (
        row.uuid, row.kind, row.name, row.host,
        'project %s' % row.project_id if row.project_id
        else 'no project (admins only)', state))
    return 0


def _assign(conf: cfg.ConfigOpts) -> int:
    return _run(conf, 'assign', conf.category.target_project)


def _unassign(conf: cfg.ConfigOpts) -> int:
    return _run(conf, 'assign', None)


def _maintenance(conf: cfg.ConfigOpts) -> int:
    return _run(conf, 'set_maintenance', True, conf.category.why)


def _no_maintenance(conf: cfg.ConfigOpts) -> int:
    return _run(conf, 'set_maintenance', False, None)


def add_parsers(subparsers: Any) -> None:
    """Add the ``deployable`` category to cyborg-fpga-manage."""
    # Dests never take the name of an option or group (see
    # manage_bitstream.add_parsers).
    deployable = subparsers.add_parser(
        'deployable', help='assign boards and PR regions to projects, and '
                           'maintenance')
    actions = deployable.add_subparsers(dest='action', required=True)

    def action(name: str, func: Any, help_text: str) -> Any:
        parser = actions.add_parser(name, help=help_text)
        parser.add_argument('deployable_uuid', metavar='UUID',
                            help='a board or PR region')
        parser.set_defaults(func=func)
        return parser

    assign = action('assign', _assign, 'let the members of a project load '
                                       'it and its readers see it')
    assign.add_argument('--project', dest='target_project', required=True,
                        metavar='PROJECT', help='the project id')
    action('unassign', _unassign, 'take it back: admins only')
    maintenance = action('maintenance', _maintenance,
                         'refuse every load but an admin\'s forced one')
    maintenance.add_argument('--reason', dest='why', metavar='TEXT',
                             help='why, for the users who are refused')
    action('no-maintenance', _no_maintenance, 'take loads again')
