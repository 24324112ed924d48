"""The agent's bitstream cache: one download per content, LRU, restarts."""

from __future__ import annotations

import concurrent.futures
import os
import stat
import threading
import time

import fixtures

from cyborg_fpga.agent import cache
from cyborg_fpga.tests import base


class Filler:
    """A fill function that writes ``data`` and counts its calls."""

    def __init__(self, data: bytes = b'x' * 100, gate=None, error=None):
        self.data = data
        self.gate = gate
        self.error = error
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, path: str) -> int:
        with self._lock:
            self.calls += 1
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        with open(path, 'wb') as f:
            f.write(self.data)
        return len(self.data)


class CacheTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path

    def make(self, max_bytes=1000):
        return cache.BitstreamCache(self.folder, max_bytes)

    def use(self, c, key, filler=None, size=100):
        with c.use(key, size, filler or Filler()) as cached:
            with open(cached.path, 'rb') as f:
                return f.read()

    def test_fills_once_then_hits(self):
        c = self.make()
        filler = Filler()
        self.assertEqual(filler.data, self.use(c, 'a', filler))
        self.assertEqual(filler.data, self.use(c, 'a', filler))
        self.assertEqual(1, filler.calls)
        self.assertEqual(['a'], os.listdir(self.folder))

    def test_concurrent_users_share_one_download(self):
        c = self.make()
        gate = threading.Event()
        filler = Filler(gate=gate)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            loads = [pool.submit(self.use, c, 'a', filler) for _ in range(8)]
            # All eight are in: one filling, seven waiting for it.
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if c._downloads and c._downloads['a'].waiters == 7:
                    break
                time.sleep(0.01)
            gate.set()
            self.assertEqual([filler.data] * 8, [f.result() for f in loads])
        self.assertEqual(1, filler.calls)

    def test_waiters_share_the_error_and_nothing_stays(self):
        c = self.make()
        gate = threading.Event()
        filler = Filler(gate=gate, error=ValueError('corrupt'))
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            loads = [pool.submit(self.use, c, 'a', filler) for _ in range(3)]
            time.sleep(0.2)
            gate.set()
            for load in loads:
                self.assertRaisesRegex(ValueError, 'corrupt', load.result)
        self.assertEqual(1, filler.calls)
        self.assertEqual([], os.listdir(self.folder))
        # The next load tries again.
        self.use(c, 'a', Filler())
        self.assertEqual(['a'], c.names())

    def test_least_recently_used_goes_first(self):
        c = self.make(max_bytes=250)
        self.use(c, 'a')
        self.use(c, 'b')
        self.use(c, 'a')
        self.use(c, 'c')
        self.assertEqual(['a', 'c'], c.names())
        self.assertEqual(['a', 'c'], sorted(os.listdir(self.folder)))
        self.assertEqual(200, c.total_bytes)

    def test_room_is_made_before_the_download(self):
        c = self.make(max_bytes=250)
        self.use(c, 'a')
        self.use(c, 'b')
        seen = []

        def fill(path):
            seen.append(sorted(os.listdir(self.folder)))
            return Filler()(path)
        self.use(c, 'c', fill)
        self.assertEqual(['b'], [n for n in seen[0] if not n.startswith('.')])

    def test_a_file_in_use_is_never_evicted(self):
        c = self.make(max_bytes=100)
        with c.use('a', 100, Filler()) as held:
            self.use(c, 'b')
            self.use(c, 'c')
            self.assertTrue(os.path.exists(held.path))
            self.assertEqual(['a'], c.names())
        self.assertEqual(['a'], c.names())
        self.use(c, 'b')
        self.assertEqual(['b'], c.names())

    def test_zero_keeps_nothing_after_use(self):
        c = self.make(max_bytes=0)
        with c.use('a', 100, Filler()) as held:
            self.assertTrue(os.path.exists(held.path))
        self.assertEqual([], os.listdir(self.folder))

    def test_wrong_size_or_missing_file_is_filled_again(self):
        c = self.make()
        filler = Filler()
        self.use(c, 'a', filler)
        with open(os.path.join(self.folder, 'a'), 'ab') as f:
            f.write(b'more')
        self.use(c, 'a', filler)
        os.unlink(os.path.join(self.folder, 'a'))
        self.use(c, 'a', filler)
        # Glance says another size: not the same content.
        self.use(c, 'a', Filler(b'y' * 50), size=50)
        self.assertEqual(3, filler.calls)
        self.assertEqual(b'y' * 50, self.use(c, 'a', filler, size=50))

    def test_restart_rebuilds_index_in_use_order(self):
        c = self.make()
        for key in ('a', 'b', 'c'):
            self.use(c, key)
        # Uses are seconds apart in life; here the clock is too coarse.
        for key, when in (('a', 1000), ('b', 2000), ('c', 3000)):
            os.utime(os.path.join(self.folder, key), (when, when))
        self.use(c, 'a')
        self.assertGreater(os.path.getmtime(os.path.join(self.folder, 'a')),
                           3000)
        c.seal_all()
        # A download the previous agent never finished, and a stranger.
        open(os.path.join(self.folder, '.b.123.part'), 'w').close()
        os.mkdir(os.path.join(self.folder, 'lost+found'))
        again = self.make(max_bytes=250)
        self.assertEqual(['c', 'a'], again.names())
        self.assertEqual(['a', 'c', 'lost+found'],
                         sorted(os.listdir(self.folder)))
        filler = Filler()
        self.use(again, 'a', filler)
        self.assertEqual(0, filler.calls)

    def test_unsafe_keys_become_hashed_names(self):
        self.assertEqual('sha512-abc', cache.file_name('sha512-abc'))
        for key in ('../etc/passwd', '.hidden', 'a/b', ''):
            name = cache.file_name(key)
            self.assertTrue(name.startswith('k-'), name)
            self.assertNotIn('/', name)

    def test_files_are_sealed_once_durable(self):
        c = self.make()
        self.use(c, 'a')
        c.seal_all()
        mode = os.stat(os.path.join(self.folder, 'a')).st_mode
        self.assertEqual(0o400, stat.S_IMODE(mode))

    def test_restart_drops_what_was_never_sealed(self):
        c = self.make()
        self.use(c, 'a')
        self.use(c, 'b')
        c.seal_all()
        # 'b' as a power cut may leave it: written, its fsync not done.
        os.chmod(os.path.join(self.folder, 'b'), 0o600)
        again = self.make()
        self.assertEqual(['a'], again.names())
        self.assertEqual(['a'], os.listdir(self.folder))
        filler = Filler()
        self.use(again, 'b', filler)
        self.assertEqual(1, filler.calls)

    def held_fsync(self):
        """fsync waits until the Event returned is set."""
        synced = threading.Event()
        real_fsync = os.fsync

        def slow_fsync(fd):
            synced.wait(10)
            real_fsync(fd)
        self.useFixture(fixtures.MockPatchObject(cache.os, 'fsync',
                                                 slow_fsync))
        return synced

    def test_the_load_does_not_wait_for_the_fsync(self):
        c = self.make()
        synced = self.held_fsync()
        # Used, read and released while the fsync is still held.
        self.assertEqual(b'x' * 100, self.use(c, 'a'))
        self.assertNotEqual(0o400, stat.S_IMODE(os.stat(
            os.path.join(self.folder, 'a')).st_mode))
        synced.set()
        c.seal_all()
        self.assertEqual(0o400, stat.S_IMODE(os.stat(
            os.path.join(self.folder, 'a')).st_mode))

    def test_an_evicted_file_refilled_is_not_sealed_by_the_old_fsync(self):
        c = self.make(max_bytes=100)
        synced = self.held_fsync()
        self.use(c, 'a')
        self.use(c, 'b')  # evicts 'a'
        self.use(c, 'a')  # and fills it again, unsynced
        synced.set()
        c.seal_all()
        # Each file was sealed by its own fsync, through its descriptor.
        self.assertEqual(0o400, stat.S_IMODE(os.stat(
            os.path.join(self.folder, 'a')).st_mode))
