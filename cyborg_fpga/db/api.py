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

from collections.abc import Iterable, Iterator
import contextlib
import datetime
import threading
from typing import Any

from oslo_config import cfg
from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import engines
from oslo_log import log
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy import pool

from cyborg_fpga.db import models
from cyborg_fpga import exception

LOG = log.getLogger(__name__)

Deployable = models.Deployable

# Report fields copied onto a deployable on every sync, whatever its state.
DESCRIPTIVE_FIELDS = ('host', 'kind', 'name', 'vendor', 'board', 'address',
                      'driver', 'parent_uuid', 'region_type_uuid')

# Execution option that marks a transaction that will write (see
# _sqlite_begin).
_WRITE_OPTION = 'cyborg_fpga_write'

# A deadlock rolls the whole transaction back, so running the method again
# is safe; every write method is one transaction.
_retry_on_deadlock = oslo_db_api.wrap_db_retry(
    retry_interval=0.1, max_retries=5, max_retry_interval=2,
    retry_on_deadlock=True)


def create_engine(url: str, **options: Any) -> sa.engine.Engine:
    """An oslo.db engine with the settings this schema relies on.

    Strict SQL on MySQL, so an over-long value fails instead of being cut;
    foreign keys enforced on SQLite as on the other backends.
    """
    options.setdefault('mysql_sql_mode', 'TRADITIONAL')
    options.setdefault('sqlite_fk', True)
    return engines.create_engine(url, **options)


def engine_from_conf(conf: cfg.ConfigOpts) -> sa.engine.Engine:
    """An engine built from the ``[database]`` options of ``conf``."""
    db = conf.database
    if not db.connection:
        raise cfg.RequiredOptError('connection', cfg.OptGroup('database'))
    return create_engine(
        db.connection,
        mysql_sql_mode=db.mysql_sql_mode,
        mysql_wsrep_sync_wait=db.mysql_wsrep_sync_wait,
        sqlite_synchronous=db.sqlite_synchronous,
        connection_recycle_time=db.connection_recycle_time,
        connection_debug=db.connection_debug,
        connection_trace=db.connection_trace,
        max_pool_size=db.max_pool_size,
        max_overflow=db.max_overflow,
        pool_timeout=db.pool_timeout,
        max_retries=db.max_retries,
        retry_interval=db.retry_interval,
        connection_parameters=db.connection_parameters,
    )


def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Wait for another thread's write lock instead of failing at once.
    dbapi_connection.execute('PRAGMA busy_timeout = 30000')


def _sqlite_begin(connection: sa.engine.Connection) -> None:
    # A transaction that reads and then writes must hold SQLite's write lock
    # from its start: upgrading a read lock while another connection writes
    # fails at once with "database is locked", whatever the busy timeout.
    if not connection.get_execution_options().get(_WRITE_OPTION):
        return
    raw: Any = connection.connection.driver_connection
    if raw.in_transaction:
        # oslo.db's listener, which SQLAlchemy runs before this one, has
        # sent a plain BEGIN; nothing has run in it, so it holds no lock.
        raw.execute('ROLLBACK')
    raw.execute('BEGIN IMMEDIATE')
    # Tells oslo.db's listener, should it ever run after this one, that
    # BEGIN has been sent.
    connection.info['in_transaction'] = True


def _prepare_sqlite(engine: sa.engine.Engine) -> None:
    if not sa.event.contains(engine, 'connect', _sqlite_connect):
        sa.event.listen(engine, 'connect', _sqlite_connect)
    if not sa.event.contains(engine, 'begin', _sqlite_begin):
        sa.event.listen(engine, 'begin', _sqlite_begin)


