"""caregivers' weeks: the municipality's balance weight, each caregiver's weekly limit

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 08:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('municipality') as batch:
        batch.add_column(
            sa.Column('care_balance_weight', sa.Integer(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('caregiver') as batch:
        batch.add_column(sa.Column('max_week_minutes', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('caregiver') as batch:
        batch.drop_column('max_week_minutes')
    with op.batch_alter_table('municipality') as batch:
        batch.drop_column('care_balance_weight')
