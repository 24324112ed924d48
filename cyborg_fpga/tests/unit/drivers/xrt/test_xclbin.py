"""The xclbin header parser, on files written in XRT's axlf layout."""

from __future__ import annotations

import os
import struct
import uuid

import fixtures

from cyborg_fpga.drivers.xrt import xclbin
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures.vendor import images

XCLBIN = str(uuid.uuid4())
INTERFACE = str(uuid.uuid4())


class XclbinTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path

    def write(self, data):
        path = os.path.join(self.folder, 'image.xclbin')
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def refused(self, data):
        return str(self.assertRaises(xclbin.InvalidXclbin, xclbin.read,
                                     self.write(data)))

    def test_user_xclbin(self):
        data = images.xclbin(xclbin_uuid=XCLBIN, interface_uuid=INTERFACE,
                             vbnv='xilinx_u250_gen3x16_xdma_shell_4_1')
        image = xclbin.read(self.write(data))
        self.assertEqual((XCLBIN, INTERFACE,
                          'xilinx_u250_gen3x16_xdma_shell_4_1', len(data)),
                         (image.uuid, image.interface_uuid,
                          image.platform_vbnv, image.length))
        self.assertEqual({xclbin.BITSTREAM, images.IP_LAYOUT},
                         image.section_kinds)
        self.assertFalse(image.has_flash_image)

    def test_shell_has_a_flash_image(self):
        image = xclbin.read(self.write(images.shell_xsabin(
            logic_uuid=XCLBIN, interface_uuid=INTERFACE)))
        self.assertTrue(image.has_flash_image)
        self.assertIn(xclbin.PARTITION_METADATA, image.section_kinds)

    def test_1rp_xclbin_has_no_interface(self):
        image = xclbin.read(self.write(images.xclbin(xclbin_uuid=XCLBIN)))
        self.assertIsNone(image.interface_uuid)

    def test_header_fields_sit_where_xrt_puts_them(self):
        data = images.xclbin(xclbin_uuid=XCLBIN, interface_uuid=INTERFACE)
        self.assertEqual(uuid.UUID(XCLBIN).bytes, data[416:432])
        self.assertEqual(uuid.UUID(INTERFACE).bytes, data[336:352])
        self.assertEqual(len(data), struct.unpack_from('<Q', data, 304)[0])

    def test_refuses_short_file(self):
        self.assertIn('shorter than an xclbin header',
                      self.refused(b'xclbin2\0' + b'\0' * 100))

    def test_refuses_other_formats(self):
        self.assertIn('does not start with "xclbin2"',
                      self.refused(b'\xaa\x99\x55\x66' + b'\0' * 600))

    def test_refuses_truncated_file(self):
        data = images.xclbin(xclbin_uuid=XCLBIN)
        self.assertIn('is truncated', self.refused(data[:-100]))

    def test_refuses_absurd_section_count(self):
        data = bytearray(images.xclbin(xclbin_uuid=XCLBIN))
        struct.pack_into('<I', data, 448, 1 << 30)
        self.assertIn('claims 1073741824 sections', self.refused(data))

    def test_refuses_section_table_past_the_end(self):
        data = bytearray(images.xclbin(xclbin_uuid=XCLBIN))
        struct.pack_into('<I', data, 448, 200)
        self.assertIn('does not fit', self.refused(data))

    def test_refuses_section_past_the_end(self):
        data = bytearray(images.xclbin(xclbin_uuid=XCLBIN))
        struct.pack_into('<Q', data, 456 + 32, 1 << 40)
        self.assertIn('section 0 (bit) reaching past the end',
                      self.refused(data))

    def test_refuses_impossible_length(self):
        data = bytearray(images.xclbin(xclbin_uuid=XCLBIN))
        struct.pack_into('<Q', data, 304, 12)
        self.assertIn('impossible length', self.refused(data))

    def test_missing_file(self):
        e = self.assertRaises(xclbin.InvalidXclbin, xclbin.read,
                              os.path.join(self.folder, 'nothing'))
        self.assertIn('cannot be read', str(e))
