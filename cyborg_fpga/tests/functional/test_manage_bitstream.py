"""``cyborg-fpga-manage bitstream`` as operators run it, against Glance.

Each test runs the real command in a process of its own, with a
configuration file whose ``[glance]`` points at the shared Glance and sends
a header identity of a project of the test's own.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from typing import Any
import urllib.parse
import uuid as uuid_lib

import fixtures

from cyborg_fpga.image import metadata
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import glance as glance_fixture
from cyborg_fpga.tests.unit.image import test_metadata

SAMPLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'etc',
                      'bitstream-metadata.json.sample')


class ManageBitstreamTestCase(base.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.glance = glance_fixture.shared_glance(self)
        self.project = glance_fixture.random_project_id()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.config = self.write_config(roles='member,reader')
        # What this test's bitstreams have and no other test's do.
        self.vendor = 'vendor-' + self.project[:8]

    def write_config(self, roles: str | None = None, **glance: str) -> str:
        values = {'endpoint': self.glance.endpoint,
                  'identity_forwarding': 'headers',
                  'headers_project_id': self.project,
                  'headers_user_id': 'operator'}
        if roles is not None:
            values['headers_roles'] = roles
        values.update(glance)
        path = os.path.join(self.tmp, 'cyborg-fpga-%d.conf'
                            % len(os.listdir(self.tmp)))
        with open(path, 'w') as f:
            f.write('[glance]\n' + ''.join('%s = %s\n' % item
                                           for item in values.items()))
        return path

    def manage(self, *args: str, config: str | None = None
               ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, '-m', 'cyborg_fpga.cmd.manage', '--config-file',
             config or self.config, 'bitstream', *args],
            capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL)

    def assertSucceeds(self, result: subprocess.CompletedProcess[str]
                       ) -> str:
        self.assertEqual(0, result.returncode, result.stderr)
        return result.stdout

    def write_json(self, data: Any, name: str) -> str:
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            json.dump(data, f)
        return path

    def upload(self, data: bytes = b'\x5a' * 4096, *options: str,
               config: str | None = None, **changes: Any) -> str:
        source = test_metadata.complete(topology=test_metadata.SPEC_TOPOLOGY,
                                        vendor=self.vendor)
        source.update(changes)
        source = {k: v for k, v in source.items() if v is not None}
        bitstream = os.path.join(self.tmp, 'bs-%s.bit' % uuid_lib.uuid4())
        with open(bitstream, 'wb') as f:
            f.write(data)
        out = self.assertSucceeds(self.manage(
            'upload', bitstream, '--metadata',
            self.write_json(source, 'metadata-%s.json' % uuid_lib.uuid4()),
            *options, config=config))
        return out.strip()

    def listed(self, *filters: str) -> list[str]:
        out = self.assertSucceeds(self.manage('list', '--format', 'json',
                                              *filters))
        return sorted(image['id'] for image in json.loads(out))

    def listing_queries(self) -> list[dict[str, list[str]]]:
        return [urllib.parse.parse_qs(entry.query)
                for entry in self.glance.access_log()
                if entry.method == 'GET' and entry.path == '/v2/images'
                and entry.project_id == self.project]


class TestUploadShowList(ManageBitstreamTestCase):

    def test_upload_prints_the_id_and_show_prints_every_key(self) -> None:
        data = os.urandom(100 * 1024)
        image_id = self.upload(data)
        uuid_lib.UUID(image_id)  # stdout is the id alone
        lines = self.assertSucceeds(self.manage('show', image_id)
                                    ).splitlines()
        self.assertIn('id: %s' % image_id, lines)
        self.assertIn('tags: FPGA', lines)
        self.assertIn('size: %d' % len(data), lines)
        self.assertIn('os_hash_value: %s' % hashlib.sha512(data).hexdigest(),
                      lines)
        self.assertIn('vendor: %s' % self.vendor, lines)
        self.assertIn('topology: ' + metadata.to_properties(
            test_metadata.complete(topology=test_metadata.SPEC_TOPOLOGY)
        )['topology'], lines)
        shown = {line.split(':', 1)[0] for line in lines}
        self.assertTrue(set(metadata.KEY_NAMES) <= shown)

        view = json.loads(self.assertSucceeds(
            self.manage('show', image_id, '--format', 'json')))
        self.assertEqual(image_id, view['id'])
        self.assertEqual(['FPGA'], view['tags'])
        self.assertEqual('private', view['visibility'])
        self.assertEqual(set(metadata.KEY_NAMES), set(view['properties']))
        self.assertEqual(test_metadata.SPEC_TOPOLOGY,
                         json.loads(view['properties']['topology']))

    def test_upload_of_the_sample_with_name_and_visibility(self) -> None:
        bitstream = os.path.join(self.tmp, 'sample.bit')
        with open(bitstream, 'wb') as f:
            f.write(b'sample')
        image_id = self.assertSucceeds(self.manage(
            'upload', bitstream, '--metadata', SAMPLE, '--name', 'aes-v2',
            '--visibility', 'shared')).strip()
        view = json.loads(self.assertSucceeds(
            self.manage('show', image_id, '--format', 'json')))
        self.assertEqual(('aes-v2', 'shared'),
                         (view['name'], view['visibility']))

    def test_each_filter_is_applied_by_glance(self) -> None:
        shell = str(uuid_lib.uuid4())
        function = str(uuid_lib.uuid4())
        region = str(uuid_lib.uuid4())
        wanted = self.upload(b'1', '--name', 'wanted-' + self.project,
                             board='U250', shell_id=shell,
                             function_uuid=function, region_uuid=region)
        other = self.upload(b'2', board='U280', shell_id=None,
                            region_uuid=None)
        self.assertEqual(sorted([wanted, other]),
                         self.listed('--vendor', self.vendor))
        filters = {'board': 'U250', 'shell_id': shell,
                   'function_uuid': function, 'region_uuid': region,
                   'name': 'wanted-' + self.project}
        for key, value in filters.items():
            option = '--' + key.replace('_', '-')
            self.assertEqual([wanted], self.listed('--vendor', self.vendor,
                                                   option, value), key)
        # Every filter reached Glance as a query parameter of its listing.
        queries = self.listing_queries()
        self.assertEqual(1 + len(filters), len(queries))
        for query in queries:
            self.assertEqual(['FPGA'], query['tag'])
            self.assertEqual([self.vendor], query['vendor'])
        for key, value in filters.items():
            self.assertIn({'tag': ['FPGA'], 'vendor': [self.vendor],
                           key: [value], 'limit': ['200']}, queries)

    def test_list_table(self) -> None:
        image_id = self.upload()
        out = self.assertSucceeds(self.manage('list', '--vendor',
                                              self.vendor))
        lines = out.splitlines()
        self.assertEqual(5, len(lines))
        self.assertEqual(['ID', 'Name', 'Vendor', 'Board', 'Version',
                          'Function', 'Shell', 'Visibility'],
                         [cell.strip() for cell in lines[1].split('|')[1:-1]])
        self.assertEqual(
            [image_id, 'aes-128', self.vendor, 'KU115', '1.0', 'aes-128',
             test_metadata.UUIDS['shell_id'], 'private'],
            [cell.strip() for cell in lines[3].split('|')[1:-1]])
        empty = self.assertSucceeds(self.manage('list', '--vendor', 'none-'
                                                + self.project))
        self.assertEqual(4, len(empty.splitlines()))

    def test_another_projects_private_bitstream_is_not_listed(self) -> None:
        mine = self.upload()
        theirs = glance_fixture.create_bitstream(
            self.glance.endpoint, b'x',
            project_id=glance_fixture.random_project_id(),
            properties=metadata.to_properties(
                test_metadata.complete(vendor=self.vendor)))
        self.assertEqual([mine], self.listed('--vendor', self.vendor))
        result = self.manage('show', theirs)
        self.assertEqual(1, result.returncode)
        self.assertEqual('Bitstream %s was not found.\n' % theirs,
                         result.stderr)

    def test_show_of_an_image_that_is_not_a_bitstream(self) -> None:
        image_id = glance_fixture.create_bitstream(
            self.glance.endpoint, b'x', project_id=self.project, tags=())
        result = self.manage('show', image_id)
        self.assertEqual(1, result.returncode)
        self.assertIn('is not tagged FPGA', result.stderr)


class TestValidate(ManageBitstreamTestCase):

    def test_the_sample_is_valid(self) -> None:
        out = self.assertSucceeds(self.manage('validate', '--metadata',
                                              SAMPLE))
        self.assertIn('meets the bitstream metadata standard', out)

    def test_a_bad_file_lists_every_problem(self) -> None:
        topology = dict(test_metadata.SPEC_TOPOLOGY, vf_num=3)
        bad = test_metadata.complete(
            vendor='', topology=topology, shell_id='shell', driver_path='',
            name='aes', bs_uuid='x')
        del bad['function_uuid']
        result = self.manage('validate', '--metadata',
                             self.write_json(bad, 'bad.json'))
        self.assertEqual(1, result.returncode)
        self.assertEqual('', result.stdout)
        self.assertEqual(
            ['vendor: is required and may not be empty',
             "shell_id: must be a UUID (8-4-4-4-12 hexadecimal digits), "
             "got 'shell'",
             'driver_path: is required when driver is set',
             'topology: vf_num is 3 but the PFs list 2 VFs',
             'function_uuid: is required and may not be empty',
             "bs_uuid: is not a key of the standard; did you mean "
             "'bs-uuid'?",
             'name: is a field of the Glance image, not a property; give '
             'the name and visibility as options'],
            result.stderr.splitlines())

    def test_a_file_that_is_not_metadata(self) -> None:
        path = os.path.join(self.tmp, 'broken.json')
        with open(path, 'w') as f:
            f.write('{"vendor": ')
        result = self.manage('validate', '--metadata', path)
        self.assertEqual(1, result.returncode)
        self.assertIn('broken.json: not valid JSON', result.stderr)
        result = self.manage('validate', '--metadata',
                             self.write_json(['vendor'], 'list.json'))
        self.assertIn('must hold a JSON object', result.stderr)
        result = self.manage('validate', '--metadata', path + '.missing')
        self.assertEqual(1, result.returncode)
        self.assertIn('No such file or directory', result.stderr)

    def test_an_image_in_glance(self) -> None:
        good = self.upload()
        self.assertSucceeds(self.manage('validate', '--image', good))
        bad = glance_fixture.create_bitstream(
            self.glance.endpoint, b'x', project_id=self.project, tags=(),
            properties={'vendor': self.vendor, 'shell_id': 'none'})
        result = self.manage('validate', '--image', bad)
        self.assertEqual(1, result.returncode)
        problems = result.stderr.splitlines()
        self.assertEqual(
            ['bs-name', 'bs-uuid', 'board', 'shell_id', 'version',
             'driver_ver', 'function_uuid', 'tags'],
            [line.split(':')[0] for line in problems])

    def test_upload_of_invalid_metadata_creates_nothing(self) -> None:
        bitstream = os.path.join(self.tmp, 'x.bit')
        with open(bitstream, 'wb') as f:
            f.write(b'x')
        bad = self.write_json(test_metadata.complete(board=''), 'bad.json')
        result = self.manage('upload', bitstream, '--metadata', bad)
        self.assertEqual(1, result.returncode)
        self.assertEqual(['board: is required and may not be empty'],
                         result.stderr.splitlines())
        self.assertEqual('', result.stdout)
        self.assertEqual([], [entry for entry in self.glance.access_log()
                              if entry.project_id == self.project])


class TestUsageAndConfiguration(ManageBitstreamTestCase):

    def test_usage_errors_exit_2(self) -> None:
        for args in ((), ('validate',), ('upload', 'x.bit'),
                     ('list', '--format', 'yaml'), ('show',),
                     ('upload', 'x.bit', '--metadata', 'm.json',
                      '--visibility', 'everyone'),
                     ('validate', '--metadata', 'm', '--image', 'i')):
            result = self.manage(*args)
            self.assertEqual(2, result.returncode, str(args))
            self.assertIn('usage:', result.stderr)

    def test_without_an_endpoint(self) -> None:
        result = self.manage('list', config=self.write_config(endpoint=''))
        self.assertEqual(1, result.returncode)
        self.assertIn('endpoint', result.stderr)

    def test_unreachable_glance(self) -> None:
        result = self.manage('list', config=self.write_config(
            endpoint='http://127.0.0.1:9', timeout='2'))
        self.assertEqual(1, result.returncode)
        self.assertIn('The image service could not be reached',
                      result.stderr)

    def test_default_roles_are_an_admins(self) -> None:
        # The default identity is an admin: it may publish.
        image_id = self.upload(b'x', '--visibility', 'public',
                               config=self.write_config())
        result = self.manage('show', image_id, '--format', 'json')
        self.assertEqual('public', json.loads(
            self.assertSucceeds(result))['visibility'])
