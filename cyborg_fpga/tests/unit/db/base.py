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
from cyborg_fpga.image import topology_rules
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga import topology as fpga_topology

HOST = 'host-a'

# The specification's example topology, verbatim.
SPEC_TOPOLOGY = topology_rules.EXAMPLE

METADATA = {'bs_uuid': 'bs-uuid-1', 'function_uuid': 'function-uuid-1',
            'function_name': 'nic-40', 'driver': 'SDX', 'driver_ver': '1.0',
            'driver_path': '/path/'}


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

    def load(self, uuid: str, bitstream: str | None = 'image-1',
             topology: Any = None, owner: str = 'req-load',
             **kwargs: Any) -> bool:
        """A whole load through the lock, as the conductor records it."""
        self.dbapi.acquire_deployable(uuid, owner)
        return self.finish_load(uuid, bitstream, topology, owner, **kwargs)

    def finish_load(self, uuid: str, bitstream: str | None = 'image-1',
                topology: Any = None, owner: str = 'req-load',
                **kwargs: Any) -> bool:
        row = self.dbapi.get_deployable(uuid)
        args: dict[str, Any] = dict(
            state=models.READY, loaded_bitstream=bitstream,
            update_loaded=True, bitstream_uuid=bitstream or 'image-x',
            code=0, error_code=None, reason=None,
            loaded_metadata=METADATA if bitstream else None,
            children=fpga_topology.children_of(uuid, row.host, topology)
            if bitstream else None)
        args.update(kwargs)
        return self.dbapi.release_deployable(uuid, owner, **args)

    def tree(self, uuid: str) -> dict[str, list[tuple[str, str]]]:
        """{parent uuid: [(kind, name) of each child]} below ``uuid``."""
        _root, below = self.dbapi.get_tree(uuid)
        result: dict[str, list[tuple[str, str]]] = {}
        for row in below:
            assert row.parent_uuid is not None  # for the type checker
            result.setdefault(row.parent_uuid, []).append(
                (row.kind, row.name or ''))
        return result

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
