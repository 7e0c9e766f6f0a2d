"""A dispatcher's pins of home-care visits: who makes a visit, and when if the time is asked.

One pin per visit and caregiver; a visit for one person has one pin (pinning it again moves
it), a visit that needs two people up to two. A time asked for is the visit's, so it is kept
on both pins of a two-person visit. The visit is the day's row, so a pin ends with its day.
"""

from __future__ import annotations

from datetime import date, time

from sqlmodel import Session, col, select

from scheduler.models import Caregiver, Visit, VisitPin
from scheduler.refusals import Reason, refuse
from scheduler.repositories.common import check_reference, get_owned, raise_problems


def list_visit_pins(municipality_id: int, day: date, *, session: Session) -> list[VisitPin]:
    """The day's visit pins, oldest first (the order their halves are given)."""
    query = (
        select(VisitPin)
        .join(Visit, col(Visit.id) == VisitPin.visit_id)
        .where(VisitPin.municipality_id == municipality_id, Visit.day == day)
        .order_by(col(VisitPin.visit_id), col(VisitPin.created_at), col(VisitPin.id))
    )
    return list(session.exec(query).all())


def pin_visit(
    municipality_id: int,
    day: date,
    *,
    visit_id: int,
    caregiver_id: int,
    start: time | None,
    by: str,
    session: Session,
) -> VisitPin:
    """Pin the caregiver to the visit (at `start`, inside the visit's window); InvalidInputError
    naming the field for another town's (or day's) visit or caregiver, a time outside the
    window, or a
    third caregiver on a two-person visit. Nothing is written then."""
    problems = check_reference(Visit, municipality_id, visit_id, "visit_id", session=session)
    problems += check_reference(
        Caregiver, municipality_id, caregiver_id, "caregiver_id", session=session
    )
    raise_problems(problems)
    visit = get_owned(Visit, municipality_id, visit_id, session=session)
    if visit.day != day:
        raise refuse("visit_id", Reason.visit_not_on_day, value=visit_id, day=day)
    if start is not None and not visit.window_start <= start <= visit.window_end:
        window = f"{visit.window_start:%H:%M}-{visit.window_end:%H:%M}"
        raise refuse("start", Reason.outside_visit_window, start=f"{start:%H:%M}", window=window)
    others = [
        p for p in _pins_of(municipality_id, visit_id, session) if p.caregiver_id != caregiver_id
    ]
    if visit.caregivers_needed < 2:
        _delete(session, others)
        others = []
    elif len(others) >= visit.caregivers_needed:
        raise refuse("caregiver_id", Reason.two_pinned)
    for other in others:
        other.start = start
        session.add(other)
    pin = _own_pin(municipality_id, visit_id, caregiver_id, session) or VisitPin(
        municipality_id=municipality_id, visit_id=visit_id, caregiver_id=caregiver_id, created_by=""
    )
    pin.start, pin.created_by = start, by[:120]
    session.add(pin)
    session.flush()
    return pin


def unpin_visit(municipality_id: int, pin_id: int, *, session: Session) -> VisitPin:
    """Remove a pin; the next plan chooses the caregiver (and time) freely again."""
    pin = get_owned(VisitPin, municipality_id, pin_id, session=session)
    session.delete(pin)
    session.flush()
    return pin


def _pins_of(municipality_id: int, visit_id: int, session: Session) -> list[VisitPin]:
    query = select(VisitPin).where(
        VisitPin.municipality_id == municipality_id, VisitPin.visit_id == visit_id
    )
    return list(session.exec(query.order_by(col(VisitPin.id))).all())


def _own_pin(
    municipality_id: int, visit_id: int, caregiver_id: int, session: Session
) -> VisitPin | None:
    found = _pins_of(municipality_id, visit_id, session)
    return next((p for p in found if p.caregiver_id == caregiver_id), None)


def _delete(session: Session, pins: list[VisitPin]) -> None:
    for pin in pins:
        session.delete(pin)
    session.flush()  # before the new pin: one visit, one caregiver is unique
