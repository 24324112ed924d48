"""The programming path end to end: REST → conductor → agent → fake driver.

Everything is real but the FPGA: gunicorn serving the API, a conductor and
two agents as processes, RabbitMQ, MariaDB or PostgreSQL, and Glance.
"""

from __future__ import annotations

from concurrent import futures
import os
import threading
import uuid

from cyborg_fpga.tests.fixtures import services
from cyborg_fpga.tests.functional import base

SUCCESS = b'{"msg": "bitstream has been loaded successfully"}'
LOG_IN = b'{"error": "Log in"}'
NOT_AUTHORIZED = b'{"error": "User is not authorized to use the resource"}'


class MariaDBProgrammingTest(base.DeploymentTestCase):
    """The contract of POST /fpga/{uuid}, checked on the database and device.

    On MariaDB; the subclass below runs every test again on PostgreSQL.
    """

    backend = 'mysql'

    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.member = 'alice:%s' % self.project
        self.data = uuid.uuid4().bytes * 2048
        self.host_a = self.deployment.hosts['host-a']
        self.host_b = self.deployment.hosts['host-b']
        self.assign_all(self.project)
        # A PR bitstream built for host-a's shell and region type.
        self.image = self.bitstream(self.project, self.data,
                                    properties=self.host_a.pr_properties())

    def assertError(self, response, status, code):
        self.assertEqual(status, response.status_code, response.text)
        self.assertEqual(code, response.headers['Cyborg-FPGA-Error-Code'])
        body = response.json()
        self.assertNotIn('Traceback', response.text)
        return body

    def assertDatabaseAgreesWithDevice(self, host, deployable):
        row = self.deployment.db.get_deployable(deployable)
        device = host.devices.read(deployable)
        self.assertNotEqual('programming', row.state)
        if row.state == 'ready':
            self.assertEqual(device.loaded_bitstream, row.loaded_bitstream)
        return row, device

    def test_program_region_and_board_on_two_hosts(self):
        region = self.host_a.regions[0]
        response = self.program(region, self.image, self.member)
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual(SUCCESS, response.content)

        board = self.host_b.board
        shell = self.bitstream(self.project, self.data,
                               properties=self.host_b.shell_properties())
        response = self.program(board, shell, self.member, form=False)
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual(SUCCESS, response.content)

        for host, deployable, image in ((self.host_a, region, self.image),
                                        (self.host_b, board, shell)):
            row, device = self.assertDatabaseAgreesWithDevice(host,
                                                              deployable)
            self.assertEqual(('ready', image, 0),
                             (row.state, row.loaded_bitstream, row.last_code))
            # The very bytes stored in Glance reached the device.
            self.assertEqual(self.sha256(self.data), device.sha256)
            self.assertEqual(len(self.data), device.size)
            history = self.history(deployable, self.project)
            self.assertEqual(1, len(history))
            self.assertEqual(('succeeded', 0, 'alice', self.project),
                             (history[0].result, history[0].code,
                              history[0].user_id, history[0].project_id))

        shown = self.deployment.request('GET', '/fpga/%s' % region,
                                        token=self.member).json()
        self.assertEqual(self.image, shown['deployable']['loaded_bitstream'])
        self.assertEqual('ready', shown['deployable']['state'])

    def test_not_logged_in(self):
        response = self.program(self.host_a.regions[0], self.image, None)
        self.assertEqual(401, response.status_code)
        self.assertEqual(LOG_IN, response.content)

    def test_reader_may_not_program(self):
        reader = 'bob:%s:reader' % self.project
        region = self.host_a.regions[1]
        response = self.program(region, self.image, reader)
        self.assertEqual(422, response.status_code)
        self.assertEqual(NOT_AUTHORIZED, response.content)
        # Refused before the deployable was touched, and recorded.
        entry = self.history(region, self.project)[0]
        self.assertEqual(('refused', 'fpga.not_authorized', 'bob'),
                         (entry.result, entry.error_code, entry.user_id))

    def test_bitstream_of_another_project_looks_missing(self):
        stranger = 'eve:%s' % self.assign(self.host_a.regions[1],
                                          self.new_project())['project_id']
        private = self.program(self.host_a.regions[1], self.image, stranger)
        missing = self.program(self.host_a.regions[1], str(uuid.uuid4()),
                               stranger)
        for response in (private, missing):
            self.assertEqual(422, response.status_code)
            self.assertEqual(NOT_AUTHORIZED, response.content)
        self.assertIsNone(
            self.host_a.devices.read(self.host_a.regions[1]).sha256)

    def test_malformed_requests(self):
        region = self.host_a.regions[0]
        cases = [
            ('/fpga/not-a-uuid', {'glance_bitstream_uuid': self.image},
             'fpga.invalid_uuid'),
            ('/fpga/%s' % region, {'glance_bitstream_uuid': 'nope'},
             'fpga.invalid_uuid'),
            ('/fpga/%s' % region, {}, 'fpga.invalid_request'),
        ]
        for path, body, code in cases:
            response = self.deployment.request('POST', path, data=body,
                                               token=self.member)
            self.assertError(response, 400, code)
        response = self.deployment.request(
            'POST', '/fpga/%s' % region, data=b'{"glance_bitstream_uuid"',
            headers={'Content-Type': 'application/json'}, token=self.member)
        self.assertError(response, 400, 'fpga.invalid_request')

    def test_unknown_deployable(self):
        # Only admins learn it; test_authz has what members learn.
        response = self.program(str(uuid.uuid4()), self.image, 'admin:x')
        self.assertError(response, 404, 'fpga.deployable_not_found')

    def test_image_that_is_no_bitstream(self):
        fits = self.host_a.pr_properties
        untagged = self.bitstream(self.project, tags=(), properties=fits())
        empty = self.bitstream(self.project, data=None, properties=fits())
        for image in (untagged, empty):
            response = self.program(self.host_a.regions[0], image,
                                    self.member)
            self.assertError(response, 400, 'fpga.bitstream_invalid')

    def test_driver_failure_names_the_cause_and_keeps_the_device(self):
        region = self.host_b.regions[0]
        first = self.bitstream(self.project, self.data,
                               properties=self.host_b.pr_properties())
        self.assertEqual(200, self.program(region, first,
                                           self.member).status_code)
        other = self.bitstream(self.project, b'other' * 100,
                               properties=self.host_b.pr_properties())
        self.host_b.set_fault(region, 'error', reason='xclbin rejected: '
                                                      'card not ready')
        self.addCleanup(self.host_b.clear_faults)
        response = self.program(region, other, self.member)
        body = self.assertError(response, 502, 'fpga.program_failed')
        self.assertIn('xclbin rejected: card not ready', body['error'])
        row, device = self.assertDatabaseAgreesWithDevice(self.host_b, region)
        self.assertEqual(('ready', first, 1, 'fpga.program_failed'),
                         (row.state, row.loaded_bitstream, row.last_code,
                          row.last_error_code))
        self.assertEqual(['failed', 'succeeded'],
                         [h.result for h in self.history(region,
                                                         self.project)])

    def test_half_written_device_is_recorded_empty(self):
        region = self.host_b.regions[1]
        self.host_b.set_fault(region, 'partial', reason='PCIe link lost')
        self.addCleanup(self.host_b.clear_faults)
        image = self.bitstream(self.project, self.data,
                               properties=self.host_b.pr_properties())
        response = self.program(region, image, self.member)
        body = self.assertError(response, 502, 'fpga.program_failed')
        self.assertIn('PCIe link lost', body['error'])
        row, device = self.assertDatabaseAgreesWithDevice(self.host_b, region)
        self.assertEqual(('ready', None), (row.state, row.loaded_bitstream))
        self.assertIsNone(device.loaded_bitstream)

    def test_concurrent_requests_exactly_one_loads(self):
        board = self.host_a.board
        shell = self.bitstream(self.project, self.data,
                               properties=self.host_a.shell_properties())
        # Long enough that every request arrives while the first one runs.
        self.host_a.set_fault(board, 'delay', seconds=3)
        self.addCleanup(self.host_a.clear_faults)
        start = threading.Barrier(12)

        def attempt(_):
            start.wait()
            return self.program(board, shell, self.member)

        with futures.ThreadPoolExecutor(12) as pool:
            responses = list(pool.map(attempt, range(12)))
        statuses = sorted(r.status_code for r in responses)
        self.assertEqual([200] + [409] * 11, statuses,
                         str([r.text for r in responses]))
        for r in responses:
            if r.status_code == 409:
                self.assertEqual('fpga.deployable_busy', r.json()['code'])
        # Refused requests never reached the agent; the history has them.
        self.assertEqual(['refused'] * 11 + ['succeeded'], sorted(
            h.result for h in self.history(board, self.project)))
        self.assertDatabaseAgreesWithDevice(self.host_a, board)

    def test_read_routes(self):
        listed = self.deployment.request('GET', '/deployables',
                                         token=self.member)
        self.assertEqual(200, listed.status_code, listed.text)
        uuids = {d['uuid'] for d in listed.json()['deployables']}
        for host in (self.host_a, self.host_b):
            self.assertLessEqual(set(host.deployables), uuids)

        board = self.deployment.request(
            'GET', '/deployables/%s' % self.host_a.board,
            token=self.member).json()['deployable']
        self.assertEqual('host-a', board['host'])
        self.assertIsNone(board['parent'])
        self.assertEqual(sorted(self.host_a.regions),
                         sorted(c['uuid'] for c in board['children']))
        region = self.deployment.request(
            'GET', '/deployables/%s' % self.host_a.regions[0],
            token=self.member).json()['deployable']
        self.assertEqual(self.host_a.board, region['parent']['uuid'])

        bitstreams = self.deployment.request('GET', '/bitstreams',
                                             token=self.member)
        self.assertEqual(200, bitstreams.status_code, bitstreams.text)
        self.assertIn(self.image, {b['uuid'] for b in
                                   bitstreams.json()['bitstreams']})
        stranger = self.deployment.request(
            'GET', '/bitstreams', token='eve:%s' % self.new_project())
        self.assertNotIn(self.image, {b['uuid'] for b in
                                      stranger.json()['bitstreams']})

        self.assertEqual(200, self.deployment.request(
            'GET', '/', token=None).status_code)
        self.assertEqual(200, self.deployment.request(
            'GET', '/healthcheck', token=None).status_code)


