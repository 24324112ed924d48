"""The per-deployable lock: acquire, release, and the stale-lock sweep."""

from __future__ import annotations

import datetime
import threading

from cyborg_fpga.db import models
from cyborg_fpga import exception
from cyborg_fpga.tests.unit.db import base

RACERS = 20


class TestAcquire(base.DbTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.board, (self.region,) = self.make_board(regions=1)

    def test_acquire(self) -> None:
        before = models.utcnow()
        row = self.dbapi.acquire_deployable(self.region, 'req-1')
        self.assertEqual(models.PROGRAMMING, row.state)
        self.assertEqual('req-1', row.lock_owner)
        self.assertNotBefore(row.locked_at, before)
        stored = self.dbapi.get_deployable(self.region)
        self.assertEqual(row.to_dict(), stored.to_dict())

    def test_busy(self) -> None:
        self.dbapi.acquire_deployable(self.region, 'req-1')
        error = self.assertRaises(exception.DeployableBusy,
                                  self.dbapi.acquire_deployable,
                                  self.region, 'req-2')
        self.assertEqual({'uuid': self.region}, error.kwargs)
        self.assertEqual('req-1',
                         self.dbapi.get_deployable(self.region).lock_owner)

    def test_busy_for_the_same_owner(self) -> None:
        # A retried request must not load twice at once.
        self.dbapi.acquire_deployable(self.region, 'req-1')
        self.assertRaises(exception.DeployableBusy,
                          self.dbapi.acquire_deployable, self.region, 'req-1')

    def test_not_found(self) -> None:
        uuid = base.new_uuid()
        error = self.assertRaises(exception.DeployableNotFound,
                                  self.dbapi.acquire_deployable, uuid, 'req')
        self.assertEqual({'uuid': uuid}, error.kwargs)

    def test_one_lock_per_deployable(self) -> None:
        self.dbapi.acquire_deployable(self.region, 'req-1')
        # The board and the region are locked separately.
        self.dbapi.acquire_deployable(self.board, 'req-2')
        self.assertEqual(
            [self.board, self.region],
            [d.uuid for d in self.dbapi.list_deployables(
                state=models.PROGRAMMING)])

    def test_from_error(self) -> None:
        self.set_columns(self.region, state=models.ERROR)
        row = self.dbapi.acquire_deployable(self.region, 'req-1')
        self.assertEqual(models.PROGRAMMING, row.state)

    def test_again_after_release(self) -> None:
        self.dbapi.acquire_deployable(self.region, 'req-1')
        self.assertTrue(self.dbapi.release_deployable(
            self.region, 'req-1', state=models.READY, loaded_bitstream=None,
            update_loaded=False, bitstream_uuid='image-1', code=0,
            error_code=None, reason=None))
        row = self.dbapi.acquire_deployable(self.region, 'req-2')
        self.assertEqual('req-2', row.lock_owner)

    def test_few_statements(self) -> None:
        statements = self.count_statements()
        self.dbapi.acquire_deployable(self.region, 'req-1')
        self.assertEqual(2, len(statements), str(statements))

    def test_race(self) -> None:
        # Each racer has its own engine, as separate conductors have.
        connections = [self.new_connection() for _ in range(RACERS)]
        start = threading.Barrier(RACERS)
        outcomes: dict[str, object] = {}

        def race(owner: str, connection: object) -> None:
            start.wait()
            try:
                connection.acquire_deployable(  # type: ignore[attr-defined]
                    self.region, owner)
                outcomes[owner] = 'won'
            except Exception as error:
                outcomes[owner] = error

        threads = [threading.Thread(target=race, args=('req-%d' % i, conn))
                   for i, conn in enumerate(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        winners = [owner for owner, outcome in outcomes.items()
                   if outcome == 'won']
        losers = [outcome for outcome in outcomes.values()
                  if outcome != 'won']
        self.assertEqual(1, len(winners), str(outcomes))
        self.assertEqual(RACERS - 1, len(losers))
        for loser in losers:
            self.assertIsInstance(loser, exception.DeployableBusy)
        row = self.dbapi.get_deployable(self.region)
        self.assertEqual(winners[0], row.lock_owner)
        self.assertEqual(models.PROGRAMMING, row.state)


class TestRelease(base.DbTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.board, _ = self.make_board(loaded_bitstream='image-old')
        self.old_loaded_at = datetime.datetime(2026, 1, 1, 0, 0, 0)
        self.set_columns(self.board, loaded_at=self.old_loaded_at)
        self.dbapi.acquire_deployable(self.board, 'req-1')

    def release(self, owner: str = 'req-1', **kwargs: object) -> bool:
        args: dict[str, object] = dict(
            state=models.READY, loaded_bitstream='image-new',
            update_loaded=True, bitstream_uuid='image-new', code=0,
            error_code=None, reason=None)
        args.update(kwargs)
        return self.dbapi.release_deployable(
            self.board, owner, **args)

    def test_success(self) -> None:
        before = models.utcnow()
        self.assertTrue(self.release())
        row = self.dbapi.get_deployable(self.board)
        self.assertEqual(models.READY, row.state)
        self.assertIsNone(row.lock_owner)
        self.assertIsNone(row.locked_at)
        self.assertEqual('image-new', row.loaded_bitstream)
        self.assertNotBefore(row.loaded_at, before)
        self.assertEqual(0, row.last_code)
        self.assertIsNone(row.last_error_code)
        self.assertIsNone(row.last_reason)
        self.assertEqual('image-new', row.last_bitstream)
        self.assertNotBefore(row.last_program_at, before)

    def test_failure_keeps_loaded(self) -> None:
        # The driver could not say what the device holds: keep what we knew.
        self.assertTrue(self.release(
            state=models.ERROR, loaded_bitstream=None, update_loaded=False,
            code=1, error_code='fpga.program_failed', reason='CRC mismatch'))
        row = self.dbapi.get_deployable(self.board)
        self.assertEqual(models.ERROR, row.state)
        self.assertIsNone(row.lock_owner)
        self.assertEqual('image-old', row.loaded_bitstream)
        self.assertEqual(self.old_loaded_at, row.loaded_at)
        self.assertEqual(1, row.last_code)
        self.assertEqual('fpga.program_failed', row.last_error_code)
        self.assertEqual('CRC mismatch', row.last_reason)
        self.assertEqual('image-new', row.last_bitstream)

    def test_failure_that_emptied_the_device(self) -> None:
        self.assertTrue(self.release(
            state=models.ERROR, loaded_bitstream=None, update_loaded=True,
            code=1, error_code='fpga.program_failed', reason='half-loaded'))
        row = self.dbapi.get_deployable(self.board)
        self.assertIsNone(row.loaded_bitstream)
        self.assertIsNone(row.loaded_at)

    def test_agent_never_answered(self) -> None:
        self.assertTrue(self.release(
            state=models.ERROR, update_loaded=False, code=None,
            error_code='fpga.agent_unavailable', reason='timed out'))
        self.assertIsNone(self.dbapi.get_deployable(self.board).last_code)

    def test_not_the_owner(self) -> None:
        self.assertFalse(self.release(owner='req-2'))
        row = self.dbapi.get_deployable(self.board)
        self.assertEqual(models.PROGRAMMING, row.state)
        self.assertEqual('req-1', row.lock_owner)
        self.assertEqual('image-old', row.loaded_bitstream)
        self.assertIsNone(row.last_bitstream)

    def test_after_the_sweep(self) -> None:
        swept = self.dbapi.release_stale_locks(
            models.utcnow() + datetime.timedelta(seconds=5), 'conductor died')
        self.assertEqual([self.board], swept)
        self.assertFalse(self.release())
        row = self.dbapi.get_deployable(self.board)
        self.assertEqual(models.ERROR, row.state)
        self.assertEqual('conductor died', row.last_reason)

    def test_twice(self) -> None:
        self.assertTrue(self.release())
        self.assertFalse(self.release())

    def test_unknown_deployable(self) -> None:
        self.assertFalse(self.dbapi.release_deployable(
            base.new_uuid(), 'req-1', state=models.READY,
            loaded_bitstream=None, update_loaded=False, bitstream_uuid='i',
            code=0, error_code=None, reason=None))

    def test_programming_is_no_end_state(self) -> None:
        self.assertRaises(ValueError, self.release, state=models.PROGRAMMING)


class TestStaleLocks(base.DbTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.now = models.utcnow()
        self.long_ago = self.now - datetime.timedelta(hours=1)
        board, regions = self.make_board(regions=3,
                                         loaded_bitstream='image-1')
        self.board = board
        self.stale, self.fresh, self.idle = regions
        for uuid in (self.board, self.stale, self.fresh):
            self.dbapi.acquire_deployable(uuid, 'req-' + uuid)
        self.set_columns(self.board, locked_at=self.long_ago,
                         loaded_bitstream='image-1')
        self.set_columns(self.stale, locked_at=self.long_ago)

    def test_sweep(self) -> None:
        cutoff = self.now - datetime.timedelta(minutes=15)
        swept = self.dbapi.release_stale_locks(cutoff, 'no heartbeat')
        self.assertEqual([self.board, self.stale], swept)
        for uuid in swept:
            row = self.dbapi.get_deployable(uuid)
            self.assertEqual(models.ERROR, row.state)
            self.assertIsNone(row.lock_owner)
            self.assertIsNone(row.locked_at)
            # What the device holds is unknown until the agent reports.
            self.assertIsNone(row.loaded_bitstream)
            self.assertIsNone(row.last_code)
            self.assertEqual('fpga.agent_unavailable', row.last_error_code)
            self.assertEqual('no heartbeat', row.last_reason)
        fresh = self.dbapi.get_deployable(self.fresh)
        self.assertEqual(models.PROGRAMMING, fresh.state)
        self.assertEqual('req-' + self.fresh, fresh.lock_owner)
        self.assertEqual(models.READY,
                         self.dbapi.get_deployable(self.idle).state)

    def test_nothing_stale(self) -> None:
        cutoff = self.long_ago - datetime.timedelta(seconds=1)
        statements = self.count_statements()
        self.assertEqual([], self.dbapi.release_stale_locks(cutoff, 'x'))
        self.assertEqual(1, len(statements), str(statements))

    def test_sweep_then_acquire(self) -> None:
        self.dbapi.release_stale_locks(self.now, 'no heartbeat')
        row = self.dbapi.acquire_deployable(self.stale, 'req-new')
        self.assertEqual('req-new', row.lock_owner)

    def test_sweep_twice(self) -> None:
        self.assertEqual(2, len(self.dbapi.release_stale_locks(
            self.now, 'no heartbeat')))
        self.assertEqual([], self.dbapi.release_stale_locks(
            self.now, 'no heartbeat'))
