"""oslo.messaging plumbing shared by the API, the conductor and the agent.

Servers use the threading executor: no eventlet anywhere in this service.
"""

from __future__ import annotations

from typing import Any

from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging._metrics import client as metrics_client
from oslo_messaging._tracing import client as tracing_client
from oslo_messaging import opts as messaging_opts

from cyborg_fpga import context

# Exceptions from these modules are rebuilt as themselves on the caller's
# side, so the API can turn them into the right status and code.
ALLOWED_EXMODS = ['cyborg_fpga.exception']


def register_messaging_opts(conf: cfg.ConfigOpts) -> None:
    """Register oslo.messaging's global-only options on ``conf``.

    oslo.messaging registers its tracing and metrics options on the global
    CONF only, and its notification options when a notifier is built; a
    client built on a private ConfigOpts fails at its first call without
    the former, and the conductor reads the latter before.
    """
    for group, opts in (
            ('oslo_messaging_tracing', tracing_client.oslo_messaging_tracing),
            ('oslo_messaging_metrics', metrics_client.oslo_messaging_metrics),
            ('oslo_messaging_notifications',
             dict(messaging_opts.list_opts())['oslo_messaging_notifications'])):
        if group not in conf:
            conf.register_opts(opts, group=group)


def get_transport(conf: cfg.ConfigOpts) -> messaging.RPCTransport:
    register_messaging_opts(conf)
    return messaging.get_rpc_transport(conf,
                                       allowed_remote_exmods=ALLOWED_EXMODS)


def get_notification_transport(
        conf: cfg.ConfigOpts) -> messaging.NotificationTransport:
    """``[oslo_messaging_notifications] transport_url``, else the RPC one."""
    register_messaging_opts(conf)
    return messaging.get_notification_transport(conf)


class ContextSerializer(messaging.NoOpSerializer):
    """Carries the caller's RequestContext across RPC."""

    def serialize_context(self, ctxt: Any) -> dict[str, Any]:
        return ctxt.to_dict()

    def deserialize_context(self, ctxt: dict[str, Any]) -> Any:
        return context.RequestContext.from_dict(ctxt)


def get_client(transport: messaging.RPCTransport, topic: str,
               version: str) -> messaging.RPCClient:
    target = messaging.Target(topic=topic, version=version)
    # RabbitMQ drops a message that no queue takes (no conductor has started
    # yet, or no agent of that host ever did); at_least_once makes such a
    # call fail at once instead of waiting out its whole timeout.
    return messaging.get_rpc_client(
        transport, target, serializer=ContextSerializer(),
        transport_options=messaging.TransportOptions(at_least_once=True))


# What a call raises when nobody answers it.
NO_ANSWER = (messaging.MessagingTimeout, messaging.MessageUndeliverable,
             messaging.MessageDeliveryFailure)


def get_server(transport: messaging.RPCTransport, topic: str, server: str,
               endpoints: list[Any]) -> messaging.RPCServer:
    target = messaging.Target(topic=topic, server=server)
    return messaging.get_rpc_server(
        transport, target, endpoints, executor='threading',
        serializer=ContextSerializer(),
        access_policy=messaging.DefaultRPCAccessPolicy)


def first_line(error: Exception) -> str:
    """The first line of an RPC error's message.

    This drops the traceback oslo.messaging may append to it.
    """
    if isinstance(error, messaging.MessageUndeliverable):
        return 'nothing is listening on its topic'
    return (str(error).splitlines() or ['no answer'])[0]
