"""What the rows share: Glance, deployments run as in a cloud, a client.

The deployments are the functional tests' (``tests/fixtures/deployment``)
configured as in production rather than for debugging: no debug logging,
the default agent heartbeat timeout, and the agents' periodic reports and
the conductor's stale-lock sweep pushed out of the measured windows (an
agent still reports after a board's load, as it always does).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any

import fixtures
import psutil
import requests

from cyborg_fpga.tests.bench import sql
from cyborg_fpga.tests.fixtures import deployment as deployment_fixture
from cyborg_fpga.tests.fixtures import glance
from cyborg_fpga.tests.fixtures import services

# The deployment most rows share: two hosts with eight PR regions each,
# so that the cache row has eight devices of one host to load at once.
MAIN_HOSTS = ('bench-a', 'bench-b')
MAIN_REGIONS = 8
# Out of every measured window (the deployment still waits for each
# agent's first report, sent at start).
_QUIET = '3600'
HEARTBEAT = 30
# Below gunicorn's keep-alive timeout (2 s): see ApiClient._fresh.
_IDLE_SECONDS = 1.0
# The exit status of a run without RabbitMQ, MariaDB or Glance (EX_TEMPFAIL).
EX_UNAVAILABLE = 75


class BenchError(Exception):
    """A step of the benchmark did not do what it must to be measured."""


def production_config(**sections: dict[str, str]) -> dict[str, dict[str, str]]:
    config: dict[str, dict[str, str]] = {
        'DEFAULT': {'debug': 'false'},
        'agent': {'report_interval': _QUIET},
        'conductor': {'stale_lock_check_interval': _QUIET},
    }
    for section, options in sections.items():
        config.setdefault(section, {}).update(options)
    return config


@dataclasses.dataclass
class Samples:
    """How many of each measurement: the full run or ``--quick``."""

    quick: bool
    latency: int
    cpu_loads: int
    scale_loads: int
    scale_pages: int
    sql_loads: int
    fleet_trials: int
    big_bytes: int
    scale_sizes: tuple[int, ...]
    allinone_loads: int

    @classmethod
    def make(cls, quick: bool) -> Samples:
        if quick:
            return cls(quick, latency=30, cpu_loads=10, scale_loads=10,
                       scale_pages=10, sql_loads=10, fleet_trials=1,
                       big_bytes=64 * 1024 ** 2,
                       scale_sizes=(100, 10_000), allinone_loads=5)
        return cls(quick, latency=200, cpu_loads=50, scale_loads=40,
                   scale_pages=40, sql_loads=20, fleet_trials=3,
                   big_bytes=1024 ** 3,
                   scale_sizes=(100, 10_000, 100_000), allinone_loads=20)


class ApiClient:
    """One caller of the API, on one kept-alive connection."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.trust_env = False  # loopback: never a proxy
        self.session.headers['X-Auth-Token'] = token
        self._used = time.monotonic()

    def _fresh(self) -> requests.Session:
        """The session, its connections dropped if idle for a while.

        gunicorn closes a kept-alive connection after 2 s without a
        request; a request sent as it does so is reset, and requests does
        not send a POST again. A new connection after a pause is safe.
        """
        if time.monotonic() - self._used > _IDLE_SECONDS:
            self.session.close()
        self._used = time.monotonic()
        return self.session

    def load(self, deployable: str, bitstream: str,
             force: bool = False) -> float:
        """Seconds one POST /fpga/{uuid} takes; raises unless it loaded."""
        body: dict[str, Any] = {'glance_bitstream_uuid': bitstream}
        if force:
            body['force'] = True
        started = time.perf_counter()
        response = self._fresh().post('%s/fpga/%s' % (self.url, deployable),
                                     json=body, timeout=900)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise BenchError('loading %s onto %s: %s %s' % (
                bitstream, deployable, response.status_code,
                response.text[:500]))
        return elapsed

    def assign(self, deployables: list[str], project: str) -> None:
        """Give deployables to a project, so that its members may load them.

        An admin's call (PATCH /deployables/{uuid}). An API without
        assignments (405 or 404 for the route) lets any member load any
        deployable: nothing to do there.
        """
        for deployable in deployables:
            response = self._fresh().patch(
                '%s/deployables/%s' % (self.url, deployable),
                json={'project_id': project}, timeout=120)
            if response.status_code in (404, 405) and (
                    'fpga.deployable_not_found' not in response.headers.get(
                        'Cyborg-FPGA-Error-Code', '')):
                return
            if response.status_code != 200:
                raise BenchError('assigning %s to %s: %s %s' % (
                    deployable, project, response.status_code,
                    response.text[:500]))

    def get(self, path: str) -> float:
        started = time.perf_counter()
        response = self._fresh().get(self.url + path, timeout=120)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise BenchError('GET %s: %s %s' % (
                path, response.status_code, response.text[:500]))
        return elapsed


