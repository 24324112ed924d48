"""The API reference's samples are what a real deployment answers.

Every request of api_ref_exchanges.EXCHANGES is sent, as its sample has it,
to the processes of a deployment (API under gunicorn, conductor, agents
with the fake driver, RabbitMQ, MariaDB, Glance), and every answer is
compared with its response sample by sample_match. The coverage tests need
no deployment: every route has a response sample, every sample is included
in the reference under its route and sent by a test.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
import json
from typing import Any, ClassVar
import uuid

from cyborg_fpga.api import routes
from cyborg_fpga.tests import base as test_base
from cyborg_fpga.tests.fixtures import services
from cyborg_fpga.tests.functional import api_ref_exchanges as exchanges
from cyborg_fpga.tests.functional import base
from cyborg_fpga.tests.functional import sample_match

Exchange = exchanges.Exchange
ERROR_CODE = 'Cyborg-FPGA-Error-Code'
REQUEST_ID = 'x-openstack-request-id'


class TestSampleCoverage(test_base.TestCase):
    """The samples, the reference and the route table agree on paper."""

    def setUp(self) -> None:
        super().setUp()
        self.text = exchanges.INDEX.read_text()
        self.included = exchanges.inclusions(self.text)

    def test_every_route_has_a_response_sample(self) -> None:
        answered = {(e.route.method, e.route.path)
                    for e in exchanges.EXCHANGES}
        for route in routes.ROUTES:
            # The healthcheck answers plain text, for load balancers.
            if route.handler is None:
                continue
            self.assertIn((route.method, route.path), answered,
                          'no response sample for this route')

    def test_every_sample_is_included_and_sent(self) -> None:
        files = {path.name for path in exchanges.SAMPLES.iterdir()}
        included = {i.sample for i in self.included}
        sent = {name for e in exchanges.EXCHANGES for name in e.samples()}
        self.assertEqual(files, included, 'included in index.rst')
        self.assertEqual(files, sent, 'sent by an exchange')

    def test_samples_sit_under_their_routes(self) -> None:
        for exchange in exchanges.EXCHANGES:
            route = '%s %s' % (exchange.route.method, exchange.route.path)
            for name in exchange.samples():
                for inclusion in self.included:
                    if inclusion.sample != name:
                        continue
                    # Before the first route: the general sections
                    # (authentication, errors), which hold for every route.
                    self.assertIn(inclusion.route, (None, route), name)

    def test_the_reference_states_each_status_and_query(self) -> None:
        for exchange in exchanges.EXCHANGES:
            introductions = [i.introduction for i in self.included
                             if i.sample == exchange.response]
            self.assertTrue(introductions, exchange.response)
            for introduction in introductions:
                self.assertIn(str(exchange.status), introduction,
                              exchange.response)
                if exchange.query:
                    self.assertIn('``%s``' % exchange.documented_request,
                                  introduction, exchange.response)

    def test_no_example_is_inline(self) -> None:
        # A literal block is an example nobody checks; use a sample file.
        for number, line in enumerate(self.text.splitlines(), 1):
            self.assertFalse(line.rstrip().endswith('::')
                             and not line.startswith('..'),
                             'index.rst:%d: %s' % (number, line))


class TestSampleMatch(test_base.TestCase):
    """The comparison is as strict as the reference promises."""

    SAMPLE = {'uuid': '2864a139-c2cd-4f9f-abf3-44eb3f09b83c',
              'kind': 'board', 'maintenance': False, 'project_id': 'p1',
              'created_at': '2024-05-01T12:00:00+00:00',
              'error': 'Deployable 2864a139-c2cd-4f9f-abf3-44eb3f09b83c '
                       'was not found.',
              'children': [{'pci_offset': '0', 'kpi': None}]}

    def answer(self, **changes: Any) -> dict[str, Any]:
        return dict(self.SAMPLE, **changes)

    def test_another_instance_fits(self) -> None:
        other = str(uuid.uuid4())
        self.assertEqual([], sample_match.mismatches(self.SAMPLE, self.answer(
            uuid=other, project_id='p2',
            created_at='2030-01-02T03:04:05.678901+00:00',
            error='Deployable %s was not found.' % other)))

    def test_each_difference_is_found(self) -> None:
        cases: list[dict[str, Any]] = [
                {'kind': 'region'},                    # an enumeration
                {'maintenance': 0},                    # a JSON type
                {'uuid': '2864a139'},                  # a form
                {'created_at': '2024-05-01T12:00:00'},  # no offset
                {'error': 'Deployable gone.'},         # a fixed message
                {'children': []},                      # a list's length
                {'children': [{'pci_offset': '1', 'kpi': None}]},
                {'children': [{'pci_offset': '0', 'kpi': ''}]},
                {'extra': 1}]                          # a key
        for changes in cases:
            self.assertNotEqual([], sample_match.mismatches(
                self.SAMPLE, self.answer(**changes)), changes)

    def test_a_shortened_sample_value_does_not_fit(self) -> None:
        self.assertNotEqual([], sample_match.mismatches(
            {'uuid': '2864a139-...'}, {'uuid': str(uuid.uuid4())}))


class MariaDBApiRefTest(base.DeploymentTestCase):
    """Each documented exchange against a deployment on MariaDB."""

    backend = 'mysql'
    # Each exchange that loads has a region of its own, so that the order
    # of the tests does not matter.
    regions_per_host = 3
    _roles: ClassVar[dict[str, str] | None] = None

    @classmethod
    def tearDownClass(cls) -> None:
        cls._roles = None
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        if type(self).__dict__.get('_roles') is None:
            type(self)._roles = self._build_scenario()
        roles = type(self)._roles
        assert roles is not None
        self.roles = roles

    def _build_scenario(self) -> dict[str, str]:
        """Deployables and bitstreams playing each role of the exchanges.

        One project owns every board and region; each host has a PR
        bitstream whose metadata is the reference's, and the first region
        of host-a holds one.
        """
        host_a = self.deployment.hosts['host-a']
        host_b = self.deployment.hosts['host-b']
        project = self.new_project()
        self.assign_all(project)
        roles = {
            'project': project,
            'loaded_region': host_a.regions[0],
            'free_region': host_a.regions[1],
            'failing_region': host_b.regions[0],
            'busy_region': host_b.regions[1],
            'maintenance_region': host_b.regions[2],
        }
        shown = exchanges.sample('bitstream-show-response.json')['bitstream']
        for host in (host_a, host_b):
            function = str(uuid.uuid4())
            properties = dict(shown['properties'], shell_id=host.shell,
                              region_uuid=host.region_type,
                              function_uuid=function)
            properties['bs-uuid'] = str(uuid.uuid4())
            image = self.bitstream(project, uuid.uuid4().bytes * 1024,
                                   name=shown['name'], properties=properties)
            roles['image@' + host.name] = image
            roles['function@' + host.name] = function
        loaded = self.program(roles['loaded_region'], roles['image@host-a'],
                              'alice:%s' % project)
        self.assertEqual(200, loaded.status_code, loaded.text)
        return roles

    def token(self, persona: str | None) -> str | None:
        project = self.roles['project']
        return {None: None, 'member': 'alice:%s' % project,
                'reader': 'bob:%s:reader' % project,
                'admin': self.ADMIN_TOKEN}[persona]

    def real(self, exchange: Exchange, text: str) -> str:
        """``text`` with the reference's example values made real."""
        for value, role in exchanges.SAMPLE_IDS.items():
            if role in ('image', 'function'):
                role = '%s@%s' % (role, exchange.host)
            text = text.replace(value, self.roles[role])
        return text

    def send(self, exchange: Exchange) -> Any:
        path = exchange.path.format(
            missing=str(uuid.uuid4()), image=self.roles['image@host-a'],
            **self.roles)
        if exchange.query:
            path += '?' + self.real(exchange, exchange.query)
        kwargs: dict[str, Any] = {}
        if exchange.request is not None:
            body = self.real(exchange,
                             exchanges.sample_text(exchange.request))
            if exchange.request.endswith('.txt'):
                kwargs['data'] = body.strip()
                kwargs['headers'] = {
                    'Content-Type': 'application/x-www-form-urlencoded'}
            else:
                kwargs['json'] = json.loads(body)
        return self.deployment.request(exchange.method, path,
                                       token=self.token(exchange.token),
                                       **kwargs)

    def check(self, exchange: Exchange) -> None:
        if exchange.prepare:
            getattr(self, '_prepare_' + exchange.prepare)(exchange)
        response = self.send(exchange)
        self.assertEqual(exchange.status, response.status_code, response.text)
        # What the reference promises of every response.
        self.assertEqual('application/json',
                         response.headers['Content-Type'])
        self.assertIn(REQUEST_ID, response.headers)
        text = exchanges.sample_text(exchange.response)
        if exchange.exact_bytes:
            self.assertEqual(text.strip().encode(), response.content)
            self.assertEqual(exchange.code, response.headers[ERROR_CODE])
            return
        expected = json.loads(text)
        actual = response.json()
        for key in exchange.strip:
            actual.pop(key, None)
        found = sample_match.mismatches(expected, actual)
        self.assertEqual([], found, 'the API answered %s' % response.text)
        if exchange.status >= 400:
            self.assertEqual(expected['code'], response.headers[ERROR_CODE])

    # The stages some exchanges need.

    def _prepare_failing(self, exchange: Exchange) -> None:
        host = self.deployment.hosts[exchange.host]
        # The reason the sample shows, as a vendor tool would give it.
        host.set_fault(self.roles['failing_region'], 'error',
                       reason='CRC error in frame 12')
        self.addCleanup(host.clear_faults)

    def _prepare_busy(self, exchange: Exchange) -> None:
        """A load of the region under way while the exchange asks for one."""
        host = self.deployment.hosts[exchange.host]
        region = self.roles['busy_region']
        host.set_fault(region, 'delay', seconds=3)
        self.addCleanup(host.clear_faults)
        pool = futures.ThreadPoolExecutor(1)
        first = pool.submit(self.program, region,
                            self.roles['image@' + exchange.host],
                            self.token('member'))
        # Cleanups run last first: the first load ends before the fault
        # file goes.
        self.addCleanup(self._finished, pool, first)
        services.wait_for(
            lambda: self.deployment.db.get_deployable(region).state
            == 'programming', 30, 'the first load starting')

    def _finished(self, pool: futures.ThreadPoolExecutor,
                  first: futures.Future[Any]) -> None:
        pool.shutdown()
        self.assertEqual(200, first.result().status_code, first.result().text)

    def _prepare_maintenance(self, exchange: Exchange) -> None:
        # What the PATCH sample asks, whichever test runs first.
        update = json.loads(self.real(exchange, exchanges.sample_text(
            'deployable-update-request.json')))
        self.assign(self.roles['maintenance_region'], update.pop('project_id'),
                    **update)


def _test(exchange: Exchange) -> Callable[[MariaDBApiRefTest], None]:
    def test(self: MariaDBApiRefTest) -> None:
        self.check(exchange)
    test.__doc__ = '%s %s: %s' % (exchange.method, exchange.path,
                                  exchange.response)
    return test


class PostgreSQLApiRefTest(MariaDBApiRefTest):
    backend = 'postgresql'


for _exchange in exchanges.EXCHANGES:
    setattr(MariaDBApiRefTest, 'test_' + _exchange.name, _test(_exchange))
