"""A PostgreSQL login role that is not a superuser, for tests of row-level security.

Superusers (and roles with BYPASSRLS) pass every policy, and the test servers hand out a
superuser; the product's role in production is an ordinary one, which is what this makes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text


@contextmanager
def ordinary_role(database_url: str) -> Iterator[str]:
    """A new login role with the rights the API needs on the database at `database_url`
    (which must be migrated already); its URL. The role is dropped afterwards."""
    name = f"patronage_app_{uuid.uuid4().hex[:10]}"
    password = uuid.uuid4().hex
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    grants = (
        f"CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{password}'",
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
    )
    with admin.connect() as conn:
        for statement in grants:
            conn.execute(text(statement))
    try:
        url = make_url(database_url).set(username=name, password=password)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE usename = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f"DROP OWNED BY {name}"))
            conn.execute(text(f"DROP ROLE {name}"))
        admin.dispose()
