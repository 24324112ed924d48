"""The agent's program_fpga_with_bitstream and its codes 0-3.

Real fake driver and real local bitstream store on disk; only the conductor
the inventory goes to is a stand-in.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid

import fixtures

from cyborg_fpga.agent import inventory
from cyborg_fpga.agent import manager
from cyborg_fpga import conf as config
from cyborg_fpga import context
from cyborg_fpga.drivers.fake import devices
from cyborg_fpga.drivers import loader
from cyborg_fpga.image import local
from cyborg_fpga.tests import base

BOARD = str(uuid.uuid4())
REGION = str(uuid.uuid4())
DATA = b'\xa5' * 10000


class RecordingConductor:
    def __init__(self):
        self.reports = []

    def report_inventory(self, ctxt, host, drivers, deployables):
        self.reports.append((host, drivers, deployables))


class AgentProgramTest(base.TestCase):

    def setUp(self):
        super().setUp()
        state = self.useFixture(fixtures.TempDir()).path
        inventory_file = os.path.join(state, 'inventory.json')
        with open(inventory_file, 'w') as f:
            json.dump({'boards': [{
                'uuid': BOARD, 'name': 'u250', 'vendor': 'Xilinx',
                'board': 'U250', 'address': '0000:3b:00.0',
                'regions': [{'uuid': REGION, 'name': 'region0',
                             'region_type_uuid': str(uuid.uuid4())}]}]}, f)
        self.faults_file = os.path.join(state, 'faults.json')
        self.conf = config.load([])
        self.conf.set_override('host', 'host-a')
        self.conf.set_override('state_path', state)
        self.conf.set_override('backend', 'local', group='image')
        self.conf.set_override('inventory_file', inventory_file,
                               group='fake_driver')
        self.conf.set_override('faults_file', self.faults_file,
                               group='fake_driver')
        self.image = local.add_bitstream(self.conf, DATA, name='bs',
                                         properties={'vendor': 'Xilinx'})
        drivers = loader.load_drivers(self.conf)
        self.conductor = RecordingConductor()
        self.reporter = inventory.InventoryReporter(self.conf, drivers,
                                                    self.conductor)
        from cyborg_fpga.image import base as image_base
        self.agent = manager.AgentManager(self.conf, drivers,
                                          image_base.load(self.conf),
                                          self.reporter)
        self.ctxt = context.from_noauth_token('alice:p1')
        self.devices = devices.DeviceStore(
            os.path.join(state, 'fake-devices'))

    def program(self, deployable=REGION, image=None):
        return self.agent.program_fpga_with_bitstream(
            self.ctxt, deployable, image or self.image)

    def test_success_loads_the_bytes_and_cleans_up(self):
        answer = self.program()
        self.assertEqual({'code': 0, 'reason': None,
                          'loaded_bitstream': self.image,
                          'state_known': True}, answer)
        device = self.devices.read(REGION)
        self.assertEqual(hashlib.sha256(DATA).hexdigest(), device.sha256)
        self.assertEqual([], os.listdir(self.conf.agent.work_dir))

    def test_unknown_deployable_is_code_2(self):
        answer = self.program(deployable=str(uuid.uuid4()))
        self.assertEqual(2, answer['code'])
        self.assertIn('no deployable', answer['reason'])

    def test_missing_bitstream_is_code_3_and_device_untouched(self):
        self.program()
        answer = self.program(image=str(uuid.uuid4()))
        self.assertEqual(3, answer['code'])
        self.assertEqual(self.image, answer['loaded_bitstream'])
        self.assertEqual([], os.listdir(self.conf.agent.work_dir))

    def test_bitstream_without_data_is_code_3(self):
        queued = local.add_bitstream(self.conf, None, name='queued',
                                     properties={})
        self.assertEqual(3, self.program(image=queued)['code'])

    def test_driver_failure_is_code_1_with_reason_and_device_state(self):
        self.program()
        with open(self.faults_file, 'w') as f:
            json.dump({REGION: {'fault': 'partial',
                                'reason': 'PCIe link lost'}}, f)
        answer = self.program()
        self.assertEqual((1, 'PCIe link lost', None, True),
                         (answer['code'], answer['reason'],
                          answer['loaded_bitstream'], answer['state_known']))

    def test_inventory_reports_boards_and_regions_with_driver(self):
        self.reporter.report()
        [(host, drivers, deployables)] = self.conductor.reports
        self.assertEqual(('host-a', ['fake']), (host, drivers))
        self.assertEqual({BOARD: None, REGION: BOARD},
                         {d['uuid']: d['parent_uuid'] for d in deployables})
        self.assertEqual({'fake'}, {d['driver'] for d in deployables})
