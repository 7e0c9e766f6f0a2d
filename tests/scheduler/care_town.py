"""A tiny home-care town for tests, built row by row so each test can see every fact.

Clients a few hundred metres around Kazanlak's centre, caregivers starting at the centre, by
car unless a test says otherwise: travel takes a minute or two, so a person can check the
expected plans by hand. Visit plans go through the repository, as an import would.
"""

from __future__ import annotations

from datetime import time

from sqlmodel import Session

from scheduler.models import Caregiver, Client, Municipality, TravelMode, VisitPlan
from scheduler.repositories.care import VisitPlanIn, upsert_visit_plan
from tests.scheduler.meal_town import CENTRE, town

__all__ = ["CENTRE", "caregiver", "client", "plan", "town"]


def _mid(m: Municipality) -> int:
    assert m.id is not None
    return m.id


def client(
    session: Session, m: Municipality, ext: str, offset: tuple[float, float] = (0.003, 0.002)
) -> Client:
    row = Client(
        municipality_id=_mid(m),
        external_id=ext,
        name=f"Client {ext}",
        address=f"ul. Rozova {ext}",
        lon=CENTRE[0] + offset[0],
        lat=CENTRE[1] + offset[1],
        notes=f"Notes for {ext}",
    )
    session.add(row)
    session.flush()
    return row


def caregiver(
    session: Session,
    m: Municipality,
    ext: str,
    *,
    skills: tuple[str, ...] = ("personal_care", "household"),
    shift: tuple[time, time] = (time(8, 0), time(16, 0)),
    mode: TravelMode = TravelMode.car,
    **kw: object,
) -> Caregiver:
    row = Caregiver(
        municipality_id=_mid(m),
        external_id=ext,
        name=f"Carer {ext}",
        skills=list(skills),
        mode=mode,
        shift_start=shift[0],
        shift_end=shift[1],
        start_lon=CENTRE[0],
        start_lat=CENTRE[1],
        **kw,  # type: ignore[arg-type]
    )
    session.add(row)
    session.flush()
    return row


def plan(
    session: Session,
    m: Municipality,
    ext: str,
    who: Client,
    window: tuple[time, time],
    *,
    duration: int = 30,
    weekdays: str = "Mon-Fri",
    **kw: object,
) -> VisitPlan:
    assert who.id is not None
    data = VisitPlanIn(
        external_id=ext,
        client_id=who.id,
        weekdays=weekdays,
        window_start=window[0],
        window_end=window[1],
        duration_min=duration,
        **kw,  # type: ignore[arg-type]
    )
    row, _ = upsert_visit_plan(_mid(m), data, session=session)
    return row
