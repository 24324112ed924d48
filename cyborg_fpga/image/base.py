"""The bitstream store, as the conductor, the agent and the API use it.

Two backends implement it: Glance in a cloud (``glance.py``) and a local
folder for the all-in-one (``local.py``). Every call takes the caller's
request context, and the store answers as that caller: a bitstream the
caller may not see is ``BitstreamNotFound``, exactly like a missing one.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
import dataclasses
from typing import Any
from typing import Protocol

from oslo_context import context as o_context

FPGA_TAG = 'FPGA'


@dataclasses.dataclass(frozen=True)
class Bitstream:
    uuid: str
    name: str | None
    # 'active' is the only status whose data can be downloaded.
    status: str
    size: int | None
    owner: str | None
    visibility: str
    tags: tuple[str, ...]
    # Image properties: the metadata standard's keys and any others.
    properties: dict[str, Any]
    checksum: str | None = None
    os_hash_algo: str | None = None
    os_hash_value: str | None = None

    @property
    def is_fpga(self) -> bool:
        return FPGA_TAG in self.tags

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data['tags'] = list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Bitstream:
        """The inverse of to_dict(), for a record sent over RPC."""
        fields = {field.name for field in dataclasses.fields(cls)}
        # A newer sender may add fields; they are not this version's.
        values = {key: value for key, value in data.items() if key in fields}
        values['tags'] = tuple(values.get('tags') or ())
        values['properties'] = dict(values.get('properties') or {})
        return cls(**values)


class Hasher(Protocol):
    """What download() feeds the data to: any ``hashlib`` object."""

    def update(self, data: bytes, /) -> None: ...


class ImageService(abc.ABC):

    @abc.abstractmethod
    def get(self, ctxt: o_context.RequestContext, uuid: str) -> Bitstream:
        """Metadata of one image as the caller sees it.

        Raises BitstreamNotFound (missing or not visible to the caller) or
        ImageServiceUnavailable.
        """

    @abc.abstractmethod
    def list(self, ctxt: o_context.RequestContext,
             filters: dict[str, str] | None = None,
             limit: int | None = None) -> list[Bitstream]:
        """Images tagged FPGA that the caller may see.

        ``filters`` are image properties (vendor=Xilinx, ...) and ``name``;
        the store filters on its side, never by listing everything.
        """

    @abc.abstractmethod
    def download(self, ctxt: o_context.RequestContext, uuid: str,
                 dest_path: str, hashers: Sequence[Hasher] = (),
                 durable: bool = True) -> int:
        """Stream the image data into ``dest_path``; return its size.

        Never holds the whole image in memory. Every chunk also goes to each
        of ``hashers`` as it streams, so that a caller can check the data
        without reading the file again; a caller that passes hashers checks
        the digests itself, and the store then skips its own check so the
        data is hashed once. ``durable=False`` leaves making the file
        durable to the caller (``fileutils.atomic_file``). Raises
        BitstreamNotFound, BitstreamInvalid (no data, or data that cannot be
        read) or ImageServiceUnavailable.
        """


def load(conf: Any) -> ImageService:
    """The store that ``[image] backend`` names."""
    if conf.image.backend == 'local':
        from cyborg_fpga.image import local
        return local.LocalImageService(conf)
    from cyborg_fpga.image import glance
    return glance.GlanceImageService(conf)
