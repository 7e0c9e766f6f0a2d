"""drivers' absences: a driver away from a first to a last day (a van whose every driver is
away serves nothing that day)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 00:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from scheduler.migrations.row_security import protect_all


revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('driverabsence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('driver_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('reported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['driver_id'], ['driver.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('driverabsence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_driverabsence_driver_id'), ['driver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_driverabsence_municipality_id'), ['municipality_id'], unique=False)
    protect_all(op.get_bind())  # row security for the new table (PostgreSQL only)


def downgrade() -> None:
    op.drop_table('driverabsence')
