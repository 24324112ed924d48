"""The OPAE driver end to end: agent, stevedore, privsep, stand-in fpgaconf."""

from __future__ import annotations

import os
import time
import uuid

from cyborg_fpga.drivers import records
from cyborg_fpga.tests.fixtures.vendor import images
from cyborg_fpga.tests.fixtures.vendor import opae_sysfs
from cyborg_fpga.tests.functional.drivers import base

IFACE = opae_sysfs.OpaeCard.interface_uuid
OTHER_FIM = '1a422218-6dba-448e-b302-425cbcde1406'


class OpaeTestCase(base.AgentDriverTestCase):
    driver_name = 'opae'
    cards: list[opae_sysfs.OpaeCard]

    def setUp(self):
        super().setUp()
        self.cards = self.make_cards()
        opae_sysfs.build(self.sysfs, self.cards)
        self.start_agent()

    def make_cards(self):
        return [opae_sysfs.OpaeCard()]

    def board(self, card):
        return records.deployable_uuid(base.HOST, card.address)

    def region(self, card, port=0):
        return records.deployable_uuid(base.HOST, card.address, port)

    def gbs(self, interface=IFACE):
        afu = str(uuid.uuid4())
        image = self.add_image(images.gbs(interface_uuid=interface,
                                          afu_uuid=afu), vendor='Intel')
        return image, afu


class SingleCardTest(OpaeTestCase):

    def test_inventory(self):
        card = self.cards[0]
        found = self.inventory()
        board = found['opae-0000:5e:00.0']
        region = found['opae-0000:5e:00.0-port0']
        self.assertEqual(
            (self.board(card), 'board', 'Intel', 'Intel FPGA PAC N3000',
             '0000:5e:00.0', IFACE, None),
            (board['uuid'], board['kind'], board['vendor'], board['board'],
             board['address'], board['loaded_bs_uuid'],
             board['parent_uuid']))
        self.assertEqual(
            (self.region(card), 'region', self.board(card), IFACE, None,
             None, '0000:5e:00.0 port 0'),
            (region['uuid'], region['kind'], region['parent_uuid'],
             region['region_type_uuid'], region['loaded_bs_uuid'],
             region['loaded_bitstream'], region['address']))

    def test_gbs_loads(self):
        card = self.cards[0]
        image, afu = self.gbs()
        self.assertAnswer(self.program(self.region(card), image), 0, image)
        self.assertEqual(afu, opae_sysfs.afu_id(self.sysfs, card))
        [call] = self.tools.calls('fpgaconf')
        self.assertEqual(['fpgaconf', '--segment', '0x0000', '--bus', '0x5e',
                          '--device', '0x00', '--function', '0x0'],
                         call[:9])
        self.assertTrue(call[9].startswith(self.conf.agent.work_dir))
        region = self.inventory()['opae-0000:5e:00.0-port0']
        self.assertEqual((image, afu), (region['loaded_bitstream'],
                                        region['loaded_bs_uuid']))

    def test_gbs_for_another_fim_is_refused_before_the_tool(self):
        card = self.cards[0]
        first, _ = self.gbs()
        self.program(self.region(card), first)
        other, afu = self.gbs(interface=OTHER_FIM)
        self.assertAnswer(
            self.program(self.region(card), other), 3, first,
            f'GBS {other} (AFU {afu}) needs FIM interface {OTHER_FIM} but '
            f'card 0000:5e:00.0 runs {IFACE}; load a GBS built for this '
            'FIM, or update the FIM first')
        self.assertEqual(1, len(self.tools.calls('fpgaconf')))

    def test_file_that_is_not_a_gbs(self):
        image = self.add_image(images.xclbin(xclbin_uuid=str(uuid.uuid4())))
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 3,
                          None, 'is not a GBS OPAE can load: the file does '
                                'not start with the GBS GUID')
        self.assertEqual([], self.tools.calls('fpgaconf'))

    def test_the_fme_takes_no_gbs(self):
        image, _ = self.gbs()
        self.assertAnswer(self.program(self.board(self.cards[0]), image), 2,
                          None, 'loads AFUs into PR regions only')

    def test_busy_port_is_retried(self):
        image, _ = self.gbs()
        self.tools.fail('fpgaconf', 'busy', times=2)
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 0,
                          image)
        self.assertEqual(3, len(self.tools.calls('fpgaconf')))

    def test_port_busy_after_the_retries_keeps_its_afu(self):
        card = self.cards[0]
        first, afu = self.gbs()
        self.program(self.region(card), first)
        self.tools.fail('fpgaconf', 'busy')
        second, _ = self.gbs()
        self.assertAnswer(
            self.program(self.region(card), second), 1, first,
            'fpgaconf on card 0000:5e:00.0 failed (exit code 5): '
            'Error writing bitstream to FPGA: resource busy (after 3 '
            'attempts); stop the applications using the accelerator')
        self.assertEqual(afu, opae_sysfs.afu_id(self.sysfs, card))

    def test_timed_out_waiting_is_transient(self):
        image, _ = self.gbs()
        self.tools.fail('fpgaconf', 'timed-out', times=1)
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 0,
                          image)

    def test_hanging_tool_is_stopped(self):
        self.conf.set_override('program_timeout', 2, group='opae_driver')
        self.start_agent()
        image, _ = self.gbs()
        self.tools.fail('fpgaconf', 'hang')
        started = time.monotonic()
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 1,
                          None, 'did not finish within 2 s and was stopped')
        self.assertLess(time.monotonic() - started, 20)

    def test_tool_finding_no_slot(self):
        image, _ = self.gbs()
        self.tools.fail('fpgaconf', 'mismatch')
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 3,
                          None, 'No suitable slots found.; no FPGA at that '
                                'address accepts the interface')

    def test_tool_unable_to_read_the_file(self):
        image, _ = self.gbs()
        self.tools.fail('fpgaconf', 'bad-file')
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 3,
                          None, 'GBS guid is invalid')

    def test_load_failing_half_way(self):
        image, _ = self.gbs()
        self.tools.fail('fpgaconf', 'reconf-error')
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 1,
                          None, 'reconfiguration error; the region may hold '
                                'nothing usable')

    def test_tool_that_claims_success_is_checked(self):
        image, afu = self.gbs()
        self.tools.fail('fpgaconf', 'no-effect')
        self.assertAnswer(
            self.program(self.region(self.cards[0]), image), 1, None,
            'fpgaconf reported success but port 0 of card 0000:5e:00.0 '
            f'holds AFU none, not {afu}')

    def test_missing_tool(self):
        self.conf.set_override('fpgaconf_path', '/opt/none/fpgaconf',
                               group='opae_driver')
        self.start_agent()
        image, _ = self.gbs()
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 1,
                          None, 'fpgaconf cannot be started on this host')

    def test_afu_loaded_by_someone_else_is_not_claimed(self):
        card = self.cards[0]
        image, _ = self.gbs()
        self.program(self.region(card), image)
        [port] = [os.path.join(root, name)
                  for root, dirs, _ in os.walk(self.sysfs)
                  for name in dirs if name.startswith('dfl-port.')]
        stranger = uuid.uuid4()
        with open(os.path.join(port, 'afu_id'), 'w') as f:
            f.write(stranger.hex + '\n')
        region = self.inventory()['opae-0000:5e:00.0-port0']
        self.assertEqual((None, str(stranger)),
                         (region['loaded_bitstream'],
                          region['loaded_bs_uuid']))


