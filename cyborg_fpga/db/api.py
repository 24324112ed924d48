"""Every read and write of the conductor's database.

One method is one short transaction. Methods return model objects detached
from their session (``expire_on_commit=False``), so callers read their
attributes freely but never write through them.

Locking a deployable is a compare-and-set in one UPDATE: of any number of
conductors racing for one deployable, exactly one sees a changed row, on
MariaDB (the UPDATE reads the latest committed row) and on PostgreSQL at
READ COMMITTED (a waiting UPDATE re-checks its WHERE on the new row).
"""

from __future__ import annotations

from collections.abc import Mapping
import datetime
from typing import Any

from oslo_config import cfg
from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_log import log
import sqlalchemy as sa

from cyborg_fpga.db import assignment
from cyborg_fpga.db import engine as db_engine
from cyborg_fpga.db import history
from cyborg_fpga.db import inventory
from cyborg_fpga.db import loads
from cyborg_fpga.db import models
from cyborg_fpga.db import topology
from cyborg_fpga import exception

LOG = log.getLogger(__name__)

Deployable = models.Deployable

# Where they always were; the code lives in db/engine.py.
create_engine = db_engine.create_engine
engine_from_conf = db_engine.engine_from_conf


def _history_lost(history_id: int) -> None:
    # History is a record, not a lock: a lost record must not turn a
    # finished load into an error.
    LOG.warning('Load history record %s not found', history_id)


# A deadlock rolls the whole transaction back, so running the method again
# is safe; every write method is one transaction.
_retry_on_deadlock = oslo_db_api.wrap_db_retry(
    retry_interval=0.1, max_retries=5, max_retry_interval=2,
    retry_on_deadlock=True)


