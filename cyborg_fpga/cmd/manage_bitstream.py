"""cyborg-fpga-manage bitstream: bitstreams in Glance, as the service.

    bitstream validate (--metadata FILE | --image UUID)
    bitstream upload FILE --metadata FILE [--name NAME]
                          [--visibility private|public|shared|community]
    bitstream list [--vendor V] [--board B] [--function-uuid U]
                   [--region-uuid U] [--shell-id U] [--name NAME]
                   [--format table|json]
    bitstream show UUID [--format table|json]

The service's own identity reaches Glance (``image/service_client.py``);
``list`` filters in Glance, never here. Exit codes: 0 done, 1 invalid or
failed (each problem on a line of stderr), 2 usage.
"""

from __future__ import annotations

from collections.abc import Callable
import functools
import json
import sys
from typing import Any

from keystoneauth1 import exceptions as ksa_exc
from oslo_config import cfg

from cyborg_fpga.cmd import common
from cyborg_fpga import exception
from cyborg_fpga.image import base
from cyborg_fpga.image import glance
from cyborg_fpga.image import metadata as md
from cyborg_fpga.image import metadata_file
from cyborg_fpga.image import service_client
from cyborg_fpga.image import upload

FORMATS = ('table', 'json')
# Listing columns: Glance's id and name, then what tells bitstreams apart.
_COLUMNS = (('ID', 'id'), ('Name', 'name'), ('Vendor', 'vendor'),
            ('Board', 'board'), ('Version', 'version'),
            ('Function', 'function_name'), ('Shell', 'shell_id'),
            ('Visibility', 'visibility'))


