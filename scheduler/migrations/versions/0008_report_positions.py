"""report positions: where the phone was when a stop was reported (with its holder's leave)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reports made before this had no position: the columns stay empty for them.
    with op.batch_alter_table('stop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('report_lon', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('report_accuracy_m', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('stop', schema=None) as batch_op:
        batch_op.drop_column('report_accuracy_m')
        batch_op.drop_column('report_lon')
        batch_op.drop_column('report_lat')
