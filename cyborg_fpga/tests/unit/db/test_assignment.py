"""Assignment and maintenance: the operator's columns of a deployable."""

from __future__ import annotations

import copy

from cyborg_fpga.db import models
from cyborg_fpga import exception
from cyborg_fpga.tests.unit.db import base
from cyborg_fpga.tests.unit.db.test_topology import SPEC


class AssignmentTestCase(base.DbTestCase):
    """A board with two regions on one host."""

    def setUp(self) -> None:
        super().setUp()
        self.board = base.new_uuid()
        self.regions = [base.new_uuid(), base.new_uuid()]
        self.reports = [base.report(self.board, loaded_bitstream='shell-1')]
        self.reports += [base.report(region, kind='region',
                                     parent_uuid=self.board)
                         for region in self.regions]
        self.dbapi.sync_inventory(base.HOST, ['fake'], self.reports)

    def pfs_and_vfs(self, root: str) -> tuple[list[str], list[str]]:
        self.load(root, topology=SPEC)
        _row, below = self.dbapi.get_tree(root)
        pfs = [row.uuid for row in below if row.parent_uuid == root
               and row.kind == models.PF]
        return pfs, [row.uuid for row in below if row.parent_uuid in pfs]


class TestAssignment(AssignmentTestCase):

    def test_new_deployables_are_nobody_s(self) -> None:
        row = self.dbapi.get_deployable(self.board)
        self.assertEqual((None, False, None),
                         (row.project_id, row.maintenance,
                          row.maintenance_reason))
        access = self.dbapi.get_access(self.regions[0])
        self.assertEqual((None, None), (access.project_id,
                                        access.maintenance))

    def test_assign_and_take_back(self) -> None:
        row = self.dbapi.assign(self.regions[0], 'p1')
        self.assertEqual('p1', row.project_id)
        self.assertEqual('p1', self.dbapi.get_access(
            self.regions[0]).project_id)
        self.assertIsNone(self.dbapi.assign(self.regions[0],
                                            None).project_id)
        self.assertIsNone(self.dbapi.get_deployable(
            self.regions[0]).project_id)

    def test_a_board_s_assignment_is_not_its_regions(self) -> None:
        self.dbapi.assign(self.board, 'p1')
        self.dbapi.assign(self.regions[1], 'p2')
        self.assertEqual(['p1', None, 'p2'], [
            self.dbapi.get_access(uuid).project_id
            for uuid in [self.board] + self.regions])

    def test_pfs_and_vfs_take_their_root_s(self) -> None:
        self.dbapi.assign(self.board, 'p-board')
        self.dbapi.assign(self.regions[0], 'p-region')
        pfs, vfs = self.pfs_and_vfs(self.regions[0])
        for uuid in pfs + vfs:
            self.assertEqual('p-region',
                             self.dbapi.get_access(uuid).project_id)
            # Read from the root, never copied onto the row.
            self.assertIsNone(self.dbapi.get_deployable(uuid).project_id)
        self.dbapi.assign(self.regions[0], 'p-new')
        self.assertEqual('p-new', self.dbapi.get_access(vfs[0]).project_id)

    def test_pfs_and_vfs_cannot_be_assigned(self) -> None:
        pfs, vfs = self.pfs_and_vfs(self.regions[0])
        for uuid in (pfs[0], vfs[0]):
            error = self.assertRaises(exception.InvalidRequest,
                                      self.dbapi.assign, uuid, 'p1')
            self.assertIn('takes its assignment', error.message)
            self.assertRaises(exception.InvalidRequest,
                              self.dbapi.set_maintenance, uuid, True)

    def test_unknown(self) -> None:
        uuid = base.new_uuid()
        for call in (lambda: self.dbapi.assign(uuid, 'p1'),
                     lambda: self.dbapi.set_maintenance(uuid, True),
                     lambda: self.dbapi.get_access(uuid)):
            self.assertRaises(exception.DeployableNotFound, call)

    def test_maintenance(self) -> None:
        row = self.dbapi.set_maintenance(self.regions[0], True, 'fan swap')
        self.assertEqual((True, 'fan swap'),
                         (row.maintenance, row.maintenance_reason))
        maintenance = self.dbapi.get_access(self.regions[0]).maintenance
        assert maintenance is not None  # for the type checker
        self.assertEqual((self.regions[0], 'fan swap'),
                         (maintenance.uuid, maintenance.reason))
        # Out of maintenance, the reason is forgotten.
        row = self.dbapi.set_maintenance(self.regions[0], False)
        self.assertEqual((False, None),
                         (row.maintenance, row.maintenance_reason))
        self.assertIsNone(self.dbapi.get_access(self.regions[0]).maintenance)

    def test_a_board_in_maintenance_takes_its_regions_and_pfs(self) -> None:
        pfs, vfs = self.pfs_and_vfs(self.regions[0])
        self.dbapi.set_maintenance(self.board, True, 'reflash')
        for uuid in [self.board] + self.regions + pfs + vfs:
            maintenance = self.dbapi.get_access(uuid).maintenance
            assert maintenance is not None  # for the type checker
            self.assertEqual((self.board, 'reflash'),
                             (maintenance.uuid, maintenance.reason), uuid)
        # Not the other way round.
        self.dbapi.set_maintenance(self.board, False)
        self.dbapi.set_maintenance(self.regions[1], True)
        self.assertIsNone(self.dbapi.get_access(self.board).maintenance)

    def test_an_inventory_sync_never_touches_them(self) -> None:
        self.dbapi.assign(self.board, 'p1')
        self.dbapi.assign(self.regions[0], 'p2')
        self.dbapi.set_maintenance(self.regions[0], True, 'why')
        reports = copy.deepcopy(self.reports)
        for report in reports:
            report.update(name='renamed', loaded_bitstream='other',
                          project_id='p-evil', maintenance=False)
        self.dbapi.sync_inventory(base.HOST, ['fake'], reports)
        board = self.dbapi.get_deployable(self.board)
        region = self.dbapi.get_deployable(self.regions[0])
        self.assertEqual('renamed', region.name)
        self.assertEqual(('p1', False), (board.project_id, board.maintenance))
        self.assertEqual(('p2', True, 'why'),
                         (region.project_id, region.maintenance,
                          region.maintenance_reason))


