"""Bring a database to the schema of ``models`` with alembic.

The scripts live in ``migrations/`` inside the package, so no alembic.ini is
needed. Revisions are numbered (0001, 0002, ...; ``alembic revision
--rev-id 0002``) and only go up: like the rest of OpenStack, a database is
restored from a backup, never downgraded.

A target is a configuration (its ``[database] connection``), a URL, or an
engine, which tests use to migrate exactly the database they hold.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import os

from alembic import command
from alembic import config as alembic_config
from alembic.runtime import migration as alembic_migration
from oslo_config import cfg
import sqlalchemy as sa

from cyborg_fpga.db import api

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              'migrations')

Target = cfg.ConfigOpts | str | sa.engine.Engine


def _config() -> alembic_config.Config:
    config = alembic_config.Config()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    return config


@contextlib.contextmanager
def _engine(target: Target) -> Iterator[sa.engine.Engine]:
    """The target's engine; one made here is disposed of afterwards."""
    if isinstance(target, sa.engine.Engine):
        yield target
        return
    if isinstance(target, str):
        engine = api.create_engine(target, max_retries=1)
    else:
        engine = api.engine_from_conf(target)
    try:
        yield engine
    finally:
        engine.dispose()


def upgrade(target: Target, revision: str = 'head') -> None:
    config = _config()
    if isinstance(target, str):
        # Let env.py connect by itself, as the alembic command line does.
        # ConfigParser reads '%' as interpolation.
        config.set_main_option('sqlalchemy.url', target.replace('%', '%%'))
        command.upgrade(config, revision)
        return
    with _engine(target) as engine, engine.begin() as connection:
        config.attributes['connection'] = connection
        command.upgrade(config, revision)


def current(target: Target) -> str | None:
    """The revision the database is at; None for an empty database."""
    with _engine(target) as engine, engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        return context.get_current_revision()


def head() -> str | None:
    """The newest revision of the scripts."""
    from alembic import script
    return script.ScriptDirectory.from_config(_config()).get_current_head()


def sync(conf: cfg.ConfigOpts) -> None:
    """``cyborg-fpga-manage db sync``: upgrade to the newest revision."""
    upgrade(conf)
