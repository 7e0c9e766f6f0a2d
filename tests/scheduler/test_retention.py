"""Old page sessions and sign-in attempts are pruned; recent ones, and live sessions, stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import PageSession, Role, SignInAttempt
from scheduler.repositories import tenancy
from scheduler.repositories.sessions import start_session
from scheduler.repositories.signins import WRONG, record_attempt
from scheduler.repositories.users import create_user
from scheduler.retention import prune_access_records
from scheduler.settings import Settings, reset_settings
from workers.upkeep import prune_access_records_job

NOW = datetime(2026, 3, 1, 3, 17, tzinfo=UTC)


def _seed(session: Session) -> None:
    town, _ = tenancy.ensure_municipality("Kazanlak", session=session)
    assert town.id is not None
    user = create_user(town.id, session=session, username="d", password="x" * 12,
                       role=Role.dispatcher)  # fmt: skip
    for days in (1, 89, 91, 400):
        start_session(user, "10.0.0.1", NOW - timedelta(days=days), session=session)
        record_attempt("1/d", "10.0.0.1", WRONG, NOW - timedelta(days=days), session=session)
    record_attempt("Nowhere/x", "10.0.0.2", WRONG, NOW - timedelta(days=200), session=session)
    session.commit()


def _ages(session: Session) -> tuple[list[int], list[int]]:
    def age(at: datetime) -> int:
        return (NOW - (at if at.tzinfo else at.replace(tzinfo=UTC))).days

    sessions = sorted(age(r.created_at) for r in session.exec(select(PageSession)).all())
    attempts = sorted(age(r.at) for r in session.exec(select(SignInAttempt)).all())
    return sessions, attempts


def test_records_past_the_retention_are_pruned_once(engine: Engine) -> None:
    settings = Settings(access_records_keep_days=90)
    with Session(engine) as session:
        _seed(session)
        pruned = prune_access_records(NOW, settings, session=session)
        session.commit()
        assert (pruned.sessions, pruned.signin_attempts) == (2, 3)
        assert _ages(session) == ([1, 89], [1, 89])
        again = prune_access_records(NOW, settings, session=session)
        assert (again.sessions, again.signin_attempts) == (0, 0)


def test_a_session_that_may_still_live_is_never_pruned(engine: Engine) -> None:
    # A retention shorter than a session's life: sessions follow the longer of the two.
    settings = Settings(access_records_keep_days=1, session_max_age_s=100 * 86400)
    with Session(engine) as session:
        _seed(session)
        prune_access_records(NOW, settings, session=session)
        session.commit()
        assert _ages(session) == ([1, 89, 91], [1])  # the 1-day-old attempt is at the edge


def test_the_clock_entry_prunes_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_engine: Engine
) -> None:
    monkeypatch.setenv("PATRONAGE_DATABASE_URL", str(sqlite_engine.url))
    reset_settings()
    with Session(sqlite_engine) as session:
        _seed(session)
    pruned = prune_access_records_job(now=NOW)
    assert (pruned.sessions, pruned.signin_attempts) == (2, 3)
    with Session(sqlite_engine) as session:
        assert _ages(session) == ([1, 89], [1, 89])
