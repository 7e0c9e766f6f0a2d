"""an unassigned stop's explanation as catalog messages, worded in each reader's language

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 08:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('unassigned') as batch:
        batch.add_column(sa.Column('detail', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('unassigned') as batch:
        batch.drop_column('detail')
