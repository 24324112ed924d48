"""The plan and the summary as operators read them: tables and totals.

One row per board, then one per region of that board, indented; the JSON
format (``--format json``) has every UUID.
"""

from __future__ import annotations

from cyborg_fpga.cmd import common
from cyborg_fpga.fleet import plan as fleet_plan

_WORDS = {
    fleet_plan.PENDING: 'pending',
    fleet_plan.DONE: 'done',
    fleet_plan.FAILED: 'FAILED',
    fleet_plan.NOT_ATTEMPTED: 'not attempted',
    fleet_plan.SKIPPED: 'skipped',
    fleet_plan.INTERRUPTED: 'INTERRUPTED',
    fleet_plan.NOTHING: 'nothing to do',
    fleet_plan.LEFT_EMPTY: 'left empty',
}


def _image(name: str | None, uuid: str | None) -> str:
    if name and uuid:
        return '%s (%s)' % (name, uuid)
    return name or uuid or '-'


def _now(step: fleet_plan.BoardStep | fleet_plan.RegionStep) -> str:
    if isinstance(step, fleet_plan.BoardStep):
        if step.current_shell_name:
            return 'shell %s' % step.current_shell_name
        return ('shell %s' % step.current_shell
                if step.current_shell else 'no known shell')
    if step.function_uuid:
        return step.function_name or 'function %s' % step.function_uuid
    return 'empty' if step.status == fleet_plan.NOTHING else 'unknown'


def _load(step: fleet_plan.BoardStep | fleet_plan.RegionStep) -> str:
    """The summary's column: names only; the result file has the ids."""
    if isinstance(step, fleet_plan.BoardStep):
        return '-' if step.status == fleet_plan.NOTHING else 'target shell'
    return (step.bitstream_name or step.bitstream) if step.bitstream \
        else '-'


def _action(step: fleet_plan.BoardStep | fleet_plan.RegionStep) -> str:
    """What ``apply`` will do with a step that has not run."""
    if step.status != fleet_plan.PENDING:
        return result(step)
    if isinstance(step, fleet_plan.BoardStep):
        action = 'load the target shell'
    else:
        action = 'load %s' % _image(step.bitstream_name, step.bitstream)
    return action + ('; %s' % step.note if step.note else '')


def result(step: fleet_plan.BoardStep | fleet_plan.RegionStep) -> str:
    word = _WORDS.get(step.status, step.status)
    detail = step.note or ''
    if step.error_code:
        detail = '%s [%s]' % (detail, step.error_code)
    return '%s: %s' % (word, detail) if detail else word


def _rows(plan: fleet_plan.Plan, summary: bool) -> list[list[str]]:
    rows = []
    for board in plan.boards:
        steps: list[fleet_plan.BoardStep | fleet_plan.RegionStep] = [board]
        steps.extend(board.regions)
        for step in steps:
            name = step.name or step.uuid
            if isinstance(step, fleet_plan.RegionStep):
                name = '  ' + name
            row = [board.host or '-', name, _now(step)]
            if summary:
                row += [_load(step), result(step)]
            else:
                row.append(_action(step))
            rows.append(row)
    return rows


def totals(plan: fleet_plan.Plan) -> str:
    counts = plan.counts()
    parts = ['%d %s' % (counts[status], _WORDS[status])
             for status in _WORDS if counts.get(status)]
    boards = len(plan.boards)
    return '%d board%s; steps: %s.' % (boards, '' if boards == 1 else 's',
                                       ', '.join(parts) or 'none')


def heading(plan: fleet_plan.Plan) -> str:
    target = plan.target
    hosts = plan.selection.get('hosts') or []
    shells = plan.selection.get('current_shells') or []
    return ('Target shell %s, interface %s, for %s %s. Boards: %s%s.' % (
        _image(target.name, target.uuid), target.bs_uuid, target.vendor,
        target.board, 'hosts %s' % ', '.join(hosts) if hosts
        else 'every host', '; running %s' % ', '.join(shells)
        if shells else ''))


def plan_table(plan: fleet_plan.Plan) -> str:
    return '\n'.join([
        heading(plan),
        common.table(['Host', 'Deployable', 'Now', 'Action'],
                     _rows(plan, summary=False)),
        totals(plan)])


def summary_table(plan: fleet_plan.Plan) -> str:
    return '\n'.join([
        heading(plan),
        common.table(['Host', 'Deployable', 'Before', 'Load', 'Result'],
                     _rows(plan, summary=True)),
        totals(plan)])
