"""/bitstreams: what the caller could load, as the image service shows it."""

from __future__ import annotations

from typing import Any

import webob

from cyborg_fpga.api.handlers import views
from cyborg_fpga.api.schemas import bitstreams as schemas
from cyborg_fpga.api import state
from cyborg_fpga.api import validation


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
