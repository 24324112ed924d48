"""Request contexts: who is calling, carried from the API to the agent."""

from __future__ import annotations

from typing import Any

from oslo_context import context as o_context

# Roles a noauth caller gets; Keystone would give the same through its
# implied roles (admin implies member implies reader).
_NOAUTH_ROLES = {'admin': ['admin', 'member', 'reader']}
_NOAUTH_DEFAULT_ROLES = ['member', 'reader']


class RequestContext(o_context.RequestContext):

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault('is_admin', 'admin' in (kwargs.get('roles') or []))
        super().__init__(**kwargs)


def from_environ(environ: dict[str, Any]) -> RequestContext:
    """A context from the headers that keystonemiddleware sets."""
    return RequestContext.from_environ(environ)


def from_noauth_token(token: str,
                      request_id: str | None = None) -> RequestContext | None:
    """A context from a noauth token; None if malformed.

    The token is ``user:project`` or ``user:project:role,role``. Without
    roles, the user ``admin`` is an admin and anyone else a member.
    """
    parts = token.split(':')
    if len(parts) not in (2, 3) or not all(parts):
        return None
    user, project = parts[0], parts[1]
    if len(parts) == 3:
        roles = parts[2].split(',')
    else:
        roles = _NOAUTH_ROLES.get(user, _NOAUTH_DEFAULT_ROLES)
    return RequestContext(user_id=user, project_id=project, roles=list(roles),
                          auth_token=token, request_id=request_id)


def admin_context() -> RequestContext:
    """The service acting on its own behalf (periodic tasks, reports)."""
    return RequestContext(user_id=None, project_id=None, roles=['admin'],
                          is_admin=True, overwrite=False)