class Bench(fixtures.Fixture):
    """Glance for the whole run, and the main deployment while needed."""

    def __init__(self, samples: Samples, profile_dir: str | None) -> None:
        super().__init__()
        self.samples = samples
        self.profile_dir = profile_dir
        self._main: fixtures.Fixture | None = None
        self._main_parts: tuple[sql.BenchDatabase,
                                deployment_fixture.Deployment] | None = None

    def _setUp(self) -> None:
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.glance = self.useFixture(glance.GlanceServer())
        self.addCleanup(self.release_main)

    def deploy(self, stack: fixtures.Fixture, hosts: tuple[str, ...],
               **kwargs: Any
               ) -> tuple[sql.BenchDatabase, deployment_fixture.Deployment]:
        """A database and a deployment on it, owned by ``stack``."""
        db = stack.useFixture(sql.BenchDatabase())
        extra = kwargs.pop('extra_config', None) or production_config()
        # The default [conductor] agent_heartbeat_timeout, not the tests'
        # 5 s: a caller gives up on a call whose heartbeats are that late,
        # which a loaded 2-CPU machine can make them.
        kwargs.setdefault('heartbeat', HEARTBEAT)
        return db, stack.useFixture(deployment_fixture.Deployment(
            db.url, self.glance.endpoint, hosts=hosts, extra_config=extra,
            **kwargs))

    def main(self) -> tuple[sql.BenchDatabase, deployment_fixture.Deployment]:
        """The shared deployment, started at the first row that needs it."""
        if self._main_parts is None:
            stack = fixtures.Fixture()
            stack.setUp()
            self._main = stack
            try:
                self._main_parts = self.deploy(
                    stack, MAIN_HOSTS, regions_per_host=MAIN_REGIONS)
            except BaseException:
                self.release_main()
                raise
        return self._main_parts

    def release_main(self) -> None:
        """Stop the shared deployment: the fleet row wants the CPUs."""
        stack, self._main, self._main_parts = self._main, None, None
        if stack is not None:
            stack.cleanUp()

    def tenant(self, deployment: deployment_fixture.Deployment,
               deployables: list[str]) -> tuple[str, ApiClient]:
        """A new project that may load ``deployables``, and its client."""
        project = glance.random_project_id()
        ApiClient(deployment.url, 'admin:admin').assign(deployables, project)
        return project, ApiClient(deployment.url, 'bench:%s' % project)

    def keep_logs(self, deployment: deployment_fixture.Deployment,
                  tag: str) -> None:
        """Copy a deployment's logs out of its temporary folder.

        Called when a row fails: the folder goes with the deployment.
        """
        folder = tempfile.mkdtemp(prefix='cyborg-fpga-bench-%s-' % tag)
        for name in os.listdir(deployment.root):
            if name.endswith('.log'):
                shutil.copy(os.path.join(deployment.root, name), folder)
        print('-- logs of the %s deployment kept in %s' % (tag, folder),
              file=sys.stderr, flush=True)

    def bitstream(self, host: deployment_fixture.Host, project: str,
                  data: bytes | None, **properties: Any) -> str:
        """A PR bitstream for ``host``'s regions, owned by ``project``."""
        return glance.create_bitstream(
            self.glance.endpoint, data, project_id=project,
            properties=host.pr_properties(**properties))

    def temp_path(self, name: str) -> str:
        return os.path.join(self.tmp, name)

    def scratch_dir(self) -> str:
        return tempfile.mkdtemp(dir=self.tmp)


def pid(service: services.ServiceProcess | None) -> int:
    """The process id of a running service of a deployment."""
    process = service.process if service is not None else None
    if process is None or process.poll() is not None:
        raise BenchError('a service process is not running')
    return process.pid


def api_worker(deployment: deployment_fixture.Deployment) -> psutil.Process:
    """The gunicorn worker, where the API's requests run."""
    children = psutil.Process(pid(deployment.api)).children()
    if not children:
        raise BenchError('gunicorn has no worker')
    return children[0]


def stop_together(deployment: deployment_fixture.Deployment) -> None:
    """Stop every process of a deployment at once.

    The fixture stops them one after the other, and an agent takes seconds
    to close its broker connection: 50 agents took minutes that way.
    """
    running = [service for service in (
        [deployment.api] + [host.agent for host in deployment.hosts.values()]
        + [deployment.conductor])
        if service is not None and service.process is not None
        and service.running()]
    for service in running:
        assert service.process is not None
        service.process.send_signal(signal.SIGTERM)
    for service in running:
        assert service.process is not None
        try:
            service.process.wait(30)
        except subprocess.TimeoutExpired:
            service.kill()
