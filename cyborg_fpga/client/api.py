"""The cyborg-fpga REST API as Python calls, over a keystoneauth1 session.

The session carries the identity: a Keystone password or token, or for a
deployment with ``[api] auth_strategy = noauth`` keystoneauth1's
``admin_token`` plugin with a ``user:project[:roles]`` token and the
endpoint. Without an ``endpoint_override`` the endpoint of service type
``fpga`` is found in the Keystone catalog.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
import uuid as uuid_lib

from keystoneauth1 import adapter
from keystoneauth1 import session as ksa_session

SERVICE_TYPE = 'fpga'
# The header every error answer of the API carries (api/errors.py).
CODE_HEADER = 'Cyborg-FPGA-Error-Code'


class ClientError(Exception):
    """Anything a command should print as one line, not as a traceback."""


class ApiError(ClientError):
    """An error answer: its HTTP status, stable code and message."""

    def __init__(self, status: int, code: str | None, message: str,
                 request_id: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id

    def __str__(self) -> str:
        code = ' %s' % self.code if self.code else ''
        return '%s (HTTP %d%s)' % (self.message, self.status, code)

    @classmethod
    def from_response(cls, response: Any) -> ApiError:
        try:
            body = response.json()
            message = str(body.get('error') or body)
        except ValueError:
            # Not our API's answer: a proxy's page, say.
            message = response.text.strip()[:200] or response.reason
        return cls(response.status_code, response.headers.get(CODE_HEADER),
                   message, response.headers.get('x-openstack-request-id'))


class NameNotFound(ClientError):
    pass


class NameNotUnique(ClientError):
    pass


def is_uuid(value: str) -> bool:
    try:
        uuid_lib.UUID(value)
    except ValueError:
        return False
    return True


class Client:
    """One call a method; errors raise ApiError."""

    def __init__(self, session: ksa_session.Session, *,
                 endpoint_override: str | None = None,
                 interface: str | None = 'public',
                 region_name: str | None = None,
                 service_type: str = SERVICE_TYPE) -> None:
        self.http = adapter.Adapter(
            session, service_type=service_type, interface=interface,
            region_name=region_name, endpoint_override=endpoint_override)

    def _call(self, method: str, path: str, *,
              params: dict[str, Any] | None = None,
              body: dict[str, Any] | None = None) -> Any:
        kwargs: dict[str, Any] = {'raise_exc': False}
        if params:
            kwargs['params'] = params
        if body is not None:
            kwargs['json'] = body
        response = self.http.request(path, method, **kwargs)
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response.json() if response.content else None

    # /fpga/{uuid}

    def program(self, deployable_uuid: str, bitstream_uuid: str,
                force: bool = False) -> dict[str, Any]:
        """Load a bitstream; returns once the device holds it."""
        body: dict[str, Any] = {'glance_bitstream_uuid': bitstream_uuid}
        if force:
            body['force'] = True
        result: dict[str, Any] = self._call('POST',
                                            '/fpga/' + deployable_uuid,
                                            body=body)
        return result

    def fpga(self, deployable_uuid: str) -> dict[str, Any]:
        """What the deployable holds and how its last load went."""
        return dict(self._call('GET', '/fpga/' + deployable_uuid)
                    ['deployable'])

    def history(self, deployable_uuid: str,
                limit: int | None = None) -> list[dict[str, Any]]:
        params = {'limit': limit} if limit else None
        return list(self._call('GET', '/fpga/%s/history' % deployable_uuid,
                               params=params)['history'])

    def compatible_bitstreams(self, deployable_uuid: str
                              ) -> list[dict[str, Any]]:
        return list(self._call(
            'GET', '/fpga/%s/bitstreams' % deployable_uuid)['bitstreams'])

    # /deployables

    def deployables(self, page_size: int | None = None,
                    **filters: str) -> Iterator[dict[str, Any]]:
        """Every deployable that matches, page after page."""
        params: dict[str, Any] = {k: v for k, v in filters.items()
                                  if v is not None}
        if page_size:
            params['limit'] = page_size
        while True:
            body = self._call('GET', '/deployables', params=params)
            yield from body['deployables']
            if 'next' not in body or not body['deployables']:
                return
            # The marker, not the link: behind a proxy the API may not know
            # the URL its callers use.
            params['marker'] = body['deployables'][-1]['uuid']

    def deployable(self, uuid: str) -> dict[str, Any]:
        """One deployable with its parent and the tree below it."""
        return dict(self._call('GET', '/deployables/' + uuid)['deployable'])

    def update_deployable(self, uuid: str,
                          **changes: Any) -> dict[str, Any]:
        """Assignment (``project_id``) and ``maintenance``; admins only."""
        return dict(self._call('PATCH', '/deployables/' + uuid,
                               body=changes)['deployable'])

    # /bitstreams

    def bitstreams(self, limit: int | None = None,
                   **filters: str) -> list[dict[str, Any]]:
        params: dict[str, Any] = {k: v for k, v in filters.items()
                                  if v is not None}
        if limit:
            params['limit'] = limit
        return list(self._call('GET', '/bitstreams',
                               params=params)['bitstreams'])

    def bitstream(self, uuid: str) -> dict[str, Any]:
        return dict(self._call('GET', '/bitstreams/' + uuid)['bitstream'])

    # Names where UUIDs go, as OpenStack clients take them.

    def find_deployable(self, name_or_uuid: str) -> str:
        """The UUID of the deployable so named, or given by UUID."""
        if is_uuid(name_or_uuid):
            return name_or_uuid.lower()
        found = [item['uuid']
                 for item in self.deployables(name=name_or_uuid)]
        if not found and ':' in name_or_uuid:
            # Names repeat across hosts (every host has its fpga0).
            host, name = name_or_uuid.split(':', 1)
            found = [item['uuid']
                     for item in self.deployables(host=host, name=name)]
        if not found:
            raise NameNotFound('No deployable is named %s.' % name_or_uuid)
        if len(found) > 1:
            raise NameNotUnique(
                '%d deployables are named %s; give its UUID, or '
                'HOST:NAME.' % (len(found), name_or_uuid))
        return found[0]

    def find_bitstream(self, name_or_uuid: str) -> dict[str, Any]:
        """The bitstream so named, or given by UUID."""
        if is_uuid(name_or_uuid):
            return self.bitstream(name_or_uuid.lower())
        found = self.bitstreams(name=name_or_uuid)
        if not found:
            raise NameNotFound('No bitstream is named %s.' % name_or_uuid)
        if len(found) > 1:
            raise NameNotUnique('%d bitstreams are named %s; give its UUID.'
                                % (len(found), name_or_uuid))
        return found[0]
