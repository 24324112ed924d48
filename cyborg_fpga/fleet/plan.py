"""What a fleet shell migration loads where: pure functions of API answers.

A plan has one step per selected board (load the target shell, or nothing
when the board runs it already) and, below it, one step per PR region that
holds a tenant function: after the shell load, which empties the regions,
load the bitstream of the same function built for the new shell. The same
objects, with their statuses filled in, are the result file of ``apply``.

Inputs are the dicts the REST API returns (``cyborg_fpga.client``), so the
rules can be tested without a cloud.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import dataclasses
import types
from typing import Any

from cyborg_fpga import compatibility

# Statuses of a step (a board's shell load or a region's function reload).
PENDING = 'pending'              # to run; the result file's "never ran"
DONE = 'done'
FAILED = 'failed'
NOT_ATTEMPTED = 'not_attempted'  # its board's shell load failed
SKIPPED = 'skipped'              # in maintenance: not touched
INTERRUPTED = 'interrupted'      # stopped mid-load; outcome unknown
NOTHING = 'nothing'              # on the target already, or empty
LEFT_EMPTY = 'left_empty'        # no bitstream of its function fits

# What ``apply --resume`` runs again.
RETRIED = frozenset((PENDING, FAILED, NOT_ATTEMPTED, SKIPPED, INTERRUPTED))
# What makes the exit code 1: the migration is not finished.
UNFINISHED = RETRIED

# Visibilities that let any project load an image.
_OPEN_VISIBILITIES = ('public', 'community')


class PlanError(Exception):
    """The target or selection cannot make a plan; a usage error."""


@dataclasses.dataclass
class Target:
    uuid: str
    name: str | None
    bs_uuid: str
    vendor: str
    board: str


@dataclasses.dataclass
class RegionStep:
    uuid: str
    name: str | None
    function_uuid: str | None = None
    function_name: str | None = None
    # The image the region holds now (before the migration).
    current_bitstream: str | None = None
    # The image to load after the new shell; None: nothing to load.
    bitstream: str | None = None
    bitstream_name: str | None = None
    # How many bitstreams of the function fit the new shell and region.
    candidates: int = 0
    status: str = PENDING
    note: str | None = None
    error_code: str | None = None


@dataclasses.dataclass
class BoardStep:
    uuid: str
    name: str | None
    host: str | None
    # The shell's interface UUID the board reports (``bs_uuid``).
    current_shell: str | None = None
    current_shell_name: str | None = None
    status: str = PENDING
    note: str | None = None
    error_code: str | None = None
    regions: list[RegionStep] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Plan:
    target: Target
    selection: dict[str, Any]
    boards: list[BoardStep]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        boards = []
        for board in data['boards']:
            fields = dict(board)
            fields['regions'] = [RegionStep(**r) for r in board['regions']]
            boards.append(BoardStep(**fields))
        return cls(Target(**data['target']), dict(data['selection']), boards)

    def steps(self) -> Iterable[BoardStep | RegionStep]:
        for board in self.boards:
            yield board
            yield from board.regions

    def counts(self) -> dict[str, int]:
        """Loads by status: boards' shells and regions' functions."""
        found: dict[str, int] = {}
        for step in self.steps():
            found[step.status] = found.get(step.status, 0) + 1
        return found

    @property
    def finished(self) -> bool:
        return not any(s.status in UNFINISHED for s in self.steps())


def same(a: str | None, b: str | None) -> bool:
    # As the service compares them (compatibility.py): case-insensitively.
    return (a or '').strip().casefold() == (b or '').strip().casefold()


def target_of(bitstream: Mapping[str, Any]) -> Target:
    """The target of a migration: a shell bitstream as the API shows it."""
    props = bitstream.get('properties') or {}
    name = bitstream.get('name') or bitstream['uuid']
    if props.get('shell_id'):
        raise PlanError('%s is a PR bitstream (shell_id %s), not a shell.'
                        % (name, props['shell_id']))
    missing = [key for key in ('bs-uuid', 'vendor', 'board')
               if not props.get(key)]
    if missing:
        # Without bs-uuid no PR bitstream can name it as its shell.
        raise PlanError('%s has no %s: not a shell bitstream of the metadata '
                        'standard.' % (name, ', '.join(missing)))
    if bitstream.get('status') not in (None, 'active'):
        raise PlanError('%s is %s, not active.' % (name, bitstream['status']))
    return Target(bitstream['uuid'], bitstream.get('name'),
                  str(props['bs-uuid']).lower(), str(props['vendor']),
                  str(props['board']))


def fits_target(target: Target, board: Mapping[str, Any]) -> bool:
    """Whether the target shell may go on this board at all."""
    return same(target.vendor, board.get('vendor')) and same(
        target.board, board.get('board'))


def on_target(target: Target, board: Mapping[str, Any]) -> bool:
    meta = board.get('loaded_metadata') or {}
    return (same(meta.get('bs_uuid'), target.bs_uuid)
            or same(board.get('loaded_bitstream'), target.uuid))


def runs_shell(board: Mapping[str, Any], shells: Iterable[str]) -> bool:
    """Whether the board runs one of ``shells`` (image ids or bs-uuids)."""
    meta = board.get('loaded_metadata') or {}
    return any(same(meta.get('bs_uuid'), s)
               or same(board.get('loaded_bitstream'), s) for s in shells)


def _version_key(version: Any) -> tuple[tuple[int, Any], ...]:
    # '1.10' after '1.9'; parts that are not numbers compare as text, after
    # numbers, so mixed versions never raise.
    parts = str(version or '').replace('-', '.').split('.')
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def may_use(candidate: Mapping[str, Any], region: Mapping[str, Any],
            current_owner: str | None) -> bool:
    """Whether the region's project could have chosen this bitstream.

    The admin running the migration sees every project's images; loading
    another project's private image into a tenant's region would hand that
    project's design over. So: an image anyone may use, one of the region's
    project, or one of the publisher of the image the region holds now.
    """
    project = region.get('project_id')
    if project is None:
        # The admins' own region.
        return True
    owner = candidate.get('owner')
    return (candidate.get('visibility') in _OPEN_VISIBILITIES
            or owner == project
            or (current_owner is not None and owner == current_owner))


def choose(target: Target, board: Mapping[str, Any],
           region: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]],
           current_owner: str | None = None
           ) -> tuple[Mapping[str, Any] | None, int]:
    """The bitstream to reload into ``region`` on the new shell.

    ``candidates`` are images of the region's function; those that fit the
    region once the board runs the target shell (the service's own rules)
    and that the region's project may use are counted, and the highest
    version wins, the current image's publisher first.
    """
    future_board = types.SimpleNamespace(
        kind=compatibility.BOARD, vendor=board.get('vendor'),
        board=board.get('board'), region_type_uuid=None,
        loaded_bs_uuid=target.bs_uuid)
    as_region = types.SimpleNamespace(
        kind=compatibility.REGION, vendor=region.get('vendor'),
        board=region.get('board'),
        region_type_uuid=region.get('region_type_uuid'))
    function = (region.get('loaded_metadata') or {}).get('function_uuid')
    fitting = [
        c for c in candidates
        if c.get('status', 'active') == 'active'
        and same((c.get('properties') or {}).get('function_uuid'), function)
        and not compatibility.mismatches(as_region, future_board,
                                         c.get('properties') or {})
        and may_use(c, region, current_owner)]
    if not fitting:
        return None, 0

    def rank(c: Mapping[str, Any]) -> tuple[Any, ...]:
        props = c.get('properties') or {}
        return (current_owner is not None and c.get('owner') == current_owner,
                _version_key(props.get('version')), c.get('name') or '',
                c['uuid'])

    return max(fitting, key=rank), len(fitting)


CandidateLookup = Callable[[Mapping[str, Any], Mapping[str, Any]],
                           tuple[Mapping[str, Any] | None, int]]


def maintenance_reason(board: Mapping[str, Any],
                       regions: Iterable[Mapping[str, Any]]) -> str | None:
    """Why the board must be left alone, if it must.

    A region in maintenance keeps its board out too: the shell load would
    wipe the region an admin parked.
    """
    if board.get('maintenance'):
        return 'in maintenance: %s' % (board.get('maintenance_reason')
                                       or 'no reason given')
    for region in regions:
        if region.get('maintenance'):
            return 'region %s in maintenance: %s' % (
                region.get('name') or region['uuid'],
                region.get('maintenance_reason') or 'no reason given')
    return None


def region_step(target: Target, board: Mapping[str, Any],
                region: Mapping[str, Any],
                lookup: CandidateLookup) -> RegionStep:
    meta = region.get('loaded_metadata') or {}
    step = RegionStep(region['uuid'], region.get('name'),
                      function_uuid=meta.get('function_uuid'),
                      function_name=meta.get('function_name'),
                      current_bitstream=region.get('loaded_bitstream'))
    if region.get('state') == 'error':
        step.status = LEFT_EMPTY
        step.note = ('what it holds is unknown (state error); the shell '
                     'load empties it')
    elif step.function_uuid is None:
        step.status = NOTHING if not meta.get('bs_uuid') else LEFT_EMPTY
        step.note = ('empty' if step.status == NOTHING else
                     'holds an image the service does not know; the shell '
                     'load empties it')
    else:
        chosen, count = lookup(board, region)
        step.candidates = count
        if chosen is None:
            step.status = LEFT_EMPTY
            step.note = ('no bitstream of function %s fits the new shell'
                         % (step.function_name or step.function_uuid))
        else:
            step.bitstream = chosen['uuid']
            step.bitstream_name = chosen.get('name')
    return step


def board_step(target: Target, board: Mapping[str, Any],
               regions: list[Mapping[str, Any]], lookup: CandidateLookup,
               shell_names: Mapping[str, str] | None = None) -> BoardStep:
    """The step of one selected board and of its regions."""
    meta = board.get('loaded_metadata') or {}
    loaded = board.get('loaded_bitstream')
    step = BoardStep(board['uuid'], board.get('name'), board.get('host'),
                     current_shell=meta.get('bs_uuid'),
                     current_shell_name=(shell_names or {}).get(loaded or '')
                     or loaded)
    if on_target(target, board):
        step.status = NOTHING
        step.note = 'already on the target shell'
        return step
    regions = sorted(regions, key=lambda r: (r.get('name') or '', r['uuid']))
    step.regions = [region_step(target, board, r, lookup) for r in regions]
    reason = maintenance_reason(board, regions)
    if reason is not None:
        step.status = SKIPPED
        step.note = reason
        for region in step.regions:
            if region.status == PENDING:
                region.status = SKIPPED
                region.note = 'its board is skipped'
    elif board.get('state') == 'programming':
        step.note = 'a load is under way now; the shell load may be refused'
    return step


def build(target: Target, selection: Mapping[str, Any],
          boards: Iterable[Mapping[str, Any]],
          regions: Iterable[Mapping[str, Any]], lookup: CandidateLookup,
          shell_names: Mapping[str, str] | None = None) -> Plan:
    """The plan for ``boards`` (already selected) and their regions."""
    by_board: dict[str, list[Mapping[str, Any]]] = {}
    for region in regions:
        by_board.setdefault(region.get('parent_uuid') or '', []).append(
            region)
    ordered = sorted(boards, key=lambda b: (b.get('host') or '',
                                            b.get('name') or '', b['uuid']))
    return Plan(target, dict(selection), [
        board_step(target, b, by_board.get(b['uuid'], []), lookup,
                   shell_names) for b in ordered])


def reopen(plan: Plan) -> None:
    """Make every step that failed or never ran pending again (resume)."""
    for step in plan.steps():
        if step.status in RETRIED:
            step.status = PENDING
            step.note = step.error_code = None


def recheck(plan: Plan, boards: Mapping[str, Mapping[str, Any]],
            regions: Iterable[Mapping[str, Any]]) -> None:
    """Skip again what is in maintenance now, before a resumed run.

    ``boards`` are the plan's boards as the API shows them now, by UUID;
    a board that is gone fails with the service's code for it.
    """
    by_board: dict[str, list[Mapping[str, Any]]] = {}
    for region in regions:
        by_board.setdefault(region.get('parent_uuid') or '', []).append(
            region)
    for step in plan.boards:
        pending_regions = [r for r in step.regions if r.status == PENDING]
        if step.status != PENDING and not pending_regions:
            continue
        board = boards.get(step.uuid)
        if board is None:
            gone: list[BoardStep | RegionStep] = (
                [step] if step.status == PENDING else [])
            for each in [*gone, *pending_regions]:
                each.status = FAILED
                each.error_code = 'fpga.deployable_not_found'
                each.note = 'board %s is no longer in the inventory' % (
                    step.name or step.uuid)
            continue
        current = by_board.get(step.uuid, [])
        if step.status == PENDING:
            reason = maintenance_reason(board, current)
            if reason is not None:
                step.status = SKIPPED
                step.note = reason
                for region_step in pending_regions:
                    region_step.status = SKIPPED
                    region_step.note = 'its board is skipped'
            continue
        parked = {r['uuid']: r for r in current if r.get('maintenance')}
        for region_step in pending_regions:
            if region_step.uuid in parked:
                region_step.status = SKIPPED
                region_step.note = 'in maintenance: %s' % (
                    parked[region_step.uuid].get('maintenance_reason')
                    or 'no reason given')
