"""What the OpenStack client asks of a plugin: its name, options, client.

The endpoint of service type ``fpga`` comes from the Keystone catalog, or
from ``--os-fpga-endpoint`` (``OS_FPGA_ENDPOINT``, or
``fpga_endpoint_override`` in clouds.yaml). With ``--os-endpoint`` and
``--os-token`` (the ``admin_token`` plugin, for a deployment with ``[api]
auth_strategy = noauth``) every request goes to that endpoint.
"""

from __future__ import annotations

import argparse
from typing import Any
from typing import cast

from keystoneauth1 import exceptions as ksa_exc
from osc_lib import exceptions
from osc_lib import utils

from cyborg_fpga.client import api

# Not 'accelerator': OpenStack Cyborg's own client owns that name.
API_NAME = 'fpga'
API_VERSION_OPTION = 'os_fpga_api_version'
DEFAULT_API_VERSION = '1'
API_VERSIONS = {'1': 'cyborg_fpga.client.api.Client'}


def key_of(service_type: str) -> str:
    """How clouds.yaml and OS_* variables spell a service type."""
    return service_type.replace('-', '_')


def endpoint_override(instance: Any, service_type: str) -> str | None:
    """An endpoint given on the command line or in clouds.yaml, if any."""
    config = instance.get_configuration()
    key = key_of(service_type)
    value = (config.get(key + '_endpoint_override')
             or config.get(key + '_endpoint'))
    return str(value) if value else None


def service_endpoint(instance: Any, service_type: str) -> str:
    """The URL of ``service_type``: the override, else the catalog's.

    Without a catalog (``admin_token``, ``none``) only our own service has
    an endpoint: the one given with the token.
    """
    override = endpoint_override(instance, service_type)
    if override:
        return override
    url = None
    access = instance.auth_ref
    if access is not None:
        # A Keystone login: the catalog, and nothing else, says where.
        if access.has_service_catalog():
            try:
                url = access.service_catalog.url_for(
                    service_type=service_type,
                    region_name=instance.region_name,
                    interface=instance.interface or 'public')
            except ksa_exc.EndpointNotFound:
                pass
    elif service_type == API_NAME and instance.auth is not None:
        url = instance.auth.get_endpoint(instance.session)
    if not url:
        given = ('--os-fpga-endpoint' if service_type == API_NAME
                 else 'OS_%s_ENDPOINT_OVERRIDE' % key_of(service_type).upper())
        raise exceptions.CommandError(
            'No %s endpoint: the service catalog has none (interface %s, '
            'region %s); give %s, or ask your cloud operator to register '
            'one.' % (service_type, instance.interface or 'public',
                      instance.region_name or 'any', given))
    return str(url)


def client(app: Any) -> api.Client:
    """The REST client of a command's app; made by ``make_client``.

    The OpenStack client adds it to its ClientManager under API_NAME when
    it loads the plugin, so no type checker knows the attribute.
    """
    return cast(api.Client, getattr(app.client_manager, API_NAME))


def make_client(instance: Any) -> api.Client:
    """The REST client, on the session the OpenStack client logged in with.

    The endpoint is resolved here, so that a missing catalog entry is one
    clear line rather than keystoneauth's error at the first request.
    """
    return api.Client(instance.session,
                      endpoint_override=service_endpoint(instance, API_NAME),
                      interface=instance.interface,
                      region_name=instance.region_name)


def build_option_parser(parser: argparse.ArgumentParser
                        ) -> argparse.ArgumentParser:
    """The global options of the plugin."""
    parser.add_argument(
        '--os-fpga-api-version', metavar='<fpga-api-version>',
        default=utils.env('OS_FPGA_API_VERSION'),
        help='FPGA API version, default=%s (Env: OS_FPGA_API_VERSION)'
             % DEFAULT_API_VERSION)
    parser.add_argument(
        '--os-fpga-endpoint', metavar='<url>',
        default=utils.env('OS_FPGA_ENDPOINT'),
        help='The cyborg-fpga API at this URL rather than the one in the '
             'service catalog (Env: OS_FPGA_ENDPOINT)')
    return parser
