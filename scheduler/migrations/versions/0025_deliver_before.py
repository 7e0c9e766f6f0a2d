"""a closed date whose meals are delivered on the eve (the last delivery day before it)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 00:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('dateoverride', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('deliver_before', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('dateoverride', schema=None) as batch_op:
        batch_op.drop_column('deliver_before')
