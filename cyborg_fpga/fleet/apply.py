"""Running the pending steps of a plan, within the concurrency bounds.

One dispatcher (the caller's thread, which also receives SIGINT) starts
each load in a thread of its own once the fleet and the load's host have a
free slot; each load is one synchronous ``POST /fpga/{uuid}``. A board's
region reloads become ready only when its shell load has succeeded: the
shell load empties the regions, and a region load beside it would be
refused as busy. Ready region reloads start before new shell loads, so
that tenants get their functions back before more boards are emptied.

``stop`` (set on the first Ctrl-C) starts nothing new; the loads in flight
finish and are recorded.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
import threading

from cyborg_fpga.fleet import plan as fleet_plan

# How often the dispatcher looks at ``stop`` while it waits.
_POLL_SECONDS = 0.2


# eq=False: a load is itself, compared and hashed by identity.
@dataclasses.dataclass(frozen=True, eq=False)
class Load:
    board: fleet_plan.BoardStep
    # None: the board's shell load.
    region: fleet_plan.RegionStep | None = None

    @property
    def step(self) -> fleet_plan.BoardStep | fleet_plan.RegionStep:
        return self.region if self.region is not None else self.board

    @property
    def deployable(self) -> str:
        return self.step.uuid

    @property
    def bitstream(self) -> str:
        if self.region is None:
            raise AssertionError('a shell load takes the plan target')
        assert self.region.bitstream is not None
        return self.region.bitstream

    @property
    def host(self) -> str:
        return self.board.host or ''

    @property
    def is_shell(self) -> bool:
        return self.region is None


class LoadFailed(Exception):
    """A load that did not happen: the service's stable code and why."""

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


LoadFunction = Callable[[Load], None]
Listener = Callable[[str, Load], None]


def pending_loads(plan: fleet_plan.Plan) -> int:
    """How many loads a run of ``plan`` would start, if none fails."""
    count = 0
    for board in plan.boards:
        if board.status == fleet_plan.PENDING:
            count += 1
        if board.status in (fleet_plan.PENDING, fleet_plan.DONE):
            count += sum(1 for r in board.regions
                         if r.status == fleet_plan.PENDING and r.bitstream)
    return count


class Runner:
    """Runs the plan's pending loads once; statuses are written in place."""

    def __init__(self, plan: fleet_plan.Plan, load: LoadFunction, *,
                 max_parallel: int, max_per_host: int,
                 stop: threading.Event,
                 listener: Listener | None = None) -> None:
        if max_parallel < 1 or max_per_host < 1:
            raise ValueError('concurrency bounds must be at least 1')
        self.plan = plan
        self._load = load
        self.max_parallel = max_parallel
        self.max_per_host = max_per_host
        self.stop = stop
        self._listener = listener
        self._cond = threading.Condition()
        self._shells: list[Load] = []
        self._regions: list[Load] = []
        self._in_flight: set[Load] = set()
        self._per_host: dict[str, int] = {}
        for board in plan.boards:
            if board.status == fleet_plan.PENDING:
                self._shells.append(Load(board))
            elif board.status == fleet_plan.DONE:
                self._regions.extend(self._reloads(board))
            else:
                continue
            for region in board.regions:
                if (region.status == fleet_plan.PENDING
                        and not region.bitstream):
                    # Only a plan edited by hand gets here.
                    region.status = fleet_plan.LEFT_EMPTY

    @staticmethod
    def _reloads(board: fleet_plan.BoardStep) -> list[Load]:
        return [Load(board, r) for r in board.regions
                if r.status == fleet_plan.PENDING and r.bitstream]

    def _tell(self, event: str, load: Load) -> None:
        if self._listener is not None:
            self._listener(event, load)

    def _next(self) -> Load | None:
        if len(self._in_flight) >= self.max_parallel:
            return None
        for queue in (self._regions, self._shells):
            for i, load in enumerate(queue):
                if self._per_host.get(load.host, 0) < self.max_per_host:
                    return queue.pop(i)
        return None

    def run(self) -> bool:
        """Run until every load has ended; True if stopped before that.

        A KeyboardInterrupt (a second Ctrl-C) returns at once: the loads
        in flight are marked interrupted, their outcome unknown here.
        """
        try:
            with self._cond:
                while True:
                    while not self.stop.is_set():
                        load = self._next()
                        if load is None:
                            break
                        self._start(load)
                    idle = not (self._regions or self._shells)
                    if not self._in_flight and (idle or self.stop.is_set()):
                        return not idle
                    self._cond.wait(_POLL_SECONDS)
        except KeyboardInterrupt:
            with self._cond:
                for load in self._in_flight:
                    load.step.status = fleet_plan.INTERRUPTED
                    load.step.note = ('interrupted while loading; GET '
                                      '/fpga/%s tells how it ended'
                                      % load.deployable)
                self._in_flight.clear()
            return True

    def _start(self, load: Load) -> None:
        self._in_flight.add(load)
        self._per_host[load.host] = self._per_host.get(load.host, 0) + 1
        self._tell('start', load)
        # Daemon threads: a second Ctrl-C must not wait for them.
        threading.Thread(target=self._run_one, args=(load,), daemon=True,
                         name='load-%s' % load.deployable[:8]).start()

    def _run_one(self, load: Load) -> None:
        error: LoadFailed | None = None
        try:
            self._load(load)
        except LoadFailed as e:
            error = e
        except Exception as e:
            # A bug or an unexpected answer: recorded like a failed load,
            # never a silent lost thread.
            error = LoadFailed(None, '%s: %s' % (type(e).__name__, e))
        with self._cond:
            if load not in self._in_flight:
                return  # given up on by a second Ctrl-C
            self._in_flight.discard(load)
            self._per_host[load.host] -= 1
            step = load.step
            if error is None:
                step.status = fleet_plan.DONE
                step.note = step.error_code = None
                if load.is_shell:
                    # Behind the reloads already ready: boards emptied
                    # earlier have waited longer.
                    self._regions.extend(self._reloads(load.board))
            else:
                step.status = fleet_plan.FAILED
                step.error_code = error.code
                step.note = error.message
                if load.is_shell:
                    for region in load.board.regions:
                        if region.status == fleet_plan.PENDING:
                            region.status = fleet_plan.NOT_ATTEMPTED
                            region.note = 'the shell load failed'
            self._tell('finish', load)
            self._cond.notify_all()

