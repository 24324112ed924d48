"""Writing files that are never seen half-written."""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import os
import tempfile
from typing import Any
from typing import IO


@contextlib.contextmanager
def atomic_file(path: str, mode: str = 'wb') -> Iterator[IO[Any]]:
    """A temporary file beside ``path`` that becomes ``path`` when closed.

    Readers see the file whole or not at all: the data reaches the disk
    before the rename, and the rename reaches it with its folder, so even a
    host that loses power keeps the old file or the new one. On error the
    temporary file is removed and ``path`` is left as it was.
    """
    folder, name = os.path.split(os.path.abspath(path))
    fd, part_path = tempfile.mkstemp(dir=folder, prefix='.%s.' % name,
                                     suffix='.part')
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(part_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part_path)
        raise
    folder_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(folder_fd)
    finally:
        os.close(folder_fd)
