"""topology.children_of: the specification's drawing, as rows."""

from __future__ import annotations

import copy
import json
from typing import Any
import uuid

from cyborg_fpga.image import metadata
from cyborg_fpga.image import topology_rules
from cyborg_fpga.tests import base
from cyborg_fpga.tests.unit.db.base import SPEC_TOPOLOGY
from cyborg_fpga import topology

ROOT = '2864a139-c2cd-4f9f-abf3-44eb3f09b83c'


def shape(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(kind, name, parent's name or 'root') of each row, in order."""
    names = {row['uuid']: row['name'] for row in rows}
    names[ROOT] = 'root'
    return [(row['kind'], row['name'], names[row['parent_uuid']])
            for row in rows]


class TestChildrenOf(base.TestCase):

    def test_the_specification_drawing(self) -> None:
        rows = topology.children_of(ROOT, 'host-1', SPEC_TOPOLOGY)
        # root -> pf_1, pf_2; pf_1 -> vf_1; pf_2 -> vf_2; parents first.
        self.assertEqual([('pf', 'pf_1', 'root'), ('vf', 'vf_1', 'pf_1'),
                          ('pf', 'pf_2', 'root'), ('vf', 'vf_2', 'pf_2')],
                         shape(rows))
        self.assertEqual(
            {'uuid', 'parent_uuid', 'kind', 'name', 'host', 'pci_offset',
             'capability', 'kpi'}, set(rows[0]))
        self.assertEqual([('0', '', ''), ('1', None, None), ('2', '', ''),
                          ('3', None, None)],
                         [(r['pci_offset'], r['capability'], r['kpi'])
                          for r in rows])
        self.assertEqual({'host-1'}, {r['host'] for r in rows})

    def test_uuids_are_uuid5_of_the_root_and_the_names(self) -> None:
        rows = topology.children_of(ROOT, 'h', SPEC_TOPOLOGY)
        namespace = uuid.UUID(ROOT)
        self.assertEqual(
            str(uuid.uuid5(namespace, json.dumps(['pf', 'pf_1']))),
            rows[0]['uuid'])
        self.assertEqual(
            str(uuid.uuid5(namespace,
                           json.dumps(['pf', 'pf_1', 'vf', 'vf_1']))),
            rows[1]['uuid'])
        for row in rows:
            self.assertEqual(5, uuid.UUID(row['uuid']).version)

    def test_same_bitstream_same_uuids_other_root_others(self) -> None:
        first = topology.children_of(ROOT, 'h', SPEC_TOPOLOGY)
        again = topology.children_of(ROOT, 'other-host',
                                     copy.deepcopy(SPEC_TOPOLOGY))
        self.assertEqual([r['uuid'] for r in first],
                         [r['uuid'] for r in again])
        other = topology.children_of(str(uuid.uuid4()), 'h', SPEC_TOPOLOGY)
        self.assertFalse({r['uuid'] for r in first}
                         & {r['uuid'] for r in other})

    def test_names_that_join_alike_do_not_collide(self) -> None:
        rows = topology.children_of(ROOT, 'h', {'pf': [
            {'name': 'a', 'vf': [{'name': 'b'}]},
            {'name': 'a", "vf", "b'}]})
        self.assertEqual(3, len({r['uuid'] for r in rows}))

    def test_nothing_to_make(self) -> None:
        for value in (None, {}, {'pf_num': 0, 'vf_num': 0, 'pf': []}):
            self.assertEqual([], topology.children_of(ROOT, 'h', value),
                             repr(value))

    def test_what_the_conductor_passes_is_what_metadata_validated(self):
        parsed = metadata.parse_topology(json.dumps(SPEC_TOPOLOGY))
        self.assertEqual(topology.children_of(ROOT, 'h', SPEC_TOPOLOGY),
                         topology.children_of(ROOT, 'h', parsed))

    def test_what_topology_rules_accepts_fits_the_columns(self) -> None:
        self.assertEqual(topology_rules.MAX_OFFSET_LENGTH,
                         topology.FIELD_LENGTHS['pci_offset'])
        self.assertEqual(topology_rules.MAX_LENGTH,
                         topology.FIELD_LENGTHS['name'])
        widest = {'pf_num': 1, 'vf_num': 0, 'pf': [
            {'name': 'n' * 255, 'capability': 'c' * 255, 'kpi': 'k' * 255,
             'pci_offset': '9' * 16, 'vf': []}]}
        self.assertEqual([], topology_rules.load(widest)[1])
        self.assertEqual(1, len(topology.children_of(ROOT, 'h', widest)))

    def test_kinds_are_those_of_the_database(self) -> None:
        from cyborg_fpga.db import models
        self.assertEqual((topology.PF, topology.VF), models.TOPOLOGY_KINDS)
        for field, width in topology.FIELD_LENGTHS.items():
            column = models.Deployable.__table__.c[field]
            self.assertEqual(width, getattr(column.type, 'length', None))
