"""What a deployable holds, and the PFs and VFs of its topology.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Written out rather than taken from models.py, as in 0001. Every column is
# nullable, so adding them is instant and old rows need no default.
COLUMNS = (
    ('loaded_bs_uuid', sa.String(36)),
    ('loaded_function_uuid', sa.String(36)),
    ('loaded_function_name', sa.String(255)),
    ('loaded_driver', sa.String(255)),
    ('loaded_driver_ver', sa.String(64)),
    ('loaded_driver_path', sa.String(1024)),
    ('pci_offset', sa.String(16)),
    ('capability', sa.String(255)),
    ('kpi', sa.String(255)),
)


def upgrade() -> None:
    # Plain ADD COLUMN on every backend: batch mode copies a SQLite table
    # only for changes that ALTER TABLE cannot make, and these it can.
    with op.batch_alter_table('deployables') as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
