"""openstack fpga deployable list | show | set: boards, regions, PFs, VFs."""

from __future__ import annotations

import argparse
from typing import Any

from osc_lib.command import command
from osc_lib import exceptions

from cyborg_fpga.client import api
from cyborg_fpga.osc import columns
from cyborg_fpga.osc import identity
from cyborg_fpga.osc import plugin
from cyborg_fpga.osc.v1 import fpga

KINDS = ('board', 'region', 'pf', 'vf')
LIST_COLUMNS = (('UUID', 'uuid'), ('Name', 'name'), ('Host', 'host'),
                ('Kind', 'kind'), ('Vendor', 'vendor'), ('Board', 'board'),
                ('State', 'state'), ('Loaded bitstream', 'loaded_bitstream'),
                ('Project', 'project_id'))
LONG_COLUMNS = (('Parent', 'parent_uuid'), ('Address', 'address'),
                ('Function', 'function_name'),
                ('Maintenance', 'maintenance'),
                ('Maintenance reason', 'maintenance_reason'))
SHOW_FIELDS = ('uuid', 'name', 'host', 'kind', 'parent', 'vendor', 'board',
               'address', 'driver', 'region_type_uuid', 'state',
               'loaded_bitstream', 'loaded_at', 'loaded_metadata',
               'pci_offset', 'capability', 'kpi', 'project_id',
               'maintenance', 'maintenance_reason', 'last_program',
               'created_at', 'updated_at', 'children')
SHOW_FORMATTERS: dict[str, Any] = dict(fpga.FPGA_FORMATTERS,
                                       parent=columns.ParentColumn,
                                       children=columns.TreeColumn)


class ListDeployable(command.Lister):
    """List boards, PR regions and the PFs and VFs of what they hold."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        for option, what in (('host', 'host'), ('vendor', 'vendor'),
                             ('board', 'board type (U250, ...)'),
                             ('state', 'state (ready, programming, '
                                       'error)')):
            parser.add_argument('--' + option, metavar='<%s>' % option,
                                help='Only those of this %s' % what)
        parser.add_argument('--kind', choices=KINDS,
                            help='Only deployables of this kind')
        parser.add_argument('--project', metavar='<project>',
                            help='Only those assigned to this project '
                                 '(name or ID)')
        parser.add_argument('--function', metavar='<function>',
                            help='Only those whose loaded bitstream '
                                 'provides this function (UUID or name)')
        parser.add_argument('--bitstream', metavar='<bitstream>',
                            help='Only those holding this bitstream '
                                 '(UUID or name)')
        parser.add_argument('--parent', metavar='<deployable>',
                            help='Only the regions, PFs or VFs right '
                                 'below this deployable')
        parser.add_argument('--long', action='store_true',
                            help='Also the parent, address, function and '
                                 'maintenance')
        return parser

    def filters(self, client: api.Client,
                args: argparse.Namespace) -> dict[str, str]:
        """The query of GET /deployables; names become UUIDs here."""
        found = {'host': args.host, 'vendor': args.vendor,
                 'board': args.board, 'state': args.state, 'kind': args.kind}
        if args.project:
            found['project_id'] = identity.project_id(
                self.app.client_manager, args.project)
        if args.function:
            key = ('function_uuid' if api.is_uuid(args.function)
                   else 'function_name')
            found[key] = args.function
        if args.bitstream:
            found['loaded_bitstream'] = fpga.bitstream_uuid(client,
                                                            args.bitstream)
        if args.parent:
            found['parent_uuid'] = client.find_deployable(args.parent)
        return {key: value for key, value in found.items()
                if value is not None}

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = plugin.client(self.app)
        wanted = LIST_COLUMNS + (LONG_COLUMNS if parsed_args.long else ())
        items = (dict(item, function_name=(item.get('loaded_metadata') or {})
                      .get('function_name'))
                 for item in client.deployables(
                     page_size=None, **self.filters(client, parsed_args)))
        return columns.listing(items, wanted)


class ShowDeployable(command.ShowOne):
    """Show a deployable with its parent and the tree below it."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        fpga.add_deployable_argument(parser, 'Deployable')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = plugin.client(self.app)
        uuid = client.find_deployable(parsed_args.deployable)
        return columns.show(client.deployable(uuid), SHOW_FIELDS,
                            SHOW_FORMATTERS)


class SetDeployable(command.Command):
    """Assign a board or PR region to a project, or put it in maintenance.

    Admins only by default (policy ``deployables:update``).
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        fpga.add_deployable_argument(parser, 'Board or PR region')
        owner = parser.add_mutually_exclusive_group()
        owner.add_argument('--project', metavar='<project>',
                           help='Whose members may load it and whose '
                                'readers may see it (name or ID)')
        owner.add_argument('--no-project', action='store_true',
                           help='Take it back: admins only')
        maintenance = parser.add_mutually_exclusive_group()
        maintenance.add_argument('--maintenance', action='store_true',
                                 help='Refuse every load but an admin\'s '
                                      'forced one')
        maintenance.add_argument('--no-maintenance', action='store_true',
                                 help='Take loads again')
        parser.add_argument('--reason', metavar='<reason>',
                            help='Why, told to whoever is refused (with '
                                 '--maintenance)')
        return parser

    def changes(self, args: argparse.Namespace) -> dict[str, Any]:
        """The body of PATCH /deployables/{uuid}."""
        found: dict[str, Any] = {}
        if args.project:
            found['project_id'] = identity.project_id(
                self.app.client_manager, args.project)
        elif args.no_project:
            found['project_id'] = None
        if args.maintenance:
            found['maintenance'] = True
        elif args.no_maintenance:
            found['maintenance'] = False
        if args.reason is not None:
            if not args.maintenance:
                raise exceptions.CommandError(
                    '--reason goes with --maintenance.')
            found['maintenance_reason'] = args.reason
        if not found:
            raise exceptions.CommandError(
                'Nothing to change: give --project, --no-project, '
                '--maintenance or --no-maintenance.')
        return found

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        client = plugin.client(self.app)
        changes = self.changes(parsed_args)
        client.update_deployable(
            client.find_deployable(parsed_args.deployable), **changes)
