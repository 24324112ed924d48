"""Alembic migrations: they run, and they make exactly the models."""

from __future__ import annotations

from oslo_config import cfg
from oslo_db.sqlalchemy import test_migrations
import sqlalchemy as sa

from cyborg_fpga import conf as fpga_conf
from cyborg_fpga.db import api
from cyborg_fpga.db import migration
from cyborg_fpga.db import models
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import database

TABLES = {'deployables', 'program_history', 'agents', 'alembic_version'}
NEW_COLUMNS = ('loaded_bs_uuid', 'loaded_function_uuid',
               'loaded_function_name', 'loaded_driver', 'loaded_driver_ver',
               'loaded_driver_path', 'pci_offset', 'capability', 'kpi')


class TestMigration(base.TestCase):
    BACKEND = 'sqlite'

    def setUp(self) -> None:
        super().setUp()
        self.database = database.use_database(self, self.BACKEND,
                                              migrate=False)
        self.engine = self.database.engine

    def tables(self) -> set[str]:
        return set(sa.inspect(self.engine).get_table_names())

    def test_head_is_numbered(self) -> None:
        self.assertEqual('0003', migration.head())

    def test_empty(self) -> None:
        self.assertIsNone(migration.current(self.engine))
        self.assertEqual(set(), self.tables())

    def test_upgrade_engine(self) -> None:
        migration.upgrade(self.engine)
        self.assertEqual(migration.head(), migration.current(self.engine))
        self.assertEqual(TABLES, self.tables())

    def test_upgrade_url(self) -> None:
        migration.upgrade(self.database.url)
        self.assertEqual(migration.head(),
                         migration.current(self.database.url))

    def test_sync_from_configuration(self) -> None:
        conf = fpga_conf.load([])
        conf.set_override('connection', self.database.url, 'database')
        migration.sync(conf)
        self.assertEqual(migration.head(), migration.current(conf))
        # Connection.from_conf uses the same options.
        connection = api.Connection.from_conf(conf)
        self.addCleanup(connection.engine.dispose)
        self.assertEqual([], connection.list_agents())

    def test_0002_keeps_rows_and_adds_nullable_columns(self) -> None:
        migration.upgrade(self.engine, '0001')
        self.assertEqual('0001', migration.current(self.engine))
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO deployables (uuid, host, kind, state, "
                "loaded_bitstream) VALUES ('u-1', 'h', 'board', 'ready', "
                "'image-1')"))
        migration.upgrade(self.engine, '0002')
        self.assertEqual('0002', migration.current(self.engine))
        columns = {c['name']: c for c in
                   sa.inspect(self.engine).get_columns('deployables')}
        for name in NEW_COLUMNS:
            self.assertTrue(columns[name]['nullable'], name)
        # The models are those of the newest revision.
        migration.upgrade(self.engine)
        row = api.Connection(self.engine).get_deployable('u-1')
        self.assertEqual('image-1', row.loaded_bitstream)
        self.assertEqual([None] * len(NEW_COLUMNS),
                         [getattr(row, name) for name in NEW_COLUMNS])
        # The new kinds and columns are usable at once.
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO deployables (uuid, parent_uuid, host, kind, "
                "state, pci_offset, loaded_driver_path) VALUES ('u-2', 'u-1', "
                "'h', 'pf', 'ready', '0', :path)"), {'path': '/p' * 500})
        self.assertEqual('/p' * 500, api.Connection(self.engine)
                         .get_deployable('u-2').loaded_driver_path)

    def test_0003_leaves_every_deployable_unassigned(self) -> None:
        migration.upgrade(self.engine, '0002')
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO deployables (uuid, host, kind, state) "
                "VALUES ('u-1', 'h', 'board', 'ready')"))
        migration.upgrade(self.engine)
        self.assertEqual('0003', migration.current(self.engine))
        row = api.Connection(self.engine).get_deployable('u-1')
        self.assertEqual((None, False, None),
                         (row.project_id, row.maintenance,
                          row.maintenance_reason))
        indexes = {index['name'] for index in
                   sa.inspect(self.engine).get_indexes('deployables')}
        self.assertIn('ix_deployables_project_id', indexes)

    def test_upgrade_twice(self) -> None:
        migration.upgrade(self.engine)
        migration.upgrade(self.engine)
        self.assertEqual(migration.head(), migration.current(self.engine))


class TestModelsMatchMigrations(test_migrations.ModelsMigrationsSync,
                                base.TestCase):
    """Migrating an empty database gives exactly the tables of models."""

    BACKEND = 'sqlite'

    def setUp(self) -> None:
        super().setUp()
        self.database = database.use_database(self, self.BACKEND,
                                              migrate=False)

    def get_engine(self) -> sa.engine.Engine:
        return self.database.engine

    def get_metadata(self) -> sa.MetaData:
        return models.Base.metadata

    def db_sync(self, engine: sa.engine.Engine) -> None:
        migration.upgrade(engine)


class TestConfiguration(base.TestCase):

    def test_connection_required(self) -> None:
        conf = fpga_conf.load([])
        self.assertRaises(cfg.RequiredOptError,
                          api.Connection.from_conf, conf)
