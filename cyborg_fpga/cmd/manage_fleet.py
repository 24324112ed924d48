"""cyborg-fpga-manage fleet: move boards to a new shell, from any console.

    fleet plan TARGET [--host H]... [--vendor V] [--board B]
                      [--current-shell S]... [--format table|json]
    fleet apply TARGET [same selection] [--max-parallel N]
                       [--max-per-host N] [--result-file FILE] [--dry-run]
    fleet apply --resume FILE [--max-parallel N] [--max-per-host N]
                              [--result-file FILE] [--dry-run]

It talks to the REST API as an admin (Keystone credentials from the
``OS_*`` environment or ``--os-*`` options, as the openstack client takes
them), never to the database, and reads no configuration file. Exit codes:
0 every step done, 1 some failed, were skipped or could not be planned,
2 usage, 130 interrupted (Ctrl-C; the result file says how far it got).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import datetime
import json
import logging
import signal
import sys
import threading
from typing import Any

from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1 import loading
import requests

from cyborg_fpga.client import api
from cyborg_fpga.fleet import apply
from cyborg_fpga.fleet import plan as fleet_plan
from cyborg_fpga.fleet import progress as fleet_progress
from cyborg_fpga.fleet import report
from cyborg_fpga.fleet import results
from cyborg_fpga.fleet import survey as fleet_survey

DONE, FAILED, USAGE, INTERRUPTED = 0, 1, 2, 130
DEFAULT_MAX_PARALLEL = 10
# One load at a time per host unless asked: what a host's PCIe bus and
# power budget take without anyone having to think about them.
DEFAULT_MAX_PER_HOST = 1


class UsageError(Exception):
    pass


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError('%r is not a positive whole number'
                                         % value)
    return number


def _selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--host', dest='hosts', action='append', default=[], metavar='HOST',
        help='only boards of this host (repeat for several); default all')
    parser.add_argument('--vendor', help="only this vendor's boards (the "
                                         "target's anyway)")
    parser.add_argument('--board', help='only boards of this model (the '
                                        "target's anyway)")
    parser.add_argument(
        '--current-shell', dest='current_shells', action='append',
        default=[], metavar='SHELL',
        help='only boards running this shell: a bitstream name or id, or '
             'the interface UUID (bs-uuid) the boards report; repeatable')


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    identity = argparse.ArgumentParser(add_help=False)
    loading.register_session_argparse_arguments(identity)
    # As the openstack client: a password unless OS_AUTH_TYPE says
    # otherwise (admin_token with OS_ENDPOINT and OS_TOKEN for a noauth
    # deployment).
    loading.register_auth_argparse_arguments(identity, list(argv),
                                             default='password')
    loading.register_adapter_argparse_arguments(identity,
                                                service_type=api.SERVICE_TYPE)
    identity.add_argument('--debug', action='store_true',
                          help='log every request on stderr')

    parser = argparse.ArgumentParser(
        prog='cyborg-fpga-manage fleet',
        description='Migrate boards to a new shell and reload the tenant '
                    'functions of their PR regions, through the REST API.')
    actions = parser.add_subparsers(dest='action', required=True)

    plan = actions.add_parser(
        'plan', parents=[identity],
        help='list what apply would load where; changes nothing')
    plan.add_argument('target', metavar='TARGET',
                      help='the new shell bitstream: name or image id')
    _selection(plan)
    plan.add_argument('--format', choices=('table', 'json'),
                      default='table')

    run = actions.add_parser(
        'apply', parents=[identity],
        help='load the target shell on the selected boards and reload the '
             'tenant functions')
    run.add_argument('target', metavar='TARGET', nargs='?',
                     help='the new shell bitstream: name or image id')
    _selection(run)
    run.add_argument('--resume', metavar='FILE',
                     help='retry what failed or never ran in the result '
                          'file of an earlier apply (no TARGET then)')
    run.add_argument('--max-parallel', type=_positive,
                     default=DEFAULT_MAX_PARALLEL, metavar='N',
                     help='loads at once in the whole fleet (default %d)'
                          % DEFAULT_MAX_PARALLEL)
    run.add_argument('--max-per-host', type=_positive,
                     default=DEFAULT_MAX_PER_HOST, metavar='N',
                     help='loads at once on one host (default %d)'
                          % DEFAULT_MAX_PER_HOST)
    run.add_argument('--result-file', metavar='FILE',
                     help='where to write the outcome (default '
                          'fleet-<UTC time>.json, or the --resume file)')
    run.add_argument('--dry-run', action='store_true',
                     help='print what would be loaded and stop')
    run.add_argument('--format', choices=('table', 'json'), default='table',
                     help='of the --dry-run output')
    return parser


def make_client(args: argparse.Namespace) -> api.Client:
    try:
        auth = loading.load_auth_from_argparse_arguments(args)
    except ksa_exc.MissingRequiredOptions as e:
        raise UsageError('Credentials are missing: %s (set OS_* variables '
                         'or --os-* options).' % e) from e
    if auth is None:
        raise UsageError('No credentials: set OS_AUTH_TYPE and OS_* '
                         'variables, or --os-* options.')
    session = loading.load_session_from_argparse_arguments(args, auth=auth)
    # One connection per load in flight, instead of requests' 10.
    pool = max(getattr(args, 'max_parallel', 1), 1) + 2
    adapter = requests.adapters.HTTPAdapter(pool_connections=pool,
                                            pool_maxsize=pool)
    for scheme in ('http://', 'https://'):
        session.session.mount(scheme, adapter)
    return api.Client(session, endpoint_override=args.os_endpoint_override,
                      interface=args.os_interface,
                      region_name=args.os_region_name,
                      service_type=args.os_service_type or api.SERVICE_TYPE)


def _plan(client: api.Client, args: argparse.Namespace
          ) -> fleet_plan.Plan:
    survey = fleet_survey.Survey(client)
    try:
        target = survey.target(args.target)
    except (api.NameNotFound, api.NameNotUnique,
            fleet_plan.PlanError) as e:
        raise UsageError(str(e)) from e
    try:
        return survey.plan(target, hosts=args.hosts, vendor=args.vendor,
                           board=args.board,
                           current_shells=args.current_shells)
    except (api.NameNotFound, api.NameNotUnique,
            fleet_plan.PlanError) as e:
        raise UsageError(str(e)) from e


def _show(plan: fleet_plan.Plan, output_format: str) -> None:
    if output_format == 'json':
        print(json.dumps(plan.to_dict(), indent=2, sort_keys=True))
    else:
        print(report.plan_table(plan))


def do_plan(client: api.Client, args: argparse.Namespace) -> int:
    _show(_plan(client, args), args.format)
    return DONE


def _resumed(client: api.Client, args: argparse.Namespace
             ) -> tuple[fleet_plan.Plan, dict[str, Any]]:
    given = [name for name, value in (
        ('TARGET', args.target), ('--host', args.hosts),
        ('--vendor', args.vendor), ('--board', args.board),
        ('--current-shell', args.current_shells)) if value]
    if given:
        raise UsageError('--resume takes the target and the selection from '
                         'its file; drop %s.' % ', '.join(given))
    try:
        plan, meta = results.load(args.resume)
    except results.ResultFileError as e:
        raise UsageError(str(e)) from e
    fleet_plan.reopen(plan)
    fleet_survey.Survey(client).recheck(plan)
    return plan, meta


def do_apply(client: api.Client, args: argparse.Namespace) -> int:
    if args.resume:
        plan, meta = _resumed(client, args)
        path = args.result_file or args.resume
        runs = list(meta.get('runs') or [])
    elif args.target:
        plan = _plan(client, args)
        path = args.result_file or results.default_path()
        runs = []
    else:
        raise UsageError('apply needs TARGET, or --resume FILE.')
    total = apply.pending_loads(plan)
    bounds = ('at most %d at once and %d per host'
              % (args.max_parallel, args.max_per_host))
    if args.dry_run:
        _show(plan, args.format)
        if args.format == 'table':
            print('Dry run: apply would run %d loads, %s, and write %s. '
                  'Nothing was changed.' % (total, bounds, path))
        return DONE

    runs.append({'started_at': _now(), 'finished_at': None,
                 'max_parallel': args.max_parallel,
                 'max_per_host': args.max_per_host, 'interrupted': False})
    meta = {'runs': runs}
    saver = results.Saver(path, plan, meta)
    # Written before the first load, so that even a killed command leaves
    # a file to resume from.
    saver.save()
    progress = fleet_progress.Progress(total, plan.target, sys.stderr)
    print('Running %d loads, %s; result file %s.' % (total, bounds, path),
          file=sys.stderr, flush=True)

    def listener(event: str, load: apply.Load) -> None:
        progress(event, load)
        if event == 'finish':
            saver.maybe_save()

    stop = threading.Event()
    runner = apply.Runner(plan, lambda load: _program(client, plan, load),
                          max_parallel=args.max_parallel,
                          max_per_host=args.max_per_host, stop=stop,
                          listener=listener)

    def on_signal(signum: int, frame: Any) -> None:
        if stop.is_set():
            return
        stop.set()
        progress.note('Stopping: %d loads in flight will finish, no new '
                      'one starts (Ctrl-C again to stop waiting).'
                      % progress.running)
        # The second Ctrl-C raises KeyboardInterrupt in the runner.
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = {s: signal.signal(s, on_signal)
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        interrupted = runner.run()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        progress.close()
        runs[-1].update(finished_at=_now(), interrupted=stop.is_set())
        saver.save()

    print(report.summary_table(plan))
    print('Result file: %s' % path)
    resume = 'cyborg-fpga-manage fleet apply --resume %s' % path
    if interrupted:
        print('Interrupted before the end; to go on: %s' % resume,
              file=sys.stderr)
        return INTERRUPTED
    if not plan.finished:
        print('Not every step is done (see the table); when the causes are '
              'fixed: %s' % resume, file=sys.stderr)
        return FAILED
    return DONE


def _program(client: api.Client, plan: fleet_plan.Plan,
             load: apply.Load) -> None:
    bitstream = plan.target.uuid if load.is_shell else load.bitstream
    try:
        client.program(load.deployable, bitstream)
    except api.ApiError as e:
        raise apply.LoadFailed(e.code, '%s (HTTP %d)'
                               % (e.message, e.status)) from e
    except (api.ClientError, ksa_exc.ClientException) as e:
        raise apply.LoadFailed(None, str(e) or type(e).__name__) from e


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def main(argv: Sequence[str]) -> int:
    argv = list(argv)
    try:
        args = build_parser(argv).parse_args(argv)
    except SystemExit as e:
        # argparse exits 2 on a usage error and 0 for --help.
        return int(e.code or 0)
    except ksa_exc.NoMatchingPlugin as e:
        print('Unknown --os-auth-type: %s' % e, file=sys.stderr)
        return USAGE
    logging.basicConfig(stream=sys.stderr,
                        level=logging.DEBUG if args.debug else logging.WARNING,
                        format='%(levelname)s %(name)s: %(message)s')
    try:
        client = make_client(args)
        if args.action == 'plan':
            return do_plan(client, args)
        return do_apply(client, args)
    except UsageError as e:
        print(e, file=sys.stderr)
        return USAGE
    except (api.ClientError, ksa_exc.ClientException, OSError) as e:
        # One line an operator can act on: the service's code when it
        # gave one (ApiError's str has it).
        print('Error: %s' % (str(e) or type(e).__name__), file=sys.stderr)
        return FAILED


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
