"""openstack fpga bitstream list | show | validate | create.

``list`` and ``show`` ask the cyborg-fpga API, which asks Glance as the
caller; ``create`` uploads to Glance as the caller, by the bitstream
metadata standard (``cyborg_fpga/image/upload.py``); ``validate`` checks a
metadata file (offline) or an image's properties and tags.
"""

from __future__ import annotations

import argparse
from typing import Any

from glanceclient import exc as glance_exc
from osc_lib.command import command
from osc_lib import exceptions

from cyborg_fpga import exception
from cyborg_fpga.image import glance as image_glance
from cyborg_fpga.image import metadata as md
from cyborg_fpga.image import metadata_file
from cyborg_fpga.image import upload
from cyborg_fpga.osc import columns
from cyborg_fpga.osc import glance
from cyborg_fpga.osc import plugin

LIST_COLUMNS = (('UUID', 'uuid'), ('Name', 'name'), ('Vendor', 'vendor'),
                ('Board', 'board'), ('Version', 'version'),
                ('Function', 'function_name'), ('Shell', 'shell_id'),
                ('Visibility', 'visibility'))
LONG_COLUMNS = (('Region type', 'region_uuid'), ('Status', 'status'),
                ('Size', 'size'), ('Owner', 'owner'))
SHOW_FIELDS = ('uuid', 'name', 'status', 'visibility', 'owner', 'size',
               'tags', 'os_hash_algo', 'os_hash_value', 'properties')
SHOW_FORMATTERS: dict[str, Any] = {'tags': columns.ListColumn,
                                   'properties': columns.MappingColumn}


def _flat(bitstream: dict[str, Any]) -> dict[str, Any]:
    # The standard's keys are image properties; a listing shows them as
    # columns beside the image's own fields.
    return dict(bitstream.get('properties') or {}, **bitstream)


def _failure(problems: list[md.Problem] | list[str]
             ) -> exceptions.CommandError:
    return exceptions.CommandError('\n'.join(str(p) for p in problems))


def _read_metadata(path: str) -> dict[str, Any]:
    try:
        return metadata_file.read(path)
    except (metadata_file.Unreadable, OSError) as e:
        raise exceptions.CommandError(str(e)) from e


class ListBitstream(command.Lister):
    """List the FPGA bitstreams you may see in the image service."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        for key in md.FILTER_KEYS:
            parser.add_argument(
                '--' + key.replace('_', '-'), dest=key,
                metavar='<%s>' % key.replace('_', '-'),
                help='Only bitstreams whose %s is this (compared exactly)'
                     % key)
        parser.add_argument('--limit', metavar='<n>', type=int,
                            help='At most this many')
        parser.add_argument('--long', action='store_true',
                            help='Also the region type, status, size and '
                                 'owner')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = plugin.client(self.app)
        filters = {key: getattr(parsed_args, key)
                   for key in md.FILTER_KEYS}
        wanted = LIST_COLUMNS + (LONG_COLUMNS if parsed_args.long else ())
        found = client.bitstreams(limit=parsed_args.limit, **filters)
        return columns.listing((_flat(b) for b in found), wanted)


class ShowBitstream(command.ShowOne):
    """Show an FPGA bitstream: the image and its metadata."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('bitstream', metavar='<bitstream>',
                            help='Bitstream (Glance image): UUID or name')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = plugin.client(self.app)
        return columns.show(client.find_bitstream(parsed_args.bitstream),
                            SHOW_FIELDS, SHOW_FORMATTERS)


class ValidateBitstream(command.Command):
    """Check metadata against the bitstream metadata standard.

    A metadata file is checked here, without logging in; an image is read
    from the image service as you. Every problem is printed, one a line,
    and the exit code is 1 when there is any.
    """

    # A file needs no cloud; take_action logs in for --image only.
    auth_required = False

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument('--metadata', metavar='<file>',
                            help='A metadata JSON file')
        source.add_argument('--image', metavar='<image>',
                            help='An image in the image service (UUID or '
                                 'name): its properties and tags')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        if parsed_args.metadata:
            problems = upload.problems(_read_metadata(parsed_args.metadata))
            what = parsed_args.metadata
        else:
            # The shell's own login steps, now that a login is needed.
            self.auth_required = True
            self.app.prepare_to_run_command(self)
            client = glance.client(self.app.client_manager)
            try:
                image = image_glance.to_bitstream(
                    glance.find_image(client, parsed_args.image))
            except glance_exc.HTTPNotFound as e:
                raise exceptions.CommandError(
                    'No image %s, or not one you may see.'
                    % parsed_args.image) from e
            except glance_exc.HTTPException as e:
                raise exceptions.CommandError(
                    'Glance answered %s: %s' % (e.code, e.details)) from e
            problems = md.validate(image.properties, image.tags)
            what = 'Image %s' % image.uuid
        if problems:
            raise _failure(problems)
        self.app.stdout.write('%s meets the bitstream metadata standard.\n'
                              % what)


class CreateBitstream(command.ShowOne):
    """Upload a bitstream to the image service by the metadata standard.

    The metadata becomes the image's properties and the image is tagged
    FPGA; the file streams up and Glance's sha512 of it is compared with
    the file's. Any failure after the image exists deletes it.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', nargs='?',
                            help='Image name (default: the metadata\'s '
                                 'bs-name)')
        parser.add_argument('--file', metavar='<file>', required=True,
                            help='The bitstream file')
        parser.add_argument('--metadata', metavar='<file>', required=True,
                            help='Its metadata, a JSON file')
        parser.add_argument('--visibility', choices=upload.VISIBILITIES,
                            default='private',
                            help='Who may see it (default: private; '
                                 'public needs an admin)')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        metadata = _read_metadata(parsed_args.metadata)
        # Before anything is created: every problem, one a line.
        problems = upload.problems(metadata)
        if problems:
            raise _failure(problems)
        try:
            image = upload.upload(glance.client(self.app.client_manager),
                                  parsed_args.file, metadata,
                                  name=parsed_args.name,
                                  visibility=parsed_args.visibility)
        except (upload.UploadFailed, exception.FpgaError, OSError) as e:
            raise _failure([str(e)] + list(getattr(e, '__notes__', ()))
                           ) from e
        bitstream = image_glance.to_bitstream(image).to_dict()
        return columns.show(bitstream, SHOW_FIELDS, SHOW_FORMATTERS)