class PostgreSQLProgrammingTest(MariaDBProgrammingTest):
    backend = 'postgresql'


class MariaDBAgentDeathTest(base.DeploymentTestCase):
    """An agent that dies mid-load leaves a truthful error, never busy."""

    backend = 'mysql'

    def test_agent_dies_mid_load(self):
        project = self.new_project()
        host = self.deployment.hosts['host-a']
        image = self.bitstream(project, b'x' * 8192,
                               properties=host.pr_properties())
        region = host.regions[0]
        host.set_fault(region, 'delay', seconds=30)
        self.addCleanup(host.clear_faults)
        self.assign(region, project)

        with futures.ThreadPoolExecutor(1) as pool:
            pending = pool.submit(self.program, region, image,
                                  'alice:%s' % project)
            services.wait_for(
                lambda: os.path.exists(
                    host.devices.marker_path(region)),
                30, 'the load starting on the device')
            assert host.agent is not None
            host.agent.kill()
            response = pending.result()

        self.assertEqual(504, response.status_code, response.text)
        self.assertEqual('fpga.agent_unavailable', response.json()['code'])
        row = self.deployment.db.get_deployable(region)
        self.assertEqual(('error', None), (row.state, row.loaded_bitstream))
        self.assertEqual('failed', self.deployment.db.list_history(
            region)[0].result)

        # Back on its feet, the agent reports what the device holds, and the
        # database takes it as the truth again.
        host.clear_faults()
        host.agent.start()
        services.wait_for(
            lambda: self.deployment.db.get_deployable(region).state ==
            'ready', 60, 'the agent reporting the device again')
        row = self.deployment.db.get_deployable(region)
        self.assertEqual(host.devices.read(region).loaded_bitstream,
                         row.loaded_bitstream)
        response = self.program(region, image, 'alice:%s' % project)
        self.assertEqual(200, response.status_code, response.text)


class PostgreSQLAgentDeathTest(MariaDBAgentDeathTest):
    backend = 'postgresql'
