"""Projects by name or ID, as the other OpenStack commands take them."""

from __future__ import annotations

from typing import Any

from openstack import exceptions as sdk_exc


def project_id(client_manager: Any, name_or_id: str) -> str:
    """The ID of the project so named, or ``name_or_id`` as it is.

    Keystone shows projects by name to admins only, and a deployment
    without Keystone has none to ask: then the value is taken as an ID,
    as the OpenStack client's own commands do.
    """
    access = client_manager.auth_ref
    if access is None or not access.has_service_catalog():
        return name_or_id
    try:
        project = client_manager.sdk_connection.identity.find_project(
            name_or_id, ignore_missing=True)
    except sdk_exc.SDKException:
        return name_or_id
    return str(project.id) if project is not None else name_or_id
