"""/fpga/{deployable_uuid}: load a bitstream, and see what is loaded."""

from __future__ import annotations

from typing import Any

import webob

from cyborg_fpga.api.handlers import views
from cyborg_fpga.api.schemas import fpga as schemas
from cyborg_fpga.api import state
from cyborg_fpga.api import validation

# The specification fixes this body.
PROGRAMMED = {'msg': 'bitstream has been loaded successfully'}

HISTORY_DEFAULT_LIMIT = 50


def program(request: webob.Request, ctxt: Any, app: state.AppState,
            deployable_uuid: str) -> dict[str, Any]:
    data = validation.body(request, schemas.PROGRAM)
    bitstream_uuid = data['glance_bitstream_uuid'].lower()
    # Synchronous, as the spec's agent call is: it returns once the device
    # holds the bitstream, and raises the reason when it does not.
    app.conductor.program(ctxt, deployable_uuid, bitstream_uuid)
    return dict(PROGRAMMED)


def show(request: webob.Request, ctxt: Any, app: state.AppState,
         deployable_uuid: str) -> dict[str, Any]:
    validation.query(request, schemas.SHOW_QUERY)
    return {'deployable': views.fpga(app.db.get_deployable(deployable_uuid))}


def history(request: webob.Request, ctxt: Any, app: state.AppState,
            deployable_uuid: str) -> dict[str, Any]:
    params = validation.query(request, schemas.HISTORY_QUERY)
    limit = validation.limit(params, HISTORY_DEFAULT_LIMIT,
                             app.conf.api.max_limit)
    # A 404 for an unknown deployable, rather than an empty history.
    app.db.get_deployable(deployable_uuid)
    rows = app.db.list_history(deployable_uuid, limit=limit)
    return {'history': [views.history(row) for row in rows]}
