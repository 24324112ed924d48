"""cyborg-fpga-api: the REST API in a small threaded server.

A cloud runs the API under a WSGI server instead (see cyborg_fpga/wsgi/api.py);
this command serves the same application for a single host or a test.
"""

from __future__ import annotations

from collections.abc import Sequence
import socketserver
from typing import Any
from wsgiref import simple_server

from oslo_log import log as logging

from cyborg_fpga.cmd import common
from cyborg_fpga.wsgi import api as wsgi_api

LOG = logging.getLogger(__name__)


class _ThreadedServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True
    # Bursts of concurrent loads must queue, not be refused.
    request_queue_size = 128


class _QuietHandler(simple_server.WSGIRequestHandler):
    # Requests are logged by the application with their request id.
    def log_message(self, format: str, *args: Any) -> None:
        LOG.debug(format, *args)


def serve(app: Any, host: str, port: int) -> _ThreadedServer:
    """A started-by-the-caller server for ``app`` (call serve_forever)."""
    return simple_server.make_server(host, port, app,
                                     server_class=_ThreadedServer,
                                     handler_class=_QuietHandler)


def main(argv: Sequence[str] | None = None) -> None:
    conf = common.prepare(argv)
    server = serve(wsgi_api.build_application(conf), conf.api.host_ip,
                   conf.api.port)
    LOG.info('API listening on http://%s:%d/', conf.api.host_ip,
             conf.api.port)
    server.serve_forever()


if __name__ == '__main__':
    main()
