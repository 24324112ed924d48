"""A load's lock, its outcome, what the device holds, and the sweep.

Bodies of ``api.Connection.acquire_deployable``, ``begin_load``,
``release_deployable`` and ``release_stale_locks``, run in their
transactions, so that the lock, the loaded bitstream, its metadata and its
PF/VF rows change together.
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from cyborg_fpga.db import models
from cyborg_fpga.db import topology
from cyborg_fpga import exception

Deployable = models.Deployable


@dataclasses.dataclass(frozen=True)
class Loaded:
    """What the agent says the device holds after the load."""

    bitstream: str | None
    # Both describe ``bitstream``; None means "not told".
    metadata: Mapping[str, Any] | None = None
    children: list[dict[str, Any]] | None = None


def acquire(session: orm.Session, uuid: str, owner: str) -> None:
    """Mark ``uuid`` PROGRAMMING for ``owner``: one compare-and-set.

    Raises DeployableBusy when another request holds it and
    DeployableNotFound when there is no such deployable.
    """
    result = session.execute(
        sa.update(Deployable)
        .where(Deployable.uuid == uuid,
               Deployable.state != models.PROGRAMMING)
        .values(state=models.PROGRAMMING, lock_owner=owner,
                locked_at=models.utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return
    # Only a refusal pays for telling busy from missing.
    exists = session.scalar(sa.select(Deployable.id)
                            .where(Deployable.uuid == uuid))
    if exists is None:
        raise exception.DeployableNotFound(uuid=uuid)
    raise exception.DeployableBusy(uuid=uuid)


def release(session: orm.Session, uuid: str, owner: str,
            outcome: dict[str, Any], loaded: Loaded | None,
            invalidate_regions: bool) -> bool:
    """Unlock ``uuid`` for ``owner`` with ``outcome``; False if not held."""
    child = orm.aliased(Deployable)
    # Whether a previous load left PFs below, asked with the row itself:
    # most loads have none to delete, and need no query to find that out.
    has_functions = sa.exists().where(
        child.parent_uuid == Deployable.uuid,
        child.kind.in_(models.TOPOLOGY_KINDS))
    found = session.execute(
        sa.select(Deployable, has_functions)
        .where(Deployable.uuid == uuid, Deployable.lock_owner == owner)
        .with_for_update(of=Deployable)).first()
    if found is None:
        return False
    row, below = found
    now = models.utcnow()
    values = dict(outcome, lock_owner=None, locked_at=None,
                  last_program_at=now)
    emptied: list[str] = []  # deployables whose PFs and VFs go
    if loaded is not None:
        values.update(_loaded_values(row, loaded, now))
        if below and (loaded.bitstream is None
                      or loaded.children is not None
                      or loaded.bitstream != row.loaded_bitstream):
            emptied.append(uuid)
    session.execute(
        sa.update(Deployable)
        .where(Deployable.uuid == uuid, Deployable.lock_owner == owner)
        .values(**values)
        .execution_options(synchronize_session=False))
    if invalidate_regions:
        emptied.extend(topology.invalidate_regions(session, uuid))
    topology.delete_below(session, emptied)
    if loaded is not None and loaded.bitstream and loaded.children:
        topology.insert_children(session, row, loaded.children, now)
    return True


def _loaded_values(row: models.Deployable, loaded: Loaded,
                   now: datetime.datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        'loaded_bitstream': loaded.bitstream,
        'loaded_at': now if loaded.bitstream else None}
    if loaded.bitstream is None:
        # A failed or partial load: the device holds nothing known.
        values.update(topology.NOTHING_LOADED)
    elif loaded.metadata is not None:
        values.update(topology.loaded_values(row.uuid, loaded.metadata))
    elif loaded.bitstream != row.loaded_bitstream:
        # Another bitstream than the one whose metadata is recorded.
        values.update(topology.NOTHING_LOADED)
    return values


def sweep(session: orm.Session, older_than: datetime.datetime,
          reason: str) -> list[str]:
    """Put deployables locked before ``older_than`` in error."""
    stale = sa.and_(Deployable.state == models.PROGRAMMING,
                    Deployable.locked_at < older_than)
    # A cheap unlocked look first: nearly every sweep finds nothing.
    candidates = list(session.scalars(
        sa.select(Deployable.uuid).where(stale)))
    if not candidates:
        return []
    # Lock only those rows, re-checked, so that the uuids returned are
    # exactly the ones changed even if a load ends meanwhile.
    uuids = list(session.scalars(
        sa.select(Deployable.uuid)
        .where(Deployable.uuid.in_(candidates), stale)
        .order_by(Deployable.id)
        .with_for_update()))
    if uuids:
        session.execute(
            sa.update(Deployable)
            .where(Deployable.uuid.in_(uuids))
            .values(state=models.ERROR, lock_owner=None, locked_at=None,
                    loaded_bitstream=None, loaded_at=None, last_code=None,
                    last_error_code=exception.AgentUnavailable.code,
                    last_reason=reason, last_program_at=models.utcnow(),
                    **topology.NOTHING_LOADED)
            .execution_options(synchronize_session=False))
        # Nothing is known to be loaded, so neither are its functions.
        topology.delete_below(session, uuids)
    return uuids
