"""Client side of the conductor's RPC API, used by the API and the agents.

API history:
  1.0 - program(deployable_uuid, bitstream_uuid),
        report_inventory(host, drivers, deployables)
  1.1 - program(..., force)
"""

from __future__ import annotations

from typing import Any

import oslo_messaging as messaging

from cyborg_fpga import exception
from cyborg_fpga import rpc

RPC_API_VERSION = '1.1'
# The API waits this much longer than the conductor waits for its agent, so
# that the conductor's own verdict on a slow agent always reaches the user.
_MARGIN_SECONDS = 60


class ConductorAPI:

    def __init__(self, conf: Any, transport: messaging.RPCTransport) -> None:
        self.conf = conf
        self.client = rpc.get_client(transport, conf.conductor.topic,
                                     RPC_API_VERSION)

    def program(self, ctxt: Any, deployable_uuid: str, bitstream_uuid: str,
                force: bool = False) -> None:
        # Only a forced load needs 1.1, so a 1.0 conductor serves the rest.
        extra = {'force': True} if force else {}
        cctxt = self.client.prepare(
            version='1.1' if force else '1.0',
            timeout=self.conf.conductor.program_timeout + _MARGIN_SECONDS,
            # A conductor that dies mid-load stops its heartbeats; the caller
            # learns it within this time instead of the whole timeout.
            call_monitor_timeout=self.conf.conductor.agent_heartbeat_timeout)
        try:
            cctxt.call(ctxt, 'program', deployable_uuid=deployable_uuid,
                       bitstream_uuid=bitstream_uuid, **extra)
        except rpc.NO_ANSWER as e:
            raise exception.ConductorUnavailable(
                reason=rpc.first_line(e)) from None

    def report_inventory(self, ctxt: Any, host: str, drivers: list[str],
                         deployables: list[dict[str, Any]]) -> None:
        cctxt = self.client.prepare(timeout=30)
        try:
            cctxt.call(ctxt, 'report_inventory', host=host, drivers=drivers,
                       deployables=deployables)
        except rpc.NO_ANSWER as e:
            raise exception.ConductorUnavailable(
                reason=rpc.first_line(e)) from None

