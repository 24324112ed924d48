"""sync_inventory: the deployables of a host become what its agent reports.

The body of ``api.Connection.sync_inventory``, run in its transaction.

Agents report boards and regions, never PFs and VFs: those belong to the
bitstream loaded (``topology``), so a sync never deletes them for being
unreported. They go with their parent, and when the hardware says its
parent now holds something else.
"""

from __future__ import annotations

from collections.abc import Iterable
import datetime
from typing import Any

from oslo_log import log
import sqlalchemy as sa
from sqlalchemy import orm

from cyborg_fpga.db import models
from cyborg_fpga.db import topology
from cyborg_fpga import exception

LOG = log.getLogger(__name__)

Deployable = models.Deployable

# Report fields copied onto a deployable on every sync, whatever its state.
DESCRIPTIVE_FIELDS = ('host', 'kind', 'name', 'vendor', 'board', 'address',
                      'driver', 'parent_uuid', 'region_type_uuid')


def ordered_reports(reports: Iterable[dict[str, Any]]
                    ) -> list[dict[str, Any]]:
    """The reports with every parent before its children.

    Raises InvalidRequest for a report without uuid or kind, a uuid reported
    twice, or parents that form a cycle.
    """
    by_uuid: dict[str, dict[str, Any]] = {}
    for report in reports:
        if not report.get('uuid') or not report.get('kind'):
            raise exception.InvalidRequest(
                reason='a device report needs a uuid and a kind: %r' % report)
        if report['uuid'] in by_uuid:
            raise exception.InvalidRequest(
                reason='deployable %s is reported twice' % report['uuid'])
        by_uuid[report['uuid']] = report

    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    for report in by_uuid.values():
        # Walk up to the first ancestor not yet placed, then place the chain
        # from the top down.
        chain: list[dict[str, Any]] = []
        current: dict[str, Any] | None = report
        while current is not None and current['uuid'] not in placed:
            if current in chain:
                raise exception.InvalidRequest(
                    reason='deployable %s is its own ancestor'
                    % current['uuid'])
            chain.append(current)
            current = by_uuid.get(current.get('parent_uuid') or '')
        for item in reversed(chain):
            ordered.append(item)
            placed.add(item['uuid'])
    return ordered


def sync(session: orm.Session, host: str, driver_list: str,
         ordered: list[dict[str, Any]], now: datetime.datetime) -> None:
    """Apply ``ordered`` (from ``ordered_reports``) to ``host``'s rows."""
    reported = {report['uuid'] for report in ordered}
    parents = {report['parent_uuid'] for report in ordered
               if report.get('parent_uuid')}
    agent = session.get(models.Agent, host, with_for_update=True)
    if agent is None:
        session.add(models.Agent(host=host, drivers=driver_list,
                                 started_at=now, last_report_at=now))
    else:
        agent.drivers = driver_list
        agent.last_report_at = now

    # One SELECT for every row this sync may touch, locked so that no load
    # starts on them until it commits.
    rows = {row.uuid: row for row in session.scalars(
        sa.select(Deployable)
        .where(sa.or_(Deployable.host == host,
                      Deployable.uuid.in_(reported | parents)))
        .order_by(Deployable.id)
        .with_for_update())}
    unknown = parents - reported - rows.keys()
    if unknown:
        raise exception.InvalidRequest(
            reason='parent deployable(s) %s not found'
            % ', '.join(sorted(unknown)))

    # New rows first, in one statement, parents before children; the
    # UPDATEs below may point a region at a board inserted here.
    new_rows = [_new_deployable(host, report, now)
                for report in ordered if report['uuid'] not in rows]
    if new_rows:
        # render_nulls keeps every row's columns alike, so that the rows
        # are not split into batches by which fields are None.
        session.execute(
            sa.insert(Deployable).execution_options(render_nulls=True),
            new_rows)
    moved: list[str] = []
    reloaded: list[str] = []
    for report in ordered:
        row = rows.get(report['uuid'])
        if row is None:
            continue
        if row.host != host:
            moved.append(row.uuid)
        if _update_deployable(row, host, report, now):
            reloaded.append(row.uuid)
    session.flush()

    gone = _vanished(host, rows, reported)
    # The PFs and VFs of a bitstream that is no longer there go too; the
    # rows that stay keep theirs until their next load.
    topology.delete_below(session, reloaded + sorted(gone))
    if moved:
        topology.set_host_below(session, moved, host)
    _delete(session, gone)
    if gone:
        LOG.info('Deployables %s left host %s', ', '.join(sorted(gone)),
                 host)


def _new_deployable(host: str, report: dict[str, Any],
                    now: datetime.datetime) -> dict[str, Any]:
    values = {field: report.get(field) for field in DESCRIPTIVE_FIELDS}
    loaded = report.get('loaded_bitstream')
    values.update(topology.NOTHING_LOADED)
    values.update(uuid=report['uuid'], host=host, state=models.READY,
                  loaded_bitstream=loaded,
                  loaded_bs_uuid=report.get('loaded_bs_uuid'),
                  loaded_at=now if loaded else None, created_at=now)
    return values


def _update_deployable(row: models.Deployable, host: str,
                       report: dict[str, Any],
                       now: datetime.datetime) -> bool:
    """Apply the report; True when the device holds something new."""
    # Assigning an unchanged value emits no UPDATE.
    for field in DESCRIPTIVE_FIELDS:
        setattr(row, field, report.get(field))
    row.host = host
    if row.state == models.PROGRAMMING:
        return False
    # The hardware's word on what it holds, like loaded_bitstream.
    row.loaded_bs_uuid = report.get('loaded_bs_uuid')
    if row.state == models.ERROR:
        # The device has said what it holds: the doubt is over.
        row.state = models.READY
    loaded = report.get('loaded_bitstream')
    if row.loaded_bitstream == loaded:
        return False
    row.loaded_bitstream = loaded
    row.loaded_at = now if loaded else None
    # The metadata recorded at load time was that of another bitstream.
    for column, value in topology.NOTHING_LOADED.items():
        if column != 'loaded_bs_uuid':
            setattr(row, column, value)
    return True


def _vanished(host: str, rows: dict[str, models.Deployable],
              reported: set[str]) -> dict[str, models.Deployable]:
    """The rows of ``host`` to delete: unreported, and no load holds them.

    PFs and VFs are never reported, so they are not among them.
    """
    gone = {uuid: row for uuid, row in rows.items()
            if row.host == host and uuid not in reported
            and row.kind not in models.TOPOLOGY_KINDS}
    if not gone:
        return gone
    # Keep a deployable being programmed, and every ancestor of one that
    # stays, so no foreign key is left dangling.
    staying = [row for row in rows.values()
               if row.uuid in reported or row.state == models.PROGRAMMING]
    for row in staying:
        parent = row.parent_uuid
        while parent in gone:
            parent = gone.pop(parent).parent_uuid
    return {uuid: row for uuid, row in gone.items()
            if row.state != models.PROGRAMMING}


def _delete(session: orm.Session,
            gone: dict[str, models.Deployable]) -> None:
    def depth(row: models.Deployable) -> int:
        parent = gone.get(row.parent_uuid or '')
        return 0 if parent is None else 1 + depth(parent)

    by_depth: dict[int, list[int]] = {}
    for row in gone.values():
        by_depth.setdefault(depth(row), []).append(row.id)
    # Children before parents: one DELETE per level of the tree.
    for level in sorted(by_depth, reverse=True):
        session.execute(
            sa.delete(Deployable)
            .where(Deployable.id.in_(by_depth[level]))
            .execution_options(synchronize_session=False))
