"""Reading xbmgmt's JSON platform report."""

from __future__ import annotations

import json

from cyborg_fpga.drivers.xrt import platform
from cyborg_fpga.tests import base

BASE_LOGIC = 'B5B4E5C6-1E63-4A4F-9B3A-5A40C8F0F6A1'
BASE_IFACE = '8F3A5C2E-7B1D-4E0A-9C6F-2D1E0B3A4C5D'
PLP_LOGIC = '1d2e3f40-5162-4738-9a0b-1c2d3e4f5a6b'
PLP_IFACE = '0b95ad1c-3e4f-4a5b-8c7d-6e5f4a3b2c1d'


def report(shell, partitions=(), device='0000:3b:00.0'):
    return json.dumps({
        'schema_version': {'schema': 'JSON', 'creation_date': 'now'},
        'devices': [{'interface_type': 'pcie', 'device_id': device,
                     'platform': {
                         'bdf': device,
                         'device_properties': {'board_type': 'u250',
                                               'board_name': 'ALVEO U250'},
                         'current_shell': shell,
                         'current_partitions': list(partitions)}}]})


class PlatformReportTest(base.TestCase):

    def test_2rp_shell_with_partition(self):
        found = platform.parse(report(
            {'vbnv': 'xilinx_u250_gen3x16_base_4', 'logic-uuid': BASE_LOGIC,
             'interface-uuid': BASE_IFACE, 'id': '0x0'},
            [{'vbnv': 'xilinx_u250_gen3x16_xdma_shell_4_1',
              'logic-uuid': PLP_LOGIC, 'interface-uuid': PLP_IFACE}]),
            '0000:3B:00.0')
        self.assertEqual('xilinx_u250_gen3x16_base_4', found.vbnv)
        self.assertEqual('ALVEO U250', found.board_name)
        self.assertEqual(BASE_LOGIC.lower(), found.shell_uuid)
        # A user xclbin is built for the innermost partition.
        self.assertEqual(PLP_IFACE, found.user_interface)

    def test_hex_uuids_without_dashes(self):
        found = platform.parse(report(
            {'vbnv': 'x', 'logic-uuid': BASE_LOGIC.replace('-', ''),
             'interface-uuid': BASE_IFACE.replace('-', '')}), '0000:3b:00.0')
        self.assertEqual(BASE_IFACE.lower(), found.user_interface)

    def test_golden_image_has_no_uuids(self):
        found = platform.parse(report({'vbnv': 'xilinx_u250_GOLDEN_5',
                                       'sc_version': '4.6.20'}),
                               '0000:3b:00.0')
        self.assertEqual(('xilinx_u250_GOLDEN_5', None, None),
                         (found.vbnv, found.shell_uuid,
                          found.user_interface))

    def test_other_device_is_an_error(self):
        e = self.assertRaises(platform.InvalidReport, platform.parse,
                              report({'vbnv': 'x'}), '0000:af:00.0')
        self.assertIn('does not mention device 0000:af:00.0', str(e))

    def test_not_json(self):
        self.assertRaises(platform.InvalidReport, platform.parse,
                          'ERROR: no devices', '0000:3b:00.0')

    def test_missing_current_shell(self):
        text = json.dumps({'devices': [{'device_id': '0000:3b:00.0',
                                        'platform': {}}]})
        e = self.assertRaises(platform.InvalidReport, platform.parse, text,
                              '0000:3b:00.0')
        self.assertIn('current_shell', str(e))

    def test_malformed_uuid_is_not_guessed(self):
        e = self.assertRaises(platform.InvalidReport, platform.parse,
                              report({'vbnv': 'x', 'logic-uuid': 'N/A-ish'}),
                              '0000:3b:00.0')
        self.assertIn("logic-uuid 'N/A-ish'", str(e))

    def test_absurd_size(self):
        self.assertRaises(platform.InvalidReport, platform.parse,
                          ' ' * (platform.MAX_REPORT + 1), '0000:3b:00.0')
