"""cyborg-fpga-allinone as a newcomer runs it: start, then the curl line."""

from __future__ import annotations

import os
import re
import sys

import fixtures
import requests

from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import services


class AllInOneTest(base.TestCase):

    def test_the_printed_curl_line_loads_the_sample(self):
        state = self.useFixture(fixtures.TempDir()).path
        port = services.free_port()
        process = self.useFixture(services.ServiceProcess(
            'allinone', [sys.executable, '-m', 'cyborg_fpga.cmd.allinone',
                         '--state-path', state, '--port', str(port)],
            state))
        services.wait_for(lambda: 'curl -s -X POST' in process.log(), 60,
                          'the all-in-one printing its curl line')
        line = re.search(r"curl -s -X POST -H 'X-Auth-Token: (\S+)' "
                         r"-d glance_bitstream_uuid=(\S+) (\S+)",
                         process.log())
        if line is None:
            self.fail('no curl line in:\n%s' % process.log())
        token, bitstream, url = line.groups()

        response = requests.post(url, data={'glance_bitstream_uuid':
                                            bitstream},
                                 headers={'X-Auth-Token': token}, timeout=60)
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual(b'{"msg": "bitstream has been loaded successfully"}',
                         response.content)
        shown = requests.get(url, headers={'X-Auth-Token': token},
                             timeout=60).json()['deployable']
        self.assertEqual((bitstream, 'ready'),
                         (shown['loaded_bitstream'], shown['state']))
        # The sample's topology, the specification's example, became PFs
        # and VFs under the region.
        tree = requests.get(
            url.replace('/fpga/', '/deployables/'),
            headers={'X-Auth-Token': token}, timeout=60).json()['deployable']
        self.assertEqual({'pf_1': ['vf_1'], 'pf_2': ['vf_2']},
                         {pf['name']: [vf['name'] for vf in pf['children']]
                          for pf in tree['children']})
        # What the simulated device holds survives in the state folder.
        self.assertTrue(os.path.exists(os.path.join(
            state, 'fake-devices', shown['uuid'] + '.json')))
