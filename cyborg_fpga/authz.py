"""Who may act on which deployable: one decision for the API and conductor.

A rule is checked against the deployable's assignment (``target``), never
against the caller alone. What a refusal looks like depends on the method:

* reads (``hide=True``) answer 404 ``fpga.deployable_not_found`` for a
  deployable the caller may not see (``deployables:show``), exactly as for
  one that does not exist, so nobody learns what other projects have or
  what is unassigned; one it may see but whose route refuses it is 422;
* writes (``hide=False``) keep the specification's 422 for a refusal. A
  deployable that does not exist is checked as an unassigned one: whoever
  may act on that (admins) learns it is missing (404); anyone else gets the
  same 422 as for another project's deployable, so that no answer tells a
  non-admin whether a uuid is taken.
"""

from __future__ import annotations

from typing import Any
from typing import Protocol

from oslo_policy import policy as oslo_policy

from cyborg_fpga.db import assignment
from cyborg_fpga import exception
from cyborg_fpga.policies import deployables as deployable_policies
from cyborg_fpga import policy


class Lookup(Protocol):
    def get_access(self, uuid: str) -> assignment.Access: ...


def target(project_id: str | None) -> dict[str, Any]:
    """The policy target of a deployable assigned to ``project_id``.

    An unassigned deployable has no ``project_id`` at all, so that no
    ``project_id:%(project_id)s`` check can match it, whatever the caller's
    project is called.
    """
    return {'project_id': project_id} if project_id else {}


def find(db: Lookup, uuid: str) -> assignment.Access | None:
    try:
        return db.get_access(uuid)
    except exception.DeployableNotFound:
        return None


def check(enforcer: oslo_policy.Enforcer, rule: str, ctxt: Any, uuid: str,
          access: assignment.Access | None, *,
          hide: bool) -> assignment.Access:
    """``access`` if ``ctxt`` passes ``rule`` on it; raise otherwise."""
    # One that does not exist is checked as an unassigned one.
    on = target(access.project_id if access is not None else None)
    allowed = policy.allowed(enforcer, rule, ctxt, on)
    if allowed and access is not None:
        return access
    if allowed or (hide and not (
            access is not None and
            policy.allowed(enforcer, deployable_policies.SHOW, ctxt, on))):
        raise exception.DeployableNotFound(uuid=uuid)
    raise exception.NotAuthorized()


def deployable(enforcer: oslo_policy.Enforcer, rule: str, ctxt: Any,
               db: Lookup, uuid: str, *, hide: bool) -> assignment.Access:
    """Look the deployable up and ``check`` ``rule`` on it."""
    return check(enforcer, rule, ctxt, uuid, find(db, uuid), hide=hide)


def ensure_loadable(access: assignment.Access, force: bool) -> None:
    """Refuse a load of a deployable in maintenance, unless forced.

    Forcing needs fpga:program:force (admins), checked by the caller.
    """
    maintenance = access.maintenance
    if maintenance is None or force:
        return
    uuid = access.deployable.uuid
    reason = maintenance.reason or 'no reason was given'
    if maintenance.uuid != uuid:
        raise exception.DeployableInMaintenance(
            'Deployable %s takes no load while its board %s is in '
            'maintenance: %s' % (uuid, maintenance.uuid, reason),
            uuid=uuid, reason=reason)
    raise exception.DeployableInMaintenance(uuid=uuid, reason=reason)
