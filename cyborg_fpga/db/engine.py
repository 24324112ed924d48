"""Engines for the conductor's database, what SQLite needs of them, and
the transactions ``api.Connection`` runs on them.

Split from ``api`` so that module holds only the reads and writes;
``api.create_engine`` and ``api.engine_from_conf`` remain the names to use.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import threading
from typing import Any

from oslo_config import cfg
from oslo_db.sqlalchemy import engines
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy import pool

# Execution option that marks a transaction that will write (see
# _sqlite_begin).
WRITE_OPTION = 'cyborg_fpga_write'


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
    if not connection.get_execution_options().get(WRITE_OPTION):
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


def prepare_sqlite(engine: sa.engine.Engine) -> None:
    """A busy timeout, and write transactions that lock at BEGIN."""
    if not sa.event.contains(engine, 'connect', _sqlite_connect):
        sa.event.listen(engine, 'connect', _sqlite_connect)
    if not sa.event.contains(engine, 'begin', _sqlite_begin):
        sa.event.listen(engine, 'begin', _sqlite_begin)


class Transactions:
    """Short transactions on one engine, safe to share between threads.

    On SQLite it adds to the engine what threads need: a busy timeout, and
    write transactions that take the write lock at BEGIN.
    """

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        self._sessionmaker = orm.sessionmaker(bind=engine,
                                              expire_on_commit=False)
        if engine.dialect.name == 'sqlite':
            prepare_sqlite(engine)
        # In-memory SQLite is one connection shared by every thread; take
        # turns so that two transactions never interleave on it.
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if isinstance(engine.pool, pool.StaticPool)
            else contextlib.nullcontext())

    @contextlib.contextmanager
    def _reader(self) -> Iterator[orm.Session]:
        with self._lock, self._sessionmaker() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def _writer(self) -> Iterator[orm.Session]:
        with self._lock, self._sessionmaker() as session, session.begin():
            session.connection(execution_options={WRITE_OPTION: True})
            yield session
