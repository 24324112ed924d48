"""XRT shells (flash, cold reboot) and hosts with several cards."""

from __future__ import annotations

import uuid

from cyborg_fpga.tests.fixtures.vendor import xrt_sysfs
from cyborg_fpga.tests.functional.drivers import base
from cyborg_fpga.tests.functional.drivers import xrt_base

NEW_IFACE = xrt_base.NEW_IFACE


class ShellTest(xrt_base.XrtTestCase):
    """Flashing a shell, which the card runs after a cold reboot."""

    def make_cards(self):
        return [xrt_sysfs.XrtCard(),
                xrt_sysfs.XrtCard(slot='0000:af:00', vbnv=None)]

    def test_card_without_shell_has_no_region(self):
        found = self.inventory()
        self.assertEqual(
            ['xrt-0000:3b:00.0', 'xrt-0000:3b:00.1', 'xrt-0000:af:00.0'],
            sorted(found))
        golden = found['xrt-0000:af:00.0']
        self.assertEqual(('xilinx_u250_GOLDEN_5', None),
                         (golden['board'], golden['loaded_bs_uuid']))

    def test_shell_runs_after_a_cold_reboot(self):
        golden = self.cards[1]
        logic = str(uuid.uuid4())
        shell = self.shell(logic)
        answer = self.program(self.board(golden), shell)
        self.assertAnswer(
            answer, 1, None,
            'was written to the flash of card 0000:af:00.0 and runs only '
            f'after a cold reboot of host {base.HOST}; until then the card '
            'runs xilinx_u250_GOLDEN_5')
        [call] = [c for c in self.tools.calls('xbmgmt') if c[1] == 'program']
        self.assertEqual(['xbmgmt', 'program', '--device', '0000:af:00.0',
                          '--base', '--image'], call[:6])
        self.assertEqual('--force', call[7])

        xrt_sysfs.cold_reboot(self.sysfs, self.cards)
        found = self.inventory()
        board = found['xrt-0000:af:00.0']
        self.assertEqual((shell, NEW_IFACE, 'xilinx_u250_gen3x16_base_4'),
                         (board['loaded_bitstream'], board['loaded_bs_uuid'],
                          board['board']))
        region = found['xrt-0000:af:00.1']
        self.assertEqual((self.region(golden), NEW_IFACE),
                         (region['uuid'], region['region_type_uuid']))
        image, _ = self.xclbin(interface=NEW_IFACE,
                               vbnv='xilinx_u250_gen3x16_base_4')
        self.assertAnswer(self.program(self.region(golden), image), 0, image)
        # The other card was never touched.
        self.assertIsNone(xrt_sysfs.xclbin_uuid(self.sysfs, self.cards[0]))

    def test_flash_that_changes_nothing(self):
        shell = self.shell(str(uuid.uuid4()))
        self.tools.fail('xbmgmt', 'no-effect')
        xrt_sysfs.cold_reboot(self.sysfs, self.cards)
        self.assertAnswer(self.program(self.board(self.cards[0]), shell), 1,
                          None, 'runs only after a cold reboot')
        xrt_sysfs.cold_reboot(self.sysfs, self.cards)
        board = self.inventory()['xrt-0000:3b:00.0']
        self.assertIsNone(board['loaded_bitstream'])

    def test_flash_of_a_busy_card(self):
        shell = self.shell(str(uuid.uuid4()))
        self.tools.fail('xbmgmt', 'busy')
        self.assertAnswer(self.program(self.board(self.cards[0]), shell), 1,
                          None, 'Device or resource busy (after 3 attempts)')


class SeveralCardsTest(xrt_base.XrtTestCase):

    def make_cards(self):
        return [xrt_sysfs.XrtCard(slot=slot)
                for slot in ('0000:3b:00', '0000:5e:00', '0000:d8:00')]

    def test_each_card_is_its_own_board_and_region(self):
        found = self.inventory()
        self.assertEqual(6, len(found))
        self.assertEqual(6, len({d['uuid'] for d in found.values()}))
        for card in self.cards:
            region = found[f'xrt-{card.user}']
            self.assertEqual(self.board(card), region['parent_uuid'])

    def test_load_touches_only_its_card(self):
        image, xclbin_uuid = self.xclbin()
        middle = self.cards[1]
        self.assertAnswer(self.program(self.region(middle), image), 0, image)
        self.assertEqual(
            [None, xclbin_uuid, None],
            [xrt_sysfs.xclbin_uuid(self.sysfs, c) for c in self.cards])
        self.assertEqual('0000:5e:00.1', self.tools.calls('xbutil')[0][3])