class Failed(Exception):
    """The command cannot do its job; ``lines`` say why, one per line."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__('; '.join(lines))
        self.lines = lines


def _failing_cleanly(func: Callable[[cfg.ConfigOpts], int]
                     ) -> Callable[[cfg.ConfigOpts], int]:
    # Errors an operator can act on end as exit code 1 and their message,
    # not a traceback; anything else is a bug and keeps its traceback.
    @functools.wraps(func)
    def wrapper(conf: cfg.ConfigOpts) -> int:
        try:
            return func(conf)
        except Failed as e:
            lines = e.lines
        except exception.FpgaError as e:
            lines = [e.message]
        except (upload.UploadFailed, cfg.Error, ksa_exc.ClientException,
                OSError) as e:
            lines = [str(e)] + list(getattr(e, '__notes__', ()))
        for line in lines:
            print(line, file=sys.stderr)
        return 1
    return wrapper


def _read_metadata(path: str) -> dict[str, Any]:
    try:
        return metadata_file.read(path)
    except metadata_file.Unreadable as e:
        raise Failed([str(e)]) from e


def _problems_or_ok(problems: list[md.Problem], ok: str) -> int:
    if problems:
        raise Failed([str(p) for p in problems])
    print(ok)
    return 0


@_failing_cleanly
def _validate(conf: cfg.ConfigOpts) -> int:
    args = conf.category
    if args.metadata_file:
        return _problems_or_ok(
            upload.problems(_read_metadata(args.metadata_file)),
            '%s meets the bitstream metadata standard.' % args.metadata_file)
    bitstream = _get(conf, args.image_uuid, fpga_only=False)
    return _problems_or_ok(
        md.validate(bitstream.properties, bitstream.tags),
        'Image %s meets the bitstream metadata standard.' % bitstream.uuid)


@_failing_cleanly
def _upload(conf: cfg.ConfigOpts) -> int:
    args = conf.category
    metadata = _read_metadata(args.metadata_file)
    # Checked here too, to print each problem on a line of its own.
    problems = upload.problems(metadata)
    if problems:
        raise Failed([str(p) for p in problems])
    image = upload.upload(service_client.client(conf), args.bitstream_file,
                          metadata, name=args.image_name,
                          visibility=args.image_visibility)
    print(image['id'])
    return 0


def _get(conf: cfg.ConfigOpts, uuid: str, fpga_only: bool = True
         ) -> base.Bitstream:
    service = glance.GlanceImageService(conf)
    bitstream = service.get(service_client.service_context(conf), uuid)
    if fpga_only and not bitstream.is_fpga:
        raise Failed(['Image %s is not tagged %s: it is not a bitstream.'
                      % (uuid, base.FPGA_TAG)])
    return bitstream


def _view(bitstream: base.Bitstream) -> dict[str, Any]:
    return {'id': bitstream.uuid, 'name': bitstream.name,
            'status': bitstream.status, 'visibility': bitstream.visibility,
            'owner': bitstream.owner, 'size': bitstream.size,
            'os_hash_algo': bitstream.os_hash_algo,
            'os_hash_value': bitstream.os_hash_value,
            'tags': list(bitstream.tags),
            'properties': dict(bitstream.properties)}


@_failing_cleanly
def _list(conf: cfg.ConfigOpts) -> int:
    args = conf.category
    filters = {key: getattr(args, 'filter_' + key)
               for key in md.FILTER_KEYS
               if getattr(args, 'filter_' + key) is not None}
    service = glance.GlanceImageService(conf)
    found = service.list(service_client.service_context(conf), filters)
    views = [_view(bitstream) for bitstream in found]
    if args.output_format == 'json':
        print(json.dumps(views, indent=2, sort_keys=True))
        return 0
    rows = []
    for view in views:
        fields = dict(view['properties'], id=view['id'], name=view['name'],
                      visibility=view['visibility'])
        rows.append([str(fields.get(key) or '-') for _, key in _COLUMNS])
    print(common.table([title for title, _ in _COLUMNS], rows))
    return 0


@_failing_cleanly
def _show(conf: cfg.ConfigOpts) -> int:
    args = conf.category
    view = _view(_get(conf, args.bitstream_uuid))
    if args.output_format == 'json':
        print(json.dumps(view, indent=2, sort_keys=True))
        return 0
    properties = view.pop('properties')
    view['tags'] = ', '.join(view['tags'])
    lines = ['%s: %s' % (key, '' if value is None else value)
             for key, value in view.items()]
    # The standard's keys in its order, null ones too, then the others.
    lines += ['%s: %s' % (key, properties.get(key) or '(null)')
              for key in md.KEY_NAMES]
    lines += ['%s: %s' % (key, properties[key])
              for key in sorted(set(properties) - set(md.KEY_NAMES))]
    print('\n'.join(lines))
    return 0


def add_parsers(subparsers: Any) -> None:
    """Add the ``bitstream`` category to cyborg-fpga-manage."""
    # Argument dests never take the name of an option or group ('image',
    # 'name'): oslo.config's sub-command namespace would shadow them.
    bitstream = subparsers.add_parser('bitstream',
                                      help='bitstreams in Glance')
    actions = bitstream.add_subparsers(dest='action', required=True)

    validate = actions.add_parser(
        'validate', help='check metadata against the bitstream metadata '
                         'standard; print every problem')
    source = validate.add_mutually_exclusive_group(required=True)
    source.add_argument('--metadata', dest='metadata_file', metavar='FILE',
                        help='a metadata JSON file')
    source.add_argument('--image', dest='image_uuid', metavar='UUID',
                        help='an image in Glance: its properties and tags')
    validate.set_defaults(func=_validate)

    up = actions.add_parser('upload', help='upload a bitstream to Glance; '
                                           'print its image id')
    up.add_argument('bitstream_file', metavar='FILE')
    up.add_argument('--metadata', dest='metadata_file', metavar='FILE',
                    required=True, help='its metadata JSON file')
    up.add_argument('--name', dest='image_name', metavar='NAME',
                    help='the image name (default: bs-name)')
    up.add_argument('--visibility', dest='image_visibility',
                    choices=upload.VISIBILITIES, default='private')
    up.set_defaults(func=_upload)

    listing = actions.add_parser('list', help='bitstreams the service sees')
    for key in md.FILTER_KEYS:
        listing.add_argument('--' + key.replace('_', '-'),
                             dest='filter_' + key, metavar='VALUE',
                             help='only those whose %s is VALUE' % key)
    listing.add_argument('--format', dest='output_format', choices=FORMATS,
                         default='table')
    listing.set_defaults(func=_list)

    show = actions.add_parser('show', help='one bitstream')
    show.add_argument('bitstream_uuid', metavar='UUID')
    show.add_argument('--format', dest='output_format', choices=FORMATS,
                      default='table')
    show.set_defaults(func=_show)
