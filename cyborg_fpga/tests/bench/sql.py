"""A MariaDB database of the benchmark's own, and its statements counted.

The services reach the database as a user made for this run alone, so
that MariaDB's per-user statistics (``userstat``) count exactly the
statements of our processes, whatever else the shared server runs at the
time (``SHOW GLOBAL STATUS`` would count the other engineers' test runs
too). Where ``userstat`` cannot be switched on, the global ``Com_*``
counters stand in, and the table says so.
"""

from __future__ import annotations

import dataclasses
from typing import Any
import uuid

import fixtures
import sqlalchemy as sa

from cyborg_fpga.tests.fixtures import database


@dataclasses.dataclass(frozen=True)
class Counts:
    selects: int
    writes: int  # INSERT, UPDATE, DELETE
    other: int  # COMMIT, ROLLBACK, SET...
    rows_read: int

    def __sub__(self, other: Counts) -> Counts:
        return Counts(*(a - b for a, b in zip(dataclasses.astuple(self),
                                              dataclasses.astuple(other),
                                              strict=True)))


_USER_STATS = sa.text(
    'SELECT SELECT_COMMANDS, UPDATE_COMMANDS, OTHER_COMMANDS, ROWS_READ '
    'FROM information_schema.USER_STATISTICS WHERE USER = :user')
_GLOBAL = ('Com_select', 'Com_insert', 'Com_update', 'Com_delete',
           'Com_commit', 'Com_rollback', 'Innodb_rows_read')


class BenchDatabase(fixtures.Fixture):
    """A fresh migrated database, reached by the services as ``url``."""

    def _setUp(self) -> None:
        self.real = self.useFixture(database.RealDatabase('mysql'))
        self.engine = self.real.engine  # the admin's, for bulk inserts
        self.user = 'cyfb_' + uuid.uuid4().hex[:12]
        password = uuid.uuid4().hex
        with self.engine.begin() as conn:
            # pymysql formats every statement: '%%' is the host '%'. Both
            # names are hex digits, safe to put in the text.
            conn.exec_driver_sql("CREATE USER '%s'@'%%%%' IDENTIFIED BY '%s'"
                                 % (self.user, password))
            conn.exec_driver_sql("GRANT ALL PRIVILEGES ON %s.* TO '%s'@'%%%%'"
                                 % (self.real.name, self.user))
        self.addCleanup(self._drop_user)
        self.url = sa.engine.make_url(self.real.url).set(
            username=self.user, password=password).render_as_string(
                hide_password=False)
        # Decided at the first count: only the rows that count statements
        # touch the server's settings.
        self.per_user: bool | None = None

    def _drop_user(self) -> None:
        with self.engine.begin() as conn:
            conn.exec_driver_sql("DROP USER IF EXISTS '%s'@'%%%%'"
                                 % self.user)

    def _enable_userstat(self) -> bool:
        try:
            with self.engine.begin() as conn:
                if not conn.exec_driver_sql(
                        'SELECT @@GLOBAL.userstat').scalar():
                    conn.exec_driver_sql('SET GLOBAL userstat = ON')
                    # Left as found: it costs every other user a little.
                    self.addCleanup(self._disable_userstat)
        except sa.exc.DBAPIError:
            return False
        return True

    def _disable_userstat(self) -> None:
        with self.engine.begin() as conn:
            conn.exec_driver_sql('SET GLOBAL userstat = OFF')

    @property
    def method(self) -> str:
        return ('per-user statistics of the services\' own MariaDB user'
                if self.per_user else
                'SHOW GLOBAL STATUS (the whole server: noisy)')

    def counts(self) -> Counts:
        if self.per_user is None:
            self.per_user = self._enable_userstat()
        with self.engine.connect() as conn:
            if self.per_user:
                row = conn.execute(_USER_STATS, {'user': self.user}).first()
                return Counts(*(int(v) for v in row)) if row else Counts(
                    0, 0, 0, 0)
            status: dict[str, Any] = {
                name: value for name, value in conn.exec_driver_sql(
                    "SHOW GLOBAL STATUS WHERE Variable_name IN (%s)"
                    % ', '.join("'%s'" % name for name in _GLOBAL))}
        value = {name: int(status.get(name, 0)) for name in _GLOBAL}
        return Counts(
            selects=value['Com_select'],
            writes=(value['Com_insert'] + value['Com_update'] +
                    value['Com_delete']),
            other=value['Com_commit'] + value['Com_rollback'],
            rows_read=value['Innodb_rows_read'])
