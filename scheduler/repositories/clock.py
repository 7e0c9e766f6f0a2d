"""The clock's records: the due runs of clock jobs and the lease of the clock that runs them.

A job row is closed (`close_job`) in the transaction of its effect, by whoever has the effect
(the worker's task). The lease and the sweep of open jobs serve the whole installation, so
`take_lease`, `release_lease`, `mark_checked` and `jobs_to_run` span municipalities on
purpose; everything about one job takes its municipality first.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from scheduler.models import ClockAction, ClockJob, ClockLease


def open_job(
    municipality_id: int,
    action: ClockAction,
    service: str,
    day: date,
    *,
    due_at: datetime,
    session: Session,
) -> ClockJob:
    """The job's row for that date, written now unless it exists (a job falls due once)."""
    statement = select(ClockJob).where(
        ClockJob.municipality_id == municipality_id,
        ClockJob.action == action,
        ClockJob.service == service,
        ClockJob.day == day,
    )
    job = session.exec(statement).first()
    if job is None:
        job = ClockJob(
            municipality_id=municipality_id, action=action, service=service, day=day, due_at=due_at
        )
        session.add(job)
        session.flush()
    return job


def get_job(municipality_id: int, job_id: int, *, session: Session) -> ClockJob | None:
    job = session.get(ClockJob, job_id)
    return job if job is not None and job.municipality_id == municipality_id else None


def close_job(municipality_id: int, job_id: int, *, at: datetime, session: Session) -> bool:
    """Mark the job done unless it already was; the caller's commit (its effect's) makes it
    stick. Conditional, like claiming an event, so two deliveries cannot both close it."""
    statement = update(ClockJob).where(
        col(ClockJob.id) == job_id,
        col(ClockJob.municipality_id) == municipality_id,
        col(ClockJob.done_at).is_(None),
    )
    return bool(session.exec(statement.values(done_at=at)).rowcount)


def jobs_to_run(*, tried_before: datetime, session: Session) -> list[ClockJob]:
    """Open jobs never tried, or tried at or before `tried_before`; oldest first.
    Across municipalities on purpose: the clock sweeps the whole installation."""
    statement = select(ClockJob).where(
        col(ClockJob.done_at).is_(None),
        or_(col(ClockJob.tried_at).is_(None), col(ClockJob.tried_at) <= tried_before),
    )
    return list(session.exec(statement.order_by(col(ClockJob.due_at), col(ClockJob.id))).all())


def note_try(job: ClockJob, *, at: datetime, session: Session) -> None:
    job.attempts += 1
    job.tried_at = at
    job.last_error = ""  # kept only when this run raises (see note_error)
    session.add(job)


def note_error(job: ClockJob, error: str, *, at: datetime, session: Session) -> None:
    job.last_error = error[:500]
    job.tried_at = at
    session.add(job)


def note_failure(job: ClockJob, *, session: Session) -> int:
    """Count one more run that did not close the job; how many now."""
    job.failures += 1
    session.add(job)
    return job.failures


def note_alerted(job: ClockJob, *, at: datetime, session: Session) -> None:
    job.alerted_at = at
    session.add(job)


def take_lease(
    name: str, holder: str, *, now: datetime, ttl_s: float, session: Session
) -> ClockLease | None:
    """Hold or renew the lease unless another holder's is still running; the row if held.

    One conditional UPDATE: on PostgreSQL a second clock racing for it waits for the first's
    row lock and then no longer matches; on SQLite writes are serialised anyway. The first
    clock ever inserts the row; a second inserting at once fails on the primary key."""
    expires = now + timedelta(seconds=ttl_s)
    statement = update(ClockLease).where(
        col(ClockLease.name) == name,
        or_(col(ClockLease.holder) == holder, col(ClockLease.expires_at) < now),
    )
    if session.exec(statement.values(holder=holder, expires_at=expires)).rowcount:
        session.expire_all()
        return session.get(ClockLease, name)
    if session.get(ClockLease, name) is not None:
        return None
    lease = ClockLease(name=name, holder=holder, expires_at=expires)
    session.add(lease)
    session.flush()
    return lease


def lease_of(name: str, *, session: Session) -> ClockLease | None:
    return session.get(ClockLease, name)


def release_lease(name: str, holder: str, *, now: datetime, session: Session) -> bool:
    """Let the lease run out now, so another clock takes over without waiting for it."""
    statement = update(ClockLease).where(
        col(ClockLease.name) == name, col(ClockLease.holder) == holder
    )
    return bool(session.exec(statement.values(expires_at=now)).rowcount)


def mark_checked(name: str, holder: str, until: datetime, *, session: Session) -> bool:
    """Every job due up to `until` has its row; False when `holder` lost the lease."""
    statement = update(ClockLease).where(
        col(ClockLease.name) == name, col(ClockLease.holder) == holder
    )
    return bool(session.exec(statement.values(checked_until=until)).rowcount)
