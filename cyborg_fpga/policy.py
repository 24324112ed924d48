"""Policy enforcement: one enforcer per process, built from its config."""

from __future__ import annotations

from typing import Any

from oslo_config import cfg
from oslo_policy import policy

from cyborg_fpga import exception
from cyborg_fpga import policies


def make_enforcer(conf: cfg.ConfigOpts) -> policy.Enforcer:
    enforcer = policy.Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    return enforcer


def get_enforcer() -> policy.Enforcer:
    """For the oslopolicy-* tools (entry point oslo.policy.enforcer)."""
    conf = cfg.ConfigOpts()
    conf([], project='cyborg-fpga')
    return make_enforcer(conf)


def allowed(enforcer: policy.Enforcer, rule: str, ctxt: Any,
            target: dict[str, Any] | None = None) -> bool:
    """Whether ``ctxt`` passes ``rule`` on ``target``.

    Without a target, the caller's own project is the target: for routes
    that name no resource. A deployable's target is ``authz.target``.
    """
    if target is None:
        target = {'project_id': ctxt.project_id, 'user_id': ctxt.user_id}
    try:
        return bool(enforcer.authorize(rule, target,
                                       ctxt.to_policy_values()))
    except policy.InvalidScope:
        return False


def authorize(enforcer: policy.Enforcer, rule: str, ctxt: Any,
              target: dict[str, Any] | None = None) -> None:
    """Raise NotAuthorized unless ``ctxt`` passes ``rule`` on ``target``."""
    if not allowed(enforcer, rule, ctxt, target):
        raise exception.NotAuthorized()
