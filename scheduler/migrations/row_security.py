"""Row-level security policies, for the migrations that make tables with `municipality_id`.

`protect_all` finds the tables by reflection, so a table is never forgotten, and it is
idempotent: a later migration that adds such a table calls it again. PostgreSQL only; on
SQLite it does nothing. tests/api/test_row_security.py fails when a table with
`municipality_id` has no policy.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from scheduler.repositories.row_security import SETTING

POLICY = "municipality_wall"
# No setting (or an empty one): every row, for workers, the clock, the CLI and migrations.
# NULLIF keeps the cast from ever seeing '' whatever order PostgreSQL evaluates the ORs in.
_SAME_TOWN = (
    f"(coalesce(current_setting('{SETTING}', true), '') = '' "
    f"OR municipality_id = nullif(current_setting('{SETTING}', true), '')::integer)"
)


def tenant_tables(connection: Connection) -> list[str]:
    """Every table of the schema with a `municipality_id` column."""
    inspector = sa.inspect(connection)
    return sorted(
        name
        for name in inspector.get_table_names()
        if any(c["name"] == "municipality_id" for c in inspector.get_columns(name))
    )


def protect_all(connection: Connection) -> list[str]:
    """Give each tenant table without one its policy, forced on the owner too; the tables
    that got one."""
    if connection.dialect.name != "postgresql":
        return []
    done = set(
        connection.execute(
            sa.text(
                "SELECT tablename FROM pg_policies "
                "WHERE schemaname = current_schema() AND policyname = :p"
            ),
            {"p": POLICY},
        ).scalars()
    )
    added = [name for name in tenant_tables(connection) if name not in done]
    for name in added:
        connection.execute(sa.text(f'ALTER TABLE "{name}" ENABLE ROW LEVEL SECURITY'))
        connection.execute(sa.text(f'ALTER TABLE "{name}" FORCE ROW LEVEL SECURITY'))
        connection.execute(
            sa.text(
                f'CREATE POLICY {POLICY} ON "{name}" USING {_SAME_TOWN} WITH CHECK {_SAME_TOWN}'
            )
        )
    return added


def unprotect_all(connection: Connection) -> None:
    """Drop the policies and switch row security off again (downgrade)."""
    if connection.dialect.name != "postgresql":
        return
    for name in tenant_tables(connection):
        connection.execute(sa.text(f'DROP POLICY IF EXISTS {POLICY} ON "{name}"'))
        connection.execute(sa.text(f'ALTER TABLE "{name}" NO FORCE ROW LEVEL SECURITY'))
        connection.execute(sa.text(f'ALTER TABLE "{name}" DISABLE ROW LEVEL SECURITY'))
