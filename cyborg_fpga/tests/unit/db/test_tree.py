"""PFs and VFs across inventory syncs, and reading the whole tree."""

from __future__ import annotations

import copy
from typing import Any

from cyborg_fpga import exception
from cyborg_fpga.tests.unit.db import base
from cyborg_fpga.tests.unit.db.test_topology import one_pf
from cyborg_fpga.tests.unit.db.test_topology import SPEC


class TestSyncLeavesTopology(base.DbTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.board = base.new_uuid()
        self.region = base.new_uuid()
        self.reports = [
            base.report(self.board, loaded_bitstream='shell-1',
                        loaded_bs_uuid='shell-bs'),
            # What the hardware says matches the metadata of the load.
            base.report(self.region, kind='region', parent_uuid=self.board,
                        loaded_bitstream='image-1',
                        loaded_bs_uuid=base.METADATA['bs_uuid']),
        ]
        self.sync()
        self.load(self.region, topology=SPEC)

    def sync(self, reports: list[dict[str, Any]] | None = None,
             host: str = base.HOST) -> None:
        self.dbapi.sync_inventory(
            host, ['fake'], self.reports if reports is None else reports)

    def test_loaded_bs_uuid_is_the_hardware_s(self) -> None:
        self.assertEqual('shell-bs',
                         self.dbapi.get_deployable(self.board).loaded_bs_uuid)
        reports = copy.deepcopy(self.reports)
        reports[0]['loaded_bs_uuid'] = 'shell-bs-2'
        self.sync(reports)
        self.assertEqual('shell-bs-2',
                         self.dbapi.get_deployable(self.board).loaded_bs_uuid)

    def test_unreported_pfs_and_vfs_stay(self) -> None:
        before = self.tree(self.board)
        statements = self.count_statements()
        self.sync()
        # Nothing of the deployables was written.
        self.assertEqual([], [s for s in statements if 'deployables' in s
                              and not s.lstrip().startswith('SELECT')])
        self.assertEqual(before, self.tree(self.board))
        self.assertEqual(2, len(self.dbapi.list_deployables(kind='vf')))
        # The metadata of the load stays too.
        row = self.dbapi.get_deployable(self.region)
        self.assertEqual(('nic-40', 'bs-uuid-1'),
                         (row.loaded_function_name, row.loaded_bs_uuid))

    def test_they_go_with_their_region(self) -> None:
        self.sync([self.reports[0]])
        self.assertEqual([self.board], [
            d.uuid for d in self.dbapi.list_deployables()])

    def test_they_go_with_their_board(self) -> None:
        self.load(self.board, 'shell-1', topology=one_pf('board_pf'))
        self.sync([])
        self.assertEqual([], self.dbapi.list_deployables())

    def test_they_go_when_the_hardware_holds_another_bitstream(self) -> None:
        reports = copy.deepcopy(self.reports)
        reports[1].update(loaded_bitstream='image-other',
                          loaded_bs_uuid='other-bs')
        self.sync(reports)
        self.assertEqual({}, self.tree(self.region))
        row = self.dbapi.get_deployable(self.region)
        self.assertEqual(('image-other', 'other-bs', None, None),
                         (row.loaded_bitstream, row.loaded_bs_uuid,
                          row.loaded_function_name, row.loaded_driver))

    def test_they_move_host_with_their_parent(self) -> None:
        self.sync(host='h2')
        self.assertEqual({'h2'}, {
            d.host for d in self.dbapi.get_tree(self.board)[1]})
        self.sync([], host='h2')
        self.assertEqual([], self.dbapi.list_deployables())


class TestGetTree(base.DbTestCase):

    def test_whole_tree_one_query_per_level(self) -> None:
        board, regions = self.make_board(regions=2)
        for region in regions:
            self.load(region, topology=SPEC)
        statements = self.count_statements()
        root, below = self.dbapi.get_tree(board)
        # Board with regions, PFs, VFs, and the empty level below.
        self.assertEqual(4, len(statements), str(statements))
        self.assertEqual(board, root.uuid)
        self.assertEqual(['region'] * 2 + ['pf'] * 4 + ['vf'] * 4,
                         [row.kind for row in below])
        _root, below = self.dbapi.get_tree(regions[1])
        self.assertEqual(['pf_1', 'pf_2', 'vf_1', 'vf_2'],
                         [row.name for row in below])

    def test_leaf(self) -> None:
        board, _ = self.make_board()
        root, below = self.dbapi.get_tree(board)
        self.assertEqual((board, []), (root.uuid, below))

    def test_unknown(self) -> None:
        uuid = base.new_uuid()
        error = self.assertRaises(exception.DeployableNotFound,
                                  self.dbapi.get_tree, uuid)
        self.assertEqual({'uuid': uuid}, error.kwargs)
