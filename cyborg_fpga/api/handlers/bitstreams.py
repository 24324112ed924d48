"""/bitstreams: what the caller could load, as the image service shows it."""

from __future__ import annotations

from typing import Any

import webob

from cyborg_fpga.api import errors
from cyborg_fpga.api.handlers import views
from cyborg_fpga.api.schemas import bitstreams as schemas
from cyborg_fpga.api import state
from cyborg_fpga.api import validation
from cyborg_fpga import exception


def list_bitstreams(request: webob.Request, ctxt: Any,
                    app: state.AppState) -> dict[str, Any]:
    params = validation.query(request, schemas.LIST_QUERY)
    max_limit = app.conf.api.max_limit
    limit = validation.limit(params, max_limit, max_limit)
    filters = {key: params[key] for key in schemas.FILTERS if key in params}
    # The caller's own context: the image service shows only the images
    # this caller may see, so nothing here needs to filter them again.
    images = app.image_service.list(ctxt, filters, limit)
    return {'bitstreams': [views.bitstream(image) for image in images]}


def show(request: webob.Request, ctxt: Any, app: state.AppState,
         bitstream_uuid: str) -> dict[str, Any]:
    validation.query(request, schemas.SHOW_QUERY)
    try:
        image = app.image_service.get(ctxt, bitstream_uuid)
    except exception.BitstreamNotFound:
        # Missing and invisible look alike, as for deployables.
        raise errors.NotFound(path=request.path) from None
    if not image.is_fpga:
        # Another service's image is no bitstream of ours to show.
        raise errors.NotFound(path=request.path)
    return {'bitstream': views.bitstream(image)}
