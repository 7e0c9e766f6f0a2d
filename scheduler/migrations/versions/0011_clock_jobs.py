"""clock jobs and the clock lease: each due run of a clock job, closed with its effect

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 07:37:06.225967
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('clocklease',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('checked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('clockjob',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('tried_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('alerted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'action', 'service', 'day')
    )
    with op.batch_alter_table('clockjob', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clockjob_done_at'), ['done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_clockjob_municipality_id'), ['municipality_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('clockjob', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clockjob_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_clockjob_done_at'))

    op.drop_table('clockjob')
    op.drop_table('clocklease')
