"""row-level security: each table with municipality_id sees only the named municipality

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 09:00:00
"""
from collections.abc import Sequence

from alembic import op

from scheduler.migrations.row_security import protect_all, unprotect_all


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    protect_all(op.get_bind())  # PostgreSQL only; nothing on SQLite


def downgrade() -> None:
    unprotect_all(op.get_bind())
