"""The PFs and VFs of a load: written, replaced and cleared with it."""

from __future__ import annotations

import datetime
from typing import Any

from cyborg_fpga.db import models
from cyborg_fpga.tests.unit.db import base
from cyborg_fpga import topology

SPEC = base.SPEC_TOPOLOGY
SPEC_TREE = {'pf_1': [('vf', 'vf_1')], 'pf_2': [('vf', 'vf_2')]}


def one_pf(name: str = 'pf_1', vfs: tuple[str, ...] = ()) -> dict[str, Any]:
    return {'pf_num': 1, 'vf_num': len(vfs), 'pf': [
        {'name': name, 'capability': 'crypto', 'kpi': '10G',
         'pci_offset': '0',
         'vf': [{'name': vf, 'pci_offset': str(i + 1)}
                for i, vf in enumerate(vfs)]}]}


class TestReleaseWithTopology(base.DbTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.board, self.regions = self.make_board(
            regions=2, host='h1', vendor='Xilinx', board='U250')
        self.region = self.regions[0]

    def by_name(self, root: str) -> dict[str, models.Deployable]:
        return {row.name or '': row for row in self.dbapi.get_tree(root)[1]}

    def named_tree(self, root: str) -> dict[str, list[tuple[str, str]]]:
        """As ``tree()``, with the parent named by its name, not uuid."""
        names = {row.uuid: row.name or ''
                 for row in self.dbapi.get_tree(root)[1]}
        names[root] = 'root'
        return {names[parent]: children
                for parent, children in self.tree(root).items()}

    def test_the_specification_topology(self) -> None:
        self.assertTrue(self.load(self.region, topology=SPEC))
        self.assertEqual(
            dict(SPEC_TREE, root=[('pf', 'pf_1'), ('pf', 'pf_2')]),
            self.named_tree(self.region))
        rows = self.by_name(self.region)
        expected = topology.children_of(self.region, 'h1', SPEC)
        self.assertEqual([c['uuid'] for c in expected],
                         [rows[c['name']].uuid for c in expected])
        pf_1, vf_2 = rows['pf_1'], rows['vf_2']
        self.assertEqual(('0', '', ''),
                         (pf_1.pci_offset, pf_1.capability, pf_1.kpi))
        self.assertEqual(('3', None, None),
                         (vf_2.pci_offset, vf_2.capability, vf_2.kpi))
        # Functions of the root's device: its host, card and driver.
        for row in rows.values():
            self.assertEqual(('h1', 'Xilinx', 'U250', 'fake', 'ready'),
                             (row.host, row.vendor, row.board, row.driver,
                              row.state))
            self.assertIsNone(row.loaded_bitstream)
        root = self.dbapi.get_deployable(self.region)
        self.assertEqual(('image-1', 'bs-uuid-1', 'function-uuid-1',
                          'nic-40', 'SDX', '1.0', '/path/'),
                         (root.loaded_bitstream, root.loaded_bs_uuid,
                          root.loaded_function_uuid,
                          root.loaded_function_name, root.loaded_driver,
                          root.loaded_driver_ver, root.loaded_driver_path))

    def test_a_board_holds_them_too(self) -> None:
        self.load(self.board, topology=one_pf(vfs=('vf_a',)))
        tree = self.named_tree(self.board)
        regions = [('region', 'fpga-' + r[:8]) for r in self.regions]
        self.assertEqual(regions + [('pf', 'pf_1')], tree['root'])
        self.assertEqual([('vf', 'vf_a')], tree['pf_1'])

    def test_reload_of_the_same_bitstream_gives_the_same_rows(self) -> None:
        self.load(self.region, topology=SPEC)
        before = {n: r.uuid for n, r in self.by_name(self.region).items()}
        self.load(self.region, topology=SPEC)
        after = {n: r.uuid for n, r in self.by_name(self.region).items()}
        self.assertEqual(before, after)

    def test_reload_replaces_them(self) -> None:
        self.load(self.region, topology=SPEC)
        self.load(self.region, 'image-2', topology=one_pf(vfs=('vf_9',)))
        self.assertEqual({'root': [('pf', 'pf_1')], 'pf_1': [('vf', 'vf_9')]},
                         self.named_tree(self.region))
        self.assertEqual('crypto', self.by_name(self.region)['pf_1']
                         .capability)

    def test_a_bitstream_without_topology_leaves_none(self) -> None:
        self.load(self.region, topology=SPEC)
        self.load(self.region, 'image-2', topology=None)
        self.assertEqual({}, self.tree(self.region))

    def test_a_failed_load_that_emptied_the_device(self) -> None:
        self.load(self.region, topology=SPEC)
        self.load(self.region, None, state=models.ERROR, code=1,
                  error_code='fpga.program_failed', reason='half-loaded')
        self.assertEqual({}, self.tree(self.region))
        row = self.dbapi.get_deployable(self.region)
        self.assertIsNone(row.loaded_bitstream)
        for column in models.LOADED_METADATA.values():
            self.assertIsNone(getattr(row, column), column)

    def test_a_failed_load_that_left_the_old_bitstream(self) -> None:
        self.load(self.region, topology=SPEC)
        # The device says it still holds image-1; nothing new is told.
        self.load(self.region, 'image-1', state=models.ERROR, code=1,
                  bitstream_uuid='image-2', loaded_metadata=None,
                  children=None)
        self.assertEqual(SPEC_TREE, {k: v for k, v in self.named_tree(
            self.region).items() if k != 'root'})
        self.assertEqual('nic-40', self.dbapi.get_deployable(
            self.region).loaded_function_name)

    def test_an_unknown_outcome_keeps_everything(self) -> None:
        self.load(self.region, topology=SPEC)
        self.load(self.region, None, state=models.ERROR, code=None,
                  update_loaded=False, error_code='fpga.agent_unavailable')
        self.assertEqual(4, len(self.by_name(self.region)))
        self.assertEqual('image-1', self.dbapi.get_deployable(
            self.region).loaded_bitstream)

    def test_another_bitstream_without_its_metadata(self) -> None:
        self.load(self.region, topology=SPEC)
        self.load(self.region, 'image-other', loaded_metadata=None,
                  children=None)
        row = self.dbapi.get_deployable(self.region)
        self.assertEqual('image-other', row.loaded_bitstream)
        self.assertIsNone(row.loaded_function_uuid)
        self.assertEqual({}, self.tree(self.region))

    def test_a_new_shell_empties_the_regions(self) -> None:
        self.load(self.region, topology=SPEC)
        busy = self.regions[1]
        self.set_columns(busy, loaded_bitstream='image-busy')
        self.dbapi.acquire_deployable(busy, 'req-busy')
        self.load(self.board, 'shell-2', topology=one_pf('board_pf'),
                  invalidate_regions=True)
        region = self.dbapi.get_deployable(self.region)
        self.assertEqual((None, None, None, None),
                         (region.loaded_bitstream, region.loaded_at,
                          region.loaded_bs_uuid, region.loaded_function_name))
        self.assertEqual({}, self.tree(self.region))
        # A region being programmed is left to its load.
        busy_row = self.dbapi.get_deployable(busy)
        self.assertEqual((models.PROGRAMMING, 'image-busy'),
                         (busy_row.state, busy_row.loaded_bitstream))
        board = self.dbapi.get_deployable(self.board)
        self.assertEqual(('shell-2', 'bs-uuid-1'),
                         (board.loaded_bitstream, board.loaded_bs_uuid))
        self.assertIn(('pf', 'board_pf'), self.named_tree(self.board)['root'])

    def test_not_the_owner_changes_nothing(self) -> None:
        self.load(self.region, topology=SPEC)
        self.dbapi.acquire_deployable(self.region, 'req-1')
        self.assertFalse(self.finish_load(self.region, 'image-2',
                                      topology=one_pf(), owner='req-2',
                                      invalidate_regions=True))
        self.assertEqual(4, len(self.by_name(self.region)))
        self.assertEqual('image-1', self.dbapi.get_deployable(
            self.region).loaded_bitstream)

    def test_children_must_be_pfs_and_vfs_below_it(self) -> None:
        self.dbapi.acquire_deployable(self.region, 'req-1')
        good = topology.children_of(self.region, 'h1', SPEC)
        cases = [
            [dict(good[0], kind='region')],
            [good[1], good[0]],  # a VF before its PF
            [dict(good[0], parent_uuid=self.board)],
            [good[0], good[0]],
        ]
        for children in cases:
            self.assertRaises(ValueError, self.finish_load, self.region,
                              owner='req-1', children=children)
        self.assertEqual(models.PROGRAMMING, self.dbapi.get_deployable(
            self.region).state)

    def test_metadata_too_long_for_its_column_is_not_recorded(self) -> None:
        metadata = dict(base.METADATA, driver_ver='1' * 65,
                        function_uuid='f' * 37)
        self.assertTrue(self.load(self.region, loaded_metadata=metadata))
        row = self.dbapi.get_deployable(self.region)
        self.assertEqual((None, None, 'SDX'),
                         (row.loaded_driver_ver, row.loaded_function_uuid,
                          row.loaded_driver))

    def test_few_statements(self) -> None:
        self.load(self.region, topology=SPEC)
        self.dbapi.acquire_deployable(self.region, 'req-1')
        children = topology.children_of(self.region, 'h1', SPEC)
        statements = self.count_statements()
        self.assertTrue(self.dbapi.release_deployable(
            self.region, 'req-1', state=models.READY,
            loaded_bitstream='image-2', update_loaded=True,
            bitstream_uuid='image-2', code=0, error_code=None, reason=None,
            loaded_metadata=base.METADATA, children=children))
        # The row, its UPDATE, the PFs and VFs below (one query) and the
        # look below those, a DELETE per level, one INSERT for them all.
        self.assertLessEqual(len(statements), 7, str(statements))
        self.assertEqual(1, len([s for s in statements
                                 if s.lstrip().startswith('INSERT')]))

    def test_a_shell_load_with_regions_to_empty(self) -> None:
        for region in self.regions:
            self.load(region, topology=SPEC)
        self.dbapi.acquire_deployable(self.board, 'req-1')
        statements = self.count_statements()
        self.assertTrue(self.dbapi.release_deployable(
            self.board, 'req-1', state=models.READY,
            loaded_bitstream='shell-2', update_loaded=True,
            bitstream_uuid='shell-2', code=0, error_code=None, reason=None,
            loaded_metadata=base.METADATA, children=[],
            invalidate_regions=True))
        # As above, plus the regions read and updated; their PFs and VFs
        # are deleted with the board's, level by level, not region by
        # region.
        self.assertLessEqual(len(statements), 8, str(statements))
        self.assertEqual(0, len(self.dbapi.list_deployables(kind='pf')))

    def test_stale_lock_sweep_forgets_them(self) -> None:
        self.load(self.region, topology=SPEC)
        self.dbapi.acquire_deployable(self.region, 'req-1')
        self.dbapi.release_stale_locks(
            models.utcnow() + datetime.timedelta(seconds=5), 'died')
        row = self.dbapi.get_deployable(self.region)
        self.assertEqual((models.ERROR, None, None),
                         (row.state, row.loaded_bitstream,
                          row.loaded_function_uuid))
        self.assertEqual({}, self.tree(self.region))

    def test_list_deployables_by_kind(self) -> None:
        self.load(self.region, topology=SPEC)
        self.assertEqual(['pf_1', 'pf_2'], [
            d.name for d in self.dbapi.list_deployables(kind='pf')])
        self.assertEqual(['vf_1', 'vf_2'], [
            d.name for d in self.dbapi.list_deployables(kind='vf')])
        self.assertEqual(['pf_1', 'pf_2'], [
            d.name for d in self.dbapi.list_children(self.region)])
