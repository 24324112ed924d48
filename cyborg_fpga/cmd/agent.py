"""cyborg-fpga-agent: one per host; loads bitstreams through its drivers."""

from __future__ import annotations

from collections.abc import Sequence

from oslo_log import log as logging

from cyborg_fpga.agent import inventory
from cyborg_fpga.agent import manager
from cyborg_fpga.cmd import common
from cyborg_fpga.conductor import rpcapi as conductor_rpcapi
from cyborg_fpga.drivers import loader
from cyborg_fpga.image import base as image_base
from cyborg_fpga import rpc

LOG = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> None:
    conf = common.prepare(argv)
    transport = rpc.get_transport(conf)
    drivers = loader.load_drivers(conf)
    reporter = inventory.InventoryReporter(
        conf, drivers, conductor_rpcapi.ConductorAPI(conf, transport))
    agent = manager.AgentManager(conf, drivers, image_base.load(conf),
                                 reporter)
    server = rpc.get_server(transport, conf.agent.topic, conf.host, [agent])
    # Serve before the first report, so that a deployable the conductor
    # learns of can be programmed at once.
    server.start()
    reporter.start()
    LOG.info('Agent of %s serving with drivers %s.', conf.host,
             ', '.join(sorted(drivers)))
    common.wait_for_signal()
    reporter.stop()
    server.stop()
    server.wait()
    # What was downloaded last is kept across the restart if its fsync
    # finishes now; otherwise the next start drops it.
    agent.cache.seal_all(timeout=30)


if __name__ == '__main__':
    main()
