"""sync_inventory: the database follows what each agent reports."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import sqlalchemy as sa

from cyborg_fpga.db import models
from cyborg_fpga import exception
from cyborg_fpga.tests.unit.db import base
from cyborg_fpga.tests.unit.db.base import report

HOST = base.HOST
LONG_AGO = datetime.datetime(2026, 1, 1, 0, 0, 0)


class TestSyncInventory(base.DbTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.board = base.new_uuid()
        self.region = base.new_uuid()
        self.reports = [
            report(self.board, loaded_bitstream='shell-1'),
            report(self.region, kind='region', parent_uuid=self.board,
                   region_type_uuid='type-1', loaded_bitstream='image-1'),
        ]

    def sync(self, reports: list[dict[str, Any]] | None = None,
             host: str = HOST) -> None:
        self.dbapi.sync_inventory(
            host, ['fake'], self.reports if reports is None else reports)

    def get(self, uuid: str) -> models.Deployable:
        return self.dbapi.get_deployable(uuid)

    def uuids(self, host: str = HOST) -> list[str]:
        return [d.uuid for d in self.dbapi.list_deployables(host=host)]

    def test_new(self) -> None:
        before = models.utcnow()
        self.sync()
        self.assertEqual([self.board, self.region], self.uuids())
        region = self.get(self.region)
        self.assertEqual(HOST, region.host)
        self.assertEqual('region', region.kind)
        self.assertEqual(self.board, region.parent_uuid)
        self.assertEqual('type-1', region.region_type_uuid)
        self.assertEqual('fake', region.driver)
        self.assertEqual('Xilinx', region.vendor)
        self.assertEqual(models.READY, region.state)
        self.assertEqual('image-1', region.loaded_bitstream)
        self.assertNotBefore(region.loaded_at, before)
        self.assertIsNone(region.lock_owner)

    def test_new_without_bitstream(self) -> None:
        self.sync([report(self.board)])
        self.assertIsNone(self.get(self.board).loaded_bitstream)
        self.assertIsNone(self.get(self.board).loaded_at)

    def test_children_before_parents_in_the_report(self) -> None:
        grandchild = base.new_uuid()
        self.sync([report(grandchild, kind='vf', parent_uuid=self.region),
                   *reversed(self.reports)])
        self.assertEqual([self.board, self.region, grandchild], self.uuids())

    def test_update_descriptive_fields(self) -> None:
        self.sync()
        self.set_columns(self.region, loaded_at=LONG_AGO)
        self.sync([self.reports[0],
                   report(self.region, kind='region',
                          parent_uuid=self.board, name='renamed',
                          address='0000:af:00.0', driver='other',
                          region_type_uuid='type-2',
                          loaded_bitstream='image-1')])
        region = self.get(self.region)
        self.assertEqual('renamed', region.name)
        self.assertEqual('0000:af:00.0', region.address)
        self.assertEqual('other', region.driver)
        self.assertEqual('type-2', region.region_type_uuid)
        # Same bitstream: it was not loaded again.
        self.assertEqual(LONG_AGO, region.loaded_at)

    def test_update_loaded(self) -> None:
        self.sync()
        self.set_columns(self.region, loaded_at=LONG_AGO)
        self.sync([self.reports[0],
                   report(self.region, kind='region', parent_uuid=self.board,
                          loaded_bitstream='image-2')])
        region = self.get(self.region)
        self.assertEqual('image-2', region.loaded_bitstream)
        self.assertNotBefore(region.loaded_at, LONG_AGO)
        self.assertNotEqual(LONG_AGO, region.loaded_at)

        self.sync([self.reports[0],
                   report(self.region, kind='region', parent_uuid=self.board,
                          loaded_bitstream=None)])
        self.assertIsNone(self.get(self.region).loaded_bitstream)
        self.assertIsNone(self.get(self.region).loaded_at)

    def test_steady_state_writes_nothing(self) -> None:
        self.sync()
        statements = self.count_statements()
        self.sync()
        # The agent row, the deployables (one SELECT), the report time
        # (unless still the same second).
        self.assertLessEqual(len(statements), 3, statements)
        self.assertFalse([s for s in statements
                          if 'deployables' in s and
                          not s.lstrip().startswith('SELECT')])

    def test_many_devices_few_statements(self) -> None:
        boards = [base.new_uuid() for _ in range(10)]
        reports = []
        for board in boards:
            reports.append(report(board))
            reports.extend(report(base.new_uuid(), kind='region',
                                  parent_uuid=board) for _ in range(3))
        statements = self.count_statements()
        self.sync(reports)
        self.assertEqual(40, len(self.uuids()))
        self.assertLessEqual(len(statements), 5, statements)

    def test_error_becomes_ready(self) -> None:
        self.sync()
        self.set_columns(self.region, state=models.ERROR,
                         loaded_bitstream=None, last_error_code='x')
        self.sync()
        region = self.get(self.region)
        self.assertEqual(models.READY, region.state)
        self.assertEqual('image-1', region.loaded_bitstream)
        # The outcome of the last load stays on record.
        self.assertEqual('x', region.last_error_code)

    def test_programming_is_left_to_the_load(self) -> None:
        self.sync()
        self.dbapi.acquire_deployable(self.region, 'req-1')
        self.sync([self.reports[0],
                   report(self.region, kind='region', parent_uuid=self.board,
                          name='renamed', loaded_bitstream='half-loaded')])
        region = self.get(self.region)
        self.assertEqual(models.PROGRAMMING, region.state)
        self.assertEqual('req-1', region.lock_owner)
        self.assertEqual('image-1', region.loaded_bitstream)
        self.assertEqual('renamed', region.name)

    def test_vanished_region(self) -> None:
        self.sync()
        self.sync([self.reports[0]])
        self.assertEqual([self.board], self.uuids())

    def test_vanished_board(self) -> None:
        # The region must go first: it refers to the board.
        other = base.new_uuid()
        self.sync()
        self.sync([report(other)])
        self.assertEqual([other], self.uuids())
        self.assertRaises(exception.DeployableNotFound, self.get, self.board)

    def test_empty_report(self) -> None:
        self.sync()
        self.sync([])
        self.assertEqual([], self.uuids())
        self.assertEqual([HOST], [a.host for a in self.dbapi.list_agents()])

    def test_vanished_while_programming(self) -> None:
        self.sync()
        self.dbapi.acquire_deployable(self.region, 'req-1')
        self.sync([])
        # The region stays for its load to end, and its board for it.
        self.assertEqual([self.board, self.region], self.uuids())
        self.dbapi.release_deployable(
            self.region, 'req-1', state=models.READY, loaded_bitstream=None,
            update_loaded=False, bitstream_uuid='i', code=0,
            error_code=None, reason=None)
        self.sync([])
        self.assertEqual([], self.uuids())

    def test_region_reported_without_its_known_board(self) -> None:
        self.sync()
        self.sync([self.reports[1]])
        self.assertEqual([self.board, self.region], self.uuids())

    def test_other_hosts_untouched(self) -> None:
        other_board, other_regions = self.make_board(regions=1, host='h2')
        self.sync()
        self.sync([])
        self.assertEqual([other_board, *other_regions], self.uuids('h2'))

    def test_parent_on_another_host(self) -> None:
        other_board, _ = self.make_board(host='h2')
        self.sync([report(self.region, kind='region',
                          parent_uuid=other_board)])
        self.assertEqual(other_board, self.get(self.region).parent_uuid)

    def test_deployable_moves_host(self) -> None:
        self.sync()
        self.sync(host='h2')
        self.assertEqual([], self.uuids())
        self.assertEqual([self.board, self.region], self.uuids('h2'))
        self.sync([])
        self.assertEqual([self.board, self.region], self.uuids('h2'))

    def test_region_moves_to_a_new_board(self) -> None:
        self.sync()
        new_board = base.new_uuid()
        self.sync([report(self.region, kind='region', parent_uuid=new_board),
                   report(new_board)])
        self.assertEqual([self.region, new_board], self.uuids())
        self.assertEqual(new_board, self.get(self.region).parent_uuid)

    def test_unknown_parent(self) -> None:
        unknown = base.new_uuid()
        error = self.assertRaises(
            exception.InvalidRequest, self.sync,
            [report(self.region, kind='region', parent_uuid=unknown)])
        self.assertIn(unknown, error.message)
        # Nothing of the report was written.
        self.assertEqual([], self.uuids())
        self.assertEqual([], self.dbapi.list_agents())

    def test_reported_twice(self) -> None:
        self.assertRaises(exception.InvalidRequest, self.sync,
                          [self.reports[0], self.reports[0]])

    def test_cycle(self) -> None:
        a, b = base.new_uuid(), base.new_uuid()
        self.assertRaises(exception.InvalidRequest, self.sync,
                          [report(a, parent_uuid=b),
                           report(b, parent_uuid=a)])

    def test_report_without_uuid(self) -> None:
        self.assertRaises(exception.InvalidRequest, self.sync,
                          [report('', kind='board')])

    def test_concurrent_hosts(self) -> None:
        # Agents report at the same time; on SQLite each write transaction
        # must take the lock up front or fail with "database is locked".
        hosts = ['host-%d' % i for i in range(10)]
        errors: list[BaseException] = []
        start = threading.Barrier(len(hosts))

        def agent(host: str, connection: Any) -> None:
            board = base.new_uuid()
            reports = [report(board)] + [
                report(base.new_uuid(), kind='region', parent_uuid=board)
                for _ in range(2)]
            start.wait()
            try:
                for _ in range(3):
                    connection.sync_inventory(host, ['fake'], reports)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=agent,
                                    args=(h, self.new_connection()))
                   for h in hosts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([], errors)
        self.assertEqual(30, len(self.dbapi.list_deployables()))
        self.assertEqual(hosts, [a.host for a in self.dbapi.list_agents()])


class TestAgents(base.DbTestCase):

    def test_first_report(self) -> None:
        before = models.utcnow()
        self.dbapi.sync_inventory('h1', ['fake', 'xilinx'], [])
        (agent,) = self.dbapi.list_agents()
        self.assertEqual('h1', agent.host)
        self.assertEqual(['fake', 'xilinx'], agent.driver_names)
        self.assertNotBefore(agent.started_at, before)
        self.assertNotBefore(agent.last_report_at, before)
        self.assertEqual({'host': 'h1', 'drivers': ['fake', 'xilinx'],
                          'started_at': models.isotime(agent.started_at),
                          'last_report_at':
                              models.isotime(agent.last_report_at)},
                         agent.to_dict())

    def test_later_report(self) -> None:
        self.dbapi.sync_inventory('h1', ['fake'], [])
        with self.database.engine.begin() as conn:
            conn.execute(sa.update(models.Agent).values(
                started_at=LONG_AGO, last_report_at=LONG_AGO))
        self.dbapi.sync_inventory('h1', ['xilinx'], [])
        (agent,) = self.dbapi.list_agents()
        self.assertEqual(LONG_AGO, agent.started_at)
        self.assertGreater(agent.last_report_at, LONG_AGO)
        self.assertEqual(['xilinx'], agent.driver_names)

    def test_list_by_host(self) -> None:
        for host in ('h3', 'h1', 'h2'):
            self.dbapi.sync_inventory(host, [], [])
        agents = self.dbapi.list_agents()
        self.assertEqual(['h1', 'h2', 'h3'], [a.host for a in agents])
        self.assertEqual([], agents[0].driver_names)
