"""A bitstream's data on this host, verified, through the cache.

The data is hashed as it streams, in the same pass that writes it, and
compared with the hash Glance recorded at upload: a file changed in Glance's
store, or damaged on the way, never reaches a device. Only verified data
enters the cache, so what the cache holds needs no hashing again; a cheap
size check on use catches a file damaged or truncated on this disk.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import hashlib
from typing import Any

from cyborg_fpga.agent import cache as bitstream_cache
from cyborg_fpga.drivers import base as driver_base
from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base
from cyborg_fpga.program_result import ProgramCode

# Enough of a hash for a person to compare two of them.
_SHOWN_HEX = 16
# What the image service raises about the image itself or reaching it.
DOWNLOAD_ERRORS = (exception.BitstreamNotFound, exception.BitstreamInvalid,
                   exception.ImageServiceUnavailable,
                   exception.NotAuthenticated)


class FetchError(Exception):
    """The data cannot be used; ``code`` and ``reason`` go to the caller."""

    def __init__(self, code: ProgramCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def expected_hash(image: image_base.Bitstream) -> tuple[str, str, str]:
    """(algorithm, hex digest, Glance's field) to check the data against.

    Glance's multihash when it has one (sha512 by default), else the MD5
    ``checksum`` that older images carry alone.
    """
    if image.os_hash_value and image.os_hash_algo:
        return (image.os_hash_algo.lower(), image.os_hash_value.lower(),
                'os_hash_value')
    if image.checksum:
        return 'md5', image.checksum.lower(), 'checksum'
    raise FetchError(ProgramCode.INVALID_BITSTREAM,
                     'bitstream %s has neither os_hash_value nor checksum, '
                     'so its data cannot be verified' % image.uuid)


def cache_key(image: image_base.Bitstream) -> str:
    algo, value, field = expected_hash(image)
    if field == 'os_hash_value':
        # The content alone: images with the same bytes share one file.
        return '%s-%s' % (algo, value)
    # MD5 collisions can be made on purpose: keyed by content alone, one
    # project's crafted image could stand in for another's cached file.
    return '%s-md5-%s' % (image.uuid, value)


def _hasher(image: image_base.Bitstream, algo: str) -> Any:
    try:
        # A FIPS host computes MD5 only when told it is not for security;
        # it is still the only hash such an old image has.
        return hashlib.new(algo, usedforsecurity=algo != 'md5')
    except ValueError:
        raise FetchError(
            ProgramCode.INVALID_BITSTREAM,
            'bitstream %s is hashed with %s, which this host cannot compute, '
            'so its data cannot be verified' % (image.uuid, algo)) from None


def _short(digest: str) -> str:
    return digest[:_SHOWN_HEX] + '...' if len(digest) > _SHOWN_HEX else digest


class Fetcher:

    def __init__(self, image_service: image_base.ImageService,
                 cache: bitstream_cache.BitstreamCache) -> None:
        self.image_service = image_service
        self.cache = cache

    @contextlib.contextmanager
    def fetch(self, ctxt: Any, image: image_base.Bitstream
              ) -> Iterator[driver_base.BitstreamFile]:
        """The verified data of ``image`` as a file, kept while in use.

        Raises FetchError before yielding when the data cannot be had.
        """
        key = cache_key(image)
        with contextlib.ExitStack() as stack:
            try:
                cached = stack.enter_context(self.cache.use(
                    key, image.size,
                    lambda path: self._download(ctxt, image, path)))
            except OSError as e:
                raise FetchError(
                    ProgramCode.UNKNOWN_ERROR,
                    'the agent could not store bitstream %s in its cache '
                    '%s: %s' % (image.uuid, self.cache.folder, e)) from e
            yield driver_base.BitstreamFile(
                uuid=image.uuid, path=cached.path, size=cached.size,
                properties=image.properties)

    def _download(self, ctxt: Any, image: image_base.Bitstream,
                  path: str) -> int:
        algo, expected, field = expected_hash(image)
        hasher = _hasher(image, algo)
        try:
            # The cache makes the file durable after the load, not during.
            size = self.image_service.download(ctxt, image.uuid, path,
                                               hashers=(hasher,),
                                               durable=False)
        except DOWNLOAD_ERRORS as e:
            raise FetchError(ProgramCode.INVALID_BITSTREAM,
                             'bitstream %s cannot be downloaded: %s'
                             % (image.uuid, e.message)) from e
        actual = hasher.hexdigest()
        if actual != expected:
            raise FetchError(
                ProgramCode.INVALID_BITSTREAM,
                'bitstream %s is corrupt: its data has %s %s but Glance '
                'recorded %s %s at upload; the device was not touched'
                % (image.uuid, algo, _short(actual), field,
                   _short(expected)))
        if image.size is not None and size != image.size:
            raise FetchError(
                ProgramCode.INVALID_BITSTREAM,
                'bitstream %s is corrupt: got %d bytes, Glance recorded %d; '
                'the device was not touched' % (image.uuid, size, image.size))
        return size
