"""Glance as the service itself, for the operators' commands.

The API, conductor and agents reach Glance as their caller (``glance.py``).
``cyborg-fpga-manage bitstream`` has no caller: it acts as the service, with
the service's own identity from the ``[glance]`` group, sent the way
``identity_forwarding`` says:

* ``token``: the keystoneauth auth plugin of ``[glance] auth_type`` (a
  service user, usually ``password``) and the session options (``cafile``,
  ``insecure``, ...), as every OpenStack service configures its clients;
* ``headers``: ``headers_user_id``, ``headers_project_id`` and
  ``headers_roles`` as X-* headers, for a Glance that trusts them (tests).
"""

from __future__ import annotations

from typing import Any

import glanceclient
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ksa_session
from oslo_config import cfg

from cyborg_fpga.conf import image as image_conf
from cyborg_fpga import context
from cyborg_fpga.image import glance

GROUP = image_conf.GLANCE


def _required(conf: cfg.ConfigOpts, name: str) -> Any:
    value = conf[GROUP][name]
    if not value:
        raise cfg.RequiredOptError(name, cfg.OptGroup(GROUP))
    return value


def _uses_token(conf: cfg.ConfigOpts) -> bool:
    return bool(conf[GROUP].identity_forwarding == 'token')


def session(conf: cfg.ConfigOpts) -> ksa_session.Session:
    """A keystoneauth session with the service's TLS and timeout options.

    With ``token`` it also carries the service's auth plugin, which gets
    (and renews) the token for every request.
    """
    auth = None
    if _uses_token(conf):
        auth = ks_loading.load_auth_from_conf_options(conf, GROUP)
        if auth is None:
            raise cfg.RequiredOptError('auth_type', cfg.OptGroup(GROUP))
    return ks_loading.load_session_from_conf_options(conf, GROUP, auth=auth)


def service_context(conf: cfg.ConfigOpts,
                    sess: ksa_session.Session | None = None
                    ) -> context.RequestContext:
    """The service's identity as a request context.

    ``GlanceImageService`` takes it like any caller's: with ``token`` it
    carries the service's token (Keystone is asked for it here), with
    ``headers`` the configured user, project and roles.
    """
    if not _uses_token(conf):
        return context.RequestContext(
            user_id=_required(conf, 'headers_user_id'),
            project_id=_required(conf, 'headers_project_id'),
            roles=list(conf[GROUP].headers_roles or ()))
    sess = sess or session(conf)
    access = sess.auth.get_access(sess)  # type: ignore[union-attr]
    return context.RequestContext(
        user_id=access.user_id, project_id=access.project_id,
        roles=list(access.role_names or ()), auth_token=access.auth_token)


def client(conf: cfg.ConfigOpts) -> Any:
    """A python-glanceclient v2 client acting as the service."""
    endpoint = _required(conf, 'endpoint').rstrip('/')
    sess = session(conf)
    kwargs: dict[str, Any] = {}
    if not _uses_token(conf):
        # On the session's requests, not glanceclient's identity_headers
        # argument: that one URL-encodes values ('member%2Creader').
        kwargs['additional_headers'] = glance.identity_headers(
            service_context(conf))
    return glanceclient.Client('2', session=sess, endpoint=endpoint,
                               **kwargs)
