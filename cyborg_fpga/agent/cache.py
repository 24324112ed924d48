"""A cache of downloaded bitstreams on the agent's disk, by content.

Eight boards of a host loaded with one bitstream should cost one download,
and loading it again tomorrow none. Each file is named by a key the caller
derives from the content's hash, so one file serves every image with the
same bytes. Only this agent writes the folder; what it holds survives a
restart and is indexed again at start.

The least recently used files go first when the total passes the limit;
the order is the files' modification times, touched at every use, so it
survives a restart too. A file in use by a running load is never removed.

A new file is used as soon as it is verified; making it durable (an fsync
of up to gigabytes) happens in the background, off the load's path. Once
its data is on disk the file is sealed: made read-only, which is a change
made after the fsync returned, so a sealed file after a power cut is whole.
At start, unsealed files are removed: their data may never have reached
the disk.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from collections.abc import Iterator
import contextlib
import dataclasses
import hashlib
import os
import re
import stat
import threading
import uuid

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

# Names the cache writes itself; anything else in the folder is left alone.
_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,199}')
# Downloads in progress are hidden files beside the entries.
_PARTIAL_PREFIX = '.'
# The mode of a file whose data is on disk; new files are writable.
_SEALED_MODE = 0o400


@dataclasses.dataclass(frozen=True)
class CachedFile:
    path: str
    size: int


@dataclasses.dataclass(eq=False)
class _Entry:
    path: str
    size: int
    # Running loads that use the file; it is never removed while above 0.
    users: int = 0


@dataclasses.dataclass(eq=False)
class _Download:
    done: threading.Event = dataclasses.field(default_factory=threading.Event)
    # Loads waiting for this download; the file is claimed for them before
    # they wake, so that it cannot be evicted in between.
    waiters: int = 0
    entry: _Entry | None = None
    error: BaseException | None = None


def file_name(key: str) -> str:
    """The file of ``key``: the key itself when it is a safe file name."""
    if _NAME.fullmatch(key):
        return key
    return 'k-' + hashlib.sha256(key.encode()).hexdigest()


class BitstreamCache:

    def __init__(self, folder: str, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        # Least recently used first.
        self._entries: collections.OrderedDict[str, _Entry] = (
            collections.OrderedDict())
        self._downloads: dict[str, _Download] = {}
        self._sealers: set[threading.Thread] = set()
        os.makedirs(folder, exist_ok=True)
        self._rebuild()

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return sum(e.size for e in self._entries.values())

    def names(self) -> list[str]:
        """File names in the cache, least recently used first."""
        with self._lock:
            return list(self._entries)

    def seal_all(self, timeout: float | None = None) -> None:
        """Wait for the files being made durable; at stop, and for tests."""
        with self._lock:
            sealers = list(self._sealers)
        for sealer in sealers:
            sealer.join(timeout)

    @contextlib.contextmanager
    def use(self, key: str, size: int | None,
            fill: Callable[[str], int]) -> Iterator[CachedFile]:
        """The file of ``key``, downloaded first by ``fill`` if needed.

        ``size`` is the size the content must have (None: unknown); a cached
        file of another size, or missing, is dropped and filled again.
        ``fill(path)`` writes the complete, verified content to ``path`` and
        returns its size. Loads that ask for a key while it is being filled
        wait for that one download and share its outcome, its error too:
        they asked at the same moment for the same bytes.
        """
        entry = self._claim(file_name(key), size, fill)
        try:
            yield CachedFile(entry.path, entry.size)
        finally:
            with self._lock:
                entry.users -= 1
                self._evict()

    def _claim(self, name: str, size: int | None,
               fill: Callable[[str], int]) -> _Entry:
        with self._lock:
            entry = self._entries.get(name)
            if entry is not None:
                if _intact(entry, size):
                    entry.users += 1
                    self._entries.move_to_end(name)
                    with contextlib.suppress(OSError):
                        os.utime(entry.path)
                    return entry
                LOG.warning('Cached bitstream %s is missing or not %s bytes; '
                            'downloading it again.', entry.path, size)
                self._remove(name)
            download = self._downloads.get(name)
            first = download is None
            if download is None:
                download = self._downloads[name] = _Download()
                # Room first, so that the new file fits beside the others.
                self._evict(room=size or 0)
            else:
                download.waiters += 1
        # Outside the lock: other keys are served while this one downloads.
        if first:
            return self._fill(name, download, fill)
        return self._wait(download)

    def _wait(self, download: _Download) -> _Entry:
        download.done.wait()
        if download.error is not None:
            raise download.error
        assert download.entry is not None
        return download.entry

    def _fill(self, name: str, download: _Download,
              fill: Callable[[str], int]) -> _Entry:
        path = os.path.join(self.folder, name)
        # A name, not a file: ``fill`` renames its own file onto it, and
        # ext4 flushes a file renamed over an existing one at once, which
        # for a big bitstream is seconds of the load (auto_da_alloc). The
        # folder is the agent's alone, so the name stays unique.
        part = os.path.join(self.folder, '%s%s.%s.part' % (
            _PARTIAL_PREFIX, name, uuid.uuid4().hex))
        try:
            size = fill(part)
            os.replace(part, path)
            self._seal_later(path)
        except BaseException as e:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(part)
            with self._lock:
                del self._downloads[name]
                download.error = e
            download.done.set()
            raise
        with self._lock:
            entry = _Entry(path, size, users=1 + download.waiters)
            self._entries[name] = entry
            del self._downloads[name]
            download.entry = entry
            self._evict()
        download.done.set()
        return entry

    def _seal_later(self, path: str) -> None:
        # The descriptor, not the path: should the file be evicted and its
        # name filled again meanwhile, the new file is not sealed unsynced.
        fd = os.open(path, os.O_RDONLY)
        sealer = threading.Thread(target=self._seal, args=(fd, path),
                                  name='seal-bitstream', daemon=True)
        with self._lock:
            self._sealers.add(sealer)
        sealer.start()

    def _seal(self, fd: int, path: str) -> None:
        try:
            os.fsync(fd)
            os.fchmod(fd, _SEALED_MODE)
        except OSError as e:
            # Unsealed, the file goes at the next start: a download then.
            LOG.warning('Could not make cached bitstream %s durable: %s',
                        path, e)
        finally:
            os.close(fd)
            with self._lock:
                self._sealers.discard(threading.current_thread())

    def _evict(self, room: int = 0) -> None:
        """Remove unused files, oldest use first, down to the limit."""
        total = sum(e.size for e in self._entries.values())
        for name, entry in list(self._entries.items()):
            if total + room <= self.max_bytes:
                return
            if entry.users == 0:
                self._remove(name)
                total -= entry.size

    def _remove(self, name: str) -> None:
        entry = self._entries.pop(name)
        LOG.debug('Removing %s (%d bytes) from the bitstream cache.',
                  entry.path, entry.size)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)

    def _rebuild(self) -> None:
        found = []
        for name in os.listdir(self.folder):
            path = os.path.join(self.folder, name)
            if name.startswith(_PARTIAL_PREFIX):
                # A download that an earlier run of the agent never finished.
                with contextlib.suppress(OSError):
                    os.unlink(path)
                continue
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            if not (_NAME.fullmatch(name) and stat.S_ISREG(st.st_mode)):
                continue
            if stat.S_IMODE(st.st_mode) != _SEALED_MODE:
                # Written, but maybe never on the disk: a power cut may
                # have left it torn at the right size.
                LOG.info('Removing %s from the bitstream cache: it was '
                         'never made durable.', path)
                with contextlib.suppress(OSError):
                    os.unlink(path)
                continue
            found.append((st.st_mtime_ns, name, st.st_size))
        with self._lock:
            for _mtime, name, size in sorted(found):
                self._entries[name] = _Entry(os.path.join(self.folder, name),
                                             size)
            self._evict()
        LOG.info('Bitstream cache %s holds %d files.', self.folder,
                 len(self._entries))


def _intact(entry: _Entry, size: int | None) -> bool:
    """Cheap check of a cached file: there, and of the size expected."""
    if size is not None and size != entry.size:
        return False
    try:
        st = os.stat(entry.path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size == entry.size
