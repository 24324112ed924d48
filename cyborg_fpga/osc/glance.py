"""Glance as the caller: where ``bitstream create`` uploads.

The image service of the caller's catalog (service type ``image``), or
``image_endpoint_override`` (``OS_IMAGE_ENDPOINT_OVERRIDE``), on the
session the OpenStack client logged in with: the image belongs to the
caller's project, as with ``openstack image create``.
"""

from __future__ import annotations

from typing import Any
import urllib.parse

import glanceclient

from cyborg_fpga.client import api
from cyborg_fpga.osc import plugin

IMAGE_SERVICE_TYPE = 'image'


def client(client_manager: Any) -> Any:
    """A python-glanceclient v2 client acting as the caller."""
    return glanceclient.Client(
        '2', session=client_manager.session,
        endpoint=plugin.service_endpoint(client_manager, IMAGE_SERVICE_TYPE))


def find_image(glance: Any, name_or_uuid: str) -> dict[str, Any]:
    """Any image the caller sees, by UUID or name: tagged FPGA or not."""
    if api.is_uuid(name_or_uuid):
        _resp, image = glance.http_client.get(
            '/v2/images/%s' % name_or_uuid.lower())
        return dict(image)
    _resp, body = glance.http_client.get(
        '/v2/images?' + urllib.parse.urlencode({'name': name_or_uuid}))
    found = body.get('images') or []
    if not found:
        raise api.NameNotFound('No image is named %s.' % name_or_uuid)
    if len(found) > 1:
        raise api.NameNotUnique('%d images are named %s; give its '
                                       'UUID.' % (len(found), name_or_uuid))
    return dict(found[0])
