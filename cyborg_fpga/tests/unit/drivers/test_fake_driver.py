from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
import hashlib
import json
import os
import time

from cyborg_fpga.drivers import base
from cyborg_fpga.drivers import errors
from cyborg_fpga.drivers.fake import devices
from cyborg_fpga.drivers.fake import driver as fake_driver
from cyborg_fpga.tests.unit.drivers import fakes

IMAGE_A = 'a1a1a1a1-0000-4000-8000-000000000001'
IMAGE_B = 'b2b2b2b2-0000-4000-8000-000000000002'
SHELL = 'c3c3c3c3-0000-4000-8000-000000000003'
# More than one read chunk, so that chunked reading is exercised.
CONTENT = bytes(range(256)) * 5000


def seen_while_running(condition: Callable[[], bool],
                       loads: list[futures.Future[None]]) -> bool:
    """Whether ``condition`` held at some moment before ``loads`` ended."""
    # Bounded by the loads ending, not by a clock, so a slow machine can
    # only make this slower, never wrong.
    while not all(load.done() for load in loads):
        if condition():
            return True
        time.sleep(0.002)
    return False


class FakeDriverTestCase(fakes.FakeDriverTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.driver = fake_driver.FakeDriver(self.conf)
        self.threads = futures.ThreadPoolExecutor(max_workers=2)
        self.addCleanup(self.threads.shutdown)

    def state_file(self, deployable_uuid: str) -> dict[str, object]:
        path = os.path.join(self.state_dir, deployable_uuid + '.json')
        with open(path, encoding='utf-8') as f:
            data: dict[str, object] = json.load(f)
        return data

    def marker(self, deployable_uuid: str) -> str:
        return os.path.join(self.state_dir, deployable_uuid + '.programming')

    def start(self, deployable_uuid: str,
              image_id: str) -> futures.Future[None]:
        """program() in a thread of its own; result() re-raises here."""
        return self.threads.submit(self.driver.program, deployable_uuid,
                                   self.bitstream(image_id, CONTENT))


class DiscoverTestCase(FakeDriverTestCase):

    def test_boards_then_regions(self) -> None:
        reports = self.driver.discover()
        self.assertEqual(
            [fakes.BOARD, fakes.OTHER_BOARD, fakes.REGION0, fakes.REGION1,
             fakes.OTHER_REGION], [r.uuid for r in reports])
        region1 = reports[3]
        self.assertEqual(base.DeviceReport(
            uuid=fakes.REGION1, kind=base.REGION, name='region1',
            vendor='Xilinx', board='U250', address='0000:3b:00.0/region1',
            parent_uuid=fakes.BOARD, region_type_uuid=fakes.REGION_TYPE,
            loaded_bitstream=None), region1)
        self.assertEqual((base.BOARD, None, None),
                         (reports[0].kind, reports[0].parent_uuid,
                          reports[0].region_type_uuid))

    def test_reports_what_is_loaded(self) -> None:
        self.driver.program(fakes.REGION0, self.bitstream(IMAGE_A, CONTENT))
        loaded = {r.uuid: r.loaded_bitstream for r in self.driver.discover()}
        self.assertEqual(IMAGE_A, loaded.pop(fakes.REGION0))
        self.assertEqual({None}, set(loaded.values()))

    def test_loaded_of_unknown_deployable(self) -> None:
        self.assertRaises(errors.DeviceNotFound, self.driver.loaded,
                          IMAGE_A)


class ProgramTestCase(FakeDriverTestCase):

    def test_records_the_bytes_programmed(self) -> None:
        self.driver.program(fakes.REGION0, self.bitstream(IMAGE_A, CONTENT))
        state = self.state_file(fakes.REGION0)
        self.assertEqual(IMAGE_A, state['loaded_bitstream'])
        self.assertEqual(len(CONTENT), state['size'])
        self.assertEqual(hashlib.sha256(CONTENT).hexdigest(),
                         state['sha256'])
        self.assertIsNotNone(state['loaded_at'])
        self.assertEqual(IMAGE_A, self.driver.loaded(fakes.REGION0))
        self.assertFalse(os.path.exists(self.marker(fakes.REGION0)))
        # Nothing but state files is left behind.
        self.assertEqual([fakes.REGION0 + '.json'],
                         os.listdir(self.state_dir))

    def test_survives_a_restart(self) -> None:
        self.driver.program(fakes.BOARD, self.bitstream(SHELL, b'shell'))
        restarted = fake_driver.FakeDriver(self.make_conf())
        self.assertEqual(SHELL, restarted.loaded(fakes.BOARD))
        self.assertEqual(5, restarted.device_state(fakes.BOARD).size)

    def test_unknown_deployable(self) -> None:
        e = self.assertRaises(errors.DeviceNotFound, self.driver.program,
                              IMAGE_B, self.bitstream(IMAGE_A, CONTENT))
        self.assertIn(IMAGE_B, e.reason)

    def test_empty_file(self) -> None:
        e = self.assertRaises(errors.IncompatibleImage, self.driver.program,
                              fakes.REGION0, self.bitstream(IMAGE_A, b''))
        self.assertEqual('bitstream file is empty', e.reason)

    def test_missing_file(self) -> None:
        bitstream = base.BitstreamFile(
            uuid=IMAGE_A, path=os.path.join(self.tmp, 'gone'), size=3)
        self.assertRaises(errors.IncompatibleImage, self.driver.program,
                          fakes.REGION0, bitstream)

    def test_board_load_clears_its_regions(self) -> None:
        self.driver.program(fakes.REGION0, self.bitstream(IMAGE_A, CONTENT))
        self.driver.program(fakes.REGION1, self.bitstream(IMAGE_B, CONTENT))
        self.driver.program(fakes.OTHER_REGION,
                            self.bitstream(IMAGE_A, CONTENT))
        self.driver.program(fakes.BOARD, self.bitstream(SHELL, CONTENT))
        self.assertEqual(SHELL, self.driver.loaded(fakes.BOARD))
        self.assertIsNone(self.driver.loaded(fakes.REGION0))
        self.assertIsNone(self.driver.loaded(fakes.REGION1))
        self.assertIn(f'shell load onto board {fakes.BOARD}',
                      str(self.state_file(fakes.REGION0)['note']))
        # Another board's regions are not touched.
        self.assertEqual(IMAGE_A, self.driver.loaded(fakes.OTHER_REGION))


class ProgrammingTimeTestCase(FakeDriverTestCase):
    """What can be seen while a load is running."""

    def setUp(self) -> None:
        super().setUp()
        self.conf.set_override('program_seconds', 0.5, group='fake_driver')

    def test_marker_file_while_programming(self) -> None:
        self.driver.program(fakes.REGION0, self.bitstream(IMAGE_A, CONTENT))
        load = self.start(fakes.REGION0, IMAGE_B)
        marker = self.marker(fakes.REGION0)
        self.assertTrue(seen_while_running(
            lambda: os.path.exists(marker), [load]))
        # The old image is gone once programming starts, as after a crash
        # mid-load a restarted agent would find.
        restarted = fake_driver.FakeDriver(self.make_conf())
        self.assertIsNone(restarted.loaded(fakes.REGION0))
        load.result()
        self.assertFalse(os.path.exists(marker))
        self.assertEqual(IMAGE_B, self.driver.loaded(fakes.REGION0))

    def test_loads_on_two_deployables_overlap(self) -> None:
        loads = [self.start(fakes.REGION0, IMAGE_A),
                 self.start(fakes.REGION1, IMAGE_B)]
        markers = [self.marker(fakes.REGION0), self.marker(fakes.REGION1)]
        self.assertTrue(seen_while_running(
            lambda: all(os.path.exists(m) for m in markers), loads))
        for load in loads:
            load.result()
        self.assertEqual(IMAGE_A, self.driver.loaded(fakes.REGION0))
        self.assertEqual(IMAGE_B, self.driver.loaded(fakes.REGION1))

    def test_board_is_busy_while_its_region_loads(self) -> None:
        load = self.start(fakes.REGION0, IMAGE_A)
        self.assertTrue(seen_while_running(
            lambda: os.path.exists(self.marker(fakes.REGION0)), [load]))
        e = self.assertRaises(errors.DeviceBusy, self.driver.program,
                              fakes.BOARD, self.bitstream(SHELL, CONTENT))
        self.assertIn(fakes.REGION0, e.reason)
        load.result()
        self.assertEqual(IMAGE_A, self.driver.loaded(fakes.REGION0))


class FaultsTestCase(FakeDriverTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.driver.program(fakes.REGION0, self.bitstream(IMAGE_A, CONTENT))
        self.new = self.bitstream(IMAGE_B, CONTENT)

    def inject(self, fault: dict[str, object]) -> None:
        self.write_json('faults.json', {fakes.REGION0: fault})

    def test_error_leaves_the_device_unchanged(self) -> None:
        self.inject({'fault': 'error', 'reason': 'xbutil: card not ready'})
        e = self.assertRaises(errors.ToolFailed, self.driver.program,
                              fakes.REGION0, self.new)
        self.assertEqual('xbutil: card not ready', e.reason)
        self.assertEqual(IMAGE_A, self.driver.loaded(fakes.REGION0))
        self.assertFalse(os.path.exists(self.marker(fakes.REGION0)))

    def test_partial_leaves_the_device_empty(self) -> None:
        self.inject({'fault': 'partial', 'reason': 'PCIe link lost'})
        e = self.assertRaises(errors.ToolFailed, self.driver.program,
                              fakes.REGION0, self.new)
        self.assertEqual('PCIe link lost', e.reason)
        self.assertIsNone(self.driver.loaded(fakes.REGION0))
        self.assertIn('PCIe link lost',
                      str(self.state_file(fakes.REGION0)['note']))
        self.assertFalse(os.path.exists(self.marker(fakes.REGION0)))

    def test_busy(self) -> None:
        self.inject({'fault': 'busy'})
        self.assertRaises(errors.DeviceBusy, self.driver.program,
                          fakes.REGION0, self.new)
        self.assertEqual(IMAGE_A, self.driver.loaded(fakes.REGION0))

    def test_timeout(self) -> None:
        self.inject({'fault': 'timeout'})
        e = self.assertRaises(errors.ProgramTimeout, self.driver.program,
                              fakes.REGION0, self.new)
        self.assertIn('timed out', e.reason)

    def test_delay_loads_slowly(self) -> None:
        self.inject({'fault': 'delay', 'seconds': 0.3})
        load = self.start(fakes.REGION0, IMAGE_B)
        # The marker stands while the delayed load runs, and the load ends
        # with the new bitstream: a delay is not a failure.
        self.assertTrue(seen_while_running(
            lambda: os.path.exists(self.marker(fakes.REGION0)), [load]))
        load.result()
        self.assertEqual(IMAGE_B, self.driver.loaded(fakes.REGION0))

    def test_faults_last_until_the_file_goes(self) -> None:
        self.inject({'fault': 'error'})
        for _ in range(2):
            self.assertRaises(errors.ToolFailed, self.driver.program,
                              fakes.REGION0, self.new)
        # Other deployables load as usual meanwhile.
        self.driver.program(fakes.REGION1, self.new)
        os.unlink(self.faults_file)
        self.driver.program(fakes.REGION0, self.new)
        self.assertEqual(IMAGE_B, self.driver.loaded(fakes.REGION0))

    def test_unknown_fault(self) -> None:
        self.inject({'fault': 'melt'})
        e = self.assertRaises(errors.ToolFailed, self.driver.program,
                              fakes.REGION0, self.new)
        self.assertIn('one of busy, delay, error, partial, timeout', e.reason)

    def test_broken_faults_file(self) -> None:
        with open(self.faults_file, 'w') as f:
            f.write('{')
        e = self.assertRaises(errors.ToolFailed, self.driver.program,
                              fakes.REGION0, self.new)
        self.assertIn(self.faults_file, e.reason)


class DeviceStoreTestCase(fakes.FakeDriverTestCase):

    def test_failed_write_keeps_the_old_file(self) -> None:
        store = devices.DeviceStore(self.state_dir)
        store.write(fakes.BOARD, devices.DeviceState(loaded_bitstream=SHELL))
        # json cannot write an object(): the write fails half-way through.
        broken = devices.DeviceState(
            loaded_bitstream=SHELL, size=object())  # type: ignore[arg-type]
        self.assertRaises(TypeError, store.write, fakes.BOARD, broken)
        self.assertEqual(SHELL, store.read(fakes.BOARD).loaded_bitstream)
        self.assertEqual([fakes.BOARD + '.json'], os.listdir(self.state_dir))

    def test_never_programmed_is_empty(self) -> None:
        store = devices.DeviceStore(self.state_dir)
        self.assertEqual(devices.EMPTY, store.read(fakes.BOARD))

    def test_hand_broken_state_file(self) -> None:
        store = devices.DeviceStore(self.state_dir)
        with open(store.state_path(fakes.BOARD), 'w') as f:
            f.write('{"loaded_bitstream": ')
        e = self.assertRaises(errors.ToolFailed, store.read, fakes.BOARD)
        self.assertIn(store.state_path(fakes.BOARD), e.reason)


class ShellTestCase(FakeDriverTestCase):
    """What shell a board runs, as a PR bitstream's shell_id must match."""

    def reports(self) -> dict[str, base.DeviceReport]:
        return {r.uuid: r for r in self.driver.discover()}

    def test_factory_shell_until_the_first_load(self) -> None:
        self.assertEqual('a1000000-0000-4000-8000-0000000000aa',
                         self.reports()[fakes.BOARD].loaded_bs_uuid)

    def test_a_loaded_shell_is_reported_by_its_bs_uuid(self) -> None:
        new_shell = 'a2000000-0000-4000-8000-0000000000aa'
        self.driver.program(fakes.BOARD,
                            self.bitstream(IMAGE_A, CONTENT, new_shell))
        self.assertEqual(new_shell, self.reports()[fakes.BOARD].loaded_bs_uuid)
        # Its regions hold nothing of the old shell any more.
        self.assertIsNone(self.reports()[fakes.REGION0].loaded_bs_uuid)
