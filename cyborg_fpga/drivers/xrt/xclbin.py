"""The header of an xclbin (``xclbin2``), as XRT lays it out in ``axlf``.

Only the header is read, never the whole file: the magic, the total length,
the xclbin's UUID, the interface UUID of the shell it was built for, the
platform VBNV and the kinds of its sections. Lengths and counts are checked
against the file before they are trusted, so a damaged or hostile file is
refused with a reason instead of read past its end.

Layout (little endian, ``struct axlf`` of XRT's ``xclbin.h``)::

    0    char     m_magic[8]             "xclbin2\\0"
    8    int32    m_signature_length
    12   uint8    reserved[28]
    40   uint8    m_keyBlock[256]
    296  uint64   m_uniqueId
    304  axlf_header:
         uint64   m_length               the whole file
         uint64   m_timeStamp
         uint64   m_featureRomTimeStamp
         uint16   m_versionPatch; uint8 m_versionMajor, m_versionMinor
         uint16   m_mode; uint16 m_actionMask
    336  uint8    m_interface_uuid[16]
    352  char     m_platformVBNV[64]
    416  uint8    uuid[16]               the xclbin's own UUID
    432  char     m_debug_bin[16]
    448  uint32   m_numSections
    456  axlf_section_header[m_numSections], 40 bytes each:
         uint32 m_sectionKind; char m_sectionName[16]; (4 bytes padding)
         uint64 m_sectionOffset; uint64 m_sectionSize
"""

from __future__ import annotations

import dataclasses
import os
import struct
from typing import BinaryIO

from cyborg_fpga.drivers import tools

MAGIC = b'xclbin2\0'
HEADER_SIZE = 456
SECTION_SIZE = 40
# Real xclbins have a few dozen sections; more is a damaged file.
MAX_SECTIONS = 1024

_SECTION = struct.Struct('<I16s4xQQ')

# Section kinds (enum axlf_section_kind) that the driver looks at.
BITSTREAM = 0
MCS = 12
PDI = 18
BITSTREAM_PARTIAL_PDI = 19
PARTITION_METADATA = 20
ASK_FLASH = 24
# What a shell (.xsabin) carries to be written to the card's flash.
FLASH_IMAGE_KINDS = frozenset((MCS, PDI, ASK_FLASH))


class InvalidXclbin(ValueError):
    """The file is not an xclbin this driver can load."""


@dataclasses.dataclass(frozen=True)
class Xclbin:
    uuid: str | None
    # The shell interface it needs; None for xclbins of 1RP platforms,
    # which XRT matches by platform name instead.
    interface_uuid: str | None
    platform_vbnv: str
    length: int
    section_kinds: frozenset[int]

    @property
    def has_flash_image(self) -> bool:
        return bool(self.section_kinds & FLASH_IMAGE_KINDS)


def read(path: str) -> Xclbin:
    """The header of the xclbin at ``path``; InvalidXclbin when it is not."""
    try:
        with open(path, 'rb') as f:
            size = os.fstat(f.fileno()).st_size
            header = f.read(HEADER_SIZE)
            return _parse(f, header, size)
    except OSError as e:
        raise InvalidXclbin(f'cannot be read: {e}') from e


def _parse(f: BinaryIO, header: bytes, size: int) -> Xclbin:
    if len(header) < HEADER_SIZE:
        raise InvalidXclbin(f'is {size} bytes long, shorter than an xclbin '
                            f'header ({HEADER_SIZE} bytes)')
    if header[:8] != MAGIC:
        raise InvalidXclbin(f'does not start with "xclbin2" (it starts with '
                            f'{header[:8]!r})')
    (length,) = struct.unpack_from('<Q', header, 304)
    if length > size:
        raise InvalidXclbin(f'is truncated: its header says {length} bytes '
                            f'but the file has {size}')
    if length < HEADER_SIZE:
        raise InvalidXclbin(f'has an impossible length of {length} bytes')
    (count,) = struct.unpack_from('<I', header, 448)
    if count > MAX_SECTIONS:
        raise InvalidXclbin(f'claims {count} sections (at most '
                            f'{MAX_SECTIONS} are accepted)')
    if HEADER_SIZE + count * SECTION_SIZE > length:
        raise InvalidXclbin(f'has a section table of {count} entries that '
                            'does not fit in the file')
    table = f.read(count * SECTION_SIZE)
    if len(table) < count * SECTION_SIZE:
        raise InvalidXclbin('ends inside its section table')
    kinds = set()
    for index in range(count):
        kind, name, offset, section_size = _SECTION.unpack_from(
            table, index * SECTION_SIZE)
        if offset + section_size > length:
            label = name.split(b'\0', 1)[0].decode('ascii', 'replace')
            raise InvalidXclbin(f'has section {index} ({label or kind}) '
                                'reaching past the end of the file')
        kinds.add(kind)
    vbnv = header[352:416].split(b'\0', 1)[0].decode('ascii', 'replace')
    return Xclbin(uuid=tools.canonical_uuid(header[416:432]),
                  interface_uuid=tools.canonical_uuid(header[336:352]),
                  platform_vbnv=vbnv, length=length,
                  section_kinds=frozenset(kinds))
