"""The runner: bounds, order, failures and stopping, with a fake load.

The load function stands for the REST call; the runner under test is
real, threads included.
"""

from __future__ import annotations

import threading
import time
import uuid

from cyborg_fpga.fleet import apply
from cyborg_fpga.fleet import plan
from cyborg_fpga.tests import base


def make_plan(hosts=3, regions=2):
    target = plan.Target('t', 'shell', 's', 'X', 'B')
    boards = []
    for h in range(hosts):
        boards.append(plan.BoardStep(
            str(uuid.uuid4()), 'fpga0', 'h%d' % h, regions=[
                plan.RegionStep(str(uuid.uuid4()), 'region%d' % r,
                                function_uuid='f', bitstream='b%d' % r)
                for r in range(regions)]))
    return plan.Plan(target, {}, boards)


class Recorder:
    """A load that takes a while and records what ran at once."""

    def __init__(self, seconds=0.2, fail=()):
        self.seconds = seconds
        self.fail = set(fail)
        self.lock = threading.Lock()
        self.running = []
        self.peak = 0
        self.peak_per_host = {}
        self.order = []

    def __call__(self, load):
        with self.lock:
            self.running.append(load)
            self.order.append(load.deployable)
            self.peak = max(self.peak, len(self.running))
            same = sum(1 for r in self.running if r.host == load.host)
            self.peak_per_host[load.host] = max(
                self.peak_per_host.get(load.host, 0), same)
        time.sleep(self.seconds)
        with self.lock:
            self.running.remove(load)
        if load.deployable in self.fail:
            raise apply.LoadFailed('fpga.program_failed', 'no')


class RunnerTest(base.TestCase):

    def run_plan(self, built, load, stop=None, **bounds):
        bounds.setdefault('max_parallel', 2)
        bounds.setdefault('max_per_host', 1)
        events = []
        runner = apply.Runner(built, load, stop=stop or threading.Event(),
                              listener=lambda e, item: events.append(
                                  (e, item.deployable)), **bounds)
        return runner.run(), events

    def test_bounds_hold_and_every_load_runs(self):
        built = make_plan(hosts=4, regions=2)
        load = Recorder()
        stopped, events = self.run_plan(built, load, max_parallel=3,
                                        max_per_host=2)
        self.assertFalse(stopped)
        self.assertEqual(12, len(load.order))
        self.assertEqual(3, load.peak)
        self.assertLessEqual(max(load.peak_per_host.values()), 2)
        self.assertEqual({plan.DONE}, {s.status for s in built.steps()})
        self.assertEqual(24, len(events))
        for board in built.boards:
            # Regions only after their board's shell.
            first_region = min(load.order.index(r.uuid)
                               for r in board.regions)
            self.assertLess(load.order.index(board.uuid), first_region)

    def test_a_failed_shell_leaves_its_regions_alone(self):
        built = make_plan(hosts=2)
        failing = built.boards[0]
        load = Recorder(fail={failing.uuid, built.boards[1].regions[1].uuid})
        self.run_plan(built, load)
        self.assertEqual((plan.FAILED, 'fpga.program_failed'),
                         (failing.status, failing.error_code))
        self.assertEqual([plan.NOT_ATTEMPTED] * 2,
                         [r.status for r in failing.regions])
        self.assertNotIn(failing.regions[0].uuid, load.order)
        self.assertEqual([plan.DONE, plan.DONE, plan.FAILED],
                         [s.status for s in [built.boards[1],
                                             *built.boards[1].regions]])
        self.assertEqual(6 - 2, len(load.order))

    def test_only_pending_steps_run(self):
        built = make_plan(hosts=2)
        built.boards[0].status = plan.DONE
        built.boards[0].regions[0].status = plan.DONE
        built.boards[1].status = plan.SKIPPED
        self.assertEqual(1, apply.pending_loads(built))
        load = Recorder()
        self.run_plan(built, load)
        self.assertEqual([built.boards[0].regions[1].uuid], load.order)

    def test_stop_finishes_in_flight_and_starts_nothing(self):
        built = make_plan(hosts=4)
        stop = threading.Event()
        started = []

        def load(item):
            started.append(item)
            stop.set()
            time.sleep(0.1)

        stopped, _ = self.run_plan(built, load, stop=stop, max_parallel=2)
        self.assertTrue(stopped)
        # Whatever had started when stop was set has finished.
        self.assertEqual({plan.DONE}, {s.step.status for s in started})
        self.assertLessEqual(len(started), 2)
        self.assertEqual(len(list(built.steps())) - len(started),
                         sum(1 for s in built.steps()
                             if s.status == plan.PENDING))

    def test_an_unexpected_error_is_a_failed_load(self):
        built = make_plan(hosts=1, regions=0)

        def load(item):
            raise ValueError('odd answer')

        self.run_plan(built, load)
        self.assertEqual((plan.FAILED, 'ValueError: odd answer'),
                         (built.boards[0].status, built.boards[0].note))
