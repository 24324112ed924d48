"""Floors: what the same broker and the same Glance cost without our code.

* two raw oslo.messaging calls (API to conductor, conductor to agent) to
  a server that does nothing, on the deployment's own vhost;
* one raw ``GET /v2/images/{id}`` on a kept-alive connection;
* a raw streamed download of an image's data, thrown away as it comes.
"""

from __future__ import annotations

import os
import time
from typing import Any
import uuid

import fixtures
import oslo_messaging as messaging
import requests

from cyborg_fpga import conf as fpga_conf
from cyborg_fpga import context
from cyborg_fpga import rpc
from cyborg_fpga.tests.fixtures import deployment as deployment_fixture
from cyborg_fpga.tests.fixtures import glance
from cyborg_fpga.tests.fixtures import services

_CHUNK = 1024 * 1024


class RpcFloor(fixtures.Fixture):
    """A raw RPC client of an echo server on the deployment's broker."""

    def __init__(self, deployment: deployment_fixture.Deployment) -> None:
        super().__init__()
        self.deployment = deployment

    def _setUp(self) -> None:
        # The control configuration: the very transport options the API
        # and the conductor use.
        config = os.path.join(self.deployment.root, 'control',
                              'cyborg-fpga.conf')
        topic = 'bench-echo-' + uuid.uuid4().hex[:8]
        self.useFixture(services.ServiceProcess(
            'echo', services.command('cyborg_fpga.tests.bench.echo', config)
            + ['--topic', topic], self.deployment.root))
        transport = rpc.get_transport(
            fpga_conf.load(['--config-file', config]))
        self.addCleanup(transport.cleanup)
        self.client = rpc.get_client(transport, topic, '1.0').prepare(
            timeout=30)
        self.ctxt = context.RequestContext(user_id='bench',
                                           project_id='bench')
        services.wait_for(self._answers, 60, 'the echo RPC server')

    def _answers(self) -> bool:
        try:
            self.round_trip()
        except (messaging.MessageUndeliverable, messaging.MessagingTimeout):
            return False  # its queue does not exist yet
        return True

    def round_trip(self) -> None:
        self.client.call(self.ctxt, 'ping')


class GlanceFloor:
    """Raw requests to Glance as one caller, on a kept-alive connection."""

    def __init__(self, endpoint: str, project_id: str) -> None:
        self.endpoint = endpoint
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers.update(glance.identity_headers(project_id))

    def show(self, image_id: str) -> dict[str, Any]:
        response = self.session.get(
            '%s/v2/images/%s' % (self.endpoint, image_id), timeout=60)
        response.raise_for_status()
        record: dict[str, Any] = response.json()
        return record

    def download(self, image_id: str) -> tuple[int, float]:
        """(bytes, seconds) of a streamed download of the image's data."""
        # A new connection: a kept-alive one idle for 2 s is closed by
        # Glance's gunicorn, and a request sent as it closes is reset.
        self.session.close()
        started = time.perf_counter()
        size = 0
        with self.session.get('%s/v2/images/%s/file'
                              % (self.endpoint, image_id),
                              stream=True, timeout=600) as response:
            response.raise_for_status()
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
        return size, time.perf_counter() - started


def upload_file(endpoint: str, image_id: str, path: str,
                project_id: str) -> None:
    """Send a file's data to Glance as it is read, never whole in memory."""
    headers = dict(glance.identity_headers(project_id),
                   **{'Content-Type': 'application/octet-stream'})
    with open(path, 'rb') as f, requests.Session() as session:
        session.trust_env = False
        # A file object is streamed by requests, with its Content-Length.
        response = session.put('%s/v2/images/%s/file' % (endpoint, image_id),
                               data=f, headers=headers, timeout=1800)
    response.raise_for_status()


def write_random_file(path: str, size: int) -> None:
    """``size`` random bytes in ``path``, written a chunk at a time."""
    with open(path, 'wb') as f:
        left = size
        while left:
            chunk = os.urandom(min(_CHUNK, left))
            f.write(chunk)
            left -= len(chunk)
