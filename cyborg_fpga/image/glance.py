"""Bitstreams in Glance, read as the caller.

Glance decides what the caller may see, so every call carries the caller's
identity: its Keystone token, or (``identity_forwarding = headers``, for a
Glance that trusts them) the X-User-Id, X-Project-Id and X-Roles headers.

One keystoneauth session is built per service and shared by all callers: its
requests pool keeps connections to Glance open between calls (a session per
call costs a new connection, +0.5 ms on loopback, more with TLS). Each call
gets a glanceclient of its own (10-100 us to build) that adds the caller's
identity to that session's requests, so callers never share an identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
import contextlib
from typing import Any
import urllib.parse

import glanceclient
from glanceclient import exc as glance_exc
# Imported at start: glanceclient.Client('2') imports it at its first call
# otherwise, 70 ms of CPU that each process's first load paid (all 50
# agents at once in the benchmark's fleet row).
from glanceclient.v2 import client as _v2_client  # noqa: F401
from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1 import session as ksa_session
from keystoneauth1 import token_endpoint
from oslo_config import cfg
from oslo_context import context as o_context
from oslo_log import log as logging
import requests

from cyborg_fpga import exception
from cyborg_fpga import fileutils
from cyborg_fpga.image import base
from cyborg_fpga.image import hashing

LOG = logging.getLogger(__name__)

# Fields of Glance's own image schema; every other key is an image property.
CORE_FIELDS = frozenset((
    'checksum', 'container_format', 'created_at', 'direct_url',
    'disk_format', 'file', 'id', 'locations', 'min_disk', 'min_ram', 'name',
    'os_hash_algo', 'os_hash_value', 'os_hidden', 'owner', 'protected',
    'schema', 'self', 'size', 'status', 'stores', 'tags', 'updated_at',
    'virtual_size', 'visibility',
))
# Glance keeps keys with this prefix for its own bookkeeping (imports).
_RESERVED_PREFIX = 'os_glance_'
# List parameters that the store sets itself; a filter may not change them.
_LIST_PARAMETERS = frozenset(('limit', 'marker', 'sort', 'sort_key',
                              'sort_dir', 'tag'))
_PAGE_SIZE = 200


def to_bitstream(image: dict[str, Any]) -> base.Bitstream:
    """A Bitstream from Glance's JSON view of an image."""
    properties = {key: value for key, value in image.items()
                  if key not in CORE_FIELDS
                  and not key.startswith(_RESERVED_PREFIX)}
    return base.Bitstream(
        uuid=image['id'], name=image.get('name'), status=image['status'],
        size=image.get('size'), owner=image.get('owner'),
        visibility=image.get('visibility', 'private'),
        tags=tuple(image.get('tags') or ()), properties=properties,
        checksum=image.get('checksum'),
        os_hash_algo=image.get('os_hash_algo'),
        os_hash_value=image.get('os_hash_value'))


def identity_headers(ctxt: o_context.RequestContext) -> dict[str, str]:
    """The headers a header-trusting Glance reads in place of a token."""
    headers = {'X-Identity-Status': 'Confirmed',
               'X-User-Id': ctxt.user_id or '',
               'X-Roles': ','.join(ctxt.roles or ())}
    if ctxt.project_id:
        headers['X-Project-Id'] = ctxt.project_id
    return headers


@contextlib.contextmanager
def _glance_errors(uuid: str | None) -> Iterator[None]:
    """Turn what glanceclient and keystoneauth raise into our errors.

    ``uuid`` names the image asked for; with None (a listing) a 403 means
    the caller may not list at all rather than an image it may not see.
    """
    try:
        yield
    except (glance_exc.HTTPNotFound, glance_exc.HTTPForbidden) as e:
        if uuid is None:
            raise exception.NotAuthorized() from e
        # Glance answers 404 for another project's private image; a 403 is
        # treated the same, so no answer tells whether the image exists.
        raise exception.BitstreamNotFound(uuid=uuid) from e
    except glance_exc.HTTPUnauthorized as e:
        raise exception.NotAuthenticated() from e
    except glance_exc.HTTPBadRequest as e:
        raise exception.InvalidRequest(reason=e.details) from e
    except glance_exc.HTTPException as e:
        raise exception.ImageServiceUnavailable(
            reason='Glance answered %s: %s' % (e.code, e.details)) from e
    except (glance_exc.CommunicationError, glance_exc.InvalidEndpoint,
            ksa_exc.ConnectionError, requests.RequestException) as e:
        # Refused or dropped connections and timeouts, before or while the
        # body streams.
        raise exception.ImageServiceUnavailable(reason=str(e)) from e


