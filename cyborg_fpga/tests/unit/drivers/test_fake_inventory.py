from __future__ import annotations

import copy
import os
from typing import Any

from cyborg_fpga.drivers.fake import driver as fake_driver
from cyborg_fpga.drivers.fake import inventory
from cyborg_fpga.tests.unit.drivers import fakes


class InventoryTestCase(fakes.FakeDriverTestCase):

    def assertBad(self, data: Any, *fragments: str) -> None:
        path = self.write_json('bad.json', data)
        e = self.assertRaises(inventory.InventoryError, inventory.load, path)
        self.assertIn(path, str(e))
        for fragment in fragments:
            self.assertIn(fragment, str(e))

    def inventory(self) -> dict[str, Any]:
        return copy.deepcopy(fakes.INVENTORY)

    def test_sample_file_is_valid(self) -> None:
        here = os.path.dirname(__file__)
        sample = os.path.join(here, '..', '..', '..', '..', 'etc',
                              'fake-inventory.json.sample')
        boards = inventory.load(sample)
        self.assertEqual([('Xilinx', 'U250', 2), ('Intel', 'PAC-A10', 1)],
                         [(b.vendor, b.board, len(b.regions))
                          for b in boards])

    def test_regions_are_optional(self) -> None:
        data = self.inventory()
        del data['boards'][1]['regions']
        boards = inventory.parse(data, 'test')
        self.assertEqual((), boards[1].regions)

    def test_unset(self) -> None:
        e = self.assertRaises(inventory.InventoryError, inventory.load, None)
        self.assertIn('[fake_driver] inventory_file is not set', str(e))

    def test_missing_file(self) -> None:
        path = os.path.join(self.tmp, 'nowhere.json')
        e = self.assertRaises(inventory.InventoryError, inventory.load, path)
        self.assertIn(f'cannot read fake driver inventory {path}', str(e))

    def test_not_json(self) -> None:
        path = os.path.join(self.tmp, 'broken.json')
        with open(path, 'w') as f:
            f.write('{"boards": [')
        e = self.assertRaises(inventory.InventoryError, inventory.load, path)
        self.assertIn('is not valid JSON', str(e))

    def test_not_an_object(self) -> None:
        self.assertBad([], 'must be a JSON object with a "boards" list')

    def test_boards_missing(self) -> None:
        self.assertBad({'board': []}, 'key "boards" is missing')

    def test_missing_board_key_names_the_board(self) -> None:
        data = self.inventory()
        del data['boards'][1]['address']
        self.assertBad(data, 'boards[1] (pac-a10-0)',
                       'key "address" is missing')

    def test_unknown_key(self) -> None:
        data = self.inventory()
        data['boards'][0]['region'] = data['boards'][0].pop('regions')
        self.assertBad(data, 'boards[0] (u250-0)', 'unknown key(s) region')

    def test_bad_uuid_names_the_region(self) -> None:
        data = self.inventory()
        data['boards'][0]['regions'][1]['region_type_uuid'] = 'type-1'
        self.assertBad(data, 'boards[0] (u250-0) regions[1] (region1)',
                       'key "region_type_uuid" must be a lower-case UUID',
                       "'type-1'")

    def test_upper_case_uuid(self) -> None:
        data = self.inventory()
        data['boards'][0]['uuid'] = fakes.BOARD.upper()
        self.assertBad(data, 'key "uuid" must be a lower-case UUID')

    def test_empty_string(self) -> None:
        data = self.inventory()
        data['boards'][0]['vendor'] = ''
        self.assertBad(data, 'key "vendor" must be a non-empty string')

    def test_regions_not_a_list(self) -> None:
        data = self.inventory()
        data['boards'][0]['regions'] = {}
        self.assertBad(data, 'boards[0] (u250-0)', '"regions" must be a list')

    def test_duplicate_uuid(self) -> None:
        data = self.inventory()
        data['boards'][1]['regions'][0]['uuid'] = fakes.REGION0
        self.assertBad(data, f'uuid {fakes.REGION0} is used by both region '
                             'region0 of board u250-0 and region region0 of '
                             'board pac-a10-0')

    def test_duplicate_region_name(self) -> None:
        data = self.inventory()
        data['boards'][0]['regions'][1]['name'] = 'region0'
        self.assertBad(data, 'boards[0] (u250-0)',
                       "two regions are named 'region0'")

    def test_duplicate_address(self) -> None:
        data = self.inventory()
        data['boards'][1]['address'] = data['boards'][0]['address']
        self.assertBad(data, 'same address 0000:3b:00.0')

    def test_driver_refuses_to_start(self) -> None:
        data = self.inventory()
        del data['boards'][0]['vendor']
        self.write_json('inventory.json', data)
        e = self.assertRaises(inventory.InventoryError,
                              fake_driver.FakeDriver, self.conf)
        self.assertIn('key "vendor" is missing', str(e))
