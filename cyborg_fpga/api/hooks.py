"""Pecan hooks: who is calling, and the one error format."""

from __future__ import annotations

from typing import Any

import pecan.hooks
import webob

from cyborg_fpga.api import errors
from cyborg_fpga import context
from cyborg_fpga import exception

# Where the dispatcher and hooks keep per-request data in the WSGI environ.
ROUTE_KEY = 'cyborg_fpga.route'
CONTEXT_KEY = 'cyborg_fpga.context'
REQUEST_ID_KEY = 'openstack.request_id'

# Logged by every process that builds the API, and shown by GET /.
NOAUTH_WARNING = (
    '[api] auth_strategy = noauth: NO AUTHENTICATION. Anyone who can reach '
    'the API acts as any user, project and role, admin included, by naming '
    'them in X-Auth-Token. For the all-in-one and tests only; never in a '
    'cloud.')


def authenticate(request: webob.Request,
                 auth_strategy: str) -> context.RequestContext:
    """The caller's context; NotAuthenticated when there is no valid one."""
    environ = request.environ
    if auth_strategy == 'noauth':
        ctxt = context.from_noauth_token(
            request.headers.get('X-Auth-Token', ''),
            request_id=environ.get(REQUEST_ID_KEY))
        if ctxt is None:
            raise exception.NotAuthenticated()
        return ctxt
    # keystonemiddleware runs with delay_auth_decision, so that the
    # refusal is ours and has the body the specification fixes.
    if request.headers.get('X-Identity-Status') != 'Confirmed':
        raise exception.NotAuthenticated()
    return context.from_environ(environ)


class ContextHook(pecan.hooks.PecanHook):
    """Builds the RequestContext of every route that is not public."""

    # Before the other hooks: they may log who is calling.
    priority = 10

    def __init__(self, auth_strategy: str) -> None:
        self.auth_strategy = auth_strategy

    def before(self, state: Any) -> None:
        route = state.request.environ[ROUTE_KEY][0]
        if route.public:
            return
        state.request.environ[CONTEXT_KEY] = authenticate(
            state.request, self.auth_strategy)


class ErrorHook(pecan.hooks.PecanHook):
    """Turns every exception, ours or Pecan's, into the JSON error format."""

    def on_error(self, state: Any, exc: BaseException) -> webob.Response:
        return errors.to_response(
            exc, state.request.environ.get(REQUEST_ID_KEY))
