"""One bitstream file into Glance: what ``cyborg-fpga-manage bitstream
upload`` does.

In this order, so that a failed upload never leaves a bitstream that could
be loaded:

1. the metadata is checked against the standard before anything exists in
   Glance, and every problem is reported at once;
2. the image is created (bare, raw, tagged FPGA, the metadata as its
   properties);
3. the data streams from the open file, never read whole, through a reader
   that hashes it (sha512) as glanceclient reads it, so the file is read
   once;
4. the image is read back and Glance's ``os_hash_value`` and ``size`` are
   compared with what was read. Any failure after step 2, a mismatch
   included, deletes the image.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
import contextlib
import hashlib
import os
import time
from typing import Any
from typing import BinaryIO

from glanceclient import exc as glance_exc
from keystoneauth1 import exceptions as ksa_exc
from oslo_log import log as logging
import requests

from cyborg_fpga import exception
from cyborg_fpga.image import base
from cyborg_fpga.image import glance
from cyborg_fpga.image import metadata as md

LOG = logging.getLogger(__name__)

VISIBILITIES = ('private', 'public', 'shared', 'community')
HASH_ALGO = 'sha512'
# About 3 s in all: Glance fails an aborted upload within a second.
_DELETE_ATTEMPTS = 5
_DELETE_BACKOFF = 0.2


class UploadFailed(Exception):
    """The upload did not complete; the image, if created, is deleted.

    Not an FpgaError: only the command raises it, it crosses no API or RPC
    boundary and has no stable code.
    """


class HashingReader:
    """A file object that hashes and counts what is read from it."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._hash = hashlib.new(HASH_ALGO)
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self._hash.update(chunk)
        self.size += len(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def problems(metadata: Mapping[str, Any]) -> list[md.Problem]:
    """Every reason ``metadata`` (a metadata file's content) cannot go up.

    The standard's problems, and keys that are fields of the Glance image
    rather than properties (Glance would refuse them or apply them as
    something else).
    """
    found = md.validate(metadata)
    for key in sorted(metadata):
        if key in glance.CORE_FIELDS or key.startswith('os_glance_'):
            found.append(md.Problem(
                key, 'is a field of the Glance image, not a property; '
                'give the name and visibility as options'))
    return found


def compare(image: Mapping[str, Any], sha512: str, size: int) -> list[str]:
    """How the image Glance holds differs from the data that was sent."""
    found = []
    if image.get('status') != 'active':
        found.append('the image is %s, not active' % image.get('status'))
    if image.get('os_hash_algo') != HASH_ALGO:
        found.append('Glance hashed the data with %s, not %s'
                     % (image.get('os_hash_algo'), HASH_ALGO))
    elif image.get('os_hash_value') != sha512:
        found.append('Glance holds data whose %s is %s, but the file read '
                     'has %s' % (HASH_ALGO, image.get('os_hash_value'),
                                 sha512))
    if image.get('size') != size:
        found.append('Glance holds %s bytes, but %d were read from the file'
                     % (image.get('size'), size))
    return found


@contextlib.contextmanager
def _glance_step(what: str) -> Iterator[None]:
    """Turn what glanceclient and keystoneauth raise into UploadFailed."""
    try:
        yield
    except glance_exc.HTTPException as e:
        raise UploadFailed('%s: Glance answered %s: %s'
                           % (what, e.code, e.details)) from e
    except (glance_exc.BaseException, ksa_exc.ClientException,
            requests.RequestException) as e:
        raise UploadFailed('%s: %s' % (what, e)) from e


def upload(client: Any, path: str, metadata: Mapping[str, Any],
           name: str | None = None,
           visibility: str = 'private') -> dict[str, Any]:
    """Upload the bitstream at ``path``; return the image as Glance shows it.

    ``client`` is a glanceclient v2 client (``service_client.client``);
    ``name`` defaults to the metadata's ``bs-name``. Raises InvalidMetadata
    before anything is created, OSError if the file cannot be read, and
    UploadFailed when Glance fails or holds other data than the file's.
    """
    found = problems(metadata)
    if found:
        raise exception.InvalidMetadata(
            problems='; '.join(str(p) for p in found))
    if visibility not in VISIBILITIES:
        raise ValueError('visibility must be one of %s'
                         % ', '.join(VISIBILITIES))
    properties = md.to_properties(metadata)
    # Opened first: a missing file must not leave an image without data.
    with open(path, 'rb') as f:
        with _glance_step('creating the image'):
            image = client.images.create(
                name=name or properties['bs-name'], container_format='bare',
                disk_format='raw', visibility=visibility,
                tags=[base.FPGA_TAG], **properties)
        image_id = image['id']
        try:
            reader = HashingReader(f)
            with _glance_step('uploading the data of image %s' % image_id):
                client.images.upload(image_id, reader,
                                     image_size=os.fstat(f.fileno()).st_size)
            with _glance_step('reading image %s back' % image_id):
                stored = dict(client.images.get(image_id))
            mismatches = compare(stored, reader.hexdigest(), reader.size)
            if mismatches:
                raise UploadFailed('image %s does not hold the file: %s'
                                   % (image_id, '; '.join(mismatches)))
        except BaseException as e:
            # Also on Ctrl-C: a half-uploaded image must not stay behind.
            _delete(client, image_id, e)
            raise
    LOG.info('Uploaded bitstream %s (%d bytes) as image %s',
             path, reader.size, image_id)
    return stored


def _delete(client: Any, image_id: str, cause: BaseException) -> None:
    """Delete the image, and make sure it is gone.

    After an aborted upload Glance may still be failing the PUT (it puts the
    image back to queued) when the DELETE arrives, and answers 500 or keeps
    the image: so the image is deleted until Glance says it does not exist.
    """
    error = None
    for attempt in range(_DELETE_ATTEMPTS):
        if attempt:
            time.sleep(_DELETE_BACKOFF * 2 ** (attempt - 1))
        try:
            with _glance_step('deleting image %s' % image_id):
                try:
                    client.images.delete(image_id)
                except glance_exc.HTTPNotFound:
                    pass
                client.http_client.get('/v2/images/%s' % image_id)
        except UploadFailed as e:
            if isinstance(e.__cause__, glance_exc.HTTPNotFound):
                return
            error = e
    # The original failure is what the operator needs first; this one is
    # attached to it so that the leftover image is not missed.
    note = '%s; delete it by hand' % (
        error or 'image %s is still in Glance' % image_id)
    LOG.error(note)
    cause.add_note(note)
