"""The GBS header parser, on files written in OPAE's layout."""

from __future__ import annotations

import json
import os
import struct
import uuid

import fixtures

from cyborg_fpga.drivers.opae import gbs
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures.vendor import images

INTERFACE = '69528db6-eb31-577a-8c36-68f9faa081f6'
AFU = 'd8424dc4-a4a3-c413-f89e-433683f9040b'


class GbsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path

    def write(self, data):
        path = os.path.join(self.folder, 'afu.gbs')
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def refused(self, data):
        return str(self.assertRaises(gbs.InvalidGbs, gbs.read,
                                     self.write(data)))

    def test_reads_interface_and_afu(self):
        data = images.gbs(interface_uuid=INTERFACE, afu_uuid=AFU,
                          rbf=b'\x11' * 100)
        image = gbs.read(self.write(data))
        self.assertEqual((INTERFACE, AFU, 'nlb_400', 100),
                         (image.interface_uuid, image.afu_uuid,
                          image.afu_name, image.bitstream_size))

    def test_guid_is_xeonfpga_gbsv001_in_file_order(self):
        data = images.gbs(interface_uuid=INTERFACE, afu_uuid=AFU)
        self.assertEqual(b'XeonFPGA\xb7GBSv001', data[:16])

    def test_accepts_byte_reversed_guid(self):
        data = images.gbs(interface_uuid=INTERFACE, afu_uuid=AFU)
        data = data[:16][::-1] + data[16:]
        self.assertEqual(AFU, gbs.read(self.write(data)).afu_uuid)

    def test_uppercase_uuids(self):
        data = images.gbs(interface_uuid=INTERFACE.upper(),
                          afu_uuid=AFU.upper())
        self.assertEqual(INTERFACE, gbs.read(self.write(data)).interface_uuid)

    def test_refuses_other_formats(self):
        self.assertIn('does not start with the GBS GUID',
                      self.refused(b'xclbin2\0' + b'\0' * 100))

    def test_refuses_legacy_gbs(self):
        self.assertIn('legacy GBS', self.refused(
            struct.pack('<I', 0x1d1f8680) + b'\0' * 100))

    def test_refuses_short_file(self):
        self.assertIn('shorter than a GBS header',
                      self.refused(gbs.GUID.bytes))

    def test_refuses_absurd_metadata_length(self):
        data = gbs.GUID.bytes + struct.pack('<I', 0xffffffff) + b'{}' * 10
        self.assertIn('claims 4294967295 bytes of metadata',
                      self.refused(data))

    def test_refuses_metadata_past_the_end(self):
        data = gbs.GUID.bytes + struct.pack('<I', 1000) + b'{}'
        self.assertIn('ends inside its metadata', self.refused(data))

    def test_refuses_gbs_without_bitstream(self):
        data = images.gbs(interface_uuid=INTERFACE, afu_uuid=AFU, rbf=b'')
        self.assertIn('before any bitstream', self.refused(data))

    def test_refuses_empty_metadata(self):
        data = gbs.GUID.bytes + struct.pack('<I', 0) + b'\0' * 64
        self.assertIn('has no metadata', self.refused(data))

    def test_refuses_metadata_that_is_not_json(self):
        text = b'not json'
        data = gbs.GUID.bytes + struct.pack('<I', len(text)) + text + b'x'
        self.assertIn('not JSON', self.refused(data))

    def test_refuses_metadata_without_afu_image(self):
        data = images.gbs(interface_uuid=INTERFACE, afu_uuid=AFU,
                          metadata={'version': 1})
        self.assertIn('no "afu-image"', self.refused(data))

    def test_refuses_metadata_without_accelerator(self):
        metadata = images.gbs_metadata(interface_uuid=INTERFACE,
                                       afu_uuid=AFU)
        metadata['afu-image']['accelerator-clusters'] = []
        data = images.gbs(interface_uuid=INTERFACE, afu_uuid=AFU,
                          metadata=metadata)
        self.assertIn('names no accelerator', self.refused(data))

    def test_refuses_bad_interface_uuid(self):
        data = images.gbs(interface_uuid='not-a-uuid', afu_uuid=AFU)
        self.assertIn("interface-uuid 'not-a-uuid'", self.refused(data))

    def test_metadata_is_what_the_packager_writes(self):
        data = images.gbs(interface_uuid=INTERFACE, afu_uuid=AFU)
        (length,) = struct.unpack_from('<I', data, 16)
        metadata = json.loads(data[20:20 + length])
        self.assertEqual(AFU, metadata['afu-image']['accelerator-clusters'][
            0]['accelerator-type-uuid'])
        self.assertEqual(str(uuid.UUID(INTERFACE)),
                         metadata['afu-image']['interface-uuid'])
