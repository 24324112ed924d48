"""The all-in-one's folder store: Glance's visibility rules, on files."""

from __future__ import annotations

import hashlib
import json
import os

import fixtures

from cyborg_fpga import conf as cyborg_conf
from cyborg_fpga import context
from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base
from cyborg_fpga.image import local
from cyborg_fpga.tests import base


def _ctxt(project: str | None, *roles: str) -> context.RequestContext:
    return context.RequestContext(user_id='user', project_id=project,
                                  roles=list(roles or ('member', 'reader')))


class LocalStoreTestCase(base.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.store = self.useFixture(fixtures.TempDir()).path
        self.out = self.useFixture(fixtures.TempDir()).path
        self.conf = cyborg_conf.load([], default_config_files=[])
        self.conf.set_override('path', self.store, group='local_store')
        self.conf.set_override('backend', 'local', group='image')
        self.conf.set_override('chunk_size', 4096, group='glance')
        self.service = image_base.load(self.conf)
        self.owner = _ctxt('p1')
        self.stranger = _ctxt('p2')
        self.admin = _ctxt('p3', 'admin', 'member', 'reader')

    def add(self, data: bytes | None = b'bits', **kwargs: object) -> str:
        kwargs.setdefault('name', 'bs')
        kwargs.setdefault('properties', {'vendor': 'Xilinx'})
        kwargs.setdefault('owner', 'p1')
        kwargs.setdefault('visibility', 'private')
        return local.add_bitstream(self.conf, data,
                                   **kwargs)  # type: ignore[arg-type]


class TestAddBitstream(LocalStoreTestCase):

    def test_writes_data_and_metadata(self) -> None:
        uuid = self.add(b'0123456789', properties={'vendor': 'Intel'})
        with open(os.path.join(self.store, uuid + '.bit'), 'rb') as f:
            self.assertEqual(b'0123456789', f.read())
        with open(os.path.join(self.store, uuid + '.json')) as f:
            metadata = json.load(f)
        self.assertEqual('active', metadata['status'])
        self.assertEqual(['FPGA'], metadata['tags'])
        self.assertEqual({'vendor': 'Intel'}, metadata['properties'])
        self.assertEqual(10, metadata['size'])
        self.assertEqual(hashlib.sha512(b'0123456789').hexdigest(),
                         metadata['os_hash_value'])
        # No temporary file is left behind.
        self.assertEqual(sorted([uuid + '.bit', uuid + '.json']),
                         sorted(os.listdir(self.store)))

    def test_from_a_file_into_a_folder_by_path(self) -> None:
        src = os.path.join(self.out, 'src.bit')
        with open(src, 'wb') as f:
            f.write(b'x' * 3000000)
        store = os.path.join(self.out, 'new-store')
        uuid = local.add_bitstream(store, src, name='big', properties={},
                                   uuid='5e0ef6c3-7c85-44a5-8b4a-38f1a1a8a1c6')
        self.assertEqual('5e0ef6c3-7c85-44a5-8b4a-38f1a1a8a1c6', uuid)
        self.assertEqual(3000000,
                         os.path.getsize(os.path.join(store, uuid + '.bit')))

    def test_uuid_must_be_a_uuid(self) -> None:
        self.assertRaises(exception.InvalidUUID, self.add, uuid='../x')


class TestGet(LocalStoreTestCase):

    def test_owner_sees_private_image(self) -> None:
        uuid = self.add(b'abc', name='shell')
        bitstream = self.service.get(self.owner, uuid)
        self.assertEqual(uuid, bitstream.uuid)
        self.assertEqual('shell', bitstream.name)
        self.assertEqual('active', bitstream.status)
        self.assertEqual(3, bitstream.size)
        self.assertEqual('p1', bitstream.owner)
        self.assertEqual(('FPGA',), bitstream.tags)
        self.assertEqual({'vendor': 'Xilinx'}, bitstream.properties)
        self.assertEqual(hashlib.md5(b'abc').hexdigest(), bitstream.checksum)

    def test_private_image_of_another_project_is_not_found(self) -> None:
        uuid = self.add()
        self.assertRaises(exception.BitstreamNotFound, self.service.get,
                          self.stranger, uuid)

    def test_admin_sees_every_image(self) -> None:
        uuid = self.add()
        self.assertEqual(uuid, self.service.get(self.admin, uuid).uuid)

    def test_public_image_is_seen_by_all(self) -> None:
        uuid = self.add(visibility='public')
        self.assertEqual(uuid, self.service.get(self.stranger, uuid).uuid)
        self.assertEqual(uuid, self.service.get(_ctxt(None), uuid).uuid)

    def test_missing_and_malformed_are_not_found(self) -> None:
        for uuid in ('2f1f9b6e-8d0e-4bb5-9c36-7f9d0b1d2e3f', '../etc/passwd',
                     ''):
            self.assertRaises(exception.BitstreamNotFound, self.service.get,
                              self.owner, uuid)


class TestList(LocalStoreTestCase):

    def test_filters_tag_visibility_and_limit(self) -> None:
        mine = self.add(properties={'vendor': 'Xilinx', 'board': 'u250'})
        public = self.add(properties={'vendor': 'Xilinx'}, owner='p4',
                          visibility='public')
        self.add(properties={'vendor': 'Xilinx'}, owner='p4')
        self.add(properties={'vendor': 'Intel'})
        self.add(properties={'vendor': 'Xilinx'}, tags=('not-fpga',))

        def uuids(ctxt: context.RequestContext, **kwargs: object) -> set[str]:
            return {b.uuid for b in self.service.list(
                ctxt, **kwargs)}  # type: ignore[arg-type]

        self.assertEqual({mine, public},
                         uuids(self.owner, filters={'vendor': 'Xilinx'}))
        self.assertEqual({mine}, uuids(self.owner, filters={
            'vendor': 'Xilinx', 'board': 'u250'}))
        self.assertEqual({public},
                         uuids(self.stranger, filters={'vendor': 'Xilinx'}))
        self.assertEqual(3, len(uuids(self.admin,
                                      filters={'vendor': 'Xilinx'})))
        self.assertEqual(2, len(uuids(self.admin, limit=2)))
        self.assertEqual(set(), uuids(self.admin, limit=0))

    def test_name_filter(self) -> None:
        uuid = self.add(name='crypto')
        self.add(name='other')
        self.assertEqual([uuid], [b.uuid for b in self.service.list(
            self.owner, {'name': 'crypto'})])

    def test_empty_or_absent_store(self) -> None:
        self.assertEqual([], self.service.list(self.owner))
        self.conf.set_override('path', os.path.join(self.out, 'none'),
                               group='local_store')
        self.assertEqual([], local.LocalImageService(self.conf).list(
            self.owner))


class TestDownload(LocalStoreTestCase):

    def test_copies_in_chunks(self) -> None:
        data = os.urandom(4096 * 5 + 17)
        uuid = self.add(data)
        dest = os.path.join(self.out, 'region.bit')
        self.assertEqual(len(data),
                         self.service.download(self.owner, uuid, dest))
        with open(dest, 'rb') as f:
            self.assertEqual(data, f.read())
        self.assertEqual(['region.bit'], os.listdir(self.out))

    def test_image_without_data_is_invalid(self) -> None:
        uuid = self.add(None)
        error = self.assertRaises(
            exception.BitstreamInvalid, self.service.download, self.owner,
            uuid, os.path.join(self.out, 'x.bit'))
        self.assertIn('the image has no data', error.message)
        self.assertEqual([], os.listdir(self.out))

    def test_invisible_image_is_not_found(self) -> None:
        uuid = self.add()
        self.assertRaises(exception.BitstreamNotFound, self.service.download,
                          self.stranger, uuid, os.path.join(self.out, 'x'))

    def test_corrupt_data_is_invalid_and_removed(self) -> None:
        uuid = self.add(b'a' * 10000)
        with open(os.path.join(self.store, uuid + '.bit'), 'r+b') as f:
            f.write(b'b')
        self.assertRaises(exception.BitstreamInvalid, self.service.download,
                          self.owner, uuid, os.path.join(self.out, 'x.bit'))
        self.assertEqual([], os.listdir(self.out))

    def test_lost_data_is_invalid(self) -> None:
        uuid = self.add()
        os.remove(os.path.join(self.store, uuid + '.bit'))
        self.assertRaises(exception.BitstreamInvalid, self.service.download,
                          self.owner, uuid, os.path.join(self.out, 'x.bit'))
