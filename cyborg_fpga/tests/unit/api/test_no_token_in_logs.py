"""No token ever reaches a log: the API, keystonemiddleware, the conductor.

A whole load through the API with Keystone tokens and a real conductor on
SQLite, allowed and refused, and every log record of every library at
DEBUG, formatted as oslo.log formats them (with the request context).
"""

from __future__ import annotations

import io
import logging

from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture
from oslo_log import formatters

from cyborg_fpga.conductor import manager
from cyborg_fpga import context
from cyborg_fpga.db import api as db_api
from cyborg_fpga import exception
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.unit.api import base
from cyborg_fpga.tests.unit.conductor import test_manager

MEMBER_TOKEN = 'gAAAAAB-member-secret-7f3c9a1e5d2b'
READER_TOKEN = 'gAAAAAB-reader-secret-0c8e4b6a2f91'
DIRECT_TOKEN = 'gAAAAAB-direct-secret-5a7d3e9c1b04'


class TestNoTokenInLogs(base.ApiTestCase):

    auth_strategy = 'keystone'

    def setUp(self) -> None:
        super().setUp()
        for group, opts in auth_token.list_opts():
            self.conf.register_opts(opts, group=group)
        self.conf.set_override('www_authenticate_uri',
                               'http://keystone.test/identity',
                               group='keystone_authtoken')
        tokens = self.useFixture(ksm_fixture.AuthTokenFixture())
        for token_id, roles in ((MEMBER_TOKEN, ['member', 'reader']),
                                (READER_TOKEN, ['reader'])):
            tokens.add_token_data(token_id=token_id, user_id='u-' + roles[0],
                                  project_id='p1', role_list=roles)
        # The real conductor over a real database, as in test_manager.
        engine = database.use_database(self, 'sqlite').engine
        real_db = db_api.Connection(engine)
        real_db.sync_inventory('host-a', ['fake'], [{
            'uuid': base.DEPLOYABLE, 'kind': 'board', 'name': 'u250',
            'vendor': 'Xilinx', 'board': 'U250', 'parent_uuid': None,
            'loaded_bitstream': None, 'driver': 'fake'}])
        real_db.assign(base.DEPLOYABLE, 'p1')
        images = test_manager.StubImages()
        images.add(base.BITSTREAM)
        self.agents = test_manager.StubAgents()
        self.db = real_db  # type: ignore[assignment]
        self.conductor = manager.ConductorManager(  # type: ignore[assignment]
            self.conf, real_db, images, self.agents, self.enforcer)
        # Every record, as a deployment's log file would have it.
        self.stream = io.StringIO()
        handler = logging.StreamHandler(self.stream)
        handler.setFormatter(formatters.ContextFormatter(
            config=self.conf, project='cyborg-fpga'))
        handler.setLevel(logging.DEBUG)
        root = logging.getLogger()
        root.addHandler(handler)
        self.addCleanup(root.removeHandler, handler)

    def test_a_whole_load_allowed_and_refused(self) -> None:
        self.agents.answer = test_manager.result(
            test_manager.ProgramCode.SUCCESS,
            loaded_bitstream=base.BITSTREAM)
        self.assertEqual(200, self.program(token=MEMBER_TOKEN).status_int)
        self.assertEqual(422, self.program(token=READER_TOKEN).status_int)
        for path in ('/fpga/' + base.DEPLOYABLE, '/deployables',
                     '/fpga/%s/history' % base.DEPLOYABLE):
            self.assertEqual(200, self.call('GET', path,
                                            token=READER_TOKEN).status_int)
        self.assertEqual(401, self.program(token='forged-token').status_int)
        # The conductor called directly, as over RPC, with a token.
        direct = context.RequestContext(
            user_id='u-direct', project_id='p2', roles=['member'],
            auth_token=DIRECT_TOKEN, request_id='req-direct')
        self.assertRaises(exception.NotAuthorized, self.conductor.program,
                          direct,
                          base.DEPLOYABLE, base.BITSTREAM)

        logged = self.stream.getvalue() + self.log.output
        # Something was logged, with who asked: the test saw the records.
        self.assertIn('by user u-member of project p1', logged)
        self.assertIn('user: u-reader project: p1', logged)
        self.assertIn('by user u-direct of project p2, request req-direct',
                      logged)
        for secret in (MEMBER_TOKEN, READER_TOKEN, DIRECT_TOKEN,
                       'forged-token'):
            self.assertNotIn(secret, logged)
            # Nor a recognisable part of one.
            self.assertNotIn(secret[-12:], logged)
