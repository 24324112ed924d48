"""Finding Intel FPGA cards in a fixture DFL sysfs tree."""

from __future__ import annotations

import os
import shutil

import fixtures

from cyborg_fpga.drivers.opae import dfl
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures.vendor import opae_sysfs

IFACE = '69528db6-eb31-577a-8c36-68f9faa081f6'


class DflTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.root = self.useFixture(fixtures.TempDir()).path

    def test_one_card_one_port(self):
        opae_sysfs.build(self.root, [opae_sysfs.OpaeCard()])
        [card] = dfl.find(self.root)
        self.assertEqual(('0000:5e:00.0', (0, 0x5e, 0, 0), IFACE,
                          'Intel FPGA PAC N3000', [0]),
                         (card.address, card.pci, card.interface_uuid,
                          card.product, [p.index for p in card.ports]))
        self.assertIsNone(dfl.afu_uuid(card.ports[0]))

    def test_several_cards_number_ports_on_their_own_fme(self):
        opae_sysfs.build(self.root, [
            opae_sysfs.OpaeCard(address='0000:86:00.0', ports=2),
            opae_sysfs.OpaeCard(address='0000:5e:00.0', device_id=0x0b2b)])
        first, second = dfl.find(self.root)
        self.assertEqual(['0000:5e:00.0', '0000:86:00.0'],
                         [first.address, second.address])
        self.assertEqual('Intel FPGA PAC D5005', first.product)
        # The second card's ports are dfl-port.0 and .1 of the kernel's
        # numbering, built first; each knows its own id on its FME.
        self.assertEqual([0], [p.index for p in first.ports])
        self.assertEqual([0, 1], [p.index for p in second.ports])
        self.assertEqual('dfl-port.2', os.path.basename(first.ports[0].path))

    def test_card_without_pr_region(self):
        opae_sysfs.build(self.root, [opae_sysfs.OpaeCard(ports=0)])
        [card] = dfl.find(self.root)
        self.assertEqual(((), None), (card.ports, card.interface_uuid))

    def test_interface_id_of_the_intel_fpga_driver(self):
        opae_sysfs.build(self.root, [opae_sysfs.OpaeCard()])
        [card] = dfl.find(self.root)
        for name in os.listdir(card.fme):
            if name.startswith('dfl-fme-region.'):
                shutil.rmtree(os.path.join(card.fme, name))
        os.makedirs(os.path.join(card.fme, 'pr'))
        with open(os.path.join(card.fme, 'pr', 'interface_id'), 'w') as f:
            f.write(IFACE.replace('-', '') + '\n')
        self.assertEqual(IFACE, dfl.interface_uuid(card.fme))

    def test_unknown_product(self):
        opae_sysfs.build(self.root, [opae_sysfs.OpaeCard(device_id=0xbcce)])
        self.assertEqual('Intel FPGA 8086:bcce',
                         dfl.find(self.root)[0].product)

    def test_no_sysfs(self):
        self.assertEqual([], dfl.find(os.path.join(self.root, 'none')))