class SeveralCardsTest(OpaeTestCase):
    """Identical cards: fpgaconf must be told the exact one."""

    def make_cards(self):
        return [opae_sysfs.OpaeCard(address=address)
                for address in ('0000:5e:00.0', '0000:86:00.0',
                                '0001:3b:00.0')]

    def test_load_touches_only_its_card(self):
        image, afu = self.gbs()
        target = self.cards[2]
        self.assertAnswer(self.program(self.region(target), image), 0, image)
        self.assertEqual([None, None, afu],
                         [opae_sysfs.afu_id(self.sysfs, c)
                          for c in self.cards])
        self.assertEqual(['--segment', '0x0001', '--bus', '0x3b'],
                         self.tools.calls('fpgaconf')[0][1:5])
        self.assertEqual(6, len(self.inventory()))


class TwoRegionCardTest(OpaeTestCase):

    def make_cards(self):
        return [opae_sysfs.OpaeCard(address='0000:86:00.0', ports=2),
                opae_sysfs.OpaeCard(ports=0)]

    def test_inventory(self):
        found = self.inventory()
        self.assertEqual(
            ['opae-0000:5e:00.0', 'opae-0000:86:00.0',
             'opae-0000:86:00.0-port0', 'opae-0000:86:00.0-port1'],
            sorted(found))
        board = self.board(self.cards[0])
        self.assertEqual(
            [board, board],
            [found[f'opae-0000:86:00.0-port{n}']['parent_uuid']
             for n in (0, 1)])
        # A card whose FIM has no PR region: a board, and nothing to load.
        self.assertIsNone(found['opae-0000:5e:00.0']['loaded_bs_uuid'])

    def test_port_0_loads_port_1_cannot(self):
        card = self.cards[0]
        image, afu = self.gbs()
        self.assertAnswer(self.program(self.region(card, 0), image), 0,
                          image)
        self.assertAnswer(self.program(self.region(card, 1), image), 2,
                          None, 'port 1 of card 0000:86:00.0, which '
                                'fpgaconf cannot load')
        self.assertEqual([afu, None],
                         [opae_sysfs.afu_id(self.sysfs, card, n)
                          for n in (0, 1)])
        self.assertEqual(1, len(self.tools.calls('fpgaconf')))
