"""python -m cyborg_fpga.tests.bench [--rows ...] [--quick] [--out FILE]

Measures the rows asked for (all by default), prints the table, and with
``--out`` records it in that reStructuredText file. Exits 0 when every
row was measured, whether or not its target was met (a benchmark, not a
test), 1 when a row could not be measured, and 75 when RabbitMQ, MariaDB
or Glance is not there.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from collections.abc import Sequence
import os
import sys
import time
import traceback

import fixtures

from cyborg_fpga.tests.bench import allinone
from cyborg_fpga.tests.bench import bigload
from cyborg_fpga.tests.bench import fleet
from cyborg_fpga.tests.bench import latency
from cyborg_fpga.tests.bench import scale
from cyborg_fpga.tests.bench import sharing
from cyborg_fpga.tests.bench import stack
from cyborg_fpga.tests.bench import table
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.fixtures import glance
from cyborg_fpga.tests.fixtures import services

# In this order: the rows on the shared deployment first, the scale row
# last of them (it leaves 100,000 rows in its database), then the fleet,
# which stops that deployment to have the CPUs to itself.
GROUPS: dict[str, Callable[[stack.Bench], list[table.Row]]] = {
    'latency': latency.run,
    'cache': sharing.run,
    'big': bigload.run,
    'scale': scale.run,
    'fleet': fleet.run,
    'allinone': allinone.run,
}
# Rows measured together with another: asking for one runs its group.
ALIASES = {'cpu': 'latency', 'memory': 'big', 'big-bitstream': 'big',
           'sql': 'scale', 'all-in-one': 'allinone'}
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='python -m cyborg_fpga.tests.bench',
        description='Benchmark cyborg-fpga against floors measured in the '
                    'same run.')
    names = sorted(set(GROUPS) | set(ALIASES))
    parser.add_argument('--rows', default=','.join(GROUPS),
                        help='comma-separated rows among: %s (default: all)'
                        % ', '.join(names))
    parser.add_argument('--quick', action='store_true',
                        help='a smoke run: fewer samples, a 64 MiB '
                             'bitstream, scale up to 10,000')
    parser.add_argument('--out', metavar='FILE',
                        help='record the table in this .rst file, between '
                             'its results markers')
    parser.add_argument('--profile', metavar='DIR',
                        help='record py-spy profiles of our processes during '
                             'the latency, big bitstream and fleet rows')
    args = parser.parse_args(argv)
    wanted = set()
    for name in filter(None, (n.strip() for n in args.rows.split(','))):
        group = ALIASES.get(name, name)
        if group not in GROUPS:
            parser.error('unknown row %r; known: %s' % (name,
                                                        ', '.join(names)))
        wanted.add(group)
    args.groups = [name for name in GROUPS if name in wanted]
    return args


def unavailable(error: BaseException) -> str | None:
    """Why a service the benchmark needs is missing, if that is the error."""
    if isinstance(error, fixtures.MultipleExceptions):
        for _type, value, _tb in error.args:
            if value is not None and (reason := unavailable(value)):
                return reason
        return None
    if isinstance(error, (services.ServiceUnavailable,
                          glance.GlanceUnavailable)):
        return str(error)
    if isinstance(error, database.DatabaseUnavailable):
        return error.reason
    return None


def _first(error: BaseException) -> str:
    """The first line of what went wrong, out of fixtures' wrapping."""
    while isinstance(error, fixtures.MultipleExceptions):
        error = error.args[0][1]
    text = str(error).strip().splitlines()
    return '%s: %s' % (type(error).__name__, text[0][:200] if text else '')


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    mode = 'python -m cyborg_fpga.tests.bench' + (
        ' --quick' if args.quick else '') + (
        ' --rows ' + ','.join(args.groups)
        if len(args.groups) < len(GROUPS) else '')
    machine = table.machine(_REPO)
    rows: list[table.Row] = []
    failed = False
    bench = stack.Bench(stack.Samples.make(args.quick), args.profile)
    try:
        bench.setUp()
    except Exception as e:
        reason = unavailable(e)
        if reason is None:
            raise
        print('benchmark not run: %s' % reason, file=sys.stderr)
        return stack.EX_UNAVAILABLE
    try:
        for name in args.groups:
            started = time.monotonic()
            print('-- %s ...' % name, file=sys.stderr, flush=True)
            try:
                rows.extend(GROUPS[name](bench))
            except Exception as e:
                reason = unavailable(e)
                if reason is not None:
                    print('benchmark not run: %s' % reason, file=sys.stderr)
                    return stack.EX_UNAVAILABLE
                traceback.print_exc()
                failed = True
                rows.append(table.Row(name, _first(e), None, '', target='',
                                      note='NOT MEASURED'))
            print('-- %s done in %.0f s' % (name, time.monotonic() - started),
                  file=sys.stderr, flush=True)
    finally:
        bench.cleanUp()
    print(table.render(rows))
    if args.out:
        table.record(args.out, rows, mode, machine)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
