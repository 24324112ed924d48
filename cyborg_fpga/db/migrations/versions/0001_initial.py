"""Deployables, their load history and the agents that report them.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from typing import Any

from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# Written out rather than taken from models.py: a migration must keep
# creating the schema of its day after the models move on.
MYSQL_TABLE_ARGS: dict[str, Any] = {'mysql_engine': 'InnoDB',
                                   'mysql_charset': 'utf8mb4'}


def upgrade() -> None:
    op.create_table(
        'deployables',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('parent_uuid', sa.String(36), nullable=True),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('vendor', sa.String(255)),
        sa.Column('board', sa.String(255)),
        sa.Column('address', sa.String(255)),
        sa.Column('driver', sa.String(64)),
        sa.Column('region_type_uuid', sa.String(36)),
        sa.Column('loaded_bitstream', sa.String(36)),
        sa.Column('loaded_at', sa.DateTime),
        sa.Column('state', sa.String(16), nullable=False,
                  server_default='ready'),
        sa.Column('lock_owner', sa.String(64)),
        sa.Column('locked_at', sa.DateTime),
        sa.Column('last_code', sa.Integer),
        sa.Column('last_error_code', sa.String(64)),
        sa.Column('last_reason', sa.Text),
        sa.Column('last_bitstream', sa.String(36)),
        sa.Column('last_program_at', sa.DateTime),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
        sa.PrimaryKeyConstraint('id', name='pk_deployables'),
        sa.UniqueConstraint('uuid', name='uq_deployables_uuid'),
        sa.ForeignKeyConstraint(
            ['parent_uuid'], ['deployables.uuid'],
            name='fk_deployables_parent_uuid_deployables'),
        **MYSQL_TABLE_ARGS,
    )
    op.create_index('ix_deployables_parent_uuid', 'deployables',
                    ['parent_uuid'])
    op.create_index('ix_deployables_host', 'deployables', ['host'])

    op.create_table(
        'program_history',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('deployable_uuid', sa.String(36), nullable=False),
        sa.Column('host', sa.String(255)),
        sa.Column('bitstream_uuid', sa.String(36)),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.Column('request_id', sa.String(64)),
        sa.Column('started_at', sa.DateTime, nullable=False),
        sa.Column('finished_at', sa.DateTime),
        sa.Column('duration_ms', sa.Integer),
        sa.Column('result', sa.String(16), nullable=False),
        sa.Column('code', sa.Integer),
        sa.Column('error_code', sa.String(64)),
        sa.Column('reason', sa.Text),
        sa.PrimaryKeyConstraint('id', name='pk_program_history'),
        **MYSQL_TABLE_ARGS,
    )
    op.create_index('ix_program_history_deployable_uuid_id',
                    'program_history', ['deployable_uuid', 'id'])

    op.create_table(
        'agents',
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('drivers', sa.String(255)),
        sa.Column('started_at', sa.DateTime),
        sa.Column('last_report_at', sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint('host', name='pk_agents'),
        **MYSQL_TABLE_ARGS,
    )
