"""Writing files that are never seen half-written."""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import os
import tempfile
from typing import Any
from typing import IO


@contextlib.contextmanager
def atomic_file(path: str, mode: str = 'wb',
                durable: bool = True) -> Iterator[IO[Any]]:
    """A temporary file beside ``path`` that becomes ``path`` when closed.

    Readers see the file whole or not at all: the data reaches the disk
    before the rename, and the rename reaches it with its folder, so even a
    host that loses power keeps the old file or the new one. On error the
    temporary file is removed and ``path`` is left as it was.

    ``durable=False`` skips both fsyncs: the file is still never seen
    half-written by another process, or after this one is killed, but a
    power cut may lose it. Only for what a power cut loses anyway, such as
    the state of a simulated device, or for a caller that makes the file
    durable itself later (the agent's bitstream cache); an fsync costs
    milliseconds when the disk is busy, and seconds for a big file.
    """
    folder, name = os.path.split(os.path.abspath(path))
    fd, part_path = tempfile.mkstemp(dir=folder, prefix='.%s.' % name,
                                     suffix='.part')
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(part_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part_path)
        raise
    if not durable:
        return
    folder_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(folder_fd)
    finally:
        os.close(folder_fd)
