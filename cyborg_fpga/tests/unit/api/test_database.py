"""The read routes over a real (SQLite) database, not the fake.

The fake keeps the other tests small; this checks that the views and the
pagination agree with the real models and queries.
"""

from __future__ import annotations

from typing import Any
import urllib.parse

from cyborg_fpga.db import api as db_api
from cyborg_fpga.db import history as db_history
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.unit.api import base
from cyborg_fpga.tests.unit.api import test_bitstreams
from cyborg_fpga.tests.unit.db import base as db_base
from cyborg_fpga import topology

BOARD = base.DEPLOYABLE
REGIONS = ['a0000000-0000-4000-8000-00000000000%d' % i for i in (1, 2)]
IMAGE = base.BITSTREAM
SHELL = 'e0000000-0000-4000-8000-00000000000e'
REGION_TYPE = 'f0000000-0000-4000-8000-00000000000f'


class TestReadsOnSqlite(base.ApiTestCase):

    def setUp(self) -> None:
        super().setUp()
        engine = self.useFixture(database.SqliteDatabase()).engine
        self.real_db = db_api.Connection(engine)
        self.db = self.real_db  # type: ignore[assignment]
        board = {'uuid': BOARD, 'kind': 'board', 'name': 'fpga0',
                 'vendor': 'xilinx', 'board': 'u250',
                 'address': '0000:3b:00.0', 'driver': 'fake',
                 'loaded_bs_uuid': SHELL}
        regions = [{'uuid': uuid, 'kind': 'region', 'name': 'pr%d' % i,
                    'vendor': 'xilinx', 'board': 'u250', 'driver': 'fake',
                    'parent_uuid': BOARD, 'region_type_uuid': REGION_TYPE}
                   for i, uuid in enumerate(REGIONS)]
        self.real_db.sync_inventory('host-1', ['fake'], [board] + regions)
        for uuid in [BOARD] + REGIONS:
            self.real_db.assign(uuid, 'p1')

    def test_show_and_children(self) -> None:
        body = self.call('GET', '/deployables/' + BOARD).json['deployable']
        self.assertEqual('0000:3b:00.0', body['address'])
        self.assertIsNone(body['parent'])
        self.assertEqual(REGIONS, sorted(c['uuid'] for c in body['children']))
        region = self.call('GET', '/deployables/' + REGIONS[0]).json
        self.assertEqual(BOARD, region['deployable']['parent']['uuid'])

    def test_pages_cover_everything_once(self) -> None:
        seen: list[str] = []
        url = '/deployables?limit=2'
        while url:
            body = self.call('GET', url).json
            seen.extend(d['uuid'] for d in body['deployables'])
            url = body.get('next')
            if url:
                url = urllib.parse.urlsplit(url)
                url = '%s?%s' % (url.path, url.query)
        self.assertEqual(sorted([BOARD] + REGIONS), sorted(seen))
        self.assertEqual(3, len(seen))

    def test_unknown_marker(self) -> None:
        self.assertError(
            self.call('GET', '/deployables?marker=' + base.BITSTREAM), 400,
            'fpga.invalid_request')

    def test_fpga_show_and_history(self) -> None:
        history_id = self.real_db.begin_load('req-1', dict(
            deployable_uuid=REGIONS[0], host='host-1',
            bitstream_uuid=base.BITSTREAM, user_id='alice', project_id='p1',
            request_id='req-1'))
        self.real_db.release_deployable(
            REGIONS[0], 'req-1', state='ready', loaded_bitstream=None,
            update_loaded=False, bitstream_uuid=base.BITSTREAM, code=1,
            error_code='fpga.program_failed', reason='CRC error',
            finished=db_history.Finished(history_id, 'failed', 12))
        body = self.call('GET', '/fpga/' + REGIONS[0]).json['deployable']
        self.assertEqual('ready', body['state'])
        history = self.call('GET', '/fpga/%s/history' % REGIONS[0]).json
        self.assertEqual([('failed', 'fpga.program_failed', 12)],
                         [(h['result'], h['error_code'], h['duration_ms'])
                          for h in history['history']])
        self.assertTrue(history['history'][0]['finished_at'].endswith(
            '+00:00'))

    def test_tree_after_a_load_with_the_specification_topology(self) -> None:
        self.real_db.acquire_deployable(REGIONS[0], 'req-1')
        self.real_db.release_deployable(
            REGIONS[0], 'req-1', state='ready', loaded_bitstream=IMAGE,
            update_loaded=True, bitstream_uuid=IMAGE, code=0,
            error_code=None, reason=None, loaded_metadata=db_base.METADATA,
            children=topology.children_of(REGIONS[0], 'host-1',
                                          db_base.SPEC_TOPOLOGY))
        body = self.call('GET', '/deployables/' + BOARD).json['deployable']

        def shape(children: list[dict[str, Any]]) -> list[Any]:
            return [(c['kind'], c['name'], shape(c['children']))
                    for c in children]

        self.assertEqual(
            [('region', 'pr0', [('pf', 'pf_1', [('vf', 'vf_1', [])]),
                                ('pf', 'pf_2', [('vf', 'vf_2', [])])]),
             ('region', 'pr1', [])], shape(body['children']))
        region = body['children'][0]
        self.assertEqual(dict(db_base.METADATA), region['loaded_metadata'])
        self.assertEqual(IMAGE, region['loaded_bitstream'])
        vf_2 = region['children'][1]['children'][0]
        self.assertEqual('3', vf_2['pci_offset'])
        # The board's own metadata: the hardware's shell only.
        self.assertEqual(SHELL, body['loaded_metadata']['bs_uuid'])
        fpga = self.call('GET', '/fpga/' + REGIONS[0]).json['deployable']
        self.assertEqual('nic-40', fpga['loaded_metadata']['function_name'])
        listed = self.call('GET', '/deployables?kind=vf').json
        self.assertEqual(['vf_1', 'vf_2'],
                         [d['name'] for d in listed['deployables']])

    def test_compatible_bitstreams_of_real_rows(self) -> None:
        pr = {'vendor': 'xilinx', 'board': 'u250', 'shell_id': SHELL,
              'region_uuid': REGION_TYPE}
        self.images.images = [
            test_bitstreams.image('shell', vendor='xilinx', board='u250'),
            test_bitstreams.image('pr', **pr),
            test_bitstreams.image('pr-old-shell',
                                  **dict(pr, shell_id=base.BITSTREAM)),
        ]
        names = {uuid: [b['name'] for b in self.call(
            'GET', '/fpga/%s/bitstreams' % uuid).json['bitstreams']]
            for uuid in (BOARD, REGIONS[0])}
        self.assertEqual({BOARD: ['shell'], REGIONS[0]: ['pr']}, names)
        self.assertEqual({'status': 'active', 'vendor': 'xilinx',
                          'board': 'u250', 'shell_id': SHELL,
                          'region_uuid': REGION_TYPE},
                         self.images.calls[-1][1])
