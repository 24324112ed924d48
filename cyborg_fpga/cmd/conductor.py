"""cyborg-fpga-conductor: finds hosts, checks rights, drives the agents."""

from __future__ import annotations

from collections.abc import Sequence

from oslo_log import log as logging

from cyborg_fpga.agent import rpcapi as agent_rpcapi
from cyborg_fpga.cmd import common
from cyborg_fpga.conductor import manager
from cyborg_fpga.conductor import notify
from cyborg_fpga.db import api as db_api
from cyborg_fpga.image import base as image_base
from cyborg_fpga import policy
from cyborg_fpga import rpc

LOG = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> None:
    conf = common.prepare(argv)
    transport = rpc.get_transport(conf)
    conductor = manager.ConductorManager(
        conf, db_api.Connection.from_conf(conf), image_base.load(conf),
        agent_rpcapi.AgentAPI(conf, transport), policy.make_enforcer(conf),
        notifier=notify.get_notifier(conf, conf.host))
    server = rpc.get_server(transport, conf.conductor.topic, conf.host,
                            [manager.ConductorEndpoint(conductor)])
    server.start()
    conductor.sweep_stale_locks()
    sweeper = common.Periodic(conductor.sweep_stale_locks,
                              conf.conductor.stale_lock_check_interval).start()
    LOG.info('Conductor %s serving topic %s.', conf.host,
             conf.conductor.topic)
    common.wait_for_signal()
    sweeper.stop()
    server.stop()
    server.wait()


if __name__ == '__main__':
    main()
