"""Which project a deployable belongs to, and whether it takes loads.

Bodies of the ``api.Connection`` methods that read and write a
deployable's assignment and maintenance, run in their transactions.

Only boards and PR regions carry ``project_id`` and ``maintenance``; they
are the operator's, so an inventory sync never writes them. A PF or VF
belongs to the board or region whose load made it, and its project is read
from there rather than stored twice. A region's assignment is its own: a
board assigned to a project does not give that project its regions. A
board in maintenance, though, takes its regions with it: loading a region
touches the board.
"""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy import orm

from cyborg_fpga.db import models
from cyborg_fpga import exception

Deployable = models.Deployable

# The kinds that carry an assignment; PFs and VFs take their root's.
ROOT_KINDS = (models.BOARD, models.REGION)
# A VF is below a PF, below a region, below a board: four rows at most.
_MAX_DEPTH = 4


@dataclasses.dataclass(frozen=True)
class Maintenance:
    """Which deployable is in maintenance, and why."""

    uuid: str
    reason: str | None


@dataclasses.dataclass(frozen=True)
class Access:
    """What authorization needs to know of one deployable."""

    deployable: models.Deployable
    # The project of the board or region itself, or of the one whose load
    # made a PF or VF. None: assigned to nobody, the admins' alone.
    project_id: str | None
    # Set when the deployable, or the board of a region, is in maintenance.
    maintenance: Maintenance | None
    # The board of a region, read anyway for its maintenance: a load's
    # compatibility check needs its shell.
    board: models.Deployable | None = None


def _get(session: orm.Session, uuid: str) -> models.Deployable | None:
    return session.scalars(
        sa.select(Deployable).where(Deployable.uuid == uuid)).first()


def access(session: orm.Session, uuid: str) -> Access:
    """The Access of ``uuid``; raises DeployableNotFound.

    One query per level walked up: none for a board, one for a region (its
    board), up to three for a VF.
    """
    row = _get(session, uuid)
    if row is None:
        raise exception.DeployableNotFound(uuid=uuid)
    root: models.Deployable | None = row
    for _ in range(_MAX_DEPTH):
        if root is None or root.kind in ROOT_KINDS or not root.parent_uuid:
            break
        root = _get(session, root.parent_uuid)
    if root is None or root.kind not in ROOT_KINDS:
        # A PF or VF whose root is gone: nobody's but the admins'.
        return Access(deployable=row, project_id=None, maintenance=None)
    board = None
    if root.kind == models.REGION and root.parent_uuid:
        board = _get(session, root.parent_uuid)
    in_maintenance = next((item for item in (root, board)
                           if item is not None and item.maintenance), None)
    return Access(
        deployable=row, project_id=root.project_id,
        maintenance=Maintenance(in_maintenance.uuid,
                                in_maintenance.maintenance_reason)
        if in_maintenance is not None else None,
        board=board if row is root else None)


def of_project(project_id: str) -> sa.ColumnElement[bool]:
    """A WHERE clause: the deployables of ``project_id``, PFs and VFs too.

    Subqueries rather than joins, so that each part uses an index
    (project_id, then parent_uuid) on every backend.
    """
    root = orm.aliased(Deployable)
    pf = orm.aliased(Deployable)
    owned_roots = sa.select(root.uuid).where(root.project_id == project_id,
                                             root.kind.in_(ROOT_KINDS))
    owned_pfs = sa.select(pf.uuid).where(pf.kind == models.PF,
                                         pf.parent_uuid.in_(owned_roots))
    return sa.or_(
        sa.and_(Deployable.kind.in_(ROOT_KINDS),
                Deployable.project_id == project_id),
        sa.and_(Deployable.kind == models.PF,
                Deployable.parent_uuid.in_(owned_roots)),
        sa.and_(Deployable.kind == models.VF,
                Deployable.parent_uuid.in_(owned_pfs)))


def update(session: orm.Session, uuid: str,
           **values: object) -> models.Deployable:
    """Write ``values`` on a board or region; the row as it is now.

    Raises DeployableNotFound, and InvalidRequest for a PF or VF.
    """
    row = session.scalars(
        sa.select(Deployable).where(Deployable.uuid == uuid)
        .with_for_update()).first()
    if row is None:
        raise exception.DeployableNotFound(uuid=uuid)
    if row.kind not in ROOT_KINDS:
        raise exception.InvalidRequest(
            reason='deployable %s is a %s; a PF or VF belongs to the board '
                   'or region whose load made it and takes its assignment '
                   'and maintenance' % (uuid, row.kind))
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row
