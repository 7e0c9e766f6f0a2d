"""held plan versions: a dispatcher's re-plan of a published day waits for Publish

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:45:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing versions were all sent as soon as they were made: none is held.
    with op.batch_alter_table('planversion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('planversion', schema=None) as batch_op:
        batch_op.drop_column('held')
