"""GlanceImageService against a real Glance that trusts identity headers.

Glance itself decides who sees what, so these tests check that the caller's
identity reaches it intact and that its answers become our errors.
"""

from __future__ import annotations

import hashlib
import os
import socket
import urllib.parse

import fixtures

from cyborg_fpga import conf as cyborg_conf
from cyborg_fpga import context
from cyborg_fpga import exception
from cyborg_fpga.image import glance
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import glance as glance_fixture


def _ctxt(project: str | None, roles: tuple[str, ...] = ('member', 'reader'),
          user: str | None = 'default', token: str | None = None
          ) -> context.RequestContext:
    if user == 'default':
        user = 'user-%s' % project
    return context.RequestContext(user_id=user, project_id=project,
                                  roles=list(roles), auth_token=token)


class GlanceTestCase(base.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.glance = self.start_glance()
        self.service = self.make_service()
        # Tests share one Glance: random projects keep them apart.
        self.project = glance_fixture.random_project_id()
        self.other = glance_fixture.random_project_id()
        self.owner = _ctxt(self.project)
        self.stranger = _ctxt(self.other)
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def start_glance(self) -> glance_fixture.GlanceServer:
        return glance_fixture.shared_glance(self)

    def make_service(self, forwarding: str = 'headers',
                     **overrides: object) -> glance.GlanceImageService:
        conf = cyborg_conf.load([], default_config_files=[])
        conf.set_override('endpoint', self.glance.endpoint, group='glance')
        conf.set_override('identity_forwarding', forwarding, group='glance')
        for name, value in overrides.items():
            conf.set_override(name, value, group='glance')
        return glance.GlanceImageService(conf)

    def create(self, data: bytes | None = b'bitstream', **kwargs: object
               ) -> str:
        kwargs.setdefault('project_id', self.project)
        return glance_fixture.create_bitstream(
            self.glance.endpoint, data, **kwargs)  # type: ignore[arg-type]

    def list_requests(self) -> list[dict[str, list[str]]]:
        """Query strings of the image listings this test's owner made."""
        return [urllib.parse.parse_qs(entry.query)
                for entry in self.glance.access_log()
                if entry.method == 'GET' and entry.path == '/v2/images'
                and entry.project_id == self.project]


class TestGet(GlanceTestCase):

    def test_owner_gets_metadata_and_properties(self) -> None:
        data = b'\x00\x01' * 1000
        uuid = self.create(data, name='shell-role',
                           properties={'vendor': 'Xilinx', 'board': 'u250',
                                       'topology': 'shell'})
        bitstream = self.service.get(self.owner, uuid)
        self.assertEqual(uuid, bitstream.uuid)
        self.assertEqual('shell-role', bitstream.name)
        self.assertEqual('active', bitstream.status)
        self.assertEqual(len(data), bitstream.size)
        self.assertEqual(self.project, bitstream.owner)
        self.assertEqual('private', bitstream.visibility)
        self.assertEqual(('FPGA',), bitstream.tags)
        # Only the image's own properties: Glance's fields (stores,
        # disk_format, os_hidden, ...) are not among them.
        self.assertEqual({'vendor': 'Xilinx', 'board': 'u250',
                          'topology': 'shell'}, bitstream.properties)
        self.assertEqual(hashlib.md5(data).hexdigest(), bitstream.checksum)
        self.assertEqual('sha512', bitstream.os_hash_algo)
        self.assertEqual(hashlib.sha512(data).hexdigest(),
                         bitstream.os_hash_value)

    def test_other_projects_private_image_is_not_found(self) -> None:
        uuid = self.create()
        hidden = self.assertRaises(exception.BitstreamNotFound,
                                   self.service.get, self.stranger, uuid)
        missing_uuid = '9b0c1d6e-52a4-4f43-9a0e-8c5b1f0e7d2a'
        missing = self.assertRaises(exception.BitstreamNotFound,
                                    self.service.get, self.stranger,
                                    missing_uuid)
        # Nothing tells a hidden image from a missing one but its uuid.
        self.assertEqual(hidden.message.replace(uuid, 'X'),
                         missing.message.replace(missing_uuid, 'X'))

    def test_public_image_is_seen_by_every_project(self) -> None:
        uuid = self.create(visibility='public',
                           properties={'vendor': 'Intel'})
        self.assertEqual('public', self.service.get(self.stranger,
                                                    uuid).visibility)
        listed = self.service.list(self.stranger, {'vendor': 'Intel'})
        self.assertIn(uuid, [b.uuid for b in listed])

    def test_an_id_that_is_not_an_image_is_not_found(self) -> None:
        self.assertRaises(exception.BitstreamNotFound, self.service.get,
                          self.owner, '../images?limit=1')

    def test_missing_identity_is_not_authenticated(self) -> None:
        self.assertRaises(exception.NotAuthenticated, self.service.get,
                          _ctxt(self.project, user=None), self.create())
        token_service = self.make_service('token')
        self.assertRaises(exception.NotAuthenticated, token_service.get,
                          self.owner, self.create())

    def test_token_that_glance_rejects_is_not_authenticated(self) -> None:
        # This Glance has no authtoken step: a bare token is not an
        # identity, so Glance answers 401.
        token_service = self.make_service('token')
        self.assertRaises(exception.NotAuthenticated, token_service.get,
                          _ctxt(self.project, token='a-token'),
                          self.create())


class TestList(GlanceTestCase):

    def test_tag_and_property_filters_are_applied_by_glance(self) -> None:
        wanted = {self.create(properties={'vendor': 'Xilinx',
                                          'board': 'u250'}),
                  self.create(properties={'vendor': 'Xilinx',
                                          'board': 'u280'})}
        self.create(properties={'vendor': 'Intel'})
        self.create(properties={'vendor': 'Xilinx'}, tags=('other',))
        found = self.service.list(self.owner, {'vendor': 'Xilinx'})
        self.assertEqual(wanted, {b.uuid for b in found})
        # One request, and Glance got the filters: nothing was listed
        # whole and filtered here.
        [query] = self.list_requests()
        self.assertEqual(['FPGA'], query['tag'])
        self.assertEqual(['Xilinx'], query['vendor'])

        found = self.service.list(self.owner, {'vendor': 'Xilinx',
                                               'board': 'u280'})
        self.assertEqual(1, len(found))
        self.assertEqual('u280', found[0].properties['board'])

    def test_name_filter(self) -> None:
        uuid = self.create(name='crypto')
        self.create(name='other')
        found = self.service.list(self.owner, {'name': 'crypto'})
        self.assertEqual([uuid], [b.uuid for b in found])

    def test_other_projects_private_images_are_not_listed(self) -> None:
        self.create(properties={'vendor': 'Xilinx'})
        self.assertEqual([], self.service.list(self.stranger,
                                               {'vendor': 'Xilinx'}))

    def test_limit_is_passed_to_glance(self) -> None:
        for _ in range(4):
            self.create(properties={'family': self.project})
        found = self.service.list(self.owner, {'family': self.project},
                                  limit=2)
        self.assertEqual(2, len(found))
        [query] = self.list_requests()
        self.assertEqual(['2'], query['limit'])
        self.assertEqual([], self.service.list(self.owner, limit=0))

    def test_pages_are_followed_only_up_to_the_limit(self) -> None:
        self.useFixture(fixtures.MockPatchObject(glance, '_PAGE_SIZE', 2))
        uuids = {self.create(properties={'family': self.project})
                 for _ in range(5)}
        found = self.service.list(self.owner, {'family': self.project},
                                  limit=3)
        self.assertEqual(3, len({b.uuid for b in found}))
        self.assertEqual([['2'], ['1']],
                         [q['limit'] for q in self.list_requests()])

        found = self.service.list(self.owner, {'family': self.project})
        self.assertEqual(uuids, {b.uuid for b in found})

    def test_list_parameters_are_not_filters(self) -> None:
        self.assertRaises(exception.InvalidRequest, self.service.list,
                          self.owner, {'limit': '1000'})


class TestDownload(GlanceTestCase):

    def leftovers(self) -> list[str]:
        return sorted(os.listdir(self.tmp))

    def test_streams_exact_bytes(self) -> None:
        data = os.urandom(5 * 1024 * 1024 + 123)
        uuid = self.create(data)
        dest = os.path.join(self.tmp, 'region0.bit')
        self.assertEqual(len(data), self.service.download(self.owner, uuid,
                                                          dest))
        with open(dest, 'rb') as f:
            self.assertEqual(hashlib.sha256(data).hexdigest(),
                             hashlib.sha256(f.read()).hexdigest())
        self.assertEqual(['region0.bit'], self.leftovers())
        self.assertEqual(len(data),
                         glance_fixture.served_bytes(self.glance, uuid))

    def test_image_without_data_is_invalid(self) -> None:
        uuid = self.create(None)
        error = self.assertRaises(
            exception.BitstreamInvalid, self.service.download, self.owner,
            uuid, os.path.join(self.tmp, 'x.bit'))
        self.assertIn('the image has no data', error.message)
        self.assertEqual([], self.leftovers())

    def test_other_projects_image_is_not_found(self) -> None:
        uuid = self.create()
        self.assertRaises(exception.BitstreamNotFound, self.service.download,
                          self.stranger, uuid,
                          os.path.join(self.tmp, 'x.bit'))
        self.assertEqual([], self.leftovers())

    def test_corrupt_data_is_invalid_and_not_kept(self) -> None:
        data = os.urandom(300 * 1024)
        uuid = self.create(data)
        # Flip bytes in Glance's own copy: same size, another hash.
        stored = os.path.join(self.glance.base_dir, 'images', uuid)
        with open(stored, 'r+b') as f:
            f.seek(1000)
            f.write(b'\xff' * 16)
        dest = os.path.join(self.tmp, 'x.bit')
        error = self.assertRaises(exception.BitstreamInvalid,
                                  self.service.download, self.owner, uuid,
                                  dest)
        self.assertIn('Corrupt image download', error.message)
        self.assertEqual([], self.leftovers())


class TestGlanceDown(GlanceTestCase):

    def start_glance(self) -> glance_fixture.GlanceServer:
        # This test stops its Glance, so it has one of its own.
        return glance_fixture.start_glance(self)

    def test_stopped_glance_is_unavailable(self) -> None:
        uuid = self.create()
        self.service.get(self.owner, uuid)  # a pooled connection now exists
        self.glance.stop()
        self.assertRaises(exception.ImageServiceUnavailable,
                          self.service.get, self.owner, uuid)
        self.assertRaises(exception.ImageServiceUnavailable,
                          self.service.list, self.owner)
        self.assertRaises(exception.ImageServiceUnavailable,
                          self.service.download, self.owner, uuid,
                          os.path.join(self.tmp, 'x.bit'))
        self.assertEqual([], os.listdir(self.tmp))


class TestSilentGlance(GlanceTestCase):

    def test_silent_glance_times_out_as_unavailable(self) -> None:
        # A socket that accepts connections and never answers.
        silent = socket.socket()
        self.addCleanup(silent.close)
        silent.bind(('127.0.0.1', 0))
        silent.listen(8)
        service = self.make_service(
            endpoint='http://127.0.0.1:%d' % silent.getsockname()[1],
            timeout=0.2)
        self.assertRaises(exception.ImageServiceUnavailable, service.get,
                          self.owner, '9b0c1d6e-52a4-4f43-9a0e-8c5b1f0e7d2a')
