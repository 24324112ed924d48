"""Reading deployables: one, filtered lists, pages, children."""

from __future__ import annotations

import datetime
from typing import Any

from cyborg_fpga.db import models
from cyborg_fpga import exception
from cyborg_fpga.tests.unit.db import base


class TestGetDeployable(base.DbTestCase):

    def test_get(self) -> None:
        board, (region,) = self.make_board(regions=1, host='h1',
                                           loaded_bitstream='image-1')
        row = self.dbapi.get_deployable(region)
        self.assertEqual(region, row.uuid)
        self.assertEqual(board, row.parent_uuid)
        self.assertEqual('region', row.kind)
        self.assertEqual('h1', row.host)
        self.assertEqual('fake', row.driver)
        self.assertEqual(models.READY, row.state)
        self.assertEqual('image-1',
                         self.dbapi.get_deployable(board).loaded_bitstream)

    def test_not_found(self) -> None:
        uuid = base.new_uuid()
        error = self.assertRaises(exception.DeployableNotFound,
                                  self.dbapi.get_deployable, uuid)
        self.assertEqual({'uuid': uuid}, error.kwargs)
        self.assertEqual('fpga.deployable_not_found', error.code)

    def test_to_dict_is_json_friendly(self) -> None:
        board, _ = self.make_board(loaded_bitstream='image-1')
        when = datetime.datetime(2026, 11, 21, 10, 0, 0)
        self.set_columns(board, loaded_at=when)
        data = self.dbapi.get_deployable(board).to_dict()
        self.assertEqual('2026-11-21T10:00:00Z', data['loaded_at'])
        self.assertIsNone(data['locked_at'])
        self.assertEqual(board, data['uuid'])
        self.assertEqual('ready', data['state'])
        self.assertRegex(data['created_at'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
        self.assertEqual(set(models.Deployable.__table__.columns.keys()),
                         set(data))


class TestListDeployables(base.DbTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.board_a, self.regions_a = self.make_board(
            regions=2, host='h1', vendor='Xilinx', board='U250')
        self.board_b, self.regions_b = self.make_board(
            regions=1, host='h2', vendor='Intel', board='PAC')
        self.all = [self.board_a, *self.regions_a,
                    self.board_b, *self.regions_b]

    def uuids(self, **filters: Any) -> list[str]:
        return [d.uuid for d in self.dbapi.list_deployables(**filters)]

    def test_all_in_creation_order(self) -> None:
        self.assertEqual(self.all, self.uuids())

    def test_filters(self) -> None:
        self.assertEqual([self.board_a, *self.regions_a],
                         self.uuids(host='h1'))
        self.assertEqual([self.board_a, self.board_b],
                         self.uuids(kind='board'))
        self.assertEqual([self.board_b, *self.regions_b],
                         self.uuids(vendor='Intel'))
        self.assertEqual([self.board_b, *self.regions_b],
                         self.uuids(board='PAC'))
        self.assertEqual(self.regions_a,
                         self.uuids(parent_uuid=self.board_a))
        self.assertEqual([self.regions_a[1]],
                         self.uuids(host='h1', kind='region',
                                    vendor='Xilinx',
                                    parent_uuid=self.board_a,
                                    marker=self.regions_a[0]))
        self.assertEqual([], self.uuids(host='nowhere'))

    def test_name_and_load_filters(self) -> None:
        name = self.dbapi.get_deployable(self.regions_a[1]).name
        self.assertEqual([self.regions_a[1]], self.uuids(name=name))
        self.load(self.regions_b[0], bitstream='image-7',
                  loaded_metadata=base.METADATA)
        self.assertEqual([self.regions_b[0]],
                         self.uuids(loaded_bitstream='image-7'))
        self.assertEqual([self.regions_b[0]], self.uuids(
            function_uuid=base.METADATA['function_uuid']))
        self.assertEqual([self.regions_b[0]], self.uuids(
            function_name=base.METADATA['function_name'], host='h2'))
        self.assertEqual([], self.uuids(function_name='other'))

    def test_state_filter(self) -> None:
        self.dbapi.acquire_deployable(self.regions_b[0], 'req-1')
        self.assertEqual([self.regions_b[0]],
                         self.uuids(state=models.PROGRAMMING))
        self.assertEqual(4, len(self.uuids(state=models.READY)))

    def test_pages(self) -> None:
        pages = []
        marker = None
        while True:
            page = self.uuids(limit=2, marker=marker)
            if not page:
                break
            pages.append(page)
            marker = page[-1]
        self.assertEqual([self.all[0:2], self.all[2:4], self.all[4:5]],
                         pages)

    def test_page_with_filter(self) -> None:
        self.assertEqual([self.regions_a[1], self.regions_b[0]],
                         self.uuids(kind='region', limit=5,
                                    marker=self.regions_a[0]))
        self.assertEqual([], self.uuids(limit=0))

    def test_unknown_marker(self) -> None:
        error = self.assertRaises(exception.InvalidRequest,
                                  self.dbapi.list_deployables,
                                  marker=base.new_uuid())
        self.assertIn('marker', error.message)

    def test_negative_limit(self) -> None:
        self.assertRaises(exception.InvalidRequest,
                          self.dbapi.list_deployables, limit=-1)

    def test_children(self) -> None:
        self.assertEqual(
            self.regions_a,
            [d.uuid for d in self.dbapi.list_children(self.board_a)])
        self.assertEqual([], self.dbapi.list_children(self.regions_a[0]))
        self.assertEqual([], self.dbapi.list_children(base.new_uuid()))
