"""Bitstreams in a local folder, for the all-in-one only.

``[local_store] path`` holds ``<uuid>.bit`` (the data) beside ``<uuid>.json``
(the metadata: name, status, visibility, owner, tags, properties, size and
hashes). The rules follow Glance's, so that the all-in-one behaves like a
cloud: a public image is seen by everybody, a private one by its owner's
project and by admins, and an image the caller may not see is missing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO, IO

from oslo_config import cfg
from oslo_context import context as o_context
from oslo_utils import uuidutils

from cyborg_fpga import exception
from cyborg_fpga import fileutils
from cyborg_fpga.image import base

HASH_ALGO = 'sha512'  # Glance's default os_hash_algo
_CHUNK_SIZE = 1024 * 1024
# Visibilities that everybody sees, as in Glance (no members here).
_VISIBLE_TO_ALL = frozenset(('public', 'community'))
# Filters that match metadata itself; any other key matches a property.
_METADATA_FILTERS = frozenset(('name', 'status', 'visibility', 'owner'))


def _store_path(conf_or_path: cfg.ConfigOpts | str | os.PathLike[str]) -> str:
    if isinstance(conf_or_path, (str, os.PathLike)):
        return os.fspath(conf_or_path)
    return conf_or_path.local_store.path


def _paths(store: str, uuid: str) -> tuple[str, str]:
    return (os.path.join(store, uuid + '.bit'),
            os.path.join(store, uuid + '.json'))


def _copy(chunks: Iterable[bytes], dest: IO[bytes],
          hashers: Iterable[Any]) -> int:
    hashers = list(hashers)
    size = 0
    for chunk in chunks:
        dest.write(chunk)
        for hasher in hashers:
            hasher.update(chunk)
        size += len(chunk)
    return size


def _read_chunks(f: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    while chunk := f.read(chunk_size):
        yield chunk


def add_bitstream(conf_or_path: cfg.ConfigOpts | str | os.PathLike[str],
                  data_path_or_bytes: bytes | str | os.PathLike[str] | None,
                  *, name: str, properties: dict[str, Any],
                  tags: Iterable[str] = (base.FPGA_TAG,),
                  owner: str | None = None, visibility: str = 'public',
                  uuid: str | None = None) -> str:
    """Store a bitstream; return its uuid.

    ``data_path_or_bytes`` is the data or the path of a file holding it;
    None records an image without data, as a queued Glance image is.
    """
    store = _store_path(conf_or_path)
    uuid = uuid or uuidutils.generate_uuid()
    if not uuidutils.is_uuid_like(uuid):
        raise exception.InvalidUUID(name='uuid', value=uuid)
    os.makedirs(store, exist_ok=True)
    data_path, meta_path = _paths(store, uuid)
    metadata: dict[str, Any] = {
        'id': uuid, 'name': name, 'status': 'queued',
        'visibility': visibility, 'owner': owner, 'tags': list(tags),
        'properties': dict(properties), 'size': None, 'checksum': None,
        'os_hash_algo': None, 'os_hash_value': None,
        'created_at': datetime.datetime.now(
            datetime.UTC).isoformat(),
    }
    if data_path_or_bytes is not None:
        md5 = hashlib.md5(usedforsecurity=False)
        multihash = hashlib.new(HASH_ALGO)
        with fileutils.atomic_file(data_path) as dest:
            if isinstance(data_path_or_bytes, bytes):
                size = _copy([data_path_or_bytes], dest, (md5, multihash))
            else:
                with open(data_path_or_bytes, 'rb') as src:
                    size = _copy(_read_chunks(src, _CHUNK_SIZE), dest,
                                 (md5, multihash))
        metadata.update(status='active', size=size,
                        checksum=md5.hexdigest(), os_hash_algo=HASH_ALGO,
                        os_hash_value=multihash.hexdigest())
    # The metadata is written last: an image exists once its .json does,
    # and by then its data is complete.
    with fileutils.atomic_file(meta_path) as f:
        f.write(json.dumps(metadata, indent=2, sort_keys=True).encode())
    return uuid


def _to_bitstream(metadata: dict[str, Any]) -> base.Bitstream:
    return base.Bitstream(
        uuid=metadata['id'], name=metadata.get('name'),
        status=metadata.get('status', 'active'), size=metadata.get('size'),
        owner=metadata.get('owner'),
        visibility=metadata.get('visibility', 'private'),
        tags=tuple(metadata.get('tags') or ()),
        properties=dict(metadata.get('properties') or {}),
        checksum=metadata.get('checksum'),
        os_hash_algo=metadata.get('os_hash_algo'),
        os_hash_value=metadata.get('os_hash_value'))


def _visible(ctxt: o_context.RequestContext,
             metadata: dict[str, Any]) -> bool:
    if ctxt.is_admin or metadata.get('visibility') in _VISIBLE_TO_ALL:
        return True
    return bool(ctxt.project_id) and metadata.get('owner') == ctxt.project_id


def _matches(metadata: dict[str, Any], filters: dict[str, str]) -> bool:
    properties = metadata.get('properties') or {}
    for key, wanted in filters.items():
        source = metadata if key in _METADATA_FILTERS else properties
        if key not in source or str(source[key]) != str(wanted):
            return False
    return True


class LocalImageService(base.ImageService):

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self._path = conf.local_store.path
        self._chunk_size = conf.glance.chunk_size

    def _load(self, uuid: str) -> dict[str, Any] | None:
        # Only a uuid may name a file: nothing like '../x' leaves the store.
        if not uuidutils.is_uuid_like(uuid):
            return None
        try:
            with open(_paths(self._path, uuid)[1], 'rb') as f:
                metadata: dict[str, Any] = json.load(f)
        except FileNotFoundError:
            return None
        metadata['id'] = uuid
        return metadata

    def _visible_metadata(self, ctxt: o_context.RequestContext,
                          uuid: str) -> dict[str, Any]:
        metadata = self._load(uuid)
        if metadata is None or not _visible(ctxt, metadata):
            raise exception.BitstreamNotFound(uuid=uuid)
        return metadata

    def get(self, ctxt: o_context.RequestContext, uuid: str) -> base.Bitstream:
        return _to_bitstream(self._visible_metadata(ctxt, uuid))

    def list(self, ctxt: o_context.RequestContext,
             filters: dict[str, str] | None = None,
             limit: int | None = None) -> list[base.Bitstream]:
        if limit is not None and limit <= 0:
            return []
        try:
            names = os.listdir(self._path)
        except FileNotFoundError:
            return []
        found = []
        for name in names:
            uuid, ext = os.path.splitext(name)
            metadata = self._load(uuid) if ext == '.json' else None
            if (metadata is not None
                    and base.FPGA_TAG in (metadata.get('tags') or ())
                    and _visible(ctxt, metadata)
                    and _matches(metadata, filters or {})):
                found.append(metadata)
        # Newest first, as Glance lists.
        found.sort(key=lambda m: (m.get('created_at') or '', m['id']),
                   reverse=True)
        return [_to_bitstream(m) for m in found[:limit]]

    def download(self, ctxt: o_context.RequestContext, uuid: str,
                 dest_path: str, hashers: Sequence[base.Hasher] = (),
                 durable: bool = True) -> int:
        metadata = self._visible_metadata(ctxt, uuid)
        if metadata.get('status') != 'active':
            raise exception.BitstreamInvalid(
                uuid=uuid, reason='the image has no data'
                if metadata.get('status') == 'queued'
                else 'the image is %s, not active' % metadata.get('status'))
        # A caller with hashers checks the digests itself; the store checks
        # only for callers without, so the data is hashed once either way.
        algo = metadata.get('os_hash_algo')
        own = [hashlib.new(algo)] if algo and not hashers else []
        try:
            src = open(_paths(self._path, uuid)[0], 'rb')
        except FileNotFoundError as e:
            raise exception.BitstreamInvalid(
                uuid=uuid, reason='the image has no data') from e
        with src, fileutils.atomic_file(os.path.abspath(dest_path),
                                        durable=durable) as dest:
            size = _copy(_read_chunks(src, self._chunk_size), dest,
                         [*own, *hashers])
            # Checked before the rename: a corrupt copy never lands.
            if own and own[0].hexdigest() != metadata.get('os_hash_value'):
                raise exception.BitstreamInvalid(
                    uuid=uuid, reason='the data does not match its hash')
        return size

