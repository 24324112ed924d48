"""/deployables: boards, PR regions, and the PFs and VFs of their loads."""

from __future__ import annotations

from typing import Any
import urllib.parse

import webob

from cyborg_fpga.api.handlers import views
from cyborg_fpga.api.schemas import deployables as schemas
from cyborg_fpga.api import state
from cyborg_fpga.api import validation
from cyborg_fpga import exception


def list_deployables(request: webob.Request, ctxt: Any,
                     app: state.AppState) -> dict[str, Any]:
    params = validation.query(request, schemas.LIST_QUERY)
    max_limit = app.conf.api.max_limit
    limit = validation.limit(params, max_limit, max_limit)
    filters = {key: params[key] for key in schemas.FILTERS if key in params}
    if 'parent_uuid' in filters:
        filters['parent_uuid'] = filters['parent_uuid'].lower()
    marker = params.get('marker')
    marker = marker.lower() if marker else None
    # One row more than the page tells whether a next page exists. An
    # unknown marker is InvalidRequest from the database.
    rows = list(app.db.list_deployables(limit=limit + 1, marker=marker,
                                        **filters))
    body: dict[str, Any] = {
        'deployables': [views.deployable(row) for row in rows[:limit]]}
    if len(rows) > limit:
        query = dict(filters, limit=str(limit), marker=rows[limit - 1].uuid)
        body['next'] = (f'{request.path_url}?'
                        f'{urllib.parse.urlencode(query)}')
    return body


def show(request: webob.Request, ctxt: Any, app: state.AppState,
         uuid: str) -> dict[str, Any]:
    validation.query(request, schemas.SHOW_QUERY)
    # The whole tree below in one read, a query per level.
    row, below = app.db.get_tree(uuid)
    view = views.deployable(row)
    view['parent'] = None
    if row.parent_uuid:
        try:
            view['parent'] = views.summary(
                app.db.get_deployable(row.parent_uuid))
        except exception.DeployableNotFound:
            # Deleted since; the child still answers.
            pass
    view['children'] = views.tree(below, row.uuid)
    return {'deployable': view}
