"""The header of a GBS file (an OPAE green bitstream, one AFU).

Layout, as OPAE's libbitstream reads it::

    0   16 bytes  GUID 58656F6E-4650-4741-B747-425376303031
                  ("XeonFPGA" 0xB7 "GBSv001", in this byte order)
    16  uint32    metadata length, little endian
    20  JSON      metadata: {"version": 1,
                             "afu-image": {"interface-uuid": "...",
                                           "magic-no": 488605312,
                                           "accelerator-clusters": [
                                               {"name": "...",
                                                "accelerator-type-uuid": "..."}
                                           ]}}
    ..  the bitstream (RBF) itself

Only the header is read; the metadata length is bounded before anything is
allocated for it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import struct
from typing import Any
import uuid

from cyborg_fpga.drivers import tools

GUID = uuid.UUID('58656f6e-4650-4741-b747-425376303031')
# libbitstream compares the file's first bytes with the GUID in this order;
# some tools of OPAE's history read it byte-reversed, so accept both.
_GUID_LAYOUTS = frozenset((GUID.bytes, GUID.bytes[::-1]))
# GBS files of BBS 6.3.0 and before start with this magic instead.
_LEGACY_MAGIC = struct.pack('<I', 0x1d1f8680)
HEADER_SIZE = 20
# Real metadata is a few hundred bytes.
MAX_METADATA = 64 * 1024


class InvalidGbs(ValueError):
    """The file is not a GBS this driver can load."""


@dataclasses.dataclass(frozen=True)
class Gbs:
    interface_uuid: str  # the FIM (PR interface) it was built for
    afu_uuid: str  # the accelerator's UUID, what the port shows once loaded
    afu_name: str | None
    bitstream_size: int


def read(path: str) -> Gbs:
    """The header of the GBS at ``path``; InvalidGbs when it is not one."""
    try:
        with open(path, 'rb') as f:
            size = os.fstat(f.fileno()).st_size
            header = f.read(HEADER_SIZE)
            if len(header) < HEADER_SIZE:
                raise InvalidGbs(f'is {size} bytes long, shorter than a GBS '
                                 'header')
            if header[:4] == _LEGACY_MAGIC:
                raise InvalidGbs('is a legacy GBS of BBS 6.3.0 or earlier, '
                                 'which carries no metadata; rebuild it '
                                 'with a current OPAE packager')
            if header[:16] not in _GUID_LAYOUTS:
                raise InvalidGbs(f'does not start with the GBS GUID {GUID}')
            (length,) = struct.unpack_from('<I', header, 16)
            if length == 0:
                raise InvalidGbs('has no metadata, so its interface and AFU '
                                 'are unknown')
            if length > MAX_METADATA:
                raise InvalidGbs(f'claims {length} bytes of metadata (at '
                                 f'most {MAX_METADATA} are accepted)')
            if HEADER_SIZE + length >= size:
                raise InvalidGbs('ends inside its metadata, before any '
                                 'bitstream')
            text = f.read(length)
    except OSError as e:
        raise InvalidGbs(f'cannot be read: {e}') from e
    metadata = _json(text)
    return _parse(metadata, size - HEADER_SIZE - length)


def _json(text: bytes) -> dict[str, Any]:
    try:
        metadata = json.loads(text.rstrip(b'\0').decode('utf-8'))
    except ValueError as e:
        raise InvalidGbs(f'has metadata that is not JSON: {e}') from e
    if not isinstance(metadata, dict):
        raise InvalidGbs('has metadata that is not a JSON object')
    return metadata


def _parse(metadata: dict[str, Any], bitstream_size: int) -> Gbs:
    image = metadata.get('afu-image')
    if not isinstance(image, dict):
        raise InvalidGbs('has no "afu-image" in its metadata')
    clusters = image.get('accelerator-clusters')
    if not isinstance(clusters, list) or not clusters or not isinstance(
            clusters[0], dict):
        raise InvalidGbs('names no accelerator in "accelerator-clusters"')
    interface = _uuid(image.get('interface-uuid'), 'interface-uuid')
    afu = _uuid(clusters[0].get('accelerator-type-uuid'),
                'accelerator-type-uuid')
    name = clusters[0].get('name')
    return Gbs(interface_uuid=interface, afu_uuid=afu,
               afu_name=name if isinstance(name, str) else None,
               bitstream_size=bitstream_size)


def _uuid(value: Any, key: str) -> str:
    try:
        parsed = tools.canonical_uuid(value) if isinstance(value,
                                                           str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidGbs(f'has {key} {value!r} in its metadata, not a UUID')
    return parsed
