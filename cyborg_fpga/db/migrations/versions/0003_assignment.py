"""Which project a deployable is assigned to, and maintenance.

Revision ID: 0003
Revises: 0002
Create Date: 2027-01-15
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Written out rather than taken from models.py, as in 0001. Existing
    # deployables become unassigned and out of maintenance: the admins'
    # alone until an admin assigns them.
    with op.batch_alter_table('deployables') as batch:
        batch.add_column(sa.Column('project_id', sa.String(255),
                                   nullable=True))
        batch.add_column(sa.Column('maintenance', sa.Boolean,
                                   nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('maintenance_reason', sa.Text,
                                   nullable=True))
    op.create_index('ix_deployables_project_id', 'deployables',
                    ['project_id'])
