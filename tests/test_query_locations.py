"""Every query lives in scheduler/repositories/ (or the screens' read models, scheduler/views/).

The scan reads the syntax tree of each module of api/, workers/ and scheduler/ and finds the
calls that run a query: `select(...)` (sqlmodel's or sqlalchemy's), and `exec`, `execute`,
`get`, `scalar`, `scalars` or `query` called on something named like a session or a
connection (`session`, `ctx.session`, `conn`, `cursor`, ...). A web session
(`request.session.get(...)`) is a dict of the signed cookie, not a database, and is left alone.

A module outside those two folders may hold a query only when EXCEPTIONS says why; an entry
that no longer holds one must go, so the list only ever shrinks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("api", "workers", "scheduler")
ALLOWED = ("scheduler/repositories/", "scheduler/views/")

# A path ending in "/" covers a whole folder, including files added to it later.
EXCEPTIONS: dict[str, str] = {
    "scheduler/db.py": "makes the engine: SQLite pragmas run on each new connection",
    "scheduler/migrations/": "schema migrations run their own statements, under Alembic",
    "workers/health.py": "`SELECT 1`: a round trip to the database that reads no product rows",
    "api/commands/welfare.py": "the alert benchmark makes a scratch database on a private server",
}

_QUERY_METHODS = frozenset({"exec", "execute", "get", "scalar", "scalars", "query"})
_DATABASE = re.compile(r"(^|_)(session|sess|conn|connection|cur|cursor|db)$")
_WEB = frozenset({"request", "websocket"})  # their `.session` is the signed cookie's dict
_SQL_MODULES = frozenset({"sqlmodel", "sqlalchemy", "sa"})


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_database(receiver: ast.expr) -> bool:
    name = _name(receiver)
    if name is None or not _DATABASE.search(name):
        return False
    return not (isinstance(receiver, ast.Attribute) and _name(receiver.value) in _WEB)


def _is_query(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "select"
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "select":
        return _name(func.value) in _SQL_MODULES
    return func.attr in _QUERY_METHODS and _is_database(func.value)


def query_lines(source: str) -> list[int]:
    """The line of each call in `source` that runs a query (see the module notes)."""
    tree = ast.parse(source)
    found = {n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_query(n)}
    return sorted(found)


def _excepted(path: str) -> bool:
    return path in EXCEPTIONS or any(path.startswith(p) for p in EXCEPTIONS if p.endswith("/"))


def _scan() -> dict[str, list[int]]:
    """Every scanned module (path from the root) that holds a query, with the lines."""
    found: dict[str, list[int]] = {}
    for package in SCANNED:
        for file in sorted((ROOT / package).rglob("*.py")):
            path = file.relative_to(ROOT).as_posix()
            lines = query_lines(file.read_text(encoding="utf-8"))
            if lines:
                found[path] = lines
    return found


def test_queries_live_in_repositories() -> None:
    misplaced = {
        path: lines
        for path, lines in _scan().items()
        if not path.startswith(ALLOWED) and not _excepted(path)
    }
    assert misplaced == {}, "move these queries into scheduler/repositories/: " + ", ".join(
        f"{path}:{','.join(map(str, lines))}" for path, lines in misplaced.items()
    )


def test_exceptions_still_hold_a_query() -> None:
    """A module listed in EXCEPTIONS that has no query left must leave the list."""
    holding = _scan()
    stale = [p for p in EXCEPTIONS if not p.endswith("/") and p not in holding]
    assert stale == []


def test_scan_sees_queries() -> None:
    snippet = """
from sqlmodel import select
import sqlalchemy as sa

def load(session, ctx, conn, municipality_id):
    rows = session.exec(select(Client).where(Client.municipality_id == municipality_id))
    client = session.get(Client, 1)
    total = ctx.session.scalar(sa.select(sa.func.count()))
    conn.execute(text("SELECT 1"))
    return rows, client, total
"""
    assert query_lines(snippet) == [6, 7, 8, 9]


def test_scan_leaves_other_calls_alone() -> None:
    snippet = """
def page(request, names, cache):
    uid = request.session.get("uid")
    name = names.get(uid, "?")
    hit = cache.get("key")
    chosen = form.select("diet")
    return uid, name, hit, chosen
"""
    assert query_lines(snippet) == []
