"""A no-op RPC server, the far end of the latency row's floor.

``python -m cyborg_fpga.tests.bench.echo --config-file F --topic T``
serves ``ping`` on the broker and vhost that F names, with the same
transport, serializer and threading executor as our services, in a
process of its own as a conductor or agent would be. SIGTERM stops it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oslo_config import cfg
import oslo_messaging as messaging

from cyborg_fpga.cmd import common
from cyborg_fpga import rpc

TOPIC_OPT = cfg.StrOpt('topic', required=True,
                       help='RPC topic to serve ping on.')


class Echo:
    target = messaging.Target(version='1.0')

    def ping(self, ctxt: Any) -> None:
        return None


def main(argv: Sequence[str] | None = None) -> None:
    conf = common.prepare(argv, cli_opts=[TOPIC_OPT])
    transport = rpc.get_transport(conf)
    server = rpc.get_server(transport, conf.topic, 'echo', [Echo()])
    server.start()
    common.wait_for_signal()
    server.stop()
    server.wait()


if __name__ == '__main__':
    main()
