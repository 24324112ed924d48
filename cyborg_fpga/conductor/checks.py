"""What the conductor checks before it locks a deployable.

Every refusal here happens before the device, or even the lock, is
touched, so a refused request changes nothing.
"""

from __future__ import annotations

from typing import Any

from cyborg_fpga import compatibility
from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base


def visible_bitstream(image_service: Any, ctxt: Any,
                      bitstream_uuid: str) -> image_base.Bitstream:
    """The bitstream as the caller sees it, if it can be loaded at all."""
    try:
        bitstream: image_base.Bitstream = image_service.get(ctxt,
                                                            bitstream_uuid)
    except exception.BitstreamNotFound:
        # Missing and invisible look the same, so that a caller cannot
        # probe for another project's bitstreams.
        raise exception.NotAuthorized() from None
    if not bitstream.is_fpga:
        raise exception.BitstreamInvalid(
            uuid=bitstream_uuid,
            reason='the image is not tagged %s' % image_base.FPGA_TAG)
    if bitstream.status != 'active':
        raise exception.BitstreamInvalid(
            uuid=bitstream_uuid,
            reason='the image is %s, not active' % bitstream.status)
    return bitstream


def ensure_fits(deployable: Any, board: Any | None,
                bitstream: image_base.Bitstream) -> None:
    """Refuse a bitstream built for another board, shell or region type."""
    found = compatibility.mismatches(deployable, board, bitstream.properties)
    if found:
        raise exception.BitstreamIncompatible(
            bitstream=bitstream.uuid, deployable=deployable.uuid,
            mismatches=compatibility.describe(found))
