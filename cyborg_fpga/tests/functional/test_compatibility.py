"""The bitstream metadata standard on the programming path, end to end.

Refusals before any load (vendor, board, shell, region type), an admin's
force, a shell load emptying its regions, and the topology of a bitstream
becoming the spec's tree of deployables. Real processes, Glance, RabbitMQ
and MariaDB or PostgreSQL, as in test_programming.
"""

from __future__ import annotations

import json
import uuid

from cyborg_fpga.image import topology_rules
from cyborg_fpga.tests.functional import base

SPEC_TOPOLOGY = topology_rules.EXAMPLE


class MariaDBCompatibilityTest(base.DeploymentTestCase):

    backend = 'mysql'

    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.member = 'alice:%s' % self.project
        self.admin = 'admin:%s' % self.project
        self.host_a = self.deployment.hosts['host-a']
        self.host_b = self.deployment.hosts['host-b']
        self.assign_all(self.project)

    def image(self, properties, data=b'\x3c' * 4096):
        return self.bitstream(self.project, data, properties=properties)

    def refused(self, deployable, image, *keys):
        response = self.program(deployable, image, self.member)
        self.assertEqual(409, response.status_code, response.text)
        body = response.json()
        self.assertEqual('fpga.bitstream_incompatible', body['code'])
        for key in keys:
            self.assertIn(key, body['error'])
        # Refused before the lock: recorded as refused, nothing locked.
        entry = self.deployment.db.list_history(deployable)[0]
        self.assertEqual(('refused', 'fpga.bitstream_incompatible'),
                         (entry.result, entry.error_code))
        self.assertEqual('ready',
                         self.deployment.db.get_deployable(deployable).state)
        return body['error']

    def test_pr_bitstream_of_another_shell_is_refused_naming_both_values(self):
        other = self.host_b.pr_properties()
        message = self.refused(self.host_a.regions[0], self.image(other),
                               'shell_id', 'region_uuid')
        self.assertIn(self.host_b.shell, message)
        self.assertIn(self.host_a.shell, message)
        self.assertIn(self.host_a.region_type, message)

    def test_vendor_and_board_must_match(self):
        wrong = self.host_a.pr_properties(vendor='Intel', board='PAC-A10')
        message = self.refused(self.host_a.regions[0], self.image(wrong),
                               'vendor', 'board')
        self.assertIn('Intel', message)
        self.assertIn('Xilinx', message)

    def test_shell_and_pr_bitstreams_go_where_they_belong(self):
        self.refused(self.host_a.board,
                     self.image(self.host_a.pr_properties()), 'shell_id')
        self.refused(self.host_a.regions[1],
                     self.image(self.host_a.shell_properties()), 'shell_id')

    def test_an_admin_may_force(self):
        region = self.host_b.regions[1]
        misfit = self.image(self.host_a.pr_properties())
        member = self.deployment.request(
            'POST', '/fpga/%s' % region, token=self.member,
            json={'glance_bitstream_uuid': misfit, 'force': True})
        self.assertEqual(422, member.status_code, member.text)
        admin = self.deployment.request(
            'POST', '/fpga/%s' % region, token=self.admin,
            json={'glance_bitstream_uuid': misfit, 'force': True})
        self.assertEqual(200, admin.status_code, admin.text)
        self.assertEqual(misfit,
                         self.deployment.db.get_deployable(region)
                         .loaded_bitstream)

    def test_invalid_metadata_is_refused_with_every_problem(self):
        broken = self.host_a.pr_properties(**{'bs-uuid': 'not-a-uuid',
                                              'topology': '{"pf_num": 1'})
        response = self.program(self.host_a.regions[0], self.image(broken),
                                self.member)
        self.assertEqual(400, response.status_code, response.text)
        body = response.json()
        self.assertEqual('fpga.invalid_metadata', body['code'])
        self.assertIn('bs-uuid', body['error'])
        self.assertIn('topology', body['error'])

    def test_topology_becomes_the_spec_tree(self):
        region = self.host_a.regions[0]
        image = self.image(self.host_a.pr_properties(
            topology=json.dumps(SPEC_TOPOLOGY)))
        self.assertEqual(200, self.program(region, image,
                                           self.member).status_code)
        tree = self.deployment.request('GET', '/deployables/%s' % region,
                                       token=self.member).json()['deployable']
        shape = {pf['name']: sorted(vf['name'] for vf in pf['children'])
                 for pf in tree['children']}
        self.assertEqual({'pf_1': ['vf_1'], 'pf_2': ['vf_2']}, shape)
        self.assertEqual({'pf'}, {pf['kind'] for pf in tree['children']})

        # A reload with no topology takes the old children away.
        plain = self.image(self.host_a.pr_properties())
        self.assertEqual(200, self.program(region, plain,
                                           self.member).status_code)
        tree = self.deployment.request('GET', '/deployables/%s' % region,
                                       token=self.member).json()['deployable']
        self.assertEqual([], tree['children'])

    def test_new_shell_empties_the_regions_of_its_board(self):
        region = self.host_b.regions[0]
        function = self.image(self.host_b.pr_properties())
        self.assertEqual(200, self.program(region, function,
                                           self.member).status_code)
        shell = self.image(self.host_b.shell_properties())
        self.assertEqual(200, self.program(self.host_b.board, shell,
                                           self.member).status_code)
        row = self.deployment.db.get_deployable(region)
        self.assertIsNone(row.loaded_bitstream)
        self.assertIsNone(self.host_b.devices.read(region).loaded_bitstream)
        # The same shell again: the region takes its PR bitstream again.
        self.assertEqual(200, self.program(region, function,
                                           self.member).status_code)

    def test_compatible_bitstreams_of_a_region(self):
        fits = self.image(self.host_a.pr_properties())
        misfit = self.image(self.host_b.pr_properties())
        listed = self.deployment.request(
            'GET', '/fpga/%s/bitstreams' % self.host_a.regions[1],
            token=self.member)
        self.assertEqual(200, listed.status_code, listed.text)
        uuids = {b['uuid'] for b in listed.json()['bitstreams']}
        self.assertIn(fits, uuids)
        self.assertNotIn(misfit, uuids)

    def test_unknown_fields_are_still_refused(self):
        response = self.deployment.request(
            'POST', '/fpga/%s' % self.host_a.regions[0], token=self.member,
            json={'glance_bitstream_uuid': str(uuid.uuid4()), 'mode': 'x'})
        self.assertEqual(400, response.status_code, response.text)


class PostgreSQLCompatibilityTest(MariaDBCompatibilityTest):
    backend = 'postgresql'
