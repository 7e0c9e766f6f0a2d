"""sessions that can be ended: page session rows, sign-in attempts, token expiry

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 17:54:26.750571
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('signinattempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=210), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signinattempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signinattempt_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_signinattempt_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_signinattempt_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signinattempt_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('pagesession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pagesession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pagesession_key_hash'), ['key_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_pagesession_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pagesession_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('pagesession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pagesession_user_id'))
        batch_op.drop_index(batch_op.f('ix_pagesession_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_pagesession_key_hash'))

    op.drop_table('pagesession')
    with op.batch_alter_table('signinattempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signinattempt_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_signinattempt_at'))
        batch_op.drop_index(batch_op.f('ix_signinattempt_address'))
        batch_op.drop_index(batch_op.f('ix_signinattempt_account'))

    op.drop_table('signinattempt')
