"""addresses: where a client's coordinates came from, whether they are to check, and the
geocoder's answers kept per municipality and query

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 12:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from scheduler.migrations.row_security import protect_all


revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='given'))
        batch_op.add_column(sa.Column('address_check', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='ok'))
    op.create_table('geocodeanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('query', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('places', sa.JSON(), nullable=True),
    sa.Column('asked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'query')
    )
    with op.batch_alter_table('geocodeanswer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_geocodeanswer_municipality_id'), ['municipality_id'], unique=False)
    protect_all(op.get_bind())  # row security for the new table (PostgreSQL only)


def downgrade() -> None:
    op.drop_table('geocodeanswer')
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('address_check')
        batch_op.drop_column('location_source')
