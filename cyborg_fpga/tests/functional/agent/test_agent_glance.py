"""The agent against a real Glance: integrity, the cache, skip, packages.

The agent runs in the test's process with the fake driver and eight
simulated boards; Glance is the shared one on loopback, trusting identity
headers. Glance's access log tells how many bytes of each image it sent.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import threading
import uuid

import fixtures

from cyborg_fpga.agent import inventory
from cyborg_fpga.agent import manager
from cyborg_fpga import conf as config
from cyborg_fpga import context
from cyborg_fpga.drivers.fake import devices
from cyborg_fpga.drivers import loader
from cyborg_fpga.image import glance
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import glance as glance_fixture

BOARDS = [str(uuid.UUID(int=0xb0a4d << 80 | i)) for i in range(8)]
SIZE = 256 * 1024


class NoConductor:
    def report_inventory(self, ctxt, host, drivers, deployables):
        pass


class AgentGlanceTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.glance = glance_fixture.shared_glance(self)
        self.project = glance_fixture.random_project_id()
        self.ctxt = context.RequestContext(
            user_id='user-' + self.project, project_id=self.project,
            roles=['member', 'reader'])
        state = self.useFixture(fixtures.TempDir()).path
        inventory_file = os.path.join(state, 'inventory.json')
        with open(inventory_file, 'w') as f:
            json.dump({'boards': [
                {'uuid': board, 'name': 'u250-%d' % i, 'vendor': 'Xilinx',
                 'board': 'U250', 'address': '0000:%02x:00.0' % (i + 1)}
                for i, board in enumerate(BOARDS)]}, f)
        self.conf = config.load([], default_config_files=[])
        self.conf.set_override('host', 'host-a')
        self.conf.set_override('state_path', state)
        self.conf.set_override('endpoint', self.glance.endpoint,
                               group='glance')
        self.conf.set_override('identity_forwarding', 'headers',
                               group='glance')
        self.conf.set_override('inventory_file', inventory_file,
                               group='fake_driver')
        self.devices = devices.DeviceStore(
            os.path.join(state, 'fake-devices'))
        self.start_agent()

    def start_agent(self):
        previous = getattr(self, 'agent', None)
        if previous is not None:
            # A graceful stop, as cmd/agent.py does: the last seals finish.
            previous.cache.seal_all()
        drivers = loader.load_drivers(self.conf)
        reporter = inventory.InventoryReporter(self.conf, drivers,
                                               NoConductor())
        self.agent = manager.AgentManager(
            self.conf, drivers, glance.GlanceImageService(self.conf),
            reporter)

    def create(self, data=None, **kwargs):
        data = os.urandom(SIZE) if data is None else data
        return glance_fixture.create_bitstream(
            self.glance.endpoint, data, project_id=self.project, **kwargs)

    def program(self, board, image, force=False):
        return self.agent.program_fpga_with_bitstream(self.ctxt, board, image,
                                                      force=force)

    def served(self, image):
        return glance_fixture.served_bytes(self.glance, image)

    def cache_key(self, data):
        return 'sha512-' + hashlib.sha512(data).hexdigest()

    def state_file(self, board):
        with open(self.devices.state_path(board), 'rb') as f:
            return f.read()


class TestIntegrity(AgentGlanceTestCase):

    def test_tampered_image_is_code_3_and_device_untouched(self):
        good = self.create()
        self.assertEqual(0, self.program(BOARDS[0], good)['code'])
        before = self.state_file(BOARDS[0])
        bad = self.create()
        # Glance's own copy changes behind its back: same size, new bytes.
        stored = os.path.join(self.glance.base_dir, 'images', bad)
        self.assertTrue(os.path.isfile(stored))
        with open(stored, 'r+b') as f:
            f.seek(1000)
            f.write(b'\xff' * 16)
        answer = self.program(BOARDS[0], bad)
        self.assertEqual((3, good), (answer['code'],
                                     answer['loaded_bitstream']))
        self.assertIn('bitstream %s is corrupt' % bad, answer['reason'])
        self.assertIn('os_hash_value', answer['reason'])
        self.assertEqual(before, self.state_file(BOARDS[0]))
        self.assertEqual(1, len(os.listdir(self.conf.agent.cache_dir)))

    def test_download_feeds_hashers_in_the_same_pass(self):
        data = os.urandom(SIZE)
        image = self.create(data)
        sha512 = hashlib.sha512()
        md5 = hashlib.md5(usedforsecurity=False)
        dest = os.path.join(self.conf.state_path, 'x.bit')
        service = glance.GlanceImageService(self.conf)
        self.assertEqual(SIZE, service.download(self.ctxt, image, dest,
                                                hashers=(sha512, md5)))
        bitstream = service.get(self.ctxt, image)
        self.assertEqual(bitstream.os_hash_value, sha512.hexdigest())
        self.assertEqual(bitstream.checksum, md5.hexdigest())


class TestCache(AgentGlanceTestCase):

    def test_eight_boards_at_once_download_once(self):
        data = os.urandom(4 * 1024 * 1024)
        image = self.create(data)
        barrier = threading.Barrier(len(BOARDS))

        def load(board, force=False):
            barrier.wait(10)
            return self.program(board, image, force)

        with concurrent.futures.ThreadPoolExecutor(len(BOARDS)) as pool:
            answers = list(pool.map(load, BOARDS))
        self.assertEqual([(0, False)] * 8,
                         [(a['code'], a['skipped']) for a in answers])
        self.assertEqual(len(data), self.served(image))
        sha256 = hashlib.sha256(data).hexdigest()
        self.assertEqual({sha256},
                         {self.devices.read(b).sha256 for b in BOARDS})
        # A second round, forced so that it really loads: all from cache.
        with concurrent.futures.ThreadPoolExecutor(len(BOARDS)) as pool:
            answers = list(pool.map(lambda b: load(b, True), BOARDS))
        self.assertEqual([0] * 8, [a['code'] for a in answers])
        self.assertEqual(len(data), self.served(image))

    def test_cache_survives_agent_restart(self):
        image = self.create()
        self.program(BOARDS[0], image)
        self.start_agent()
        self.assertEqual(0, self.program(BOARDS[1], image)['code'])
        self.assertEqual(SIZE, self.served(image))

    def test_least_recently_used_is_evicted_by_size(self):
        self.conf.set_override('cache_max_bytes', SIZE * 5 // 2,
                               group='agent')
        self.start_agent()
        datas = [os.urandom(SIZE) for _ in range(3)]
        a, b, c = (self.create(d) for d in datas)
        key_a, key_b, key_c = (self.cache_key(d) for d in datas)
        self.program(BOARDS[0], a)
        self.program(BOARDS[1], b)
        self.program(BOARDS[2], a)
        self.assertEqual([key_b, key_a], self.agent.cache.names())
        self.program(BOARDS[3], c)
        self.assertEqual([key_a, key_c], self.agent.cache.names())
        self.assertEqual(sorted([key_a, key_c]),
                         sorted(os.listdir(self.conf.agent.cache_dir)))
        self.assertEqual((SIZE, SIZE, SIZE),
                         (self.served(a), self.served(b), self.served(c)))
        # b is downloaded again, and makes room by evicting a.
        self.program(BOARDS[4], b)
        self.assertEqual(2 * SIZE, self.served(b))
        self.assertEqual([key_c, key_b], self.agent.cache.names())


class TestSkipAndForce(AgentGlanceTestCase):

    def test_loaded_bitstream_is_skipped_unless_forced(self):
        image = self.create()
        self.program(BOARDS[0], image)
        before = self.state_file(BOARDS[0])
        served = self.served(image)
        answer = self.program(BOARDS[0], image)
        self.assertEqual({'code': 0, 'reason': None,
                          'loaded_bitstream': image, 'state_known': True,
                          'skipped': True}, answer)
        self.assertEqual(before, self.state_file(BOARDS[0]))
        answer = self.program(BOARDS[0], image, force=True)
        self.assertEqual((0, False), (answer['code'], answer['skipped']))
        self.assertNotEqual(before, self.state_file(BOARDS[0]))
        # Skipped and forced loads alike: not one more byte from Glance.
        self.assertEqual((SIZE, SIZE), (served, self.served(image)))


class TestDriverPackages(AgentGlanceTestCase):

    def setUp(self):
        super().setUp()
        allowed = self.useFixture(fixtures.TempDir()).path
        self.marker = os.path.join(allowed, 'installed')
        self.installer = os.path.join(allowed, 'install-xdma')
        with open(self.installer, 'w') as f:
            f.write('#!/bin/sh\necho "$*" > %s\n' % self.marker)
        os.chmod(self.installer, 0o755)
        self.conf.set_override('allowed_driver_paths', [allowed],
                               group='agent')

    def packaged(self):
        return self.create(properties={'driver': 'xdma', 'driver_ver': '2.1',
                                       'driver_path': self.installer})

    def test_trusted_project_package_is_installed(self):
        self.conf.set_override('trusted_driver_projects', [self.project],
                               group='agent')
        image = self.packaged()
        answer = self.program(BOARDS[0], image)
        self.assertEqual((0, image), (answer['code'],
                                      answer['loaded_bitstream']))
        with open(self.marker) as f:
            self.assertEqual('install %s %s\n' % (BOARDS[0], image),
                             f.read())

    def test_tenant_package_is_refused_before_download(self):
        self.conf.set_override('trusted_driver_projects', ['admin-project'],
                               group='agent')
        image = self.packaged()
        answer = self.program(BOARDS[0], image)
        self.assertEqual(3, answer['code'])
        self.assertIn('trusted_driver_projects', answer['reason'])
        self.assertEqual(0, self.served(image))
        self.assertFalse(os.path.exists(self.marker))
        self.assertIsNone(self.devices.read(BOARDS[0]).loaded_bitstream)
