"""Where the plugin sends requests: override, catalog, or the token's URL."""

from __future__ import annotations

import types
from typing import Any

from keystoneauth1 import access
from keystoneauth1 import fixture
from keystoneauth1 import token_endpoint
from osc_lib import exceptions

from cyborg_fpga.osc import plugin
from cyborg_fpga.tests import base

FPGA = 'https://cloud.example/fpga-api'
IMAGE = 'https://cloud.example/image'


def _catalog() -> Any:
    token = fixture.V3Token()
    for service_type, url in (('fpga', FPGA), ('image', IMAGE)):
        service = token.add_service(service_type)
        service.add_standard_endpoints(public=url, region='RegionOne')
    return access.create(body=token)


def _manager(config: dict[str, str] | None = None, auth_ref: Any = None,
             auth: Any = None) -> Any:
    # What the OpenStack client's ClientManager offers a plugin.
    return types.SimpleNamespace(
        get_configuration=lambda: dict(config or {}), auth_ref=auth_ref,
        auth=auth, session=None, interface='public', region_name=None)


class ServiceEndpointTest(base.TestCase):

    def test_catalog(self):
        manager = _manager(auth_ref=_catalog())
        self.assertEqual(FPGA, plugin.service_endpoint(manager, 'fpga'))
        self.assertEqual(IMAGE, plugin.service_endpoint(manager, 'image'))

    def test_override_wins(self):
        for key in ('fpga_endpoint', 'fpga_endpoint_override'):
            manager = _manager({key: 'http://127.0.0.1:6810'},
                               auth_ref=_catalog())
            self.assertEqual('http://127.0.0.1:6810',
                             plugin.service_endpoint(manager, 'fpga'))

    def test_token_and_endpoint_reach_our_api_only(self):
        # --os-endpoint with --os-token: no catalog, one URL, ours.
        manager = _manager(auth=token_endpoint.Token('http://aio:6810',
                                                     'admin:admin'))
        self.assertEqual('http://aio:6810',
                         plugin.service_endpoint(manager, 'fpga'))
        error = self.assertRaises(exceptions.CommandError,
                                  plugin.service_endpoint, manager, 'image')
        self.assertIn('OS_IMAGE_ENDPOINT_OVERRIDE', str(error))

    def test_missing_from_the_catalog(self):
        token = fixture.V3Token()
        manager = _manager(auth_ref=access.create(body=token))
        error = self.assertRaises(exceptions.CommandError,
                                  plugin.service_endpoint, manager, 'fpga')
        self.assertIn('--os-fpga-endpoint', str(error))
