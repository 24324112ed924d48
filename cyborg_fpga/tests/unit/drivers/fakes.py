"""A configuration and inventory for tests of the fake driver."""

from __future__ import annotations

import json
import os

import fixtures
from oslo_config import cfg

from cyborg_fpga import conf as conf_module
from cyborg_fpga.drivers import base
from cyborg_fpga.tests import base as test_base

BOARD = '5d0f3c9e-8a47-4f0b-9a53-6c2e1b7d4a01'
REGION0 = '5d0f3c9e-8a47-4f0b-9a53-6c2e1b7d4a11'
REGION1 = '5d0f3c9e-8a47-4f0b-9a53-6c2e1b7d4a12'
REGION_TYPE = '9b1e6f20-3c4d-4e8a-b7f5-2a9c8d0e1f31'
OTHER_BOARD = '7e2a4b1c-6d3f-4a8e-8c19-0f5b3d2e6a02'
OTHER_REGION = '7e2a4b1c-6d3f-4a8e-8c19-0f5b3d2e6a21'
OTHER_REGION_TYPE = 'c4d8e2f1-7a6b-4c3d-9e8f-1b2a3c4d5e41'

INVENTORY = {'boards': [
    {'uuid': BOARD, 'name': 'u250-0', 'vendor': 'Xilinx', 'board': 'U250',
     'address': '0000:3b:00.0',
     'shell_id': 'a1000000-0000-4000-8000-0000000000aa',
     'regions': [{'uuid': REGION0, 'name': 'region0',
                  'region_type_uuid': REGION_TYPE},
                 {'uuid': REGION1, 'name': 'region1',
                  'region_type_uuid': REGION_TYPE}]},
    {'uuid': OTHER_BOARD, 'name': 'pac-a10-0', 'vendor': 'Intel',
     'board': 'PAC-A10', 'address': '0000:5e:00.0',
     'regions': [{'uuid': OTHER_REGION, 'name': 'region0',
                  'region_type_uuid': OTHER_REGION_TYPE}]},
]}


class FakeDriverTestCase(test_base.TestCase):
    """A fresh configuration whose fake driver simulates INVENTORY."""

    def setUp(self) -> None:
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.state_dir = os.path.join(self.tmp, 'state')
        self.faults_file = os.path.join(self.tmp, 'faults.json')
        self.inventory_file = self.write_json('inventory.json', INVENTORY)
        self.conf = self.make_conf()

    def make_conf(self) -> cfg.ConfigOpts:
        conf = conf_module.load([])
        conf.set_override('state_path', self.tmp)
        conf.set_override('inventory_file', self.inventory_file,
                          group='fake_driver')
        conf.set_override('state_dir', self.state_dir, group='fake_driver')
        conf.set_override('faults_file', self.faults_file,
                          group='fake_driver')
        return conf

    def write_json(self, name: str, data: object) -> str:
        path = os.path.join(self.tmp, name)
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(data, f)
        return path

    def bitstream(self, image_id: str, content: bytes,
                  bs_uuid: str | None = None) -> base.BitstreamFile:
        path = os.path.join(self.tmp, image_id + '.bin')
        with open(path, 'wb') as f:
            f.write(content)
        return base.BitstreamFile(
            uuid=image_id, path=path, size=len(content),
            properties={'bs-uuid': bs_uuid} if bs_uuid else {})
