"""The WSGI application: middleware composed in code around a Pecan app."""

from __future__ import annotations

from typing import Any

from keystonemiddleware import auth_token
from oslo_config import cfg
from oslo_log import log as logging
from oslo_middleware import healthcheck
from oslo_middleware import request_id
from oslo_policy import policy as oslo_policy
import pecan
import webob

from cyborg_fpga.api import errors
from cyborg_fpga.api import hooks
from cyborg_fpga.api import middleware
from cyborg_fpga.api import routes
from cyborg_fpga.api import state as app_state
from cyborg_fpga.api import validation
from cyborg_fpga import authz
from cyborg_fpga.image import base as image_base
from cyborg_fpga import policy


LOG = logging.getLogger(__name__)


class _Request(pecan.Request):
    """A request whose body Pecan leaves alone.

    Pecan parses bodies into controller arguments before any hook runs,
    and answers some itself (a multipart body without a boundary, JSON that
    is not UTF-8). Our handlers read bodies through validation.body()
    instead, after the token check, so Pecan sees only the query string.
    """

    @property
    def params(self) -> Any:
        return self.GET

    @property
    def json(self) -> Any:
        # Not a dict, so Pecan falls back to ``params`` above.
        return None


class RootController:
    """Dispatches every request through ``routes.ROUTES``.

    Pecan walks objects by default; overriding ``_route`` hands it the whole
    path instead, so the route table stays the one place routes live.
    """

    def __init__(self, state: app_state.AppState) -> None:
        self.state = state

    @pecan.expose()
    def _route(self, args: list[str], request: webob.Request) -> Any:
        # Every answer is JSON; telling Pecan so skips its Accept
        # negotiation, which would answer 406 in HTML.
        request.pecan['content_type'] = 'application/json'
        request.environ[hooks.ROUTE_KEY] = routes.match(
            request.method, request.path_info or '/')
        return self.dispatch, []

    @pecan.expose(content_type='application/json')
    def dispatch(self, req: webob.Request,
                 resp: webob.Response) -> webob.Response:
        route, path_params = req.environ[hooks.ROUTE_KEY]
        if route.handler is None:
            # Middleware serves it; reaching Pecan means it declined.
            raise errors.NotFound(path=req.path_info)
        ctxt = req.environ.get(hooks.CONTEXT_KEY)
        params = {name: validation.check_uuid(name, value)
                  for name, value in path_params.items()}
        if route.policy is not None and route.enforce_in_api:
            if route.target is None:
                policy.authorize(self.state.enforcer, route.policy, ctxt)
            else:
                authz.deployable(self.state.enforcer, route.policy, ctxt,
                                 self.state.db, params[route.target],
                                 hide=route.hides)
        body = route.handler(req, ctxt, self.state, **params)
        return errors.json_response(200, body)


def _pecan_app(conf: cfg.ConfigOpts, state: app_state.AppState) -> Any:
    return pecan.Pecan(
        RootController(state),
        hooks=[hooks.ContextHook(conf.api.auth_strategy), hooks.ErrorHook()],
        # No thread-local pecan.request: handlers get what they need passed.
        use_context_locals=False,
        request_cls=_Request,
        force_canonical=False,
        guess_content_type_from_ext=False)


def _compose(conf: cfg.ConfigOpts, app: Any) -> Any:
    """The middleware stack, written inside out; requests enter at the end.

    Order, outermost first: healthcheck (load balancers need no token,
    and their polls would flood the log) -> request id (so every later
    answer, a 413 or keystone's 503 too, has one) -> request log (so the
    log line has it) -> body size limit (refuse before anything reads the
    body) -> auth_token (identity headers for the context hook) -> Pecan.
    """
    if conf.api.auth_strategy == 'keystone':
        # delay_auth_decision: we answer the spec's 401 body ourselves.
        app = auth_token.AuthProtocol(
            app, {'oslo_config_config': conf, 'delay_auth_decision': True})
    app = middleware.BodySizeLimit(app, conf.api.max_request_body_size)
    app = middleware.RequestLog(app)
    app = request_id.RequestId(app, conf)
    return middleware.Mount('/healthcheck',
                            healthcheck.Healthcheck(app, conf), app)


def setup_app(conf: cfg.ConfigOpts, *, conductor: app_state.Conductor,
              db: app_state.Database,
              image_service: image_base.ImageService,
              enforcer: oslo_policy.Enforcer) -> Any:
    """The API as a WSGI app, from a fully registered configuration."""
    if conf.api.auth_strategy == 'noauth':
        # Loud, in every process that serves it: a cloud must never run so.
        LOG.warning(hooks.NOAUTH_WARNING)
    state = app_state.AppState(conf=conf, conductor=conductor, db=db,
                               image_service=image_service,
                               enforcer=enforcer)
    return _compose(conf, _pecan_app(conf, state))
