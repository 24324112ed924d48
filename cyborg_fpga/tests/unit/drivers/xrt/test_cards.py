"""Finding XRT cards in a fixture sysfs tree."""

from __future__ import annotations

import os

import fixtures

from cyborg_fpga.drivers.xrt import cards
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures.vendor import xrt_sysfs


class CardsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.root = self.useFixture(fixtures.TempDir()).path

    def test_pairs_management_and_user_functions(self):
        xrt_sysfs.build(self.root, [
            xrt_sysfs.XrtCard(slot='0000:d8:00'),
            xrt_sysfs.XrtCard(slot='0000:3b:00'),
            xrt_sysfs.XrtCard(slot='0000:af:00', vbnv=None)])
        self.assertEqual(
            [cards.Card('0000:3b:00.0', '0000:3b:00.1'),
             cards.Card('0000:af:00.0', None),
             cards.Card('0000:d8:00.0', '0000:d8:00.1')],
            cards.find(self.root))

    def test_ignores_other_pci_devices(self):
        xrt_sysfs.build(self.root, [xrt_sysfs.XrtCard()])
        devices = os.path.join(self.root, 'bus', 'pci', 'devices')
        os.makedirs(os.path.join(self.root, 'nic'))
        os.symlink(os.path.join(self.root, 'nic'),
                   os.path.join(devices, '0000:18:00.0'))
        self.assertEqual(['0000:3b:00.0'],
                         [c.mgmt for c in cards.find(self.root)])

    def test_no_sysfs(self):
        self.assertEqual([], cards.find(os.path.join(self.root, 'none')))

    def test_xclbin_uuid(self):
        card = xrt_sysfs.XrtCard()
        xrt_sysfs.build(self.root, [card])
        self.assertIsNone(cards.xclbin_uuid(self.root, card.user))
        path = os.path.join(xrt_sysfs.device_dir(self.root, card.user),
                            'xclbinuuid')
        with open(path, 'w') as f:
            f.write('0B95AD1C-3E4F-4A5B-8C7D-6E5F4A3B2C1D\n')
        self.assertEqual('0b95ad1c-3e4f-4a5b-8c7d-6e5f4a3b2c1d',
                         cards.xclbin_uuid(self.root, card.user))
