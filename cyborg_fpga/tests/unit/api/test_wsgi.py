"""The WSGI entry point builds nothing at import and wires real layers."""

from __future__ import annotations

import importlib
import os

import fixtures
from oslo_config import cfg
import webob

from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.wsgi import api as wsgi_api

CONFIG = '''
[DEFAULT]
state_path = {state}
transport_url = fake:/
[api]
auth_strategy = noauth
[database]
connection = {db_url}
[image]
backend = local
'''


class TestWsgi(base.TestCase):

    def test_nothing_is_built_at_import(self) -> None:
        module = importlib.reload(wsgi_api)
        self.assertFalse(hasattr(module, 'application'))

    def test_missing_config_file(self) -> None:
        missing = self.useFixture(fixtures.TempDir()).join('absent.conf')
        self.useFixture(fixtures.EnvironmentVariable(
            wsgi_api.CONFIG_FILE_ENV, missing))
        error = self.assertRaises(cfg.ConfigFilesNotFoundError,
                                  wsgi_api.init_application)
        self.assertIn(missing, str(error))

    def test_init_application_from_the_config_file(self) -> None:
        # oslo.log would reconfigure logging for the whole test process.
        setup = self.useFixture(fixtures.MockPatchObject(
            wsgi_api.log, 'setup')).mock
        state = self.useFixture(fixtures.TempDir()).path
        db_url = self.useFixture(database.SqliteDatabase()).url
        path = os.path.join(state, 'cyborg-fpga.conf')
        with open(path, 'w') as f:
            f.write(CONFIG.format(state=state, db_url=db_url))
        self.useFixture(fixtures.EnvironmentVariable(
            wsgi_api.CONFIG_FILE_ENV, path))
        app = wsgi_api.init_application()
        response = webob.Request.blank(
            '/deployables', headers={'X-Auth-Token': 'alice:p1'}
        ).get_response(app)
        self.assertEqual(200, response.status_int, response.body)
        self.assertEqual({'deployables': []}, response.json)
        self.assertEqual('cyborg-fpga', setup.call_args[0][1])
