"""The scale rows, and the SQL statements of one load.

The main deployment's database is filled, in bulk and by the admin's
connection, with boards and PR regions of hosts that have no agent, up to
100, 10,000 and 100,000 deployables. At each size: p50 of a load on a
real agent's region (alternating two cached bitstreams) and of the first
page of ``GET /deployables?limit=100`` (the same 100 rows at every size,
so only the lookup can grow). At the smallest and the largest size the
statements of a number of loads are counted on the server.
"""

from __future__ import annotations

from collections.abc import Callable
import os
import time
import uuid

from sqlalchemy import func
from sqlalchemy import select

from cyborg_fpga.db import models
from cyborg_fpga.tests.bench import measure
from cyborg_fpga.tests.bench import sql
from cyborg_fpga.tests.bench import stack
from cyborg_fpga.tests.bench.table import Row

PAGE = 100
_BATCH = 5000
_REGIONS_PER_FAKE_BOARD = 3
# Long enough for the agent's report after the last load to land in the
# counted window, as it does after every load.
_SETTLE_SECONDS = 2.0


def run(bench: stack.Bench) -> list[Row]:
    db, deployment = bench.main()
    host = deployment.hosts[stack.MAIN_HOSTS[0]]
    region = host.regions[1]
    project, client = bench.tenant(deployment, [region])
    admin = stack.ApiClient(deployment.url, 'admin:admin')
    images = [bench.bitstream(host, project, os.urandom(64 * 1024))
              for _ in range(2)]
    for image in images:
        client.load(region, image)

    sizes = bench.samples.scale_sizes
    small, big = sizes[0], sizes[-1]
    page = '/deployables?limit=%d' % PAGE
    loads: dict[int, float] = {}
    pages: dict[int, float] = {}
    counted: dict[int, tuple[sql.Counts, sql.Counts]] = {}
    for size in sizes:
        _fill(db, size)
        for i in range(3):  # the new rows into the buffer pool
            client.load(region, images[i % 2])
            admin.get(page)
        # Interleaved, so that the machine's noise of the moment touches
        # both alike.
        load_samples, page_samples = [], []
        for i in range(bench.samples.scale_loads):
            load_samples.append(client.load(region, images[i % 2]))
            page_samples.append(admin.get(page))
        loads[size] = measure.percentile(load_samples, 50)
        pages[size] = measure.percentile(page_samples, 50)
        if size in (small, big):
            n = bench.samples.sql_loads
            counted[size] = (
                _count(db, n, lambda i: client.load(region, images[i % 2])),
                _count(db, n, lambda i: admin.get(page)))

    rows = []
    for label, figures in (('a load', loads), ('GET ' + page, pages)):
        for size in sizes:
            top = size == big
            rows.append(Row(
                'scale', 'p50 of %s with %s deployables (%d samples)' % (
                    label, _n(size), bench.samples.scale_loads),
                figures[size] * 1e3, 'ms', figures[small] * 1e3,
                target='<= 1.2x at 100,000' if top else '',
                limit=1.2 if top else None,
                note='(quick: at %s)' % _n(size)
                if top and size != 100_000 else ''))
    return rows + _sql_rows(db, counted, small, big,
                            bench.samples.sql_loads)


def _sql_rows(db: sql.BenchDatabase,
              counted: dict[int, tuple[sql.Counts, sql.Counts]],
              small: int, big: int, n: int) -> list[Row]:
    """Statements and rows read per load, rows read per page."""
    def statements(counts: sql.Counts) -> float:
        return (counts.selects + counts.writes) / n

    rows = []
    for what, pick, unit, value in (
            ('SQL statements (SELECT, INSERT, UPDATE, DELETE) per load',
             0, '', statements),
            ('rows MariaDB read per load', 0, 'rows',
             lambda c: c.rows_read / n),
            ('rows MariaDB read per GET ' + '/deployables?limit=%d' % PAGE,
             1, 'rows', lambda c: c.rows_read / n)):
        for size in (small, big):
            counts = counted[size][pick]
            detail = ('%.1f SELECT, %.1f writes, and %.1f COMMIT, ROLLBACK '
                      'or other; ' % (counts.selects / n, counts.writes / n,
                                      counts.other / n)
                      if value is statements else '')
            row = Row(
                'sql', '%s with %s deployables (%s%d of them, and any '
                'report they trigger; %s)' % (what, _n(size), detail, n,
                                              db.method),
                value(counts), unit, value(counted[small][pick]),
                target='')
            if size == big and pick == 1:
                # A page reads its rows and the one that says whether a
                # next page exists, however many there are.
                row.target, row.limit, row.absolute = (
                    '<= %d rows' % (PAGE + 1), PAGE + 1, True)
            elif size == big:
                row.target, row.limit = 'no growth', 1.0
            rows.append(row)
    return rows


def _n(size: int) -> str:
    return '{:,}'.format(size)


def _count(db: sql.BenchDatabase, n: int,
           call: Callable[[int], object]) -> sql.Counts:
    """What MariaDB counted for ``n`` calls of ``call``."""
    time.sleep(_SETTLE_SECONDS)  # whatever came before has landed
    before = db.counts()
    for i in range(n):
        call(i)
    time.sleep(_SETTLE_SECONDS)
    return db.counts() - before


def _fill(db: sql.BenchDatabase, size: int) -> None:
    """Add boards and regions of agentless hosts until there are ``size``."""
    table = models.Base.metadata.tables['deployables']
    with db.engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(table)).scalar()
    missing = size - int(have or 0)
    now = models.utcnow()
    rows: list[dict[str, object]] = []
    while missing > 0:
        board = str(uuid.uuid4())
        fake_host = 'bench-fake-%s' % uuid.uuid4().hex[:12]
        group = [_row(board, fake_host, models.BOARD, None, now)]
        group += [_row(str(uuid.uuid4()), fake_host, models.REGION, board,
                       now)
                  for _ in range(min(_REGIONS_PER_FAKE_BOARD, missing - 1))]
        rows.extend(group)
        missing -= len(group)
    # Boards first: a region's foreign key needs its board.
    boards = [r for r in rows if r['kind'] == models.BOARD]
    regions = [r for r in rows if r['kind'] == models.REGION]
    with db.engine.begin() as conn:
        for part in (boards, regions):
            for start in range(0, len(part), _BATCH):
                conn.execute(table.insert(), part[start:start + _BATCH])
    with db.engine.begin() as conn:
        # Fresh statistics, as a database that grew over months would have.
        conn.exec_driver_sql('ANALYZE TABLE deployables')


def _row(deployable: str, host: str, kind: str, parent: str | None,
         now: object) -> dict[str, object]:
    return {'uuid': deployable, 'host': host, 'kind': kind,
            'parent_uuid': parent, 'name': kind, 'vendor': 'Xilinx',
            'board': 'U250', 'address': '0000:3b:00.0', 'driver': 'fake',
            'region_type_uuid': None if kind == models.BOARD
            else str(uuid.uuid4()), 'state': models.READY,
            'created_at': now}
