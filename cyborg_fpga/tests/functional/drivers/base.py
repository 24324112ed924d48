"""An agent with a real vendor driver over stand-in hardware and tools.

The agent, its inventory reporter, the driver (loaded through stevedore by
``cyborg_fpga.drivers.loader``), privsep (in-process) and the local
bitstream store are the real ones; only the hardware is a fixture sysfs
tree, the vendor tools are stand-ins on PATH, and the conductor the
inventory goes to records what it is told.
"""

from __future__ import annotations

import os
from typing import ClassVar

import fixtures

from cyborg_fpga.agent import inventory
from cyborg_fpga.agent import manager
from cyborg_fpga import conf as config
from cyborg_fpga import context
from cyborg_fpga.drivers import loader
from cyborg_fpga.image import base as image_base
from cyborg_fpga.image import local
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures.vendor import standins

HOST = 'fpga-host-1'


class RecordingConductor:
    def __init__(self):
        self.reports = []

    def report_inventory(self, ctxt, host, drivers, deployables):
        self.reports.append((host, drivers, deployables))


class AgentDriverTestCase(base.TestCase):
    driver_name: ClassVar[str]

    def setUp(self):
        super().setUp()
        self.logs = self.useFixture(fixtures.FakeLogger())
        state = self.useFixture(fixtures.TempDir()).path
        self.sysfs = os.path.join(state, 'sys')
        os.makedirs(self.sysfs)
        self.conf = config.load([])
        self.conf.set_override('host', HOST)
        self.conf.set_override('state_path', state)
        self.conf.set_override('backend', 'local', group='image')
        self.conf.set_override('enabled_drivers', [self.driver_name],
                               group='agent')
        group = f'{self.driver_name}_driver'
        self.conf.set_override('sysfs_root', self.sysfs, group=group)
        self.conf.set_override('retry_delay', 0.0, group=group)
        self.tools = self.useFixture(standins.StandIns(self.sysfs))
        self.ctxt = context.from_noauth_token('alice:p1')

    def start_agent(self):
        """The agent of the host, once the fixture hardware is built."""
        self.drivers = loader.load_drivers(self.conf)
        self.driver = self.drivers[self.driver_name]
        self.conductor = RecordingConductor()
        self.reporter = inventory.InventoryReporter(self.conf, self.drivers,
                                                    self.conductor)
        self.agent = manager.AgentManager(
            self.conf, self.drivers, image_base.load(self.conf),
            self.reporter)

    def add_image(self, data, name='bitstream', **properties):
        return local.add_bitstream(self.conf, data, name=name,
                                   properties=properties)

    def program(self, deployable, image):
        return self.agent.program_fpga_with_bitstream(self.ctxt, deployable,
                                                      image)

    def inventory(self):
        """What the agent tells the conductor, by deployable name."""
        self.reporter.report()
        host, drivers, deployables = self.conductor.reports[-1]
        self.assertEqual((HOST, [self.driver_name]), (host, drivers))
        return {d['name']: d for d in deployables}

    def assertAnswer(self, answer, code, loaded, reason=None):
        self.assertEqual((code, loaded, True),
                         (answer['code'], answer['loaded_bitstream'],
                          answer['state_known']), answer['reason'])
        if reason is not None:
            self.assertIn(reason, answer['reason'])
        if code == 0:
            self.assertIsNone(answer['reason'])
