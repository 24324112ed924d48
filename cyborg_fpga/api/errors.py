"""The one error format of the API, and the one table of HTTP statuses.

Every error answers ``{"error": message, "code": stable code}`` plus the
``Cyborg-FPGA-Error-Code`` header, except the two bodies the specification
fixes byte for byte (401 and 422), which carry only ``error`` but still the
header, so that machines always find the code in the same place.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import webob
import webob.exc

from cyborg_fpga import exception

LOG = logging.getLogger(__name__)

CODE_HEADER = 'Cyborg-FPGA-Error-Code'


# Errors that only the HTTP layer can raise, so they live here and not in
# cyborg_fpga.exception, which speaks no HTTP.
class NotFound(exception.FpgaError):
    code = 'fpga.not_found'
    msg_fmt = 'There is no resource at %(path)s.'


class MethodNotAllowed(exception.FpgaError):
    code = 'fpga.method_not_allowed'
    msg_fmt = 'Method %(method)s is not allowed on %(path)s.'


class RequestTooLarge(exception.FpgaError):
    code = 'fpga.request_too_large'
    msg_fmt = 'The request body is larger than %(limit)d bytes.'


class UnsupportedMediaType(exception.FpgaError):
    code = 'fpga.unsupported_media_type'
    msg_fmt = ('Content-Type "%(content_type)s" is not supported; send '
               'application/json or application/x-www-form-urlencoded.')


# Stable code -> HTTP status. doc/source/api-errors.rst says why each.
STATUS: dict[str, int] = {
    exception.InvalidRequest.code: 400,
    exception.InvalidUUID.code: 400,
    exception.BitstreamInvalid.code: 400,
    exception.InvalidMetadata.code: 400,
    exception.NotAuthenticated.code: 401,
    NotFound.code: 404,
    exception.DeployableNotFound.code: 404,
    MethodNotAllowed.code: 405,
    exception.DeployableBusy.code: 409,
    exception.BitstreamIncompatible.code: 409,
    exception.DeployableInMaintenance.code: 409,
    RequestTooLarge.code: 413,
    UnsupportedMediaType.code: 415,
    exception.NotAuthorized.code: 422,
    # The same status as NotAuthorized: a missing bitstream and one the
    # caller may not see must look alike.
    exception.BitstreamNotFound.code: 422,
    exception.FpgaError.code: 500,
    exception.ProgramFailed.code: 502,
    exception.ConductorUnavailable.code: 503,
    exception.ImageServiceUnavailable.code: 503,
    exception.AgentUnavailable.code: 504,
}

# Bodies the specification fixes; nothing may be added to them.
FIXED_BODIES: dict[str, dict[str, str]] = {
    exception.NotAuthenticated.code: {'error': 'Log in'},
    exception.NotAuthorized.code: {
        'error': 'User is not authorized to use the resource'},
}

UNEXPECTED_MESSAGE = ('An unexpected error occurred; the request id is '
                      '%s.')

# Errors Pecan or WebOb may raise themselves, by status.
_FROM_WEBOB: dict[int, type[exception.FpgaError]] = {
    400: exception.InvalidRequest,
    404: NotFound,
    405: MethodNotAllowed,
    413: RequestTooLarge,
    415: UnsupportedMediaType,
}


def json_response(status: int, body: dict[str, Any],
                  headers: dict[str, str] | None = None) -> webob.Response:
    # json.dumps with default separators: the spec's bodies are compared
    # byte for byte.
    response = webob.Response(status=status, body=json.dumps(body).encode(),
                              content_type='application/json')
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_webob(exc: webob.exc.HTTPException) -> exception.FpgaError | None:
    cls = _FROM_WEBOB.get(exc.status_int)
    if cls is None:
        return None
    return cls(exc.detail or exc.title)


def to_response(exc: BaseException, request_id: str | None) -> webob.Response:
    """The JSON answer for ``exc``; logs what the caller cannot fix."""
    if isinstance(exc, webob.exc.HTTPException):
        exc = _from_webob(exc) or exc
    code = getattr(exc, 'code', None)
    if not isinstance(exc, exception.FpgaError) or code not in STATUS:
        # A bug, or an error class nobody mapped: the details stay in the
        # log, the caller gets the request id to quote.
        LOG.error('Unexpected error in request %s', request_id, exc_info=exc)
        code = exception.FpgaError.code
        body = {'error': UNEXPECTED_MESSAGE % request_id, 'code': code}
        return json_response(500, body, {CODE_HEADER: code})
    status = STATUS[code]
    if status >= 500:
        LOG.warning('Request %s failed with %s: %s', request_id, code,
                    exc.message)
    else:
        LOG.debug('Request %s refused with %s: %s', request_id, code,
                  exc.message)
    body = FIXED_BODIES.get(code) or {'error': exc.message, 'code': code}
    headers = {CODE_HEADER: code}
    if isinstance(exc, MethodNotAllowed):
        headers['Allow'] = ', '.join(exc.kwargs.get('allowed', ()))
    return json_response(status, body, headers)
