"""Alembic environment of cyborg-fpga.

Two ways in: ``cyborg_fpga.db.migration`` hands over an open connection in
``config.attributes['connection']`` (so a test migrates exactly the engine
it holds), or the alembic command line gives ``sqlalchemy.url``.
"""

from typing import Any

from alembic import context
from oslo_db.sqlalchemy import engines

from cyborg_fpga.db import models

config = context.config
target_metadata = models.Base.metadata


def _configure(**kwargs: Any) -> None:
    # Batch mode lets later migrations alter tables on SQLite, which has
    # almost no ALTER TABLE.
    context.configure(target_metadata=target_metadata,
                      render_as_batch=True, **kwargs)


def run_migrations_offline() -> None:
    _configure(url=config.get_main_option('sqlalchemy.url'),
               literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get('connection')
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engines.create_engine(config.get_main_option('sqlalchemy.url'),
                                   max_retries=1)
    try:
        with engine.connect() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
