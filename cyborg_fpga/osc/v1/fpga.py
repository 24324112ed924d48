"""openstack fpga program | show | history: loads and what they left."""

from __future__ import annotations

import argparse
from typing import Any

from osc_lib.command import command

from cyborg_fpga.client import api
from cyborg_fpga.osc import columns
from cyborg_fpga.osc import plugin

# GET /fpga/{uuid}, in the order a reader wants it: which device, what it
# holds, how the last load went.
FPGA_FIELDS = ('uuid', 'name', 'host', 'kind', 'state', 'loaded_bitstream',
               'loaded_at', 'loaded_metadata', 'last_program')
FPGA_FORMATTERS: dict[str, Any] = {
    'loaded_metadata': columns.MappingColumn,
    'last_program': columns.MappingColumn,
}
# (header, field) of the history listing; --long adds the second tuple.
HISTORY_COLUMNS = (('Started', 'started_at'), ('Result', 'result'),
                   ('Code', 'code'), ('Error code', 'error_code'),
                   ('Bitstream', 'bitstream'), ('User', 'user_id'),
                   ('Project', 'project_id'), ('Duration (ms)', 'duration_ms'),
                   ('Reason', 'reason'))
HISTORY_LONG_COLUMNS = (('Finished', 'finished_at'), ('Host', 'host'),
                        ('Request', 'request_id'))


def bitstream_uuid(client: api.Client, name_or_uuid: str) -> str:
    """A UUID as given, a name looked up.

    A UUID is not looked up first: the load itself answers the
    specification's 422 for a bitstream the caller cannot see.
    """
    if api.is_uuid(name_or_uuid):
        return name_or_uuid.lower()
    return str(client.find_bitstream(name_or_uuid)['uuid'])


def add_deployable_argument(parser: argparse.ArgumentParser,
                            what: str = 'FPGA or PR region') -> None:
    parser.add_argument(
        'deployable', metavar='<deployable>',
        help='%s: UUID, name, or HOST:NAME when names repeat across '
             'hosts' % what)


class ProgramFpga(command.ShowOne):
    """Load a bitstream onto an FPGA or PR region, and wait until it is on.

    Shows the deployable afterwards, as ``openstack fpga show`` does.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_deployable_argument(parser)
        parser.add_argument('bitstream', metavar='<bitstream>',
                            help='Bitstream (Glance image): UUID or name')
        parser.add_argument(
            '--force', action='store_true',
            help='Load even what the device already holds, skip the '
                 'compatibility check and load a deployable in maintenance '
                 '(admins only by default)')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = plugin.client(self.app)
        deployable = client.find_deployable(parsed_args.deployable)
        client.program(deployable,
                       bitstream_uuid(client, parsed_args.bitstream),
                       force=parsed_args.force)
        return columns.show(client.fpga(deployable), FPGA_FIELDS,
                            FPGA_FORMATTERS)


class ShowFpga(command.ShowOne):
    """Show what an FPGA or PR region holds, its state and its last load."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_deployable_argument(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = plugin.client(self.app)
        deployable = client.find_deployable(parsed_args.deployable)
        return columns.show(client.fpga(deployable), FPGA_FIELDS,
                            FPGA_FORMATTERS)


class FpgaHistory(command.Lister):
    """List the loads of an FPGA or PR region, newest first.

    Refused attempts too: they never touched the device.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_deployable_argument(parser)
        parser.add_argument('--limit', metavar='<n>', type=int,
                            help='At most this many entries (the service '
                                 'gives 50 by default)')
        parser.add_argument('--long', action='store_true',
                            help='Also the end, host and request id')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = plugin.client(self.app)
        deployable = client.find_deployable(parsed_args.deployable)
        wanted: tuple[tuple[str, str], ...] = HISTORY_COLUMNS
        if parsed_args.long:
            wanted += HISTORY_LONG_COLUMNS
        return columns.listing(
            client.history(deployable, limit=parsed_args.limit), wanted)
