"""The agent's program_fpga_with_bitstream and its codes 0-3.

Real fake driver and real local bitstream store on disk; only the conductor
the inventory goes to is a stand-in.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from unittest import mock
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


class AgentTestBase(base.TestCase):

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
        self.drivers = loader.load_drivers(self.conf)
        self.conductor = RecordingConductor()
        self.reporter = inventory.InventoryReporter(self.conf, self.drivers,
                                                    self.conductor)
        from cyborg_fpga.image import base as image_base
        self.store = image_base.load(self.conf)
        # Counts downloads; the data still comes from the real store.
        self.download = mock.patch.object(
            self.store, 'download', wraps=self.store.download).start()
        self.addCleanup(mock.patch.stopall)
        self.agent = self.make_agent()
        self.ctxt = context.from_noauth_token('alice:p1')
        self.devices = devices.DeviceStore(
            os.path.join(state, 'fake-devices'))

    def make_agent(self):
        return manager.AgentManager(self.conf, self.drivers, self.store,
                                    self.reporter)

    def program(self, deployable=REGION, image=None, force=False):
        return self.agent.program_fpga_with_bitstream(
            self.ctxt, deployable, image or self.image, force=force)

    def state_file(self, deployable=REGION):
        with open(self.devices.state_path(deployable), 'rb') as f:
            return f.read()

    def edit_metadata(self, image, **changes):
        path = os.path.join(self.conf.local_store.path, image + '.json')
        with open(path) as f:
            metadata = json.load(f)
        metadata.update(changes)
        with open(path, 'w') as f:
            json.dump(metadata, f)

    def tamper(self, image):
        """Change the stored data, keeping its size."""
        path = os.path.join(self.conf.local_store.path, image + '.bit')
        with open(path, 'r+b') as f:
            f.write(b'\x00' * 16)



class AgentProgramTest(AgentTestBase):

    def test_success_loads_the_bytes_and_keeps_them_cached(self):
        answer = self.program()
        self.assertEqual({'code': 0, 'reason': None,
                          'loaded_bitstream': self.image,
                          'state_known': True, 'skipped': False}, answer)
        device = self.devices.read(REGION)
        self.assertEqual(hashlib.sha256(DATA).hexdigest(), device.sha256)
        # Nothing but the one verified copy, named by its sha512.
        self.assertEqual(['sha512-' + hashlib.sha512(DATA).hexdigest()],
                         os.listdir(self.conf.agent.cache_dir))
        self.assertEqual(['cache'], os.listdir(self.conf.agent.work_dir))

    def test_unknown_deployable_is_code_2(self):
        answer = self.program(deployable=str(uuid.uuid4()))
        self.assertEqual(2, answer['code'])
        self.assertIn('no deployable', answer['reason'])

    def test_missing_bitstream_is_code_3_and_device_untouched(self):
        self.program()
        answer = self.program(image=str(uuid.uuid4()))
        self.assertEqual(3, answer['code'])
        self.assertEqual(self.image, answer['loaded_bitstream'])
        self.assertEqual(1, len(os.listdir(self.conf.agent.cache_dir)))

    def test_bitstream_without_data_is_code_3(self):
        queued = local.add_bitstream(self.conf, None, name='queued',
                                     properties={})
        self.assertEqual(3, self.program(image=queued)['code'])

    def test_driver_failure_is_code_1_with_reason_and_device_state(self):
        self.program()
        with open(self.faults_file, 'w') as f:
            json.dump({REGION: {'fault': 'partial',
                                'reason': 'PCIe link lost'}}, f)
        # Forced: the device already holds it, which would skip the load.
        answer = self.program(force=True)
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

    def test_rpc_api_version_is_1_2(self):
        self.assertEqual('1.2', manager.AgentManager.target.version)

    def record(self):
        """The image record, as the conductor reads and sends it."""
        ctxt = self.ctxt
        assert ctxt is not None
        return self.store.get(ctxt, self.image)

    def test_the_conductors_record_spares_a_read(self):
        record = self.record()
        with mock.patch.object(self.store, 'get',
                               wraps=self.store.get) as get:
            answer = self.agent.program_fpga_with_bitstream(
                self.ctxt, REGION, self.image, bitstream=record.to_dict())
            self.assertEqual(0, answer['code'])
            self.assertEqual(0, get.call_count)
            # A record of another image is not trusted for this one.
            other = local.add_bitstream(self.conf, DATA, name='other',
                                        properties={})
            answer = self.agent.program_fpga_with_bitstream(
                self.ctxt, REGION, other, bitstream=record.to_dict())
            self.assertEqual((0, other), (answer['code'],
                                          answer['loaded_bitstream']))
            self.assertEqual(1, get.call_count)

    def test_the_record_is_still_checked_against_the_data(self):
        # The record carries the hash the data must have: a record whose
        # hash is not the data's refuses the load, device untouched.
        record = dict(self.record().to_dict(), os_hash_value='0' * 128)
        answer = self.agent.program_fpga_with_bitstream(
            self.ctxt, REGION, self.image, bitstream=record)
        self.assertEqual(3, answer['code'])
        self.assertIn('corrupt', answer['reason'])
        self.assertIsNone(self.devices.read(REGION).sha256)


class SkipAndForceTest(AgentTestBase):

    def test_already_loaded_is_skipped_without_download(self):
        self.program()
        before = self.state_file()
        answer = self.program()
        self.assertEqual({'code': 0, 'reason': None,
                          'loaded_bitstream': self.image,
                          'state_known': True, 'skipped': True}, answer)
        self.assertEqual(1, self.download.call_count)
        self.assertEqual(before, self.state_file())

    def test_force_loads_again_from_the_cache(self):
        self.program()
        first = self.devices.read(REGION).loaded_at
        answer = self.program(force=True)
        self.assertEqual((0, False), (answer['code'], answer['skipped']))
        self.assertNotEqual(first, self.devices.read(REGION).loaded_at)
        self.assertEqual(1, self.download.call_count)

    def test_driver_that_cannot_tell_does_not_prevent_the_load(self):
        driver = self.drivers['fake']
        self.reporter.collect()
        with mock.patch.object(driver, 'loaded',
                               side_effect=[RuntimeError('sysfs gone'),
                                            self.image]):
            answer = self.program()
        self.assertEqual((0, False), (answer['code'], answer['skipped']))
        self.assertEqual(1, self.download.call_count)


class IntegrityTest(AgentTestBase):

    def test_tampered_data_is_code_3_and_device_untouched(self):
        self.program()
        before = self.state_file()
        other = local.add_bitstream(self.conf, b'\x11' * 5000, name='other',
                                    properties={})
        self.tamper(other)
        answer = self.program(image=other)
        self.assertEqual((3, self.image), (answer['code'],
                                           answer['loaded_bitstream']))
        self.assertIn('is corrupt', answer['reason'])
        self.assertIn('sha512', answer['reason'])
        self.assertIn('os_hash_value', answer['reason'])
        self.assertEqual(before, self.state_file())
        # Only the first bitstream is cached; nothing half-written is left.
        self.assertEqual(1, len(os.listdir(self.conf.agent.cache_dir)))

    def test_hashes_are_shortened_in_the_reason(self):
        self.tamper(self.image)
        reason = self.program()['reason']
        expected = hashlib.sha512(DATA).hexdigest()
        self.assertIn(expected[:16] + '...', reason)
        self.assertNotIn(expected, reason)

    def test_md5_checksum_is_used_without_multihash(self):
        self.edit_metadata(self.image, os_hash_algo=None, os_hash_value=None)
        self.assertEqual(0, self.program()['code'])
        # Keyed by image and checksum: MD5 alone does not name content.
        self.assertEqual(
            ['%s-md5-%s' % (self.image, hashlib.md5(DATA).hexdigest())],
            os.listdir(self.conf.agent.cache_dir))
        self.tamper(self.image)
        answer = self.program(force=True)
        # Still cached from the first load: the store is not read again.
        self.assertEqual(0, answer['code'])
        other = local.add_bitstream(self.conf, DATA, name='b', properties={})
        self.edit_metadata(other, os_hash_algo=None, os_hash_value=None)
        self.tamper(other)
        answer = self.program(image=other)
        self.assertEqual(3, answer['code'])
        self.assertIn('md5', answer['reason'])
        self.assertIn('checksum', answer['reason'])

    def test_image_without_any_hash_is_refused(self):
        self.edit_metadata(self.image, os_hash_algo=None, os_hash_value=None,
                           checksum=None)
        answer = self.program()
        self.assertEqual(3, answer['code'])
        self.assertIn('cannot be verified', answer['reason'])
        self.assertEqual(0, self.download.call_count)

    def test_unknown_hash_algorithm_is_refused(self):
        self.edit_metadata(self.image, os_hash_algo='whirlpool-9000')
        answer = self.program()
        self.assertEqual(3, answer['code'])
        self.assertIn('whirlpool-9000', answer['reason'])
        self.assertIsNone(self.devices.read(REGION).loaded_bitstream)


class CacheTest(AgentTestBase):

    def cached(self):
        return sorted(os.listdir(self.conf.agent.cache_dir))

    def test_damaged_cache_file_is_downloaded_again(self):
        self.program()
        [name] = self.cached()
        with open(os.path.join(self.conf.agent.cache_dir, name), 'r+b') as f:
            f.truncate(10)
        self.assertEqual(0, self.program(force=True)['code'])
        self.assertEqual(2, self.download.call_count)
        self.assertEqual(hashlib.sha256(DATA).hexdigest(),
                         self.devices.read(REGION).sha256)

    def test_cache_survives_a_restart(self):
        self.program()
        # As a graceful stop does (cmd/agent.py): the last seals finish.
        self.agent.cache.seal_all()
        self.agent = self.make_agent()
        self.assertEqual(0, self.program(force=True)['code'])
        self.assertEqual(1, self.download.call_count)

    def test_zero_max_bytes_keeps_nothing(self):
        self.conf.set_override('cache_max_bytes', 0, group='agent')
        self.agent = self.make_agent()
        self.assertEqual(0, self.program()['code'])
        self.assertEqual([], self.cached())
        self.program(force=True)
        self.assertEqual(2, self.download.call_count)

    def test_full_disk_is_code_1(self):
        with mock.patch.object(self.store, 'download',
                               side_effect=OSError(28, 'No space left')):
            answer = self.program()
        self.assertEqual(1, answer['code'])
        self.assertIn('No space left', answer['reason'])
        self.assertEqual([], self.cached())


INSTALLER = """#!/bin/sh
echo "$* $CYBORG_FPGA_DRIVER $CYBORG_FPGA_DRIVER_VER" > %(marker)s
"""
FAILING_INSTALLER = """#!/bin/sh
echo 'modprobe: FATAL: Module xdma not found' >&2
exit 3
"""


class DriverPackageTest(AgentTestBase):

    def setUp(self):
        super().setUp()
        self.allowed = self.useFixture(fixtures.TempDir()).path
        self.marker = os.path.join(self.allowed, 'installed')
        self.conf.set_override('allowed_driver_paths', [self.allowed],
                               group='agent')
        self.conf.set_override('trusted_driver_projects', ['admin-project'],
                               group='agent')

    def installer(self, text=INSTALLER):
        path = os.path.join(self.allowed, 'install.sh')
        with open(path, 'w') as f:
            f.write(text % {'marker': self.marker} if '%(' in text else text)
        os.chmod(path, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP)
        return path

    def packaged(self, owner, path):
        return local.add_bitstream(
            self.conf, DATA, name='with-driver', owner=owner,
            properties={'driver': 'xdma', 'driver_ver': '2.1',
                        'driver_path': path})

    def test_trusted_package_runs_after_the_load(self):
        image = self.packaged('admin-project', self.installer())
        answer = self.program(image=image)
        self.assertEqual((0, image), (answer['code'],
                                      answer['loaded_bitstream']))
        with open(self.marker) as f:
            self.assertEqual('install %s %s xdma 2.1\n' % (REGION, image),
                             f.read())

    def test_untrusted_owner_is_refused_before_download(self):
        image = self.packaged('p1', self.installer())
        answer = self.program(image=image)
        self.assertEqual(3, answer['code'])
        self.assertIn('trusted_driver_projects', answer['reason'])
        self.assertEqual(0, self.download.call_count)
        self.assertFalse(os.path.exists(self.marker))
        self.assertIsNone(self.devices.read(REGION).loaded_bitstream)

    def test_path_outside_allowed_folders_is_refused(self):
        image = self.packaged('admin-project', '/bin/true')
        answer = self.program(image=image)
        self.assertEqual(3, answer['code'])
        self.assertIn('allowed_driver_paths', answer['reason'])
        self.assertEqual(0, self.download.call_count)

    def test_failing_installer_is_code_1_with_the_new_bitstream(self):
        image = self.packaged('admin-project',
                              self.installer(FAILING_INSTALLER))
        answer = self.program(image=image)
        self.assertEqual((1, image), (answer['code'],
                                      answer['loaded_bitstream']))
        self.assertIn('was loaded onto %s' % REGION, answer['reason'])
        self.assertIn('Module xdma not found', answer['reason'])

    def test_no_driver_property_needs_no_package(self):
        image = local.add_bitstream(
            self.conf, DATA, name='plain', owner='p1',
            properties={'driver': '', 'driver_path': '/nowhere'})
        self.assertEqual(0, self.program(image=image)['code'])


class ReportOrderTest(AgentTestBase):
    """A report collected before a load ends is stored before its answer."""

    def test_answer_waits_for_a_report_in_flight(self):
        import threading

        collected = threading.Event()
        release = threading.Event()
        order = []

        class SlowConductor(RecordingConductor):
            def report_inventory(self, ctxt, host, drivers, deployables):
                collected.set()
                release.wait(10)
                order.append('report stored')

        self.reporter.conductor = SlowConductor()
        reporting = threading.Thread(target=self.reporter.report)
        reporting.start()
        self.assertTrue(collected.wait(10))

        answers = []

        def load():
            answers.append(self.program())
            order.append('load answered')

        loading = threading.Thread(target=load)
        loading.start()
        loading.join(0.5)
        # The load is done on the device but may not answer yet.
        self.assertEqual([], answers)
        release.set()
        reporting.join(10)
        loading.join(10)
        self.assertEqual(['report stored', 'load answered'], order)
        self.assertEqual(0, answers[0]['code'])
