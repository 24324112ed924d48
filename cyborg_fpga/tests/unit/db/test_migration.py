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
        self.assertEqual('0001', migration.head())

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
