"""The read routes over a real (SQLite) database, not the fake.

The fake keeps the other tests small; this checks that the views and the
pagination agree with the real models and queries.
"""

from __future__ import annotations

import urllib.parse

from cyborg_fpga.db import api as db_api
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.unit.api import base

BOARD = base.DEPLOYABLE
REGIONS = ['a0000000-0000-4000-8000-00000000000%d' % i for i in (1, 2)]


class TestReadsOnSqlite(base.ApiTestCase):

    def setUp(self) -> None:
        super().setUp()
        engine = self.useFixture(database.SqliteDatabase()).engine
        self.real_db = db_api.Connection(engine)
        self.db = self.real_db  # type: ignore[assignment]
        board = {'uuid': BOARD, 'kind': 'board', 'name': 'fpga0',
                 'vendor': 'xilinx', 'board': 'u250',
                 'address': '0000:3b:00.0', 'driver': 'fake'}
        regions = [{'uuid': uuid, 'kind': 'region', 'name': 'pr%d' % i,
                    'vendor': 'xilinx', 'board': 'u250', 'driver': 'fake',
                    'parent_uuid': BOARD} for i, uuid in enumerate(REGIONS)]
        self.real_db.sync_inventory('host-1', ['fake'], [board] + regions)

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
        history_id = self.real_db.start_history(
            deployable_uuid=REGIONS[0], host='host-1',
            bitstream_uuid=base.BITSTREAM, user_id='alice', project_id='p1',
            request_id='req-1')
        self.real_db.finish_history(history_id, result='failed', code=1,
                               error_code='fpga.program_failed',
                               reason='CRC error', duration_ms=12)
        body = self.call('GET', '/fpga/' + REGIONS[0]).json['deployable']
        self.assertEqual('ready', body['state'])
        history = self.call('GET', '/fpga/%s/history' % REGIONS[0]).json
        self.assertEqual([('failed', 'fpga.program_failed', 12)],
                         [(h['result'], h['error_code'], h['duration_ms'])
                          for h in history['history']])
        self.assertTrue(history['history'][0]['finished_at'].endswith(
            '+00:00'))
