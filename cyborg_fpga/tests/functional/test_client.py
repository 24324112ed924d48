"""cyborg_fpga.client against the real API, conductor, agents and Glance."""

from __future__ import annotations

from keystoneauth1 import session as ksa_session
from keystoneauth1 import token_endpoint

from cyborg_fpga.client import api
from cyborg_fpga.tests.functional import base


class ClientTest(base.DeploymentTestCase):

    backend = 'mysql'

    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.host_a = self.deployment.hosts['host-a']
        self.assign_all(self.project)
        self.image = self.bitstream(self.project, name='aes-client',
                                    properties=self.host_a.pr_properties())
        self.client = self.client_of('alice:%s' % self.project)

    def client_of(self, token):
        # A noauth deployment: the token is user:project[:roles] and the
        # endpoint is given, as for the all-in-one.
        auth = token_endpoint.Token(self.deployment.url, token)
        return api.Client(ksa_session.Session(auth=auth))

    def test_program_show_and_history(self):
        region = self.host_a.regions[0]
        answer = self.client.program(region, self.image)
        self.assertEqual({'msg': 'bitstream has been loaded successfully'},
                         answer)
        shown = self.client.fpga(region)
        self.assertEqual((self.image, 'ready', 0),
                         (shown['loaded_bitstream'], shown['state'],
                          shown['last_program']['code']))
        history = self.client.history(region, limit=1)
        self.assertEqual([('succeeded', self.image)],
                         [(h['result'], h['bitstream']) for h in history])
        # What fits the region now includes the bitstream just loaded.
        self.assertIn(self.image, [b['uuid'] for b in
                                   self.client.compatible_bitstreams(region)])

    def test_errors_carry_status_and_stable_code(self):
        error = self.assertRaises(
            api.ApiError, self.client.program, self.host_a.regions[1],
            self.bitstream(self.project,
                           properties=self.host_a.pr_properties(
                               board='U280')))
        self.assertEqual((409, 'fpga.bitstream_incompatible'),
                         (error.status, error.code))
        self.assertIn('board', str(error))
        error = self.assertRaises(api.ApiError, self.client.deployable,
                                  '00000000-0000-4000-8000-000000000000')
        self.assertEqual((404, 'fpga.deployable_not_found'),
                         (error.status, error.code))
        reader = self.client_of('bob:%s:reader' % self.project)
        error = self.assertRaises(api.ApiError, reader.program,
                                  self.host_a.regions[1], self.image)
        self.assertEqual((422, 'fpga.not_authorized'),
                         (error.status, error.code))
        self.assertEqual('User is not authorized to use the resource',
                         error.message)

    def test_pages_are_followed(self):
        every = [d['uuid'] for d in self.client.deployables()]
        paged = [d['uuid'] for d in self.client.deployables(page_size=1)]
        self.assertEqual(every, paged)
        self.assertEqual(sum(len(h.deployables)
                             for h in self.deployment.hosts.values()),
                         len(set(paged)))
        regions = list(self.client.deployables(kind='region',
                                               host='host-a'))
        self.assertEqual(set(self.host_a.regions),
                         {d['uuid'] for d in regions})

    def test_names_where_uuids_go(self):
        board = self.host_a.board
        self.assertEqual(board, self.client.find_deployable(
            'host-a-u250'))
        self.assertEqual(board, self.client.find_deployable(board.upper()))
        # Every host has a region0: the name alone is ambiguous.
        self.assertRaises(api.NameNotUnique, self.client.find_deployable,
                          'region0')
        self.assertEqual(self.host_a.regions[0],
                         self.client.find_deployable('host-a:region0'))
        self.assertRaises(api.NameNotFound, self.client.find_deployable,
                          'no-such-board')
        found = self.client.find_bitstream('aes-client')
        self.assertEqual(self.image, found['uuid'])
        self.assertEqual(found, self.client.find_bitstream(self.image))
        self.assertRaises(api.NameNotFound, self.client.find_bitstream,
                          'no-such-bitstream')

    def test_admin_changes_a_deployable(self):
        admin = self.client_of(self.ADMIN_TOKEN)
        region = self.host_a.regions[1]
        changed = admin.update_deployable(region, maintenance=True,
                                          maintenance_reason='fan')
        self.assertEqual((True, 'fan'), (changed['maintenance'],
                                         changed['maintenance_reason']))
        changed = admin.update_deployable(region, maintenance=False)
        self.assertFalse(changed['maintenance'])
        error = self.assertRaises(api.ApiError, self.client.update_deployable,
                                  region, maintenance=True)
        self.assertEqual(422, error.status)
