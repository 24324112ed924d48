"""Uploading a bitstream into a real Glance, as the service.

What Glance holds is read back over plain HTTP with the owner's identity,
not through the code under test.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any
import urllib.error
import urllib.request

import fixtures
from oslo_config import cfg

from cyborg_fpga import conf as cyborg_conf
from cyborg_fpga import exception
from cyborg_fpga.image import metadata
from cyborg_fpga.image import service_client
from cyborg_fpga.image import upload
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import glance as glance_fixture
from cyborg_fpga.tests.unit.image import test_metadata

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class UploadTestCase(base.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.glance = glance_fixture.shared_glance(self)
        # Tests share one Glance: random projects keep them apart.
        self.project = glance_fixture.random_project_id()
        self.conf = self.make_conf(roles=['member', 'reader'])
        self.client = service_client.client(self.conf)
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.metadata = test_metadata.complete(
            topology=test_metadata.SPEC_TOPOLOGY)

    def make_conf(self, **headers: Any) -> cfg.ConfigOpts:
        conf = cyborg_conf.load([], default_config_files=[])
        values = {'endpoint': self.glance.endpoint,
                  'identity_forwarding': 'headers',
                  'headers_project_id': self.project,
                  'headers_user_id': 'operator'}
        values.update(('headers_' + k, v) for k, v in headers.items())
        for name, value in values.items():
            conf.set_override(name, value, group='glance')
        return conf

    def write(self, data: bytes, name: str = 'region0.bit') -> str:
        path = os.path.join(self.tmp, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def glance_get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.glance.endpoint + path,
            headers=glance_fixture.identity_headers(self.project))
        try:
            with _OPENER.open(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def image(self, image_id: str) -> dict[str, Any]:
        status, body = self.glance_get('/v2/images/%s' % image_id)
        self.assertEqual(200, status)
        result: dict[str, Any] = json.loads(body)
        return result

    def owned_images(self) -> list[dict[str, Any]]:
        status, body = self.glance_get('/v2/images?owner=%s' % self.project)
        self.assertEqual(200, status)
        images: list[dict[str, Any]] = json.loads(body)['images']
        return images

    def requests_of_project(self, method: str) -> list[str]:
        return [entry.path for entry in self.glance.access_log()
                if entry.method == method
                and entry.project_id == self.project]


class TestUpload(UploadTestCase):

    def test_every_key_the_tag_and_the_data(self) -> None:
        data = os.urandom(2 * 1024 * 1024 + 3)
        returned = upload.upload(self.client, self.write(data),
                                 self.metadata)
        image = self.image(returned['id'])
        self.assertEqual(returned['os_hash_value'], image['os_hash_value'])
        properties = metadata.to_properties(self.metadata)
        self.assertEqual(set(metadata.KEY_NAMES), set(properties))
        for key, value in properties.items():
            self.assertEqual(value, image[key], key)
        self.assertEqual(test_metadata.SPEC_TOPOLOGY,
                         json.loads(image['topology']))
        self.assertEqual(['FPGA'], image['tags'])
        self.assertEqual(('aes-128', 'private', self.project, 'active'),
                         (image['name'], image['visibility'], image['owner'],
                          image['status']))
        self.assertEqual(('bare', 'raw'), (image['container_format'],
                                           image['disk_format']))
        self.assertEqual(len(data), image['size'])
        self.assertEqual('sha512', image['os_hash_algo'])
        self.assertEqual(hashlib.sha512(data).hexdigest(),
                         image['os_hash_value'])
        status, stored = self.glance_get('/v2/images/%s/file' % image['id'])
        self.assertEqual(200, status)
        self.assertEqual(hashlib.sha256(data).digest(),
                         hashlib.sha256(stored).digest())
        # What Glance gives back meets the standard, tag included.
        self.assertEqual([], metadata.validate(
            {k: v for k, v in image.items() if k in metadata.KEY_NAMES},
            image['tags']))

    def test_name_and_visibility(self) -> None:
        path = self.write(b'\x01' * 10)
        image = upload.upload(self.client, path, self.metadata,
                              name='aes-128-v2', visibility='shared')
        self.assertEqual(('aes-128-v2', 'shared'),
                         (image['name'], image['visibility']))
        self.assertRaises(ValueError, upload.upload, self.client, path,
                          self.metadata, visibility='everyone')

    def test_the_file_is_streamed_not_read_whole(self) -> None:
        sizes: list[int] = []

        class Spy(upload.HashingReader):
            def read(self, size: int = -1) -> bytes:
                sizes.append(size)
                return super().read(size)

        self.useFixture(fixtures.MockPatchObject(upload, 'HashingReader',
                                                 Spy))
        data = os.urandom(3 * 1024 * 1024 + 1)
        upload.upload(self.client, self.write(data), self.metadata)
        # Chunk by chunk (glanceclient reads 1 MiB at a time), never all.
        self.assertNotIn(-1, sizes)
        self.assertGreaterEqual(len(sizes), 4)
        self.assertLessEqual(max(sizes), 1024 * 1024)


class TestFailures(UploadTestCase):

    def test_bytes_sent_differ_from_bytes_hashed(self) -> None:
        class Tampering(upload.HashingReader):
            # Hashes what the file holds, sends something else.
            def read(self, size: int = -1) -> bytes:
                chunk = super().read(size)
                return bytes([chunk[0] ^ 0xff]) + chunk[1:] if chunk else b''

        self.useFixture(fixtures.MockPatchObject(upload, 'HashingReader',
                                                 Tampering))
        error = self.assertRaises(upload.UploadFailed, upload.upload,
                                  self.client, self.write(os.urandom(4096)),
                                  self.metadata)
        self.assertIn('does not hold the file', str(error))
        self.assertIn('Glance holds data whose sha512 is', str(error))
        # Created, then deleted: no bitstream with the wrong data is left.
        self.assertEqual(1, len(self.requests_of_project('POST')))
        self.assertEqual(1, len(self.requests_of_project('DELETE')))
        self.assertEqual([], self.owned_images())

    def test_compare_with_the_image_glance_holds(self) -> None:
        data = os.urandom(1000)
        image = self.image(upload.upload(self.client, self.write(data),
                                         self.metadata)['id'])
        sha512 = hashlib.sha512(data).hexdigest()
        self.assertEqual([], upload.compare(image, sha512, len(data)))
        tampered = hashlib.sha512(data + b'x').hexdigest()
        self.assertEqual(
            ['Glance holds data whose sha512 is %s, but the file read has %s'
             % (sha512, tampered)],
            upload.compare(image, tampered, len(data)))
        self.assertEqual(['Glance holds 1000 bytes, but 1001 were read from '
                          'the file'],
                         upload.compare(image, sha512, len(data) + 1))
        self.assertEqual(['Glance hashed the data with md5, not sha512'],
                         upload.compare(dict(image, os_hash_algo='md5'),
                                        sha512, len(data)))

    def test_a_failed_read_deletes_the_image(self) -> None:
        class Failing(upload.HashingReader):
            def read(self, size: int = -1) -> bytes:
                if self.size:
                    raise OSError('disk read error')
                return super().read(size)

        self.useFixture(fixtures.MockPatchObject(upload, 'HashingReader',
                                                 Failing))
        self.assertRaises((upload.UploadFailed, OSError), upload.upload,
                          self.client,
                          self.write(os.urandom(2 * 1024 * 1024)),
                          self.metadata)
        # Deleted, even if Glance was still failing the aborted PUT.
        self.assertNotEqual([], self.requests_of_project('DELETE'))
        self.assertEqual([], self.owned_images())

    def test_invalid_metadata_creates_nothing(self) -> None:
        bad = dict(self.metadata, vendor='', name='not-a-property')
        error = self.assertRaises(exception.InvalidMetadata, upload.upload,
                                  self.client, self.write(b'x'), bad)
        self.assertIn('vendor: is required', error.message)
        self.assertIn('name: is a field of the Glance image', error.message)
        self.assertEqual([], self.requests_of_project('POST'))

    def test_missing_file_creates_nothing(self) -> None:
        self.assertRaises(FileNotFoundError, upload.upload, self.client,
                          os.path.join(self.tmp, 'missing.bit'),
                          self.metadata)
        self.assertEqual([], self.requests_of_project('POST'))

    def test_glance_refusal(self) -> None:
        # Only an admin may publish; this service identity is a member.
        error = self.assertRaises(upload.UploadFailed, upload.upload,
                                  self.client, self.write(b'x'),
                                  self.metadata, visibility='public')
        self.assertIn('creating the image: Glance answered 403',
                      str(error))
        self.assertEqual([], self.owned_images())

    def test_an_admin_identity_may_publish(self) -> None:
        client = service_client.client(self.make_conf())
        image = upload.upload(client, self.write(b'x'), self.metadata,
                              visibility='public')
        self.assertEqual('public', image['visibility'])


class TestServiceIdentity(UploadTestCase):

    def test_headers_identity(self) -> None:
        ctxt = service_client.service_context(self.make_conf())
        self.assertEqual(('operator', self.project),
                         (ctxt.user_id, ctxt.project_id))
        self.assertEqual(['admin', 'member', 'reader'], ctxt.roles)
        self.assertTrue(ctxt.is_admin)

    def test_headers_identity_must_be_configured(self) -> None:
        conf = self.make_conf()
        conf.clear_override('headers_user_id', group='glance')
        self.assertRaises(cfg.RequiredOptError, service_client.client, conf)
        conf = self.make_conf()
        conf.clear_override('headers_project_id', group='glance')
        self.assertRaises(cfg.RequiredOptError,
                          service_client.service_context, conf)
