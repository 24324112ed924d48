"""A real API app over in-memory fakes, and helpers to call it."""

from __future__ import annotations

import json
import logging
from typing import Any

import fixtures
import webob

from cyborg_fpga.api import app
from cyborg_fpga.api import errors
from cyborg_fpga import conf as fpga_conf
from cyborg_fpga import policy
from cyborg_fpga.tests import base
from cyborg_fpga.tests.unit.api import fakes

DEPLOYABLE = '2864a139-c2cd-4f9f-abf3-44eb3f09b83c'
BITSTREAM = '0b955a5b-f5dd-49d0-8c4f-28729427d303'
MEMBER = 'alice:p1'
ADMIN = 'admin:p1'


class ApiTestCase(base.TestCase):

    auth_strategy = 'noauth'

    def setUp(self) -> None:
        super().setUp()
        # Logs go to the test's details, not to the console.
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        # No default config files: a developer's /etc must not leak in.
        self.conf = fpga_conf.load([], default_config_files=[])
        self.conf.set_override('auth_strategy', self.auth_strategy,
                               group='api')
        self.enforcer = policy.make_enforcer(self.conf)
        self.db = fakes.FakeDB()
        self.db.add(fakes.deployable(DEPLOYABLE))
        self.images = fakes.FakeImageService([])
        self.conductor = fakes.FakeConductor(self.enforcer, self.db)

    @property
    def app(self) -> Any:
        # Built on first use, so a test can change the configuration first.
        if not hasattr(self, '_app'):
            self._app = app.setup_app(
                self.conf, conductor=self.conductor, db=self.db,
                image_service=self.images, enforcer=self.enforcer)
        return self._app

    def call(self, method: str, path: str, token: str | None = MEMBER,
             json_body: Any = None, form: dict[str, str] | None = None,
             body: bytes | None = None, content_type: str | None = None,
             headers: dict[str, str] | None = None) -> webob.Response:
        request = webob.Request.blank(path, method=method)
        if token is not None:
            request.headers['X-Auth-Token'] = token
        if json_body is not None:
            body = json.dumps(json_body).encode()
            content_type = content_type or 'application/json'
        if form is not None:
            body = '&'.join('%s=%s' % item for item in form.items()).encode()
            content_type = 'application/x-www-form-urlencoded'
        if body is not None:
            request.body = body
        if content_type is not None:
            request.content_type = content_type
        request.headers.update(headers or {})
        return request.get_response(self.app)

    def program(self, bitstream: str = BITSTREAM, deployable: str = DEPLOYABLE,
                **kwargs: Any) -> webob.Response:
        kwargs.setdefault('json_body', {'glance_bitstream_uuid': bitstream})
        return self.call('POST', '/fpga/' + deployable, **kwargs)

    def assertError(self, response: webob.Response, status: int,
                    code: str) -> dict[str, Any]:
        """The response is the error ``code`` in the one error format."""
        self.assertEqual(status, response.status_int, response.body)
        self.assertEqual(code, response.headers[errors.CODE_HEADER])
        self.assertEqual('application/json', response.content_type)
        data = json.loads(response.body)
        if code in errors.FIXED_BODIES:
            self.assertEqual(errors.FIXED_BODIES[code], data)
        else:
            self.assertEqual({'error', 'code'}, set(data))
            self.assertEqual(code, data['code'])
        return data


def read_doc(relative_path: str) -> str:
    """A file of the repository, for tests that check the docs."""
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[4]
    return (root / relative_path).read_text()
