"""/deployables: boards, PR regions, and the PFs and VFs of their loads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
import urllib.parse

from oslo_log import log as logging
import webob

from cyborg_fpga.api.handlers import views
from cyborg_fpga.api.schemas import deployables as schemas
from cyborg_fpga.api import state
from cyborg_fpga.api import validation
from cyborg_fpga import authz
from cyborg_fpga import compatibility
from cyborg_fpga import exception
from cyborg_fpga.policies import deployables as policies
from cyborg_fpga import policy

LOG = logging.getLogger(__name__)


def list_deployables(request: webob.Request, ctxt: Any,
                     app: state.AppState) -> dict[str, Any]:
    params = validation.query(request, schemas.LIST_QUERY)
    max_limit = app.conf.api.max_limit
    limit = validation.limit(params, max_limit, max_limit)
    filters = {key: params[key] for key in schemas.FILTERS if key in params}
    for key in ('parent_uuid', 'loaded_bitstream'):
        if key in filters:
            filters[key] = filters[key].lower()
    # The next link repeats what the caller asked, not what is added here.
    asked = dict(filters)
    if not policy.allowed(app.enforcer, policies.LIST_ALL_PROJECTS, ctxt):
        # Only the caller's project's, filtered in SQL so that a page is a
        # full page of its own; another project asked for is none of its.
        if not ctxt.project_id or asked.get('project_id') not in (
                None, ctxt.project_id):
            return {'deployables': []}
        filters['project_id'] = ctxt.project_id
    marker = params.get('marker')
    marker = marker.lower() if marker else None
    # One row more than the page tells whether a next page exists. An
    # unknown marker is InvalidRequest from the database.
    rows = list(app.db.list_deployables(limit=limit + 1, marker=marker,
                                        **filters))
    body: dict[str, Any] = {
        'deployables': [views.deployable(row) for row in rows[:limit]]}
    if len(rows) > limit:
        query = dict(asked, limit=str(limit), marker=rows[limit - 1].uuid)
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
    view['children'] = views.tree(_visible(app, ctxt, row, below), row.uuid)
    return {'deployable': view}


def _visible(app: state.AppState, ctxt: Any, row: Any,
             below: Sequence[Any]) -> list[Any]:
    """The rows of ``below`` the caller may see.

    A board's assignment does not give its regions: a region assigned to
    another project, or to none, is left out with everything below it.
    PFs and VFs belong to the board or region above them.
    """
    if row.kind not in (compatibility.BOARD, compatibility.REGION):
        # All below a PF or VF is of its root, which the route has checked.
        return list(below)
    by_uuid = {item.uuid: item for item in below}
    by_uuid[row.uuid] = row

    def project(item: Any) -> str | None:
        # Up to the nearest board or region, which carries the project.
        for _ in range(4):
            if item.kind in (compatibility.BOARD, compatibility.REGION):
                break
            item = by_uuid.get(item.parent_uuid, item)
        return item.project_id

    seen: dict[str | None, bool] = {}
    visible = []
    for item in below:
        owner = project(item)
        if owner not in seen:
            seen[owner] = policy.allowed(app.enforcer, policies.SHOW, ctxt,
                                         authz.target(owner))
        if seen[owner]:
            visible.append(item)
    return visible


def update(request: webob.Request, ctxt: Any, app: state.AppState,
           uuid: str) -> dict[str, Any]:
    """PATCH: the operator assigns, takes back, or puts in maintenance.

    The route has checked deployables:update on the deployable already.
    """
    data = validation.body(request, schemas.UPDATE)
    row = None
    if 'project_id' in data:
        row = app.db.assign(uuid, data['project_id'])
    if 'maintenance' in data:
        row = app.db.set_maintenance(uuid, data['maintenance'],
                                     data.get('maintenance_reason'))
    LOG.info('Deployable %(uuid)s changed by user %(user)s of project '
             '%(project)s, request %(request)s: %(changes)s.',
             {'uuid': uuid, 'user': ctxt.user_id,
              'project': ctxt.project_id, 'request': ctxt.request_id,
              'changes': ', '.join('%s=%r' % item
                                   for item in sorted(data.items()))})
    return {'deployable': views.deployable(row)}
