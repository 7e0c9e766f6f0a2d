"""matrix rows: travel-matrix rows kept per municipality, profile and source

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-05 08:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0014'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('matrixrow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('profile', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('seconds', sa.LargeBinary(), nullable=False),
    sa.Column('metres', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'profile', 'source', 'position')
    )
    with op.batch_alter_table('matrixrow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matrixrow_municipality_id'), ['municipality_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matrixrow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matrixrow_municipality_id'))
    op.drop_table('matrixrow')
