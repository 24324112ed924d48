"""The XRT driver end to end: agent, stevedore, privsep, stand-in XRT."""

from __future__ import annotations

import os
import threading
import time
import uuid

from cyborg_fpga.tests.fixtures.vendor import xrt_sysfs
from cyborg_fpga.tests.functional.drivers import xrt_base

IFACE = xrt_base.IFACE
NEW_IFACE = xrt_base.NEW_IFACE


class SingleCardTest(xrt_base.XrtTestCase):

    def test_inventory(self):
        card = self.cards[0]
        found = self.inventory()
        board, region = found['xrt-0000:3b:00.0'], found['xrt-0000:3b:00.1']
        self.assertEqual(
            (self.board(card), 'board', 'Xilinx',
             'xilinx_u250_gen3x16_xdma_shell_4_1', '0000:3b:00.0', None,
             IFACE, None, 'xrt'),
            (board['uuid'], board['kind'], board['vendor'], board['board'],
             board['address'], board['parent_uuid'], board['loaded_bs_uuid'],
             board['loaded_bitstream'], board['driver']))
        self.assertEqual(
            (self.region(card), 'region', self.board(card), IFACE, None,
             None),
            (region['uuid'], region['kind'], region['parent_uuid'],
             region['region_type_uuid'], region['loaded_bs_uuid'],
             region['loaded_bitstream']))

    def test_user_xclbin_loads(self):
        card = self.cards[0]
        image, xclbin_uuid = self.xclbin()
        self.assertAnswer(self.program(self.region(card), image), 0, image)
        self.assertEqual(xclbin_uuid,
                         xrt_sysfs.xclbin_uuid(self.sysfs, card))
        [call] = self.tools.calls('xbutil')
        self.assertEqual(['xbutil', 'program', '--device', '0000:3b:00.1',
                          '--user'], call[:5])
        self.assertTrue(call[5].startswith(self.conf.agent.work_dir))
        region = self.inventory()['xrt-0000:3b:00.1']
        self.assertEqual((image, xclbin_uuid), (region['loaded_bitstream'],
                                                region['loaded_bs_uuid']))

    def test_deployable_uuids_survive_a_restart(self):
        before = sorted(self.inventory())
        self.start_agent()
        self.assertEqual(before, sorted(self.inventory()))
        self.assertIn(self.region(self.cards[0]),
                      {d['uuid'] for d in self.inventory().values()})

    def test_xclbin_for_another_shell_is_refused_before_the_tool(self):
        card = self.cards[0]
        first, _ = self.xclbin()
        self.program(self.region(card), first)
        other, other_uuid = self.xclbin(interface=NEW_IFACE)
        answer = self.program(self.region(card), other)
        self.assertAnswer(
            answer, 3, first,
            f'xclbin {other_uuid} needs shell interface {NEW_IFACE} but card '
            f'0000:3b:00.1 runs {IFACE} (xilinx_u250_gen3x16_xdma_shell_4_1)'
            '; load the matching shell first')
        self.assertEqual(1, len(self.tools.calls('xbutil')))

    def test_1rp_xclbin_is_matched_by_platform_name(self):
        card = self.cards[0]
        wrong, _ = self.xclbin(interface=None,
                               vbnv='xilinx_u200_xdma_201830_2')
        self.assertAnswer(self.program(self.region(card), wrong), 3, None,
                          'was built for platform xilinx_u200_xdma_201830_2')
        right, _ = self.xclbin(interface=None)
        self.assertAnswer(self.program(self.region(card), right), 0, right)

    def test_file_that_is_not_an_xclbin(self):
        image = self.add_image(b'\x00\x09\x0f\xf0' * 1000)
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 3,
                          None, 'is not an xclbin XRT can load: the file '
                                'does not start with "xclbin2"')
        self.assertEqual([], self.tools.calls('xbutil'))

    def test_shell_onto_the_user_region(self):
        image = self.shell(str(uuid.uuid4()))
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 3,
                          None, 'is a shell (it carries a flash image)')

    def test_user_xclbin_onto_the_board(self):
        image, _ = self.xclbin()
        self.assertAnswer(self.program(self.board(self.cards[0]), image), 3,
                          None, 'is not a shell: it carries no flash image')

    def test_busy_card_is_retried(self):
        image, _ = self.xclbin()
        self.tools.fail('xbutil', 'busy', times=2)
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 0,
                          image)
        self.assertEqual(3, len(self.tools.calls('xbutil')))

    def test_card_busy_after_the_retries_keeps_its_xclbin(self):
        card = self.cards[0]
        first, _ = self.xclbin()
        self.program(self.region(card), first)
        self.tools.fail('xbutil', 'busy')
        second, _ = self.xclbin()
        self.assertAnswer(
            self.program(self.region(card), second), 1, first,
            'xbutil program on card 0000:3b:00.1 failed (exit code 1): '
            'ERROR: Could not program device 0000:3b:00.1: Device or '
            'resource busy (after 3 attempts); stop the applications using '
            'the card and try again')
        self.assertEqual(4, len(self.tools.calls('xbutil')))

    def test_timed_out_waiting_is_transient(self):
        image, _ = self.xclbin()
        self.tools.fail('xbutil', 'timed-out', times=1)
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 0,
                          image)

    def test_hanging_tool_is_stopped(self):
        self.conf.set_override('program_timeout', 2, group='xrt_driver')
        self.start_agent()
        image, _ = self.xclbin()
        self.tools.fail('xbutil', 'hang')
        started = time.monotonic()
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 1,
                          None, 'did not finish within 2 s and was stopped')
        self.assertLess(time.monotonic() - started, 20)

    def test_card_refusing_the_image(self):
        image, _ = self.xclbin()
        self.tools.fail('xbutil', 'mismatch')
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 3,
                          None, 'Invalid argument; the card refused the '
                                'image')

    def test_tool_that_claims_success_is_checked(self):
        image, xclbin_uuid = self.xclbin()
        self.tools.fail('xbutil', 'no-effect')
        self.assertAnswer(
            self.program(self.region(self.cards[0]), image), 1, None,
            'xbutil program reported success but card 0000:3b:00.1 holds '
            f'xclbin none, not {xclbin_uuid}')

    def test_missing_tool(self):
        self.conf.set_override('xbutil_path', '/opt/none/xbutil',
                               group='xrt_driver')
        self.start_agent()
        image, _ = self.xclbin()
        self.assertAnswer(self.program(self.region(self.cards[0]), image), 1,
                          None, 'xbutil cannot be started on this host')

    def test_unknown_deployable(self):
        image, _ = self.xclbin()
        answer = self.program(str(uuid.uuid4()), image)
        self.assertEqual(2, answer['code'])

    def test_card_xbmgmt_cannot_describe_stays_in_the_inventory(self):
        self.conf.set_override('xbmgmt_path', '/opt/none/xbmgmt',
                               group='xrt_driver')
        self.start_agent()
        found = self.inventory()
        self.assertEqual(('unknown', None),
                         (found['xrt-0000:3b:00.0']['board'],
                          found['xrt-0000:3b:00.1']['region_type_uuid']))
        self.assertIn('Cannot read the platform of card 0000:3b:00.0',
                      self.logs.output)

    def test_xclbin_loaded_by_someone_else_is_not_claimed(self):
        card = self.cards[0]
        image, _ = self.xclbin()
        self.program(self.region(card), image)
        path = os.path.join(xrt_sysfs.device_dir(self.sysfs, card.user),
                            'xclbinuuid')
        stranger = str(uuid.uuid4())
        with open(path, 'w') as f:
            f.write(stranger + '\n')
        region = self.inventory()['xrt-0000:3b:00.1']
        self.assertEqual((None, stranger), (region['loaded_bitstream'],
                                            region['loaded_bs_uuid']))

    def test_second_load_on_a_busy_card_fails_fast(self):
        card = self.cards[0]
        self.conf.set_override('program_timeout', 5, group='xrt_driver')
        self.start_agent()
        image, _ = self.xclbin()
        self.tools.fail('xbutil', 'hang')
        first = threading.Thread(
            target=self.program, args=(self.region(card), image))
        first.start()
        self.addCleanup(first.join)
        while not self.tools.calls('xbutil'):
            time.sleep(0.05)
        shell = self.shell(str(uuid.uuid4()))
        self.assertAnswer(self.program(self.board(card), shell), 1, None,
                          f'card 0000:3b:00.0 is busy with a load of {image}')
