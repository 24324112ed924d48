"""How a deployable tree and small dicts look in a table and as data."""

from __future__ import annotations

from typing import Any

from cyborg_fpga.osc import columns
from cyborg_fpga.tests import base

VF: dict[str, Any] = {
    'uuid': 'v1', 'name': 'vf_1', 'kind': 'vf', 'state': 'ready',
    'loaded_bitstream': None, 'pci_offset': '1', 'children': []}
PF: dict[str, Any] = {
    'uuid': 'p1', 'name': 'pf_1', 'kind': 'pf', 'state': 'ready',
    'loaded_bitstream': None, 'pci_offset': '0', 'children': [VF]}
REGIONS: list[dict[str, Any]] = [
    {'uuid': 'r0', 'name': 'region0', 'kind': 'region', 'state': 'ready',
     'loaded_bitstream': 'b1',
     'loaded_metadata': {'function_name': 'aes-128'},
     'pci_offset': None, 'children': [PF]},
    {'uuid': 'r1', 'name': 'region1', 'kind': 'region',
     'state': 'programming', 'loaded_bitstream': None, 'pci_offset': None,
     'children': []},
]


class TreeColumnTest(base.TestCase):

    def test_table_indents_each_level(self):
        self.assertEqual(
            'region0 (region r0), holds b1 (aes-128)\n'
            '  pf_1 (pf p1), pci_offset 0\n'
            '    vf_1 (vf v1), pci_offset 1\n'
            'region1 (region r1), programming',
            columns.TreeColumn(REGIONS).human_readable())

    def test_data_is_the_tree_as_given(self):
        self.assertEqual(REGIONS,
                         columns.TreeColumn(REGIONS).machine_readable())
        self.assertEqual('', columns.TreeColumn([]).human_readable())


class MappingColumnTest(base.TestCase):

    def test_nulls_are_left_out_of_the_table_only(self):
        value = {'code': 0, 'reason': None, 'at': '2024-05-02T08:30:00'}
        column = columns.MappingColumn(value)
        self.assertEqual('at=2024-05-02T08:30:00\ncode=0',
                         column.human_readable())
        self.assertEqual(value, column.machine_readable())

    def test_never_programmed(self):
        column = columns.MappingColumn(None)
        self.assertEqual(('', None), (column.human_readable(),
                                      column.machine_readable()))


class ShapeTest(base.TestCase):

    def test_show_and_listing(self):
        fields, values = columns.show(
            {'uuid': 'r0', 'children': REGIONS[1:]}, ('uuid', 'children'),
            {'children': columns.TreeColumn})
        self.assertEqual(('uuid', 'children'), fields)
        self.assertEqual('r0', values[0])
        self.assertEqual('region1 (region r1), programming', str(values[1]))
        headers, rows = columns.listing(
            [{'uuid': 'r0', 'name': 'region0'}],
            (('UUID', 'uuid'), ('Name', 'name'), ('Host', 'host')))
        self.assertEqual(('UUID', 'Name', 'Host'), headers)
        self.assertEqual([('r0', 'region0', None)], list(rows))
