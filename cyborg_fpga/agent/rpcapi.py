"""Client side of the agent's RPC API, used by the conductor.

API history:
  1.0 - program_fpga_with_bitstream(deployable_uuid, bitstream_uuid), the
        call of the specification; it answers with a ProgramResult whose
        ``code`` is the specification's integer.
"""

from __future__ import annotations

from typing import Any

import oslo_messaging as messaging

from cyborg_fpga import exception
from cyborg_fpga.program_result import ProgramResult
from cyborg_fpga import rpc

RPC_API_VERSION = '1.0'


class AgentAPI:

    def __init__(self, conf: Any, transport: messaging.RPCTransport) -> None:
        self.conf = conf
        self.client = rpc.get_client(transport, conf.agent.topic,
                                     RPC_API_VERSION)

    def program_fpga_with_bitstream(self, ctxt: Any, host: str,
                                    deployable_uuid: str,
                                    bitstream_uuid: str) -> ProgramResult:
        cctxt = self.client.prepare(
            server=host, timeout=self.conf.conductor.program_timeout,
            # The agent heartbeats while it programs; silence means it died.
            call_monitor_timeout=self.conf.conductor.agent_heartbeat_timeout)
        try:
            result: ProgramResult = cctxt.call(
                ctxt, 'program_fpga_with_bitstream',
                deployable_uuid=deployable_uuid,
                bitstream_uuid=bitstream_uuid)
        except rpc.NO_ANSWER as e:
            raise exception.AgentUnavailable(
                host=host, uuid=deployable_uuid,
                reason=rpc.first_line(e)) from None
        return result
