"""Base of the database tests: a migrated database per test.

The tests run on SQLite here; cyborg_fpga/tests/functional/db runs the same
classes on MariaDB and PostgreSQL by setting BACKEND.
"""

from __future__ import annotations

import datetime
from typing import Any
import uuid as uuid_lib

import sqlalchemy as sa

from cyborg_fpga.db import api
from cyborg_fpga.db import models
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import database

HOST = 'host-a'


def new_uuid() -> str:
    return str(uuid_lib.uuid4())


def report(uuid: str, kind: str = 'board', parent_uuid: str | None = None,
           loaded_bitstream: str | None = None, **fields: Any
           ) -> dict[str, Any]:
    """A DeviceReport.to_dict() with its driver, as the agent sends it."""
    result: dict[str, Any] = {
        'uuid': uuid, 'kind': kind, 'name': 'fpga-%s' % uuid[:8],
        'vendor': 'Xilinx', 'board': 'U250', 'address': '0000:3b:00.0',
        'parent_uuid': parent_uuid, 'region_type_uuid': None,
        'loaded_bitstream': loaded_bitstream, 'driver': 'fake'}
    result.update(fields)
    return result


class DbTestCase(base.TestCase):
    BACKEND = 'sqlite'

    def setUp(self) -> None:
        super().setUp()
        self.database = database.use_database(self, self.BACKEND)
        self.dbapi = api.Connection(self.database.engine)

    def assertNotBefore(self, when: datetime.datetime | None,
                        earliest: datetime.datetime) -> None:
        self.assertIsNotNone(when)
        assert when is not None  # for the type checker
        self.assertGreaterEqual(when, earliest)

    def new_connection(self) -> api.Connection:
        """A Connection with an engine of its own, as another process has."""
        engine = api.create_engine(self.database.url, max_retries=1)
        self.addCleanup(engine.dispose)
        return api.Connection(engine)

    def make_board(self, regions: int = 0, host: str | None = None,
                   **fields: Any) -> tuple[str, list[str]]:
        """Report a board with ``regions`` regions, alone on its host.

        Returns the uuids of the board and of its regions.
        """
        board = new_uuid()
        region_uuids = [new_uuid() for _ in range(regions)]
        # Regions share the board's vendor and model, not its bitstream.
        shared = {k: v for k, v in fields.items() if k != 'loaded_bitstream'}
        reports = [report(board, **fields)] + [
            report(r, kind='region', parent_uuid=board, **shared)
            for r in region_uuids]
        self.dbapi.sync_inventory(host or 'host-' + board[:8], ['fake'],
                                  reports)
        return board, region_uuids

    def set_columns(self, uuid: str, **values: Any) -> None:
        """Change a deployable behind the API's back, to stage a case."""
        with self.database.engine.begin() as conn:
            conn.execute(sa.update(models.Deployable)
                         .where(models.Deployable.uuid == uuid)
                         .values(**values))

    def count_statements(self) -> list[str]:
        """The SQL statements sent from now on, to keep their number low."""
        statements: list[str] = []

        def record(conn: Any, cursor: Any, statement: str,
                   *args: Any) -> None:
            # SQLite's transaction control is not this code's choice.
            if statement.split()[0].upper() not in ('BEGIN', 'COMMIT'):
                statements.append(statement)

        engine = self.database.engine
        sa.event.listen(engine, 'before_cursor_execute', record)
        self.addCleanup(sa.event.remove, engine, 'before_cursor_execute',
                        record)
        return statements
