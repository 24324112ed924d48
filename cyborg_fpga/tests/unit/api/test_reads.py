"""The GET routes: what is loaded, history, deployables, versions."""

from __future__ import annotations

import datetime
import urllib.parse

from cyborg_fpga.tests.unit.api import base
from cyborg_fpga.tests.unit.api import fakes

REGION = 'a0000000-0000-4000-8000-000000000001'
PREVIOUS = 'b0000000-0000-4000-8000-000000000002'
AT = datetime.datetime(2024, 5, 2, 8, 30, 0)
NOTHING_LOADED = {'bs_uuid': None, 'function_uuid': None,
                  'function_name': None, 'driver': None, 'driver_ver': None,
                  'driver_path': None}


class TestShowFpga(base.ApiTestCase):

    def test_never_programmed(self) -> None:
        response = self.call('GET', '/fpga/' + base.DEPLOYABLE)
        self.assertEqual(200, response.status_int)
        self.assertEqual({'deployable': {
            'uuid': base.DEPLOYABLE, 'host': 'host-1', 'kind': 'board',
            'name': 'fpga0', 'state': 'ready', 'loaded_bitstream': None,
            'loaded_at': None, 'loaded_metadata': NOTHING_LOADED,
            'last_program': None}}, response.json)

    def test_loaded_metadata(self) -> None:
        self.db.add(fakes.deployable(
            base.DEPLOYABLE, loaded_bitstream=PREVIOUS, loaded_at=AT,
            loaded_bs_uuid='shell-uuid', loaded_function_uuid='fn-uuid',
            loaded_function_name='nic-40', loaded_driver='SDX',
            loaded_driver_ver='1.0', loaded_driver_path='/path/'))
        body = self.call('GET', '/fpga/' + base.DEPLOYABLE).json
        self.assertEqual({'bs_uuid': 'shell-uuid', 'function_uuid': 'fn-uuid',
                          'function_name': 'nic-40', 'driver': 'SDX',
                          'driver_ver': '1.0', 'driver_path': '/path/'},
                         body['deployable']['loaded_metadata'])

    def test_after_a_failed_load(self) -> None:
        self.db.add(fakes.deployable(
            base.DEPLOYABLE, loaded_bitstream=PREVIOUS, loaded_at=AT,
            last_bitstream=base.BITSTREAM, last_code=1,
            last_error_code='fpga.program_failed', last_reason='CRC error',
            last_program_at=AT))
        body = self.call('GET', '/fpga/' + base.DEPLOYABLE).json
        self.assertEqual(PREVIOUS, body['deployable']['loaded_bitstream'])
        self.assertEqual('2024-05-02T08:30:00+00:00',
                         body['deployable']['loaded_at'])
        self.assertEqual({'bitstream': base.BITSTREAM, 'code': 1,
                          'error_code': 'fpga.program_failed',
                          'reason': 'CRC error',
                          'at': '2024-05-02T08:30:00+00:00'},
                         body['deployable']['last_program'])

    def test_unknown_deployable(self) -> None:
        self.assertError(self.call('GET', '/fpga/' + REGION), 404,
                         'fpga.deployable_not_found')

    def test_bad_uuid(self) -> None:
        self.assertError(self.call('GET', '/fpga/xyz'), 400,
                         'fpga.invalid_uuid')

    def test_unknown_query_parameter(self) -> None:
        self.assertError(self.call('GET', '/fpga/%s?x=1' % base.DEPLOYABLE),
                         400, 'fpga.invalid_request')

    def test_needs_a_token(self) -> None:
        self.assertError(self.call('GET', '/fpga/' + base.DEPLOYABLE,
                                   token=None), 401, 'fpga.not_authenticated')


class TestHistory(base.ApiTestCase):

    def test_history_newest_first_as_the_database_returns_it(self) -> None:
        self.db.histories[base.DEPLOYABLE] = [
            fakes.history(base.DEPLOYABLE, bitstream_uuid=base.BITSTREAM,
                          started_at=AT),
            fakes.history(base.DEPLOYABLE, bitstream_uuid=PREVIOUS,
                          result='failed', code=1,
                          error_code='fpga.program_failed', reason='CRC'),
        ]
        response = self.call('GET', '/fpga/%s/history' % base.DEPLOYABLE)
        self.assertEqual(200, response.status_int)
        history = response.json['history']
        self.assertEqual([base.BITSTREAM, PREVIOUS],
                         [h['bitstream'] for h in history])
        self.assertEqual({'bitstream', 'host', 'user_id', 'project_id',
                          'request_id', 'started_at', 'finished_at',
                          'duration_ms', 'result', 'code', 'error_code',
                          'reason'}, set(history[1]))
        self.assertEqual('fpga.program_failed', history[1]['error_code'])
        # A member sees its own project's attempts only.
        self.assertEqual(('list_history', {'limit': 50, 'project_id': 'p1'}),
                         self.db.calls[-1])

    def test_limit(self) -> None:
        self.call('GET', '/fpga/%s/history?limit=2' % base.DEPLOYABLE)
        self.assertEqual(2, self.db.calls[-1][1]['limit'])
        self.conf.set_override('max_limit', 10, group='api')
        self.call('GET', '/fpga/%s/history?limit=5000' % base.DEPLOYABLE)
        self.assertEqual(10, self.db.calls[-1][1]['limit'])

    def test_bad_limit(self) -> None:
        for limit in ('0', '-1', 'ten', '1.5', ''):
            response = self.call(
                'GET', '/fpga/%s/history?limit=%s' % (base.DEPLOYABLE, limit))
            data = self.assertError(response, 400, 'fpga.invalid_request')
            self.assertIn('limit must be a positive integer', data['error'])

    def test_unknown_deployable(self) -> None:
        self.assertError(self.call('GET', '/fpga/%s/history' % REGION), 404,
                         'fpga.deployable_not_found')


