"""Client side of the agent's RPC API, used by the conductor.

API history:
  1.0 - program_fpga_with_bitstream(deployable_uuid, bitstream_uuid), the
        call of the specification; it answers with a ProgramResult whose
        ``code`` is the specification's integer.
  1.1 - program_fpga_with_bitstream gains ``force`` (default False): load
        even when the device already holds the bitstream, which 1.1 agents
        otherwise skip (answering ``skipped``). Only forced calls are sent
        as 1.1, so a 1.0 agent still serves every other call during a
        rolling upgrade.
  1.2 - program_fpga_with_bitstream gains ``bitstream``: the image record
        the conductor has just read from Glance as the caller
        (``Bitstream.to_dict()``), so that the agent need not read it
        again. Sent whenever the version cap allows; the agent still
        downloads the data as the caller and checks it against that
        record's hash.
"""

from __future__ import annotations

from typing import Any

import oslo_messaging as messaging

from cyborg_fpga import exception
from cyborg_fpga.image.base import Bitstream
from cyborg_fpga.program_result import ProgramResult
from cyborg_fpga import rpc

RPC_API_VERSION = '1.2'
# What a call without force needs: every agent since the first serves it.
_BASE_VERSION = '1.0'
FORCE_VERSION = '1.1'
RECORD_VERSION = '1.2'


class AgentAPI:

    def __init__(self, conf: Any, transport: messaging.RPCTransport) -> None:
        self.conf = conf
        self.client = rpc.get_client(transport, conf.agent.topic,
                                     RPC_API_VERSION)
        if conf.agent.rpc_version_cap:
            # Set while old agents run: can_send_version then tells.
            self.client = self.client.prepare(
                version_cap=conf.agent.rpc_version_cap)

    def program_fpga_with_bitstream(self, ctxt: Any, host: str,
                                    deployable_uuid: str,
                                    bitstream_uuid: str,
                                    force: bool = False,
                                    bitstream: Bitstream | None = None
                                    ) -> ProgramResult:
        kwargs: dict[str, Any] = {}
        version = _BASE_VERSION
        if force:
            if not self.client.can_send_version(FORCE_VERSION):
                raise exception.InvalidRequest(reason=_too_old(
                    host, '[agent] rpc_version_cap is %s'
                    % self.conf.agent.rpc_version_cap))
            version = FORCE_VERSION
            kwargs['force'] = True
        if bitstream is not None and self.client.can_send_version(
                RECORD_VERSION):
            # Saves the agent a Glance read; an older agent reads it itself.
            version = RECORD_VERSION
            kwargs['bitstream'] = bitstream.to_dict()
        cctxt = self.client.prepare(
            server=host, version=version,
            timeout=self.conf.conductor.program_timeout,
            # The agent heartbeats while it programs; silence means it died.
            call_monitor_timeout=self.conf.conductor.agent_heartbeat_timeout)
        try:
            result: ProgramResult = cctxt.call(
                ctxt, 'program_fpga_with_bitstream',
                deployable_uuid=deployable_uuid,
                bitstream_uuid=bitstream_uuid, **kwargs)
        except rpc.NO_ANSWER as e:
            raise exception.AgentUnavailable(
                host=host, uuid=deployable_uuid,
                reason=rpc.first_line(e)) from None
        except (messaging.UnsupportedVersion, messaging.RemoteError) as e:
            # A 1.0 agent refuses a forced call before touching the device.
            if getattr(e, 'exc_type', type(e).__name__) != (
                    'UnsupportedVersion'):
                raise
            raise exception.InvalidRequest(reason=_too_old(
                host, 'it serves RPC API 1.0')) from None
        return result


def _too_old(host: str, why: str) -> str:
    return ('the agent of host %s cannot force a load (%s); upgrade it or '
            'load without force' % (host, why))
