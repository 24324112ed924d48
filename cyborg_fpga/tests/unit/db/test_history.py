"""The record of loads, newest first, kept after a deployable goes."""

from __future__ import annotations

from cyborg_fpga.db import models
from cyborg_fpga.tests.unit.db import base


class TestHistory(base.DbTestCase):

    def start(self, deployable_uuid: str, request_id: str = 'req-1') -> int:
        return self.dbapi.start_history(
            deployable_uuid=deployable_uuid, host='h1',
            bitstream_uuid='image-1', user_id='user-1',
            project_id='project-1', request_id=request_id)

    def test_start(self) -> None:
        before = models.utcnow()
        board = base.new_uuid()
        history_id = self.start(board)
        (record,) = self.dbapi.list_history(board)
        self.assertEqual(history_id, record.id)
        self.assertEqual(models.IN_PROGRESS, record.result)
        self.assertEqual('h1', record.host)
        self.assertEqual('image-1', record.bitstream_uuid)
        self.assertEqual('user-1', record.user_id)
        self.assertEqual('project-1', record.project_id)
        self.assertEqual('req-1', record.request_id)
        self.assertNotBefore(record.started_at, before)
        self.assertIsNone(record.finished_at)
        self.assertIsNone(record.duration_ms)

    def test_finish(self) -> None:
        board = base.new_uuid()
        history_id = self.start(board)
        self.dbapi.finish_history(history_id, result=models.FAILED, code=1,
                                  error_code='fpga.program_failed',
                                  reason='CRC mismatch', duration_ms=1234)
        (record,) = self.dbapi.list_history(board)
        self.assertEqual(models.FAILED, record.result)
        self.assertEqual(1, record.code)
        self.assertEqual('fpga.program_failed', record.error_code)
        self.assertEqual('CRC mismatch', record.reason)
        self.assertEqual(1234, record.duration_ms)
        self.assertNotBefore(record.finished_at, record.started_at)
        data = record.to_dict()
        self.assertEqual('failed', data['result'])
        self.assertTrue(data['finished_at'].endswith('Z'))

    def test_finish_without_agent_code(self) -> None:
        board = base.new_uuid()
        history_id = self.start(board)
        self.dbapi.finish_history(history_id, result=models.FAILED,
                                  code=None,
                                  error_code='fpga.agent_unavailable',
                                  reason='timed out', duration_ms=900000)
        self.assertIsNone(self.dbapi.list_history(board)[0].code)

    def test_finish_rejects_in_progress(self) -> None:
        history_id = self.start(base.new_uuid())
        self.assertRaises(ValueError, self.dbapi.finish_history, history_id,
                          result=models.IN_PROGRESS, code=None,
                          error_code=None, reason=None, duration_ms=0)

    def test_finish_unknown_record(self) -> None:
        # A lost record is logged, never an error for the load.
        self.dbapi.finish_history(12345, result=models.SUCCEEDED, code=0,
                                  error_code=None, reason=None,
                                  duration_ms=1)

    def test_newest_first_and_limit(self) -> None:
        board, other = base.new_uuid(), base.new_uuid()
        ids = [self.start(board, 'req-%d' % i) for i in range(5)]
        self.start(other)
        self.assertEqual(list(reversed(ids)),
                         [r.id for r in self.dbapi.list_history(board)])
        self.assertEqual([ids[4], ids[3]],
                         [r.id for r in self.dbapi.list_history(board, 2)])
        self.assertEqual(1, len(self.dbapi.list_history(other)))
        self.assertEqual([], self.dbapi.list_history(base.new_uuid()))

    def test_outlives_its_deployable(self) -> None:
        board, _ = self.make_board(host='h1')
        self.start(board)
        self.dbapi.sync_inventory('h1', ['fake'], [])
        self.assertEqual(1, len(self.dbapi.list_history(board)))