class TestListByProject(AssignmentTestCase):
    """list_deployables(project_id=...): filtered in SQL."""

    def uuids(self, project_id: str, kind: str | None = None) -> set[str]:
        return {row.uuid for row in self.dbapi.list_deployables(
            project_id=project_id, kind=kind)}

    def test_a_project_s_boards_regions_pfs_and_vfs(self) -> None:
        self.dbapi.assign(self.board, 'p1')
        self.dbapi.assign(self.regions[0], 'p2')
        region_pfs, region_vfs = self.pfs_and_vfs(self.regions[0])
        board_pfs, board_vfs = self.pfs_and_vfs(self.board)
        self.assertEqual({self.board, *board_pfs, *board_vfs},
                         self.uuids('p1'))
        self.assertEqual({self.regions[0], *region_pfs, *region_vfs},
                         self.uuids('p2'))
        self.assertEqual(set(), self.uuids('p3'))
        # With the other filters and pages.
        self.assertEqual(set(region_vfs), self.uuids('p2', kind='vf'))
        first = self.dbapi.list_deployables(project_id='p2', limit=1)
        rest = self.dbapi.list_deployables(project_id='p2',
                                           marker=first[0].uuid)
        self.assertEqual(self.uuids('p2'),
                         {row.uuid for row in first + rest})

    def test_one_query(self) -> None:
        self.dbapi.assign(self.regions[0], 'p1')
        self.pfs_and_vfs(self.regions[0])
        statements = self.count_statements()
        self.dbapi.list_deployables(project_id='p1')
        self.assertEqual(1, len(statements))


class TestRefusedHistory(base.DbTestCase):

    def who(self, project_id: str) -> dict[str, str | None]:
        return {'deployable_uuid': 'd-1', 'host': 'h1',
                'bitstream_uuid': 'image-1', 'user_id': 'u-' + project_id,
                'project_id': project_id, 'request_id': 'req-1'}

    def test_a_whole_row_at_once(self) -> None:
        before = models.utcnow()
        self.dbapi.record_refused(self.who('p1'),
                                  error_code='fpga.not_authorized',
                                  reason='User is not authorized')
        (record,) = self.dbapi.list_history('d-1')
        self.assertEqual(
            ('refused', 'fpga.not_authorized', 'User is not authorized', None,
             0, 'u-p1', 'p1', 'req-1', 'image-1', 'h1'),
            (record.result, record.error_code, record.reason, record.code,
             record.duration_ms, record.user_id, record.project_id,
             record.request_id, record.bitstream_uuid, record.host))
        self.assertNotBefore(record.started_at, before)
        self.assertEqual(record.started_at, record.finished_at)

    def test_history_of_one_project(self) -> None:
        for project in ('p1', 'p2', 'p1'):
            self.dbapi.record_refused(self.who(project),
                                      error_code='fpga.deployable_busy',
                                      reason='busy')
        self.assertEqual(3, len(self.dbapi.list_history('d-1')))
        self.assertEqual(['p1', 'p1'], [
            h.project_id for h in self.dbapi.list_history('d-1',
                                                          project_id='p1')])
        self.assertEqual(1, len(self.dbapi.list_history(
            'd-1', limit=1, project_id='p1')))
