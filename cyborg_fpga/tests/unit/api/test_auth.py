"""Who is calling: noauth tokens, and Keystone through keystonemiddleware."""

from __future__ import annotations

from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture

from cyborg_fpga.tests.unit.api import base


class TestNoauth(base.ApiTestCase):

    def test_malformed_tokens(self) -> None:
        for token in ('', 'alice', 'alice:', ':p1', ':', 'a:p1:', 'a:b:c:d'):
            self.assertError(self.call('GET', '/fpga/' + base.DEPLOYABLE,
                                       token=token),
                             401, 'fpga.not_authenticated')

    def test_user_and_project_from_the_token(self) -> None:
        self.db.assign(base.DEPLOYABLE, 'p2')
        self.program(token='bob:p2')
        ctxt = self.conductor.calls[0][0]
        self.assertEqual(('bob', 'p2'), (ctxt.user_id, ctxt.project_id))
        self.assertFalse(ctxt.is_admin)
        self.assertTrue(
            ctxt.request_id.startswith('req-'))

    def test_admin(self) -> None:
        self.program(token=base.ADMIN)
        self.assertTrue(self.conductor.calls[0][0].is_admin)

    def test_reader_cannot_program_but_reads(self) -> None:
        # The conductor stub enforces fpga:program with the real enforcer.
        response = self.program(token='bob:p1:reader')
        self.assertError(response, 422, 'fpga.not_authorized')
        self.assertEqual(
            b'{"error": "User is not authorized to use the resource"}',
            response.body)
        self.assertEqual([], self.conductor.calls)
        response = self.call('GET', '/fpga/' + base.DEPLOYABLE,
                             token='bob:p1:reader')
        self.assertEqual(200, response.status_int)

    def test_keystone_headers_are_ignored(self) -> None:
        response = self.call('GET', '/fpga/' + base.DEPLOYABLE, token=None,
                             headers={'X-Identity-Status': 'Confirmed',
                                      'X-User-Id': 'mallory',
                                      'X-Project-Id': 'p1',
                                      'X-Roles': 'admin'})
        self.assertError(response, 401, 'fpga.not_authenticated')


class TestKeystone(base.ApiTestCase):

    auth_strategy = 'keystone'

    def setUp(self) -> None:
        super().setUp()
        # Where 401 answers send callers; set so that nothing is discovered.
        for group, opts in auth_token.list_opts():
            self.conf.register_opts(opts, group=group)
        self.conf.set_override('www_authenticate_uri',
                               'http://keystone.test/identity',
                               group='keystone_authtoken')
        self.tokens = self.useFixture(ksm_fixture.AuthTokenFixture())
        self.reader = self.token('reader')
        self.member = self.token('member', 'reader')

    def token(self, *roles: str) -> str:
        # add_token_data() returns nothing: choose the token id here.
        token_id = 'token-' + '-'.join(roles)
        self.tokens.add_token_data(
            token_id=token_id, user_id='u-' + roles[0], project_id='p1',
            role_list=list(roles))
        return token_id

    def test_no_token_is_exactly_log_in(self) -> None:
        response = self.program(token=None)
        self.assertError(response, 401, 'fpga.not_authenticated')
        self.assertEqual(b'{"error": "Log in"}', response.body)
        self.assertIn('keystone.test', response.headers['WWW-Authenticate'])

    def test_invalid_token(self) -> None:
        self.assertError(self.program(token='forged'), 401,
                         'fpga.not_authenticated')

    def test_forged_identity_headers_are_ignored(self) -> None:
        response = self.call('GET', '/deployables', token=None,
                             headers={'X-Identity-Status': 'Confirmed',
                                      'X-Project-Id': 'p1',
                                      'X-Roles': 'admin'})
        self.assertError(response, 401, 'fpga.not_authenticated')

    def test_member_programs(self) -> None:
        response = self.program(token=self.member)
        self.assertEqual(200, response.status_int, response.body)
        ctxt = self.conductor.calls[0][0]
        self.assertEqual(('u-member', 'p1'), (ctxt.user_id, ctxt.project_id))

    def test_reader_cannot_program(self) -> None:
        response = self.program(token=self.reader)
        self.assertError(response, 422, 'fpga.not_authorized')
        self.assertEqual(
            b'{"error": "User is not authorized to use the resource"}',
            response.body)
        self.assertEqual([], self.conductor.calls)

    def test_reader_reads(self) -> None:
        for path in ('/fpga/' + base.DEPLOYABLE, '/deployables',
                     '/deployables/' + base.DEPLOYABLE, '/bitstreams',
                     '/fpga/%s/history' % base.DEPLOYABLE):
            response = self.call('GET', path, token=self.reader)
            self.assertEqual(200, response.status_int, path)

    def test_no_role_cannot_read(self) -> None:
        nobody = self.token('observer')
        for path in ('/deployables', '/bitstreams'):
            self.assertError(self.call('GET', path, token=nobody), 422,
                             'fpga.not_authorized')
        # A deployable it may not read is one it cannot tell exists.
        for path in ('/fpga/' + base.DEPLOYABLE,
                     '/deployables/' + base.DEPLOYABLE,
                     '/fpga/%s/history' % base.DEPLOYABLE):
            self.assertError(self.call('GET', path, token=nobody), 404,
                             'fpga.deployable_not_found')

    def test_public_routes_need_no_token(self) -> None:
        self.assertEqual(200, self.call('GET', '/', token=None).status_int)
        self.assertEqual(200, self.call('GET', '/healthcheck',
                                        token=None).status_int)
