"""cyborg-fpga-manage: operators' commands.

    cyborg-fpga-manage --config-file FILE db sync     # newest schema
    cyborg-fpga-manage --config-file FILE db version  # schema revision
    cyborg-fpga-manage --config-file FILE bitstream validate|upload|list|show
    cyborg-fpga-manage --config-file FILE deployable \
        assign|unassign|maintenance|no-maintenance UUID [--project P]
    cyborg-fpga-manage fleet plan|apply ...   # through the REST API

The bitstream commands are in ``manage_bitstream.py``, the deployable ones
in ``manage_deployable.py``, the fleet ones in ``manage_fleet.py``: those
run from any console with admin credentials and read no configuration file.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import sys
from typing import Any

from oslo_config import cfg
from oslo_log import log as logging

from cyborg_fpga.cmd import common
from cyborg_fpga.cmd import manage_bitstream
from cyborg_fpga.cmd import manage_deployable
from cyborg_fpga.cmd import manage_fleet
from cyborg_fpga.db import migration


def _db_sync(conf: cfg.ConfigOpts) -> int:
    migration.sync(conf)
    print('Database schema is at revision %s.' % migration.current(conf))
    return 0


def _db_version(conf: cfg.ConfigOpts) -> int:
    print(migration.current(conf) or 'none')
    return 0


def _add_parsers(subparsers: Any) -> None:
    db = subparsers.add_parser('db', help='database schema')
    db_actions = db.add_subparsers(dest='action', required=True)
    db_actions.add_parser('sync', help='migrate the database to the newest '
                                       'schema').set_defaults(func=_db_sync)
    db_actions.add_parser('version', help='print the schema revision'
                          ).set_defaults(func=_db_version)
    manage_bitstream.add_parsers(subparsers)
    manage_deployable.add_parsers(subparsers)
    # Listed for --help; main() hands `fleet` over before any configuration
    # is read, and this forwards it when options came first.
    fleet = subparsers.add_parser(
        'fleet', add_help=False,
        help='migrate boards to a new shell through the REST API (no '
             'configuration file; see `fleet --help`)')
    fleet.add_argument('fleet_args', nargs=argparse.REMAINDER)
    fleet.set_defaults(
        func=lambda conf: manage_fleet.main(conf.category.fleet_args))


COMMAND = cfg.SubCommandOpt('category', title='commands',
                            handler=_add_parsers)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ['fleet']:
        # An admin's console has credentials, not the service's
        # configuration file or database.
        return manage_fleet.main(args[1:])
    try:
        conf = common.prepare(args, cli_opts=[COMMAND])
    except (cfg.Error, argparse.ArgumentError) as e:
        print(e, file=sys.stderr)
        return 2
    # stdout is the command's output (an image id, a table, JSON) that
    # scripts read; without a log file, oslo.log would log there too.
    conf.set_default('use_stderr', True)
    logging.setup(conf, 'cyborg-fpga')
    return conf.category.func(conf)


if __name__ == '__main__':
    sys.exit(main())
