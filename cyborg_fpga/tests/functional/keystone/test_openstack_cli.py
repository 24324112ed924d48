"""``openstack fpga``: the real command against a Keystone-backed cloud.

The ``openstack`` executable logs in to the real Keystone as a persona of
``CloudFixture``, finds our API (service type ``fpga``) and Glance
(``image``) in the catalog, and talks to the real API, conductor, agents
and Glance of the class's ``KeystoneDeployment``.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid

import fixtures
import requests

from cyborg_fpga.tests.fixtures import keystone
from cyborg_fpga.tests.functional.keystone import base
from cyborg_fpga.tests.functional import openstack_cli

SAMPLE_METADATA = os.path.join(
    os.path.dirname(__file__), '..', '..', '..', '..', 'etc',
    'bitstream-metadata.json.sample')
TOPOLOGY = {'pf_num': 1, 'vf_num': 1, 'pf': [{
    'name': 'pf_1', 'capability': '', 'kpi': '', 'pci_offset': '0',
    'vf': [{'name': 'vf_1', 'pci_offset': '1'}]}]}


class OpenstackCliTest(base.KeystoneTestCase):

    def setUp(self):
        super().setUp()
        self.home = self.useFixture(fixtures.TempDir()).path
        self.host_a = self.deployment.hosts['host-a']
        self.host_b = self.deployment.hosts['host-b']
        self.one = self.cloud.projects['one']
        self.suffix = uuid.uuid4().hex[:8]

    def openstack(self, persona, *argv, expect=0):
        user = self.cloud.users[persona]
        env = {'OS_AUTH_URL': self.keystone.auth_url,
               'OS_IDENTITY_API_VERSION': '3',
               'OS_USERNAME': user.name, 'OS_PASSWORD': user.password,
               'OS_PROJECT_ID': user.project_id,
               'OS_USER_DOMAIN_ID': keystone.DOMAIN_ID,
               'OS_REGION_NAME': keystone.REGION,
               'OS_INTERFACE': 'public'}
        result = openstack_cli.run(list(argv), env, self.home)
        if expect == 0:
            self.assertEqual(0, result.returncode, str(result))
        else:
            self.assertNotEqual(0, result.returncode, str(result))
            # An error is the service's message on one line, never a
            # traceback.
            self.assertNotIn('Traceback', result.stderr, str(result))
        return result

    def write(self, name, content):
        path = os.path.join(self.home, name)
        mode = 'wb' if isinstance(content, bytes) else 'w'
        with open(path, mode) as f:
            f.write(content)
        return path

    def test_program_by_names_then_show_history_and_find_by_function(self):
        region = self.host_a.regions[0]
        self.assign(region, self.one)
        name = 'osc-aes-%s' % self.suffix
        function = 'crc-%s' % self.suffix
        image = self.environment.bitstream(
            'member-one', name=name,
            properties=self.host_a.pr_properties(function_name=function))

        shown = self.openstack('member-one', 'fpga', 'program',
                               'host-a:region0', name, '-f', 'json').json()
        self.assertEqual((region, image, 'ready'),
                         (shown['uuid'], shown['loaded_bitstream'],
                          shown['state']))
        self.assertEqual(0, shown['last_program']['code'])
        self.assertEqual(image,
                         self.host_a.devices.read(region).loaded_bitstream)

        table = self.openstack('member-one', 'fpga', 'show',
                               'host-a:region0').stdout
        self.assertIn(image, table)
        self.assertIn('function_name=%s' % function, table)

        history = self.openstack('member-one', 'fpga', 'history', region,
                                 '-f', 'json').json()
        self.assertEqual(('succeeded', image, 0),
                         (history[0]['Result'], history[0]['Bitstream'],
                          history[0]['Code']))

        found = self.openstack('member-one', 'fpga', 'deployable', 'list',
                               '--function', function, '-f', 'yaml').yaml()
        self.assertEqual([(region, image)],
                         [(d['UUID'], d['Loaded bitstream']) for d in found])

    def test_deployable_list_filters_and_formats(self):
        region = self.host_b.regions[0]
        self.assign(region, self.one)
        listed = self.openstack('admin', 'fpga', 'deployable', 'list',
                                '--host', 'host-a', '--kind', 'region',
                                '-f', 'json').json()
        self.assertEqual(set(self.host_a.regions),
                         {d['UUID'] for d in listed})
        self.assertEqual({'region'}, {d['Kind'] for d in listed})

        # A project by name, as the admin gives it.
        project_name = requests.get(
            self.keystone.auth_url + '/projects/' + self.one,
            headers={'X-Auth-Token': self.cloud.token('admin')},
            timeout=30).json()['project']['name']
        value = self.openstack('admin', 'fpga', 'deployable', 'list',
                               '--project', project_name, '--host', 'host-b',
                               '-f', 'value', '-c', 'UUID', '-c', 'Project')
        rows = [line.split() for line in value.stdout.splitlines()]
        self.assertIn([region, self.one], rows)
        self.assertEqual({self.one}, {project for _, project in rows})

        # A member sees only the deployables of its project.
        mine = self.openstack('member-one', 'fpga', 'deployable', 'list',
                              '--long', '-f', 'json').json()
        self.assertIn(region, {d['UUID'] for d in mine})
        self.assertEqual({self.one}, {d['Project'] for d in mine})
        self.assertIn('Maintenance', mine[0])

    def test_deployable_show_draws_the_tree(self):
        region = self.host_b.regions[1]
        self.assign(region, self.one)
        image = self.environment.bitstream(
            'member-one', properties=self.host_b.pr_properties(
                topology=json.dumps(TOPOLOGY)))
        response = self.program(region, image,
                                self.cloud.token('member-one'))
        self.assertEqual(200, response.status_code, response.text)

        shown = self.openstack('member-one', 'fpga', 'deployable', 'show',
                               region, '-f', 'json').json()
        self.assertEqual('host-b-u250', shown['parent']['name'])
        pf = shown['children'][0]
        self.assertEqual(('pf_1', 'vf_1'),
                         (pf['name'], pf['children'][0]['name']))

        table = self.openstack('admin', 'fpga', 'deployable', 'show',
                               'host-b-u250').stdout
        # The children row, then its continuation lines: (field, value).
        cells = [[cell.rstrip() for cell in line.split('|')[1:3]]
                 for line in table.splitlines() if line.startswith('|')]
        start = [field.strip() for field, _ in cells].index('children')
        drawn = [cells[start][1]] + [
            value for field, value in cells[start + 1:start + 4]
            if not field.strip()]
        # region1 holds the bitstream; its PF below it, the VF below that.
        self.assertEqual([
            ' region0 (region %s)' % self.host_b.regions[0],
            ' region1 (region %s), holds %s (aes-128)' % (region, image),
            '   pf_1 (pf %s), pci_offset 0' % pf['uuid'],
            '     vf_1 (vf %s), pci_offset 1' % pf['children'][0]['uuid'],
        ], drawn)

    def test_admin_sets_a_member_is_refused(self):
        region = self.host_a.regions[1]
        self.openstack('admin', 'fpga', 'deployable', 'set',
                       'host-a:region1', '--project',
                       self.cloud.projects['two'], '--maintenance',
                       '--reason', 'fan replacement')
        row = self.deployment.db.get_deployable(region)
        self.assertEqual((self.cloud.projects['two'], True,
                          'fan replacement'),
                         (row.project_id, row.maintenance,
                          row.maintenance_reason))
        self.openstack('admin', 'fpga', 'deployable', 'set', region,
                       '--no-project', '--no-maintenance')
        row = self.deployment.db.get_deployable(region)
        self.assertEqual((None, False), (row.project_id, row.maintenance))

        refused = self.openstack('member-one', 'fpga', 'deployable', 'set',
                                 region, '--maintenance', expect=1)
        self.assertEqual('User is not authorized to use the resource '
                         '(HTTP 422 fpga.not_authorized)',
                         refused.stderr.strip())
        self.assertFalse(self.deployment.db.get_deployable(
            region).maintenance)

    def test_errors_are_the_service_message(self):
        region = self.host_a.regions[0]
        self.assign(region, self.one)
        misfit = self.environment.bitstream(
            'member-one', properties=self.host_a.pr_properties(board='U280'))
        failed = self.openstack('member-one', 'fpga', 'program', region,
                                misfit, expect=1)
        self.assertIn('(HTTP 409 fpga.bitstream_incompatible)',
                      failed.stderr)
        self.assertIn('board', failed.stderr)
        missing = self.openstack('member-one', 'fpga', 'show',
                                 'no-such-board', expect=1)
        self.assertEqual('No deployable is named no-such-board.',
                         missing.stderr.strip())

    def test_bitstream_create_list_show(self):
        data = os.urandom(64 * 1024)
        metadata = dict(self.host_a.pr_properties(), topology=TOPOLOGY)
        name = 'osc-up-%s' % self.suffix
        created = self.openstack(
            'member-one', 'fpga', 'bitstream', 'create', name,
            '--file', self.write('aes.bit', data),
            '--metadata', self.write('aes.json', json.dumps(metadata)),
            '-f', 'json').json()
        image = created['uuid']
        self.assertEqual(('active', ['FPGA'], self.one),
                         (created['status'], created['tags'],
                          created['owner']))
        self.assertEqual(hashlib.sha512(data).hexdigest(),
                         created['os_hash_value'])
        # Glance holds the file, as the member's own private image.
        stored = requests.get(
            self.glance.endpoint + '/v2/images/%s/file' % image,
            headers={'X-Auth-Token': self.cloud.token('member-one')},
            timeout=60)
        self.assertEqual(data, stored.content)

        listed = self.openstack('member-one', 'fpga', 'bitstream', 'list',
                                '--function-uuid',
                                metadata['function_uuid'],
                                '-f', 'json').json()
        self.assertEqual([(image, name, 'Xilinx')],
                         [(b['UUID'], b['Name'], b['Vendor'])
                          for b in listed])
        shown = self.openstack('member-one', 'fpga', 'bitstream', 'show',
                               name, '-f', 'json').json()
        self.assertEqual(image, shown['uuid'])
        self.assertEqual(metadata['bs-uuid'], shown['properties']['bs-uuid'])
        self.assertEqual(TOPOLOGY,
                         json.loads(shown['properties']['topology']))

    def test_bitstream_validate(self):
        good = self.openstack('member-one', 'fpga', 'bitstream', 'validate',
                              '--metadata', SAMPLE_METADATA)
        self.assertIn('meets the bitstream metadata standard', good.stdout)

        bad = dict(self.host_a.pr_properties(), vendor=None,
                   shell_id='not-a-uuid')
        refused = self.openstack(
            'member-one', 'fpga', 'bitstream', 'validate', '--metadata',
            self.write('bad.json', json.dumps(bad)), expect=1)
        problems = refused.stderr.splitlines()
        self.assertEqual(2, len(problems), refused)
        self.assertTrue(problems[0].startswith('vendor: '), problems)
        self.assertTrue(problems[1].startswith('shell_id: '), problems)

        name = 'osc-untagged-%s' % self.suffix
        self.environment.bitstream('member-one', name=name, tags=(),
                                   properties=self.host_a.pr_properties())
        untagged = self.openstack('member-one', 'fpga', 'bitstream',
                                  'validate', '--image', name, expect=1)
        self.assertIn('FPGA', untagged.stderr)
        tagged = self.environment.bitstream(
            'member-one', properties=self.host_a.pr_properties())
        checked = self.openstack('member-one', 'fpga', 'bitstream',
                                 'validate', '--image', tagged)
        self.assertEqual('Image %s meets the bitstream metadata standard.'
                         % tagged, checked.stdout.strip())
