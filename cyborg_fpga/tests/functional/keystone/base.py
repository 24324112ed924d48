"""A Keystone-backed deployment shared by the tests of one class.

Keystone itself is shared by the whole test process; each test class gets
projects and users of its own in it, a Glance that checks tokens and a
deployment of real processes with ``auth_strategy = keystone``, started by
its first test and stopped after its last.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

import requests
import testtools.content

from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import cloud
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.fixtures import keystone
from cyborg_fpga.tests.fixtures import wsgi_server

SUCCESS = b'{"msg": "bitstream has been loaded successfully"}'
LOG_IN = b'{"error": "Log in"}'
NOT_AUTHORIZED = b'{"error": "User is not authorized to use the resource"}'


class KeystoneTestCase(base.TestCase):
    backend: ClassVar[str] = 'mysql'
    _environment: ClassVar[cloud.KeystoneDeployment | None] = None
    _setup_error: ClassVar[str | None] = None

    @classmethod
    def tearDownClass(cls) -> None:
        environment = cls.__dict__.get('_environment')
        if environment is not None:
            environment.cleanUp()
        cls._environment = None
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.keystone = keystone.shared_keystone(self)
        # Read from this very class: a subclass must never inherit its
        # parent's environment (torn down or not).
        cls = type(self)
        if cls.__dict__.get('_setup_error') is not None:
            self.fail(cls._setup_error)
        if cls.__dict__.get('_environment') is None:
            cls._start_environment(self)
        environment = cls.__dict__.get('_environment')
        assert environment is not None
        self.environment = environment
        self.cloud = environment.cloud
        self.glance = environment.glance
        self.deployment = environment.deployment
        self.addDetail('glance-log', self.glance.log_content_since_now())
        self.addOnException(self._attach_logs)

    @classmethod
    def _start_environment(cls, testcase: KeystoneTestCase) -> None:
        environment = cloud.KeystoneDeployment(testcase.keystone,
                                               backend=cls.backend)
        try:
            environment.setUp()
        except Exception as e:
            reason = (database.unavailable_reason(e)
                      or wsgi_server.unavailable_reason(e))
            if reason is not None:
                base.service_unavailable(testcase, reason)
            cls._setup_error = 'the environment did not start: %r' % e
            raise
        cls._environment = environment

    def _attach_logs(self, exc_info: Any) -> None:
        root = self.deployment.root
        for name in sorted(os.listdir(root)):
            if name.endswith('.log'):
                self.addDetail(name, testtools.content.content_from_file(
                    os.path.join(root, name)))

    # Helpers shared by the tests.

    def program(self, deployable: str, bitstream: str,
                token: str | None) -> requests.Response:
        return self.deployment.request(
            'POST', '/fpga/%s' % deployable, token=token,
            data={'glance_bitstream_uuid': bitstream})

    def assign(self, deployable: str, project: str | None, *,
               token: str | None = None, **extra: Any) -> Any:
        """Assign a board or region to ``project`` (an id), as the admin.

        As ``DeploymentTestCase.assign``: ``extra`` adds fields of PATCH
        /deployables/{uuid}. Every deployable is the admins' until then.
        """
        response = self.deployment.request(
            'PATCH', '/deployables/%s' % deployable,
            token=token or self.cloud.token('admin'),
            json=dict(extra, project_id=project))
        self.assertEqual(200, response.status_code, response.text)
        return response.json()['deployable']