class GlanceImageService(base.ImageService):

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self._conf = conf.glance
        if not self._conf.endpoint:
            raise cfg.RequiredOptError('endpoint', cfg.OptGroup('glance'))
        self._endpoint = self._conf.endpoint.rstrip('/')
        self._session = ksa_session.Session(timeout=self._conf.timeout)

    def _client(self, ctxt: o_context.RequestContext) -> Any:
        kwargs: dict[str, Any] = {}
        if self._conf.identity_forwarding == 'token':
            if not ctxt.auth_token:
                raise exception.NotAuthenticated()
            kwargs['auth'] = token_endpoint.Token(self._endpoint,
                                                  ctxt.auth_token)
        else:
            if not ctxt.user_id:
                raise exception.NotAuthenticated()
            # On the client's adapter, not glanceclient's identity_headers
            # argument: that one URL-encodes values ('member%2Creader').
            kwargs['additional_headers'] = identity_headers(ctxt)
        # Every call of this service reads (GET), so a retry is safe.
        return glanceclient.Client(
            '2', session=self._session, endpoint=self._endpoint,
            global_request_id=ctxt.global_id,
            connect_retries=self._conf.connect_retries, **kwargs)

    @staticmethod
    def _show(client: Any, uuid: str) -> dict[str, Any]:
        # The JSON itself rather than images.get(): that one first fetches
        # /v2/schemas/image to build a model, one more request per call for
        # a per-call client (measured 7.0 ms against 4.3 ms on loopback).
        with _glance_errors(uuid):
            _resp, image = client.http_client.get(
                '/v2/images/%s' % urllib.parse.quote(uuid, safe=''))
        return image

    def get(self, ctxt: o_context.RequestContext, uuid: str) -> base.Bitstream:
        return to_bitstream(self._show(self._client(ctxt), uuid))

    def list(self, ctxt: o_context.RequestContext,
             filters: dict[str, str] | None = None,
             limit: int | None = None) -> list[base.Bitstream]:
        filters = dict(filters or {})
        reserved = sorted(_LIST_PARAMETERS.intersection(filters))
        if reserved:
            raise exception.InvalidRequest(
                reason='%s cannot be used as a filter' % ', '.join(reserved))
        if limit is not None and limit <= 0:
            return []
        client = self._client(ctxt)
        # Glance filters: the FPGA tag and every property are query
        # parameters, so only matching images ever cross the network.
        query = [('tag', base.FPGA_TAG)] + sorted(filters.items())
        images: list[dict[str, Any]] = []
        marker = None
        while True:
            wanted = _PAGE_SIZE if limit is None else limit - len(images)
            page_query = query + [('limit', min(wanted, _PAGE_SIZE))]
            if marker:
                page_query.append(('marker', marker))
            with _glance_errors(None):
                _resp, body = client.http_client.get(
                    '/v2/images?' + urllib.parse.urlencode(page_query))
            page = body.get('images') or []
            images.extend(page)
            # Glance offers a next page whenever this one was full; it is
            # followed only while the caller still wants more.
            if not page or 'next' not in body or (
                    limit is not None and len(images) >= limit):
                break
            marker = page[-1]['id']
        return [to_bitstream(image) for image in images[:limit]]

    def download(self, ctxt: o_context.RequestContext, uuid: str,
                 dest_path: str, hashers: Sequence[base.Hasher] = (),
                 durable: bool = True) -> int:
        client = self._client(ctxt)
        image = self._show(client, uuid)
        if image['status'] == 'queued':
            raise exception.BitstreamInvalid(uuid=uuid,
                                             reason='the image has no data')
        if image['status'] != 'active':
            raise exception.BitstreamInvalid(
                uuid=uuid, reason='the image is %s, not active'
                % image['status'])
        # dest_path only ever holds a complete bitstream.
        with fileutils.atomic_file(dest_path, durable=durable) as part:
            size = self._stream(client, uuid, part, hashers)
            expected = image.get('size')
            if expected is not None and size != expected:
                raise exception.BitstreamInvalid(
                    uuid=uuid, reason='got %d bytes of %d' % (size, expected))
        LOG.debug('Downloaded bitstream %s (%d bytes) to %s',
                  uuid, size, dest_path)
        return size

    @staticmethod
    def _stream(client: Any, uuid: str, part: Any,
                hashers: Sequence[base.Hasher] = ()) -> int:
        with _glance_errors(uuid):
            # Without hashers glanceclient checks the data against the
            # image's os_hash_value (or MD5 checksum) as it streams. A caller
            # with hashers checks the digests itself: glanceclient's check is
            # then turned off, so the data is hashed once, and its extra GET
            # of the image record is saved.
            data = client.images.data(uuid, do_checksum=not hashers)
        if data.wrapped is None:
            # 204: the image record exists but no data was ever uploaded.
            raise exception.BitstreamInvalid(uuid=uuid,
                                             reason='the image has no data')
        size = 0
        # The hash runs in a thread beside the download (hashing.py).
        with contextlib.closing(iter(data)) as chunks, \
                hashing.BackgroundHashers(hashers) as hashed:
            while True:
                # Reading and writing fail apart: glanceclient reports a hash
                # mismatch as IOError, the same class as a full local disk.
                try:
                    with _glance_errors(uuid):
                        chunk = next(chunks, None)
                except OSError as e:
                    raise exception.BitstreamInvalid(uuid=uuid,
                                                     reason=str(e)) from e
                if chunk is None:
                    return size
                part.write(chunk)
                hashed.update(chunk)
                size += len(chunk)
