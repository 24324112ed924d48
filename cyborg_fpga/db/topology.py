"""The deployables below one: PFs, VFs, and the metadata of a load.

PFs and VFs belong to the bitstream loaded, not to the hardware inventory:
a load replaces them, a load that leaves the device empty removes them, and
they go with their parent. These helpers of ``api.Connection`` run inside
its transactions, so a load and its rows commit or roll back together.
Every walk of the tree is one query per level, never one per row.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
import datetime
from typing import Any

from oslo_log import log
import sqlalchemy as sa
from sqlalchemy import orm

from cyborg_fpga.db import models

LOG = log.getLogger(__name__)

Deployable = models.Deployable

# The loaded_* columns of a deployable that holds nothing known.
NOTHING_LOADED: dict[str, Any] = dict.fromkeys(
    models.LOADED_METADATA.values())

# A PF or VF's own fields; the rest of its row is its root's.
CHILD_FIELDS = ('uuid', 'parent_uuid', 'kind', 'name', 'pci_offset',
                'capability', 'kpi')
INHERITED_FIELDS = ('host', 'vendor', 'board', 'driver')


def _width(column: str) -> int | None:
    return getattr(Deployable.__table__.c[column].type, 'length', None)


def loaded_values(uuid: str,
                  metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """The loaded_* columns for the metadata of the bitstream loaded.

    A value too long for its column is not recorded: the load has happened,
    and refusing its record now would leave the deployable locked.
    """
    values = dict(NOTHING_LOADED)
    for key, column in models.LOADED_METADATA.items():
        value = (metadata or {}).get(key)
        value = None if value is None else str(value)
        width = _width(column)
        if value is not None and width is not None and len(value) > width:
            LOG.warning('Deployable %s: %s of the loaded bitstream is longer '
                        'than %d characters; not recorded.', uuid, key, width)
            value = None
        values[column] = value
    return values


def check_children(root_uuid: str,
                   children: Iterable[Mapping[str, Any]]) -> None:
    """Raise ValueError unless ``children`` are PFs and VFs of the root.

    Each must come after its parent, so one INSERT can write them all.
    """
    known = {root_uuid}
    for child in children:
        if child.get('kind') not in models.TOPOLOGY_KINDS:
            raise ValueError('a child of a load is a pf or a vf, not %r'
                             % child.get('kind'))
        if not child.get('uuid') or child['uuid'] in known:
            raise ValueError('child %r has no uuid or a repeated one'
                             % child.get('uuid'))
        if child.get('parent_uuid') not in known:
            raise ValueError('child %s comes before its parent %s, or is '
                             'not below %s' % (child['uuid'],
                                               child.get('parent_uuid'),
                                               root_uuid))
        known.add(child['uuid'])


def insert_children(session: orm.Session, root: models.Deployable,
                    children: Iterable[Mapping[str, Any]],
                    now: datetime.datetime) -> None:
    """Insert ``children`` (checked) below ``root``, in one statement."""
    rows = []
    for child in children:
        row = {field: child.get(field) for field in CHILD_FIELDS}
        # They are functions of the root's device: same host, same card.
        row.update({field: getattr(root, field) for field in INHERITED_FIELDS})
        row.update(NOTHING_LOADED, state=models.READY, created_at=now)
        rows.append(row)
    if rows:
        # render_nulls: every row has the same columns, so one batch.
        session.execute(
            sa.insert(Deployable).execution_options(render_nulls=True), rows)


def tree(session: orm.Session, uuid: str
         ) -> tuple[models.Deployable, list[models.Deployable]] | None:
    """A deployable and all below it, level by level; None if unknown.

    The first query reads the deployable and its children together.
    """
    rows = list(session.scalars(
        sa.select(Deployable)
        .where(sa.or_(Deployable.uuid == uuid,
                      Deployable.parent_uuid == uuid))
        .order_by(Deployable.id)))
    root = next((row for row in rows if row.uuid == uuid), None)
    if root is None:
        return None
    below = [row for row in rows if row is not root]
    seen = {row.uuid for row in rows}
    frontier = {row.uuid for row in below}
    while frontier:
        # ``seen`` stops at a cycle of parents, should one ever exist.
        level = [row for row in session.scalars(
            sa.select(Deployable)
            .where(Deployable.parent_uuid.in_(frontier))
            .order_by(Deployable.id)) if row.uuid not in seen]
        below.extend(level)
        frontier = {row.uuid for row in level}
        seen |= frontier
    return root, below


def levels_below(session: orm.Session,
                 roots: Collection[str]) -> list[list[tuple[int, str]]]:
    """(id, uuid) of the PFs and VFs below ``roots``, a list per level.

    Only PF and VF rows are followed: a board's regions are inventory.
    Each query reads two levels (PFs and their VFs at once), so a topology
    takes one query and the look below its VFs a second.
    """
    topology = Deployable.kind.in_(models.TOPOLOGY_KINDS)
    parent = orm.aliased(Deployable)
    levels: list[list[tuple[int, str]]] = []
    seen = set(roots)
    frontier = set(roots)
    while frontier:
        # A UNION of two lookups by parent_uuid (the second through a
        # self-join), not one WHERE with OR: MariaDB reads the whole table
        # for "parent_uuid IN (...) OR parent_uuid IN (subquery)", which
        # every load paid (the benchmark's rows read per load).
        union = sa.union(
            sa.select(Deployable.id, Deployable.uuid, Deployable.parent_uuid)
            .where(Deployable.parent_uuid.in_(frontier), topology),
            sa.select(Deployable.id, Deployable.uuid, Deployable.parent_uuid)
            .join(parent, Deployable.parent_uuid == parent.uuid)
            .where(parent.parent_uuid.in_(frontier),
                   parent.kind.in_(models.TOPOLOGY_KINDS), topology))
        rows = sorted((row for row in session.execute(union)
                       if row.uuid not in seen), key=lambda row: row.id)
        first = [row for row in rows if row.parent_uuid in frontier]
        second = [row for row in rows if row.parent_uuid not in frontier]
        for level in (first, second):
            if level:
                levels.append([(row.id, row.uuid) for row in level])
        frontier = {row.uuid for row in second}
        seen |= {row.uuid for row in rows}
    return levels


def delete_below(session: orm.Session, roots: Collection[str]) -> None:
    """Delete the PFs and VFs below ``roots``; the roots stay."""
    if not roots:
        return
    # Children before parents: one DELETE per level, deepest first, since
    # MariaDB checks the foreign key row by row.
    for level in reversed(levels_below(session, roots)):
        session.execute(
            sa.delete(Deployable)
            .where(Deployable.id.in_([row_id for row_id, _uuid in level]))
            .execution_options(synchronize_session=False))


def set_host_below(session: orm.Session, roots: Collection[str],
                   host: str) -> None:
    """Move the PFs and VFs below ``roots`` to ``host``, as their roots."""
    ids = [row_id for level in levels_below(session, roots)
           for row_id, _uuid in level]
    if ids:
        session.execute(
            sa.update(Deployable).where(Deployable.id.in_(ids))
            .values(host=host).execution_options(synchronize_session=False))


def invalidate_regions(session: orm.Session, board_uuid: str) -> list[str]:
    """Mark the regions of a board empty; returns their uuids.

    A new shell wipes the PR regions, so nothing loaded in them before is
    there now. A region being programmed is left to its load.
    """
    regions = list(session.scalars(
        sa.select(Deployable.uuid)
        .where(Deployable.parent_uuid == board_uuid,
               Deployable.kind == models.REGION,
               Deployable.state != models.PROGRAMMING)
        .order_by(Deployable.id)
        .with_for_update()))
    if regions:
        session.execute(
            sa.update(Deployable)
            .where(Deployable.uuid.in_(regions))
            .values(loaded_bitstream=None, loaded_at=None, **NOTHING_LOADED)
            .execution_options(synchronize_session=False))
    return regions
