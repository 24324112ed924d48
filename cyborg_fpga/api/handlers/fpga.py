"""/fpga/{deployable_uuid}: load, see what is loaded, list what fits."""

from __future__ import annotations

from typing import Any

import webob

from cyborg_fpga.api.handlers import views
from cyborg_fpga.api.schemas import fpga as schemas
from cyborg_fpga.api import state
from cyborg_fpga.api import validation
from cyborg_fpga import compatibility
from cyborg_fpga import exception
from cyborg_fpga.policies import fpga as policies
from cyborg_fpga import policy

# The specification fixes this body, whether the agent loaded the bitstream
# or found it already loaded.
PROGRAMMED = {'msg': 'bitstream has been loaded successfully'}

HISTORY_DEFAULT_LIMIT = 50


def program(request: webob.Request, ctxt: Any, app: state.AppState,
            deployable_uuid: str) -> dict[str, Any]:
    data = validation.body(request, schemas.PROGRAM, schemas.PROGRAM_FORM)
    bitstream_uuid = data['glance_bitstream_uuid'].lower()
    force = data.get('force', False)
    if isinstance(force, str):
        force = force in schemas.FORM_TRUE
    # Synchronous, as the spec's agent call is: it returns once the device
    # holds the bitstream, and raises the reason when it does not. The
    # conductor checks fpga:program, and fpga:program:force when forced.
    app.conductor.program(ctxt, deployable_uuid, bitstream_uuid, force=force)
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
    # The route has answered 404 for an unknown deployable already. Callers
    # see their own project's attempts: not a previous tenant's, nor who
    # from elsewhere tried and was refused.
    project_id = None
    if not policy.allowed(app.enforcer, policies.HISTORY_ALL_PROJECTS, ctxt):
        project_id = ctxt.project_id or ''
    rows = app.db.list_history(deployable_uuid, limit=limit,
                               project_id=project_id)
    return {'history': [views.history(row) for row in rows]}


def compatible_bitstreams(request: webob.Request, ctxt: Any,
                          app: state.AppState,
                          deployable_uuid: str) -> dict[str, Any]:
    """The bitstreams the caller may load that fit the deployable.

    The image service filters what it can (vendor, board, and for a region
    the running shell and the region type), answering as the caller; the
    compatibility rules the conductor applies before a load then drop what
    it cannot filter, such as a PR bitstream offered to a board.
    """
    params = validation.query(request, schemas.COMPATIBLE_QUERY)
    max_limit = app.conf.api.max_limit
    limit = validation.limit(params, max_limit, max_limit)
    deployable = app.db.get_deployable(deployable_uuid)
    board = _board_of(app, deployable)
    filters = compatible_filters(deployable, board)
    if filters is None:
        return {'bitstreams': []}
    # A full page, since the rules below may drop some of it.
    images = app.image_service.list(ctxt, filters, max_limit)
    fitting = [image for image in images
               if image.status == 'active' and not compatibility.mismatches(
                   deployable, board, image.properties)]
    return {'bitstreams': [views.bitstream(image)
                           for image in fitting[:limit]]}


def _board_of(app: state.AppState, deployable: Any) -> Any | None:
    """The board of a region, whose shell the region's bitstreams need."""
    if deployable.kind != compatibility.REGION or not deployable.parent_uuid:
        return None
    try:
        return app.db.get_deployable(deployable.parent_uuid)
    except exception.DeployableNotFound:
        return None


def compatible_filters(deployable: Any,
                       board: Any | None) -> dict[str, str] | None:
    """What the image service can filter on; None when nothing can fit."""
    filters = {'status': 'active'}
    if deployable.kind == compatibility.REGION:
        shell = board.loaded_bs_uuid if board is not None else None
        if not shell:
            # No known shell on the board: no PR bitstream can be loaded.
            return None
        filters['shell_id'] = shell
        if deployable.region_type_uuid:
            filters['region_uuid'] = deployable.region_type_uuid
    elif deployable.kind != compatibility.BOARD:
        return None  # PFs and VFs are not programmed
    # Glance compares values exactly, the rules ignore case: a bitstream
    # whose vendor is spelt otherwise than the agent reports is not offered.
    for key in ('vendor', 'board'):
        if getattr(deployable, key):
            filters[key] = getattr(deployable, key)
    return filters