class TestDeployables(base.ApiTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.db.add(fakes.deployable(
            REGION, parent_uuid=base.DEPLOYABLE, kind='region', name='pr0',
            loaded_bitstream=base.BITSTREAM))

    def test_list(self) -> None:
        response = self.call('GET', '/deployables')
        self.assertEqual(200, response.status_int)
        body = response.json
        self.assertNotIn('next', body)
        self.assertEqual([base.DEPLOYABLE, REGION],
                         [d['uuid'] for d in body['deployables']])
        self.assertEqual(
            {'uuid', 'parent_uuid', 'host', 'kind', 'name', 'vendor',
             'board', 'address', 'driver', 'region_type_uuid', 'state',
             'loaded_bitstream', 'loaded_at', 'loaded_metadata',
             'pci_offset', 'capability', 'kpi', 'last_program', 'created_at',
             'updated_at', 'project_id', 'maintenance',
             'maintenance_reason'}, set(body['deployables'][0]))

    def test_filters_reach_the_database(self) -> None:
        query = ('host=host-1&kind=region&vendor=xilinx&board=u250&'
                 'state=ready&parent_uuid=' + base.DEPLOYABLE.upper())
        body = self.call('GET', '/deployables?' + query).json
        self.assertEqual([REGION], [d['uuid'] for d in body['deployables']])
        self.assertEqual(base.DEPLOYABLE,
                         self.db.calls[-1][1]['parent_uuid'])

    def test_load_filters_reach_the_database(self) -> None:
        self.call('GET', '/deployables?name=pr0&function_uuid=F-1&'
                  'function_name=nic&loaded_bitstream='
                  + base.BITSTREAM.upper())
        self.assertEqual(
            {'name': 'pr0', 'function_uuid': 'F-1', 'function_name': 'nic',
             'loaded_bitstream': base.BITSTREAM},
            {key: value for key, value in self.db.calls[-1][1].items()
             if key in ('name', 'function_uuid', 'function_name',
                        'loaded_bitstream')})

    def test_kind_filter_takes_every_kind(self) -> None:
        pf = 'c0000000-0000-4000-8000-000000000003'
        self.db.add(fakes.deployable(pf, parent_uuid=REGION, kind='pf',
                                     name='pf_1', pci_offset='0'))
        for kind, uuids in (('pf', [pf]), ('vf', []), ('region', [REGION]),
                            ('board', [base.DEPLOYABLE])):
            body = self.call('GET', '/deployables?kind=' + kind).json
            self.assertEqual(uuids, [d['uuid'] for d in body['deployables']])
        body = self.call('GET', '/deployables?kind=pf').json
        self.assertEqual('0', body['deployables'][0]['pci_offset'])
        data = self.assertError(self.call('GET', '/deployables?kind=fpga'),
                                400, 'fpga.invalid_request')
        self.assertIn('kind must be one of board, region, pf or vf',
                      data['error'])

    def test_bad_filters(self) -> None:
        self.assertError(self.call('GET', '/deployables?parent_uuid=x'), 400,
                         'fpga.invalid_uuid')
        self.assertError(self.call('GET', '/deployables?marker=x'), 400,
                         'fpga.invalid_uuid')
        self.assertError(self.call('GET', '/deployables?colour=red'), 400,
                         'fpga.invalid_request')
        self.assertError(self.call('GET', '/deployables?host=a&host=b'), 400,
                         'fpga.invalid_request')

    def test_pagination_next_link(self) -> None:
        response = self.call('GET', '/deployables?limit=1&kind=board')
        self.assertEqual(200, response.status_int)
        body = response.json
        self.assertEqual([base.DEPLOYABLE],
                         [d['uuid'] for d in body['deployables']])
        self.assertNotIn('next', body)

        body = self.call('GET', '/deployables?limit=1').json
        self.assertEqual([base.DEPLOYABLE],
                         [d['uuid'] for d in body['deployables']])
        url = urllib.parse.urlsplit(body['next'])
        self.assertEqual(('http', 'localhost', '/deployables'),
                         (url.scheme, url.netloc, url.path))
        self.assertEqual({'limit': ['1'], 'marker': [base.DEPLOYABLE]},
                         urllib.parse.parse_qs(url.query))

        body = self.call('GET', '/deployables?' + url.query).json
        self.assertEqual([REGION], [d['uuid'] for d in body['deployables']])
        self.assertNotIn('next', body)

    def test_next_link_keeps_the_filters(self) -> None:
        body = self.call('GET', '/deployables?limit=1&host=host-1').json
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(
            body['next']).query)
        self.assertEqual(['host-1'], query['host'])

    def test_limit_is_capped(self) -> None:
        self.conf.set_override('max_limit', 1, group='api')
        body = self.call('GET', '/deployables?limit=100').json
        self.assertEqual(1, len(body['deployables']))
        self.assertIn('next', body)

    def test_unknown_marker(self) -> None:
        self.assertError(self.call('GET', '/deployables?marker=' + PREVIOUS),
                         400, 'fpga.invalid_request')

    def test_show_board_with_children(self) -> None:
        body = self.call('GET', '/deployables/' + base.DEPLOYABLE).json
        deployable = body['deployable']
        self.assertIsNone(deployable['parent'])
        self.assertEqual([{'uuid': REGION, 'name': 'pr0', 'kind': 'region',
                           'state': 'ready',
                           'loaded_bitstream': base.BITSTREAM,
                           'loaded_metadata': NOTHING_LOADED,
                           'pci_offset': None, 'capability': None,
                           'kpi': None, 'children': []}],
                         deployable['children'])
        self.assertEqual('2024-05-01T12:00:00+00:00',
                         deployable['created_at'])

    def test_show_the_whole_tree(self) -> None:
        # board -> region -> pf -> vf, each level nested in the one above.
        pf = 'c0000000-0000-4000-8000-000000000003'
        vf = 'd0000000-0000-4000-8000-000000000004'
        self.db.add(fakes.deployable(
            pf, parent_uuid=REGION, kind='pf', name='pf_1', pci_offset='0',
            capability='crypto', kpi='40G'))
        self.db.add(fakes.deployable(vf, parent_uuid=pf, kind='vf',
                                     name='vf_1', pci_offset='1'))
        self.db.add(fakes.deployable(
            REGION, parent_uuid=base.DEPLOYABLE, kind='region', name='pr0',
            loaded_bitstream=base.BITSTREAM, loaded_bs_uuid='fn-bs',
            loaded_function_uuid='fn', loaded_function_name='nic-40'))
        body = self.call('GET', '/deployables/' + base.DEPLOYABLE).json
        (region,) = body['deployable']['children']
        self.assertEqual({'bs_uuid': 'fn-bs', 'function_uuid': 'fn',
                          'function_name': 'nic-40', 'driver': None,
                          'driver_ver': None, 'driver_path': None},
                         region['loaded_metadata'])
        (pf_view,) = region['children']
        self.assertEqual((pf, 'pf', 'pf_1', '0', 'crypto', '40G'),
                         (pf_view['uuid'], pf_view['kind'], pf_view['name'],
                          pf_view['pci_offset'], pf_view['capability'],
                          pf_view['kpi']))
        self.assertEqual([(vf, 'vf', '1', [])],
                         [(c['uuid'], c['kind'], c['pci_offset'],
                           c['children']) for c in pf_view['children']])
        # From a PF: its parent, and its VFs below.
        body = self.call('GET', '/deployables/' + pf).json['deployable']
        self.assertEqual({'uuid': REGION, 'name': 'pr0', 'kind': 'region'},
                         body['parent'])
        self.assertEqual([vf], [c['uuid'] for c in body['children']])
        self.assertEqual('crypto', body['capability'])

    def test_show_region_with_parent(self) -> None:
        body = self.call('GET', '/deployables/' + REGION).json
        self.assertEqual({'uuid': base.DEPLOYABLE, 'name': 'fpga0',
                          'kind': 'board'}, body['deployable']['parent'])
        self.assertEqual([], body['deployable']['children'])

    def test_show_unknown(self) -> None:
        self.assertError(self.call('GET', '/deployables/' + PREVIOUS), 404,
                         'fpga.deployable_not_found')


class TestVersions(base.ApiTestCase):

    def test_root_needs_no_token(self) -> None:
        self.conf.set_override('auth_strategy', 'keystone', group='api')
        response = self.call('GET', '/', token=None)
        self.assertEqual(200, response.status_int)
        self.assertEqual({'versions': [{
            'id': 'v1', 'status': 'CURRENT',
            'links': [{'rel': 'self', 'href': 'http://localhost/'}]}]},
            response.json)

    def test_noauth_says_so(self) -> None:
        body = self.call('GET', '/', token=None).json
        self.assertEqual('noauth', body['auth_strategy'])
        self.assertIn('NO AUTHENTICATION', body['warning'])
        self.assertEqual('v1', body['versions'][0]['id'])
        # And in the log, loudly, by the process that built the API.
        self.assertIn('auth_strategy = noauth: NO AUTHENTICATION',
                      self.log.output)

    def test_healthcheck_needs_no_token(self) -> None:
        response = self.call('GET', '/healthcheck', token=None)
        self.assertEqual(200, response.status_int)
