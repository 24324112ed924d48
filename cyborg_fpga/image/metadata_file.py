"""A bitstream's metadata file: one JSON object of the standard's keys.

Read by ``cyborg-fpga-manage bitstream`` and ``openstack fpga bitstream``
alike, before ``metadata.validate`` or ``upload.upload`` see its content.
"""

from __future__ import annotations

import json
from typing import Any

# A metadata file is a few KiB; the topology alone is bounded to 64 KiB.
MAX_BYTES = 1024 * 1024


class Unreadable(ValueError):
    """The file holds no metadata object; the message says why."""


def read(path: str) -> dict[str, Any]:
    """The metadata in ``path``; OSError if the file cannot be opened."""
    with open(path, 'rb') as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Unreadable('%s: larger than %d bytes' % (path, MAX_BYTES))
    try:
        loaded = json.loads(data)
    except ValueError as e:
        raise Unreadable('%s: not valid JSON: %s' % (path, e)) from e
    if not isinstance(loaded, dict):
        raise Unreadable('%s: must hold a JSON object of metadata keys'
                         % path)
    return loaded