class Connection(db_engine.Transactions):
    """The database, as the conductor and the API see it.

    Safe to share between threads (see ``engine.Transactions``). An
    in-memory SQLite database is one connection, so migrate it through
    ``self.engine``, not through a URL.
    """

    @classmethod
    def from_conf(cls, conf: cfg.ConfigOpts) -> Connection:
        return cls(engine_from_conf(conf))

    # Deployables

    def get_deployable(self, uuid: str) -> models.Deployable:
        with self._reader() as session:
            row = session.scalars(
                sa.select(Deployable).where(Deployable.uuid == uuid)).first()
        if row is None:
            raise exception.DeployableNotFound(uuid=uuid)
        return row

    def list_deployables(self, *, host: str | None = None,
                         kind: str | None = None, vendor: str | None = None,
                         board: str | None = None, state: str | None = None,
                         parent_uuid: str | None = None,
                         project_id: str | None = None,
                         name: str | None = None,
                         loaded_bitstream: str | None = None,
                         function_uuid: str | None = None,
                         function_name: str | None = None,
                         limit: int | None = None,
                         marker: str | None = None
                         ) -> list[models.Deployable]:
        """Deployables in creation order; None means "any" for a filter.

        ``project_id`` keeps the boards and regions assigned to it and the
        PFs and VFs below them. ``marker`` is the uuid of the last
        deployable of the previous page.
        """
        if limit is not None and limit < 0:
            raise exception.InvalidRequest(
                reason='limit must not be negative')
        query = sa.select(Deployable).order_by(Deployable.id)
        filters = {
            Deployable.host: host, Deployable.kind: kind,
            Deployable.vendor: vendor, Deployable.board: board,
            Deployable.state: state, Deployable.parent_uuid: parent_uuid,
            Deployable.name: name,
            Deployable.loaded_bitstream: loaded_bitstream,
            # The function of what is loaded, as its bitstream named it.
            Deployable.loaded_function_uuid: function_uuid,
            Deployable.loaded_function_name: function_name}
        for column, value in filters.items():
            if value is not None:
                query = query.where(column == value)
        if project_id is not None:
            query = query.where(assignment.of_project(project_id))
        if limit is not None:
            query = query.limit(limit)
        with self._reader() as session:
            if marker is not None:
                marker_id = session.scalar(
                    sa.select(Deployable.id).where(Deployable.uuid == marker))
                if marker_id is None:
                    raise exception.InvalidRequest(
                        reason='marker %s is not a deployable' % marker)
                query = query.where(Deployable.id > marker_id)
            return list(session.scalars(query))

    def list_children(self, uuid: str) -> list[models.Deployable]:
        """The deployables right below one; empty for an unknown uuid."""
        return self.list_deployables(parent_uuid=uuid)

    def get_tree(self, uuid: str
                 ) -> tuple[models.Deployable, list[models.Deployable]]:
        """A deployable and every deployable below it, level by level.

        One query for the deployable and its children, then one per
        further level (board, regions, PFs, VFs: four). Raises
        DeployableNotFound.
        """
        with self._reader() as session:
            found = topology.tree(session, uuid)
        if found is None:
            raise exception.DeployableNotFound(uuid=uuid)
        return found

    def get_access(self, uuid: str) -> assignment.Access:
        """Whose the deployable is and whether it takes loads."""
        with self._reader() as session:
            return assignment.access(session, uuid)

    @_retry_on_deadlock
    def assign(self, uuid: str,
               project_id: str | None) -> models.Deployable:
        """Assign a board or region to a project; None takes it back."""
        with self._writer() as session:
            return assignment.update(session, uuid, project_id=project_id)

    @_retry_on_deadlock
    def set_maintenance(self, uuid: str, on: bool,
                        reason: str | None = None) -> models.Deployable:
        """Put a board or region in maintenance, or out (forgetting why)."""
        with self._writer() as session:
            return assignment.update(session, uuid, maintenance=on,
                                     maintenance_reason=reason if on
                                     else None)

    @_retry_on_deadlock
    def acquire_deployable(self, uuid: str, owner: str) -> models.Deployable:
        """Mark the deployable PROGRAMMING for ``owner``, or raise.

        Returns the locked row. Raises DeployableBusy when another request
        holds it and DeployableNotFound when there is no such deployable.
        A load takes its lock with begin_load, which records its start too.
        """
        with self._writer() as session:
            loads.acquire(session, uuid, owner)
            return session.scalars(
                sa.select(Deployable).where(Deployable.uuid == uuid)).one()

    @_retry_on_deadlock
    def begin_load(self, owner: str, who: Mapping[str, str | None]) -> int:
        """Lock ``who['deployable_uuid']`` and start its history record.

        One transaction: a load that holds the lock always has its record.
        ``who`` has the keys of ``history.WHO``. Returns the record's id;
        raises as acquire_deployable does, recording nothing.
        """
        with self._writer() as session:
            loads.acquire(session, str(who['deployable_uuid']), owner)
            return history.start(session, dict(who))

    @_retry_on_deadlock
    def release_deployable(
            self, uuid: str, owner: str, *, state: str,
            loaded_bitstream: str | None, update_loaded: bool,
            bitstream_uuid: str, code: int | None, error_code: str | None,
            reason: str | None,
            loaded_metadata: Mapping[str, Any] | None = None,
            children: list[dict[str, Any]] | None = None,
            invalidate_regions: bool = False,
            finished: history.Finished | None = None) -> bool:
        """End ``owner``'s load: record its outcome and clear the lock.

        Returns False, changing nothing, when ``owner`` no longer holds the
        lock (the stale-lock sweep took it). ``update_loaded`` is False when
        the agent could not say what the device holds, which then stays as
        recorded. With it, ``loaded_metadata`` (``models.LOADED_METADATA``
        keys) and ``children`` (``topology.children_of`` rows) describe
        ``loaded_bitstream`` and replace the loaded_* columns and the PFs
        and VFs below; None keeps them, unless the device holds another
        bitstream or nothing now. ``invalidate_regions`` (a new shell)
        empties the board's regions. ``finished`` ends the load's history
        record with the same outcome, whether or not the lock was still
        held. One transaction.
        """
        if state not in (models.READY, models.ERROR):
            raise ValueError('a released deployable is ready or in error, '
                             'not %r' % state)
        if children:
            topology.check_children(uuid, children)
        outcome = {
            'state': state, 'last_code': code, 'last_error_code': error_code,
            'last_reason': reason, 'last_bitstream': bitstream_uuid}
        with self._writer() as session:
            released = loads.release(
                session, uuid, owner, outcome,
                loaded=loads.Loaded(loaded_bitstream, loaded_metadata,
                                    children) if update_loaded else None,
                invalidate_regions=invalidate_regions)
            if finished is not None and not history.finish(
                    session, finished.history_id, dict(
                        result=finished.result, code=code,
                        error_code=error_code, reason=reason,
                        duration_ms=finished.duration_ms)):
                _history_lost(finished.history_id)
        return released

    @_retry_on_deadlock
    def release_stale_locks(self, older_than: datetime.datetime,
                            reason: str) -> list[str]:
        """Put deployables locked before ``older_than`` in error.

        Their owner died in the middle of a load, so what the device holds
        is unknown until its agent reports again. Returns their uuids.
        """
        with self._writer() as session:
            uuids = loads.sweep(session, older_than, reason)
        for uuid in uuids:
            LOG.warning('Deployable %s was left programming; marked in '
                        'error: %s', uuid, reason)
        return uuids

    @oslo_db_api.wrap_db_retry(
        retry_interval=0.1, max_retries=5, max_retry_interval=2,
        retry_on_deadlock=True,
        # Two first reports of one host race to insert its agents row.
        exception_checker=lambda e: isinstance(e, db_exc.DBDuplicateEntry))
    def sync_inventory(self, host: str, drivers: list[str],
                       reports: list[dict[str, Any]]) -> None:
        """Make the deployables of ``host`` what its agent reports.

        ``reports`` are ``DeviceReport.to_dict()`` dicts with a ``driver``
        key. A deployable being programmed keeps its state and what it
        holds (the load in flight owns them) and is never deleted, and
        neither is the board of a region that stays. PFs and VFs, which
        agents do not report, stay while their parent holds the same
        bitstream (see ``db/inventory.py``).
        """
        ordered = inventory.ordered_reports(reports)
        driver_list = ','.join(drivers)
        if len(driver_list) > 255:
            raise exception.InvalidRequest(reason='too many driver names')
        with self._writer() as session:
            inventory.sync(session, host, driver_list, ordered,
                           models.utcnow())

    # Load history

    def record_refused(self, who: Mapping[str, str | None], *,
                       error_code: str, reason: str) -> int:
        """Record an attempt refused before the lock; returns its id.

        ``who`` has the keys of ``history.WHO``, as begin_load takes.
        """
        with self._writer() as session:
            return history.refused(session, dict(who), error_code, reason)

    def list_history(self, deployable_uuid: str, limit: int = 50,
                     project_id: str | None = None
                     ) -> list[models.ProgramHistory]:
        """The latest attempts on a deployable, newest first.

        With ``project_id``, only the attempts made from that project.
        """
        with self._reader() as session:
            return history.latest(session, deployable_uuid, limit,
                                  project_id)

    # Agents

    def list_agents(self) -> list[models.Agent]:
        with self._reader() as session:
            return list(session.scalars(
                sa.select(models.Agent).order_by(models.Agent.host)))
