"""The record of loads, newest first, kept after a deployable goes.

A load starts its record in the transaction that takes the lock
(``begin_load``) and ends it in the one that releases it
(``release_deployable(finished=...)``).
"""

from __future__ import annotations

import datetime
from typing import Any

from cyborg_fpga.db import history
from cyborg_fpga.db import models
from cyborg_fpga import exception
from cyborg_fpga.tests.unit.db import base


class TestHistory(base.DbTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.board, (self.region,) = self.make_board(regions=1, host='h1')

    def begin(self, uuid: str, request_id: str = 'req-1') -> int:
        return self.dbapi.begin_load(request_id, dict(
            deployable_uuid=uuid, host='h1', bitstream_uuid='image-1',
            user_id='user-1', project_id='project-1', request_id=request_id))

    def end(self, uuid: str, history_id: int, request_id: str = 'req-1',
            result: str = models.SUCCEEDED, **outcome: Any) -> bool:
        values: dict[str, Any] = dict(code=0, error_code=None, reason=None)
        values.update(outcome)
        return self.dbapi.release_deployable(
            uuid, request_id, state=models.READY, loaded_bitstream=None,
            update_loaded=False, bitstream_uuid='image-1',
            finished=history.Finished(history_id, result, 1234), **values)

    def test_begin_locks_and_starts_the_record(self) -> None:
        before = models.utcnow()
        history_id = self.begin(self.board)
        self.assertEqual(('programming', 'req-1'), (
            self.dbapi.get_deployable(self.board).state,
            self.dbapi.get_deployable(self.board).lock_owner))
        (record,) = self.dbapi.list_history(self.board)
        self.assertEqual(history_id, record.id)
        self.assertEqual(models.IN_PROGRESS, record.result)
        self.assertEqual(('h1', 'image-1', 'user-1', 'project-1', 'req-1'),
                         (record.host, record.bitstream_uuid, record.user_id,
                          record.project_id, record.request_id))
        self.assertNotBefore(record.started_at, before)
        self.assertIsNone(record.finished_at)
        self.assertIsNone(record.duration_ms)

    def test_begin_on_a_busy_or_missing_deployable_records_nothing(
            self) -> None:
        self.begin(self.board)
        self.assertRaises(exception.DeployableBusy, self.begin, self.board,
                          'req-2')
        self.assertEqual(['req-1'], [r.request_id for r in
                                     self.dbapi.list_history(self.board)])
        missing = base.new_uuid()
        self.assertRaises(exception.DeployableNotFound, self.begin, missing)
        self.assertEqual([], self.dbapi.list_history(missing))

    def test_begin_takes_two_statements(self) -> None:
        statements = self.count_statements()
        self.begin(self.board)
        self.assertEqual(2, len(statements), str(statements))

    def test_release_ends_the_record(self) -> None:
        history_id = self.begin(self.board)
        self.assertTrue(self.end(self.board, history_id,
                                 result=models.FAILED, code=1,
                                 error_code='fpga.program_failed',
                                 reason='CRC mismatch'))
        (record,) = self.dbapi.list_history(self.board)
        self.assertEqual(
            (models.FAILED, 1, 'fpga.program_failed', 'CRC mismatch', 1234),
            (record.result, record.code, record.error_code, record.reason,
             record.duration_ms))
        self.assertNotBefore(record.finished_at, record.started_at)
        data = record.to_dict()
        self.assertEqual('failed', data['result'])
        self.assertTrue(data['finished_at'].endswith('Z'))
        self.assertEqual(models.READY,
                         self.dbapi.get_deployable(self.board).state)

    def test_without_agent_code(self) -> None:
        history_id = self.begin(self.board)
        self.end(self.board, history_id, result=models.FAILED, code=None,
                 error_code='fpga.agent_unavailable', reason='timed out')
        self.assertIsNone(self.dbapi.list_history(self.board)[0].code)

    def test_a_swept_load_still_ends_its_record(self) -> None:
        history_id = self.begin(self.board)
        self.dbapi.release_stale_locks(
            models.utcnow() + datetime.timedelta(seconds=5), "conductor died")
        self.assertFalse(self.end(self.board, history_id))
        self.assertEqual(models.SUCCEEDED,
                         self.dbapi.list_history(self.board)[0].result)

    def test_finished_is_succeeded_or_failed(self) -> None:
        self.assertRaises(ValueError, history.Finished, 1,
                          models.IN_PROGRESS, 0)

    def test_unknown_record(self) -> None:
        # A lost record is logged, never an error for the load.
        self.begin(self.board)
        self.assertTrue(self.end(self.board, 12345))

    def test_newest_first_and_limit(self) -> None:
        ids = []
        for i in range(5):
            ids.append(self.begin(self.board, 'req-%d' % i))
            self.end(self.board, ids[-1], 'req-%d' % i)
        self.begin(self.region)
        self.assertEqual(list(reversed(ids)),
                         [r.id for r in self.dbapi.list_history(self.board)])
        self.assertEqual([ids[4], ids[3]], [
            r.id for r in self.dbapi.list_history(self.board, 2)])
        self.assertEqual(1, len(self.dbapi.list_history(self.region)))
        self.assertEqual([], self.dbapi.list_history(base.new_uuid()))

    def test_outlives_its_deployable(self) -> None:
        history_id = self.begin(self.board)
        self.end(self.board, history_id)
        self.dbapi.sync_inventory('h1', ['fake'], [])
        self.assertEqual(1, len(self.dbapi.list_history(self.board)))