def _ordered_reports(reports: Iterable[dict[str, Any]]
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


class Connection:
    """The database, as the conductor and the API see it.

    Safe to share between threads. On SQLite it adds to the engine what
    threads need: a busy timeout, and write transactions that take the
    write lock at BEGIN. An in-memory SQLite database is one connection, so
    migrate it through ``self.engine``, not through a URL.
    """

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        self._sessionmaker = orm.sessionmaker(bind=engine,
                                              expire_on_commit=False)
        if engine.dialect.name == 'sqlite':
            _prepare_sqlite(engine)
        # In-memory SQLite is one connection shared by every thread; take
        # turns so that two transactions never interleave on it.
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if isinstance(engine.pool, pool.StaticPool)
            else contextlib.nullcontext())

    @classmethod
    def from_conf(cls, conf: cfg.ConfigOpts) -> Connection:
        return cls(engine_from_conf(conf))

    @contextlib.contextmanager
    def _reader(self) -> Iterator[orm.Session]:
        with self._lock, self._sessionmaker() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def _writer(self) -> Iterator[orm.Session]:
        with self._lock, self._sessionmaker() as session, session.begin():
            session.connection(execution_options={_WRITE_OPTION: True})
            yield session

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
                         limit: int | None = None,
                         marker: str | None = None
                         ) -> list[models.Deployable]:
        """Deployables in creation order; None means "any" for a filter.

        ``marker`` is the uuid of the last deployable of the previous page.
        """
        if limit is not None and limit < 0:
            raise exception.InvalidRequest(
                reason='limit must not be negative')
        query = sa.select(Deployable).order_by(Deployable.id)
        filters = {'host': host, 'kind': kind, 'vendor': vendor,
                   'board': board, 'state': state, 'parent_uuid': parent_uuid}
        for name, value in filters.items():
            if value is not None:
                query = query.where(getattr(Deployable, name) == value)
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
        """The regions of a board; empty for an unknown uuid."""
        return self.list_deployables(parent_uuid=uuid)

    @_retry_on_deadlock
    def acquire_deployable(self, uuid: str, owner: str) -> models.Deployable:
        """Mark the deployable PROGRAMMING for ``owner``, or raise.

        Raises DeployableBusy when another request holds it and
        DeployableNotFound when there is no such deployable.
        """
        with self._writer() as session:
            result = session.execute(
                sa.update(Deployable)
                .where(Deployable.uuid == uuid,
                       Deployable.state != models.PROGRAMMING)
                .values(state=models.PROGRAMMING, lock_owner=owner,
                        locked_at=models.utcnow())
                .execution_options(synchronize_session=False))
            row = session.scalars(
                sa.select(Deployable).where(Deployable.uuid == uuid)).first()
        if row is None:
            raise exception.DeployableNotFound(uuid=uuid)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise exception.DeployableBusy(uuid=uuid)
        return row

    @_retry_on_deadlock
    def release_deployable(self, uuid: str, owner: str, *, state: str,
                           loaded_bitstream: str | None, update_loaded: bool,
                           bitstream_uuid: str, code: int | None,
                           error_code: str | None,
                           reason: str | None) -> bool:
        """End ``owner``'s load: record its outcome and clear the lock.

        Returns False, changing nothing, when ``owner`` no longer holds the
        lock (the stale-lock sweep took it). ``update_loaded`` is False when
        the agent could not say what the device holds, and then the loaded
        bitstream is left as it was. ``loaded_at`` is None whenever
        ``loaded_bitstream`` is.
        """
        if state not in (models.READY, models.ERROR):
            raise ValueError('a released deployable is ready or in error, '
                             'not %r' % state)
        now = models.utcnow()
        values: dict[str, Any] = {
            'state': state, 'lock_owner': None, 'locked_at': None,
            'last_code': code, 'last_error_code': error_code,
            'last_reason': reason, 'last_bitstream': bitstream_uuid,
            'last_program_at': now,
        }
        if update_loaded:
            values['loaded_bitstream'] = loaded_bitstream
            values['loaded_at'] = now if loaded_bitstream else None
        with self._writer() as session:
            result = session.execute(
                sa.update(Deployable)
                .where(Deployable.uuid == uuid, Deployable.lock_owner == owner)
                .values(**values)
                .execution_options(synchronize_session=False))
        return result.rowcount == 1  # type: ignore[attr-defined]

    @_retry_on_deadlock
    def release_stale_locks(self, older_than: datetime.datetime,
                            reason: str) -> list[str]:
        """Put deployables locked before ``older_than`` in error.

        Their owner died in the middle of a load, so what the device holds
        is unknown until its agent reports again. Returns their uuids.
        """
        stale = sa.and_(Deployable.state == models.PROGRAMMING,
                        Deployable.locked_at < older_than)
        with self._writer() as session:
            # A cheap unlocked look first: nearly every sweep finds nothing.
            candidates = list(session.scalars(
                sa.select(Deployable.uuid).where(stale)))
            if not candidates:
                return []
            # Lock only those rows, re-checked, so that the uuids returned
            # are exactly the ones changed even if a load ends meanwhile.
            uuids = list(session.scalars(
                sa.select(Deployable.uuid)
                .where(Deployable.uuid.in_(candidates), stale)
                .order_by(Deployable.id)
                .with_for_update()))
            if uuids:
                session.execute(
                    sa.update(Deployable)
                    .where(Deployable.uuid.in_(uuids))
                    .values(state=models.ERROR, lock_owner=None,
                            locked_at=None, loaded_bitstream=None,
                            loaded_at=None, last_code=None,
                            last_error_code=exception.AgentUnavailable.code,
                            last_reason=reason,
                            last_program_at=models.utcnow())
                    .execution_options(synchronize_session=False))
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
        key. A deployable being programmed keeps its state and loaded
        bitstream (the load in flight owns them) and is never deleted, and
        neither is the board of a region that stays.
        """
        ordered = _ordered_reports(reports)
        reported = {report['uuid'] for report in ordered}
        parents = {report['parent_uuid'] for report in ordered
                   if report.get('parent_uuid')}
        driver_list = ','.join(drivers)
        if len(driver_list) > 255:
            raise exception.InvalidRequest(reason='too many driver names')
        now = models.utcnow()
        with self._writer() as session:
            agent = session.get(models.Agent, host, with_for_update=True)
            if agent is None:
                session.add(models.Agent(host=host, drivers=driver_list,
                                         started_at=now, last_report_at=now))
            else:
                agent.drivers = driver_list
                agent.last_report_at = now

            # One SELECT for every row this sync may touch, locked so that
            # no load starts on them until it commits.
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
            new_rows = [self._new_deployable(host, report, now)
                        for report in ordered if report['uuid'] not in rows]
            if new_rows:
                # render_nulls keeps every row's columns alike, so that the
                # rows are not split into batches by which fields are None.
                session.execute(
                    sa.insert(Deployable).execution_options(render_nulls=True),
                    new_rows)
            for report in ordered:
                row = rows.get(report['uuid'])
                if row is not None:
                    self._update_deployable(row, host, report, now)
            session.flush()

            self._delete_vanished(session, host, rows, reported)

    @staticmethod
    def _new_deployable(host: str, report: dict[str, Any],
                        now: datetime.datetime) -> dict[str, Any]:
        values = {field: report.get(field) for field in DESCRIPTIVE_FIELDS}
        loaded = report.get('loaded_bitstream')
        values.update(uuid=report['uuid'], host=host, state=models.READY,
                      loaded_bitstream=loaded,
                      loaded_at=now if loaded else None, created_at=now)
        return values

    @staticmethod
    def _update_deployable(row: models.Deployable, host: str,
                           report: dict[str, Any],
                           now: datetime.datetime) -> None:
        # Assigning an unchanged value emits no UPDATE.
        for field in DESCRIPTIVE_FIELDS:
            setattr(row, field, report.get(field))
        row.host = host
        if row.state == models.PROGRAMMING:
            return
        loaded = report.get('loaded_bitstream')
        if row.loaded_bitstream != loaded:
            row.loaded_bitstream = loaded
            row.loaded_at = now if loaded else None
        if row.state == models.ERROR:
            # The device has said what it holds: the doubt is over.
            row.state = models.READY

    @staticmethod
    def _delete_vanished(session: orm.Session, host: str,
                         rows: dict[str, models.Deployable],
                         reported: set[str]) -> None:
        gone = {uuid: row for uuid, row in rows.items()
                if row.host == host and uuid not in reported}
        if not gone:
            return
        # Keep a deployable being programmed, and every ancestor of one that
        # stays, so no foreign key is left dangling.
        staying = [row for row in rows.values()
                   if row.uuid in reported or row.state == models.PROGRAMMING]
        for row in staying:
            parent = row.parent_uuid
            while parent in gone:
                parent = gone.pop(parent).parent_uuid
        gone = {uuid: row for uuid, row in gone.items()
                if row.state != models.PROGRAMMING}

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
        LOG.info('Deployables %s left host %s', ', '.join(sorted(gone)), host)

    # Load history

    def start_history(self, *, deployable_uuid: str, host: str | None,
                      bitstream_uuid: str | None, user_id: str | None,
                      project_id: str | None, request_id: str | None) -> int:
        """Record the start of a load; returns the record's id."""
        record = models.ProgramHistory(
            deployable_uuid=deployable_uuid, host=host,
            bitstream_uuid=bitstream_uuid, user_id=user_id,
            project_id=project_id, request_id=request_id,
            started_at=models.utcnow(), result=models.IN_PROGRESS)
        with self._writer() as session:
            session.add(record)
            session.flush()
            return record.id

    def finish_history(self, history_id: int, *, result: str,
                       code: int | None, error_code: str | None,
                       reason: str | None, duration_ms: int) -> None:
        if result not in (models.SUCCEEDED, models.FAILED):
            raise ValueError('a finished load succeeded or failed, not %r'
                             % result)
        with self._writer() as session:
            changed = session.execute(
                sa.update(models.ProgramHistory)
                .where(models.ProgramHistory.id == history_id)
                .values(result=result, code=code, error_code=error_code,
                        reason=reason, duration_ms=duration_ms,
                        finished_at=models.utcnow())
                .execution_options(synchronize_session=False))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            # History is a record, not a lock: a lost record must not turn
            # a finished load into an error.
            LOG.warning('Load history record %s not found', history_id)

    def list_history(self, deployable_uuid: str,
                     limit: int = 50) -> list[models.ProgramHistory]:
        """The latest loads of a deployable, newest first."""
        history = models.ProgramHistory
        with self._reader() as session:
            return list(session.scalars(
                sa.select(history)
                .where(history.deployable_uuid == deployable_uuid)
                .order_by(history.id.desc())
                .limit(limit)))

    # Agents

    def list_agents(self) -> list[models.Agent]:
        with self._reader() as session:
            return list(session.scalars(
                sa.select(models.Agent).order_by(models.Agent.host)))
