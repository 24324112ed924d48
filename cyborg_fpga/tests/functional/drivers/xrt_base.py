"""The XRT agent tests' hardware: fixture cards and images for them."""

from __future__ import annotations

import uuid

from cyborg_fpga.drivers import records
from cyborg_fpga.tests.fixtures.vendor import images
from cyborg_fpga.tests.fixtures.vendor import xrt_sysfs
from cyborg_fpga.tests.functional.drivers import base

IFACE = xrt_sysfs.XrtCard.interface_uuid
NEW_IFACE = '0b95ad1c-3e4f-4a5b-8c7d-6e5f4a3b2c1d'


class XrtTestCase(base.AgentDriverTestCase):
    driver_name = 'xrt'
    cards: list[xrt_sysfs.XrtCard]

    def setUp(self):
        super().setUp()
        self.cards = self.make_cards()
        xrt_sysfs.build(self.sysfs, self.cards)
        self.start_agent()

    def make_cards(self):
        return [xrt_sysfs.XrtCard()]

    def board(self, card):
        return records.deployable_uuid(base.HOST, card.mgmt)

    def region(self, card):
        return records.deployable_uuid(base.HOST, card.user, 0)

    def xclbin(self, interface=IFACE, **kwargs):
        xclbin_uuid = str(uuid.uuid4())
        image = self.add_image(images.xclbin(
            xclbin_uuid=xclbin_uuid, interface_uuid=interface, **kwargs),
            vendor='Xilinx')
        return image, xclbin_uuid

    def shell(self, logic_uuid, interface=NEW_IFACE):
        return self.add_image(images.shell_xsabin(
            logic_uuid=logic_uuid, interface_uuid=interface),
            vendor='Xilinx')


