"""PostgreSQL row-level security: the second wall behind the municipality filter.

Every table with a `municipality_id` column has a policy (migration 0019) that lets a
transaction see and write only the rows of the municipality named by the setting
`patronage.municipality`. The API names the caller's municipality once it knows who is
calling; workers, the clock, the command line and migrations name none and see every row,
as they always did. SQLite has no row security: there the filter in each query is the wall.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

SETTING = "patronage.municipality"
_KEY = "patronage_municipality_id"  # in Session.info: the municipality to re-apply on begin


def scope_to_municipality(municipality_id: int, *, session: Session) -> None:
    """From now on every transaction of `session` sees only this municipality's rows.

    The setting is local to a transaction (`set_config(..., true)`), so a pooled connection
    never carries it to the next user; it is set again each time the session begins a new
    transaction (a route that commits halfway stays walled in)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.info[_KEY] = municipality_id
    if not event.contains(session, "after_begin", _on_begin):
        event.listen(session, "after_begin", _on_begin)
    if session.in_transaction():
        _apply(session.connection(), municipality_id)


def _on_begin(session: Session, _transaction: Any, connection: Connection) -> None:
    municipality_id = session.info.get(_KEY)
    if municipality_id is not None:
        _apply(connection, municipality_id)


def _apply(connection: Connection, municipality_id: int) -> None:
    connection.execute(
        text("SELECT set_config(:name, :value, true)"),
        {"name": SETTING, "value": str(int(municipality_id))},
    )
