"""A deployment of real processes shared by the tests of one class.

Starting the processes costs seconds, so each test class starts one
deployment (on the backend it names) when its first test runs and stops it
after its last. stestr keeps a class on one worker (group_regex in
.stestr.conf).
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, ClassVar

import fixtures
import testtools.content

from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.fixtures import deployment
from cyborg_fpga.tests.fixtures import glance
from cyborg_fpga.tests.fixtures import services


class DeploymentTestCase(base.TestCase):
    backend: ClassVar[str] = 'mysql'
    program_seconds: ClassVar[float] = 0.0
    # Deployment(hosts=..., regions_per_host=...) of the class's deployment.
    hosts: ClassVar[tuple[str, ...]] = ('host-a', 'host-b')
    regions_per_host: ClassVar[int] = 2
    # Deployment(extra_config=...) of the class's deployment.
    extra_config: ClassVar[dict[str, dict[str, str]]] = {}
    _stack: ClassVar[fixtures.Fixture | None] = None
    _deployment: ClassVar[deployment.Deployment | None] = None
    _setup_error: ClassVar[str | None] = None

    @classmethod
    def tearDownClass(cls) -> None:
        stack = cls.__dict__.get('_stack')
        if stack is not None:
            stack.cleanUp()
        cls._stack = cls._deployment = None
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.glance = glance.shared_glance(self)
        # Read from this very class: a subclass on another backend must
        # never inherit its parent's deployment (torn down or not).
        cls = type(self)
        if cls.__dict__.get('_setup_error') is not None:
            self.fail(cls._setup_error)
        if cls.__dict__.get('_deployment') is None:
            cls._start_deployment(self)
        deployment = cls.__dict__.get('_deployment')
        assert deployment is not None
        self.deployment = deployment
        self.addOnException(self._attach_logs)

    @classmethod
    def _start_deployment(cls, testcase: DeploymentTestCase) -> None:
        stack = fixtures.Fixture()
        stack.setUp()
        cls._stack = stack
        db: Any = None
        try:
            db = stack.useFixture(database.make_database(cls.backend))
        except Exception as e:
            reason = database.unavailable_reason(e)
            if reason is None:
                raise
            base.service_unavailable(testcase, reason)
        try:
            cls._deployment = stack.useFixture(deployment.Deployment(
                db.url, testcase.glance.endpoint,
                hosts=cls.hosts, regions_per_host=cls.regions_per_host,
                program_seconds=cls.program_seconds,
                extra_config=cls.extra_config))
        except services.ServiceUnavailable as e:
            base.service_unavailable(testcase, str(e))
        except Exception as e:
            cls._setup_error = 'the deployment did not start: %r' % e
            raise

    def _attach_logs(self, exc_info: Any) -> None:
        for name in sorted(os.listdir(self.deployment.root)):
            if name.endswith('.log'):
                self.addDetail(name, testtools.content.content_from_file(
                    os.path.join(self.deployment.root, name)))

    # Helpers shared by the tests.

    # An admin of the noauth deployment (deployment.request's default).
    ADMIN_TOKEN: ClassVar[str] = 'admin:admin'

    def new_project(self) -> str:
        return glance.random_project_id()

    def assign(self, deployable: str, project: str | None, *,
               token: str | None = None, **extra: Any) -> Any:
        """Assign a board or region to ``project`` through the admin API.

        ``extra`` adds fields of PATCH /deployables/{uuid}, such as
        ``maintenance``. Every deployable is the admins' alone until then.
        """
        response = self.deployment.request(
            'PATCH', '/deployables/%s' % deployable,
            token=token or self.ADMIN_TOKEN,
            json=dict(extra, project_id=project))
        self.assertEqual(200, response.status_code, response.text)
        return response.json()['deployable']

    def history(self, deployable: str, project: str) -> list[Any]:
        """The attempts of ``project`` on ``deployable``, newest first.

        The deployment is the whole class's: other tests' attempts are in
        its history too.
        """
        return self.deployment.db.list_history(deployable,
                                               project_id=project)

    def assign_all(self, project: str) -> None:
        """Give ``project`` every board and region of the deployment."""
        for host in self.deployment.hosts.values():
            for deployable in host.deployables:
                self.assign(deployable, project)

    def bitstream(self, project: str, data: bytes | None = b'\x5a' * 4096,
                  **kwargs: Any) -> str:
        return glance.create_bitstream(self.glance.endpoint, data,
                                       project_id=project, **kwargs)

    def program(self, deployable: str, bitstream: str, token: str | None,
                form: bool = True, **kwargs: Any) -> Any:
        body = {'glance_bitstream_uuid': bitstream}
        payload = {'data': body} if form else {'json': body}
        return self.deployment.request('POST', '/fpga/%s' % deployable,
                                       token=token, **payload, **kwargs)

    @staticmethod
    def sha256(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()
