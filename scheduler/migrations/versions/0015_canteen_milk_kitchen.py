"""canteen and milk kitchen: check-ins, children, collections, service prices

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 07:36:56.401083
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('serviceprice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'service')
    )
    with op.batch_alter_table('serviceprice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serviceprice_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('milkchild',
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('referral_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('referral_date', sa.Date(), nullable=False),
    sa.Column('guardian_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('guardian_phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('portions', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('pickup_point_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pickup_point_id'], ['pickuppoint.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'external_id')
    )
    with op.batch_alter_table('milkchild', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milkchild_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milkchild_pickup_point_id'), ['pickup_point_id'], unique=False)

    op.create_table('canteencheckin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('pickup_point_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('diet', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('portions', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pickup_point_id'], ['pickuppoint.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'client_id', 'day')
    )
    with op.batch_alter_table('canteencheckin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canteencheckin_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_canteencheckin_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_canteencheckin_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('milkcollection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('pickup_point_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('age_group', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('portions', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['milkchild.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pickup_point_id'], ['pickuppoint.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'child_id', 'day')
    )
    with op.batch_alter_table('milkcollection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milkcollection_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milkcollection_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_milkcollection_municipality_id'), ['municipality_id'], unique=False)

    with op.batch_alter_table('pickuppoint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('milk_weekdays', sqlmodel.sql.sqltypes.AutoString(length=40), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('pickuppoint', schema=None) as batch_op:
        batch_op.drop_column('milk_weekdays')

    with op.batch_alter_table('milkcollection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milkcollection_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_milkcollection_day'))
        batch_op.drop_index(batch_op.f('ix_milkcollection_child_id'))

    op.drop_table('milkcollection')
    with op.batch_alter_table('canteencheckin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canteencheckin_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_canteencheckin_day'))
        batch_op.drop_index(batch_op.f('ix_canteencheckin_client_id'))

    op.drop_table('canteencheckin')
    with op.batch_alter_table('milkchild', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milkchild_pickup_point_id'))
        batch_op.drop_index(batch_op.f('ix_milkchild_municipality_id'))

    op.drop_table('milkchild')
    with op.batch_alter_table('serviceprice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serviceprice_municipality_id'))

    op.drop_table('serviceprice')
