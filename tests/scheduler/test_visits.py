"""Visit plans give the day's visits across weeks and holidays; one-offs and cancellations are
events under the cut-off; the care freeze holds the day's visits and re-freezes on change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.errors import CutoffPassedError, InvalidInputError
from scheduler.intake.cutoff import freeze_day, latest_freeze, refreeze_day
from scheduler.intake.delivery_days import DeliveryCalendar
from scheduler.intake.orders import Actor
from scheduler.intake.visit_requests import (
    VisitIn,
    cancel_visit,
    carry_meal,
    find_visit,
    request_visit,
)
from scheduler.intake.visits import (
    generate_visits,
    stored_visits,
    visit_dates,
    visits_of_day,
)
from scheduler.models import (
    AuditEntry,
    ClientStatus,
    DayFreeze,
    Event,
    MealOrder,
    Outbox,
    Role,
    Visit,
    VisitPlan,
    VisitStatus,
)
from scheduler.repositories.visits import meals_on_visits
from tests.scheduler import care_town, meal_town

BEFORE = Actor("office", now=datetime(2025, 6, 1, 8, 0, tzinfo=UTC))  # before every cut-off
LATE = datetime(2025, 6, 3, 7, 0, tzinfo=UTC)  # 10:00 in Sofia on 3 June: after its cut-off
DAY = date(2025, 6, 3)  # a Tuesday


def _plan(weekdays: str, **kw: object) -> VisitPlan:
    return VisitPlan(
        municipality_id=1,
        external_id="VP1",
        client_id=1,
        weekdays=weekdays,
        window_start=time(8),
        window_end=time(9),
        duration_min=30,
        **kw,  # type: ignore[arg-type]
    )


def test_a_plan_recurs_on_its_weekdays_across_weeks_and_skips_holidays() -> None:
    plan = _plan("Mon,Wed,Fri", valid_until=date(2025, 5, 16))
    got = list(visit_dates(plan, DeliveryCalendar("BG"), date(2025, 4, 28), date(2025, 5, 23)))
    # 1 May (Thursday) is not a plan day anyway; 6 May is a Tuesday; 2 May is an ordinary Friday.
    assert got == [
        date(2025, 4, 28), date(2025, 4, 30), date(2025, 5, 2), date(2025, 5, 5),
        date(2025, 5, 7), date(2025, 5, 9), date(2025, 5, 12), date(2025, 5, 14),
        date(2025, 5, 16),
    ]  # fmt: skip
    weekly = _plan("Mon")
    mondays = list(
        visit_dates(weekly, DeliveryCalendar("BG"), date(2025, 2, 24), date(2025, 3, 17))
    )
    assert date(2025, 3, 3) not in mondays  # Liberation Day
    assert mondays == [date(2025, 2, 24), date(2025, 3, 10), date(2025, 3, 17)]


def test_slovenian_holidays_and_overrides_decide_too() -> None:
    plan = _plan("Mon-Fri")
    calendar = DeliveryCalendar("SI", {date(2025, 6, 25): True, date(2025, 6, 26): False})
    got = list(visit_dates(plan, calendar, date(2025, 6, 24), date(2025, 6, 27)))
    # 25 June is Statehood Day in Slovenia but the municipality works; 26 June it does not.
    assert got == [date(2025, 6, 24), date(2025, 6, 25), date(2025, 6, 27)]
    assert (
        list(visit_dates(plan, DeliveryCalendar("SI"), date(2025, 6, 25), date(2025, 6, 25))) == []
    )


def _town(session: Session) -> tuple[int, int]:
    town = care_town.town(session)
    who = care_town.client(session, town, "c1")
    care_town.caregiver(session, town, "G1", skills=("nurse", "personal_care"))
    first = care_town.plan(session, town, "MED", who, (time(8), time(8, 30)), duration=15,
                           skills=["nurse"], weekdays="Mon-Fri")  # fmt: skip
    care_town.plan(session, town, "BREAKFAST", who, (time(8, 30), time(10)), weekdays="Tue,Thu",
                   after_visit_id=first.id, min_gap_min=30, max_gap_min=90)  # fmt: skip
    assert town.id is not None and who.id is not None
    return town.id, who.id


def test_generation_is_idempotent_links_visits_and_never_revives_cancelled(engine: Engine) -> None:
    with Session(engine) as session:
        mid, _ = _town(session)
        created = generate_visits(mid, DAY, session=session)
        assert sorted(v.external_id for v in created) == ["BREAKFAST", "MED"]
        assert generate_visits(mid, DAY, session=session) == []
        by_ext = {v.external_id: v for v in visits_of_day(mid, DAY, session=session)}
        assert by_ext["BREAKFAST"].after_visit_id == by_ext["MED"].id
        assert (by_ext["BREAKFAST"].min_gap_min, by_ext["BREAKFAST"].max_gap_min) == (30, 90)
        cancel_visit(mid, by_ext["MED"].id or 0, session=session, by=BEFORE)
        assert generate_visits(mid, DAY, session=session) == []
        assert [v.external_id for v in visits_of_day(mid, DAY, session=session)] == ["BREAKFAST"]
        # Wednesday: breakfast is Tue/Thu only, so the medication visit stands alone.
        wednesday = generate_visits(mid, DAY + timedelta(days=1), session=session)
        assert [v.external_id for v in wednesday] == ["MED"]
        session.commit()


def test_no_visits_on_a_holiday_or_for_a_paused_client(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        mid, client_id = _town(session)
        assert generate_visits(mid, date(2025, 3, 3), session=session) == []  # Liberation Day
        town = session.get(care_town.Municipality, mid)
        assert town is not None
        meal_town.override(session, town, date(2025, 3, 3), True)
        assert len(generate_visits(mid, date(2025, 3, 3), session=session)) == 1  # MED only
        client = session.get(care_town.Client, client_id)
        assert client is not None
        client.status = ClientStatus.paused
        session.add(client)
        assert generate_visits(mid, date(2025, 3, 4), session=session) == []


def _one_off(client_id: int, ext: str = "EXTRA", **kw: object) -> VisitIn:
    values: dict[str, object] = {
        "external_id": ext,
        "client_id": client_id,
        "window_start": time(13),
        "window_end": time(14),
        "duration_min": 45,
        "skills": ["personal_care"],
        "tasks": "Shopping after the hospital stay",
    }
    values.update(kw)
    return VisitIn.model_validate(values)


def test_one_off_visits_are_events_and_asking_twice_changes_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        mid, client_id = _town(session)
        visit = request_visit(mid, DAY, _one_off(client_id), session=session, by=BEFORE)
        again = request_visit(mid, DAY, _one_off(client_id), session=session, by=BEFORE)
        assert again.id == visit.id and visit.visit_plan_id is None
        events = session.exec(select(Event).where(col(Event.kind).startswith("visit."))).all()
        assert [(e.kind, e.service, e.day) for e in events] == [("visit.requested", "care", DAY)]
        changed = request_visit(
            mid, DAY, _one_off(client_id, duration_min=60), session=session, by=BEFORE
        )
        assert changed.duration_min == 60
        kinds = [e.kind for e in session.exec(select(Event).order_by(col(Event.id))).all()]
        assert kinds[-1] == "visit.changed"
        session.commit()


def test_one_off_mistakes_are_named_by_field(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        mid, client_id = _town(session)
        with pytest.raises(InvalidInputError) as bad:
            request_visit(
                mid,
                DAY,
                _one_off(client_id, ext="MED", skills=["juggling"], window_end=time(12)),
                session=session,
                by=BEFORE,
            )
        fields = {p.field for p in bad.value.problems}
        assert fields == {"external_id", "skills", "window_end"}
        with pytest.raises(InvalidInputError, match="after_visit_id: is required with a gap"):
            request_visit(mid, DAY, _one_off(client_id, min_gap_min=10), session=session, by=BEFORE)


def test_changes_after_the_cutoff_need_a_dispatcher_and_refreeze(engine: Engine) -> None:
    with Session(engine) as session:
        mid, _ = _town(session)
        freeze = freeze_day(mid, DAY, "care", session=session)
        assert freeze.item_count == 2
        frozen = stored_visits(session, mid, freeze.id or 0)
        assert len(frozen) == 2
        med = find_visit(mid, "MED", DAY, session=session)
        with pytest.raises(CutoffPassedError):
            cancel_visit(mid, med.id or 0, session=session, by=Actor("carer", now=LATE))
        dispatcher = Actor("dana", Role.dispatcher, force=True, now=LATE)
        cancel_visit(mid, med.id or 0, session=session, by=dispatcher, reason="in hospital")
        latest = latest_freeze(mid, DAY, "care", session=session)
        assert latest is not None and (latest.version, latest.item_count) == (2, 1)
        asks = session.exec(select(Outbox).where(Outbox.task == "replan")).all()
        assert [a.args["service"] for a in asks] == ["care", "care"]  # the freeze, the re-freeze
        cancelled = session.exec(select(Event).where(Event.kind == "visit.cancelled")).one()
        assert cancelled.payload["forced_by"] == "dana" and cancelled.payload["late"] is True
        assert session.exec(
            select(AuditEntry).where(AuditEntry.action == "visit.cancelled.forced")
        ).one()
        session.commit()


def test_a_checkin_does_not_refreeze_but_an_edit_does(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        mid, _ = _town(session)
        first = freeze_day(mid, DAY, "care", session=session)
        med = find_visit(mid, "MED", DAY, session=session)
        med.status = VisitStatus.checked_in
        session.add(med)
        assert refreeze_day(mid, DAY, "care", session=session, reason="check").id == first.id
        med.window_end = time(8, 45)
        session.add(med)
        second = refreeze_day(mid, DAY, "care", session=session, reason="edit")
        assert second.version == 2
        versions = session.exec(select(DayFreeze).where(DayFreeze.service == "care")).all()
        assert len(versions) == 2


def test_a_lunch_goes_with_a_visit_only_where_the_municipality_allows(engine: Engine) -> None:
    with Session(engine) as session:
        town = meal_town.town(session, "Maribor", timezone="Europe/Ljubljana", country="SI")
        kitchen = meal_town.kitchen(session, town)
        client = meal_town.client(session, town, kitchen, "m1")
        assert town.id is not None and client.id is not None
        lunch = request_visit(
            town.id,
            DAY,
            _one_off(client.id, window_start=time(11, 30), window_end=time(12, 30)),
            session=session,
            by=BEFORE,
        )
        with pytest.raises(InvalidInputError, match="does not let caregivers carry"):
            carry_meal(town.id, lunch.id or 0, session=session, by=BEFORE)
        town.caregivers_carry_meals = True
        session.add(town)
        early = request_visit(town.id, DAY, _one_off(client.id, ext="EARLY", window_start=time(7),
                              window_end=time(8)), session=session, by=BEFORE)  # fmt: skip
        with pytest.raises(InvalidInputError, match="lunch window"):
            carry_meal(town.id, early.id or 0, session=session, by=BEFORE)
        carry_meal(town.id, lunch.id or 0, session=session, by=BEFORE)
        assert set(meals_on_visits(town.id, DAY, session=session)) == {client.id}
        order = session.exec(select(MealOrder).where(MealOrder.client_id == client.id)).one()
        assert order.status == "ordered"  # the kitchen still cooks it
        kinds = {e.kind for e in session.exec(select(Event)).all()}
        assert "visit.meal_carried" in kinds
        session.commit()
        visit = session.get(Visit, lunch.id)
        assert visit is not None and visit.carries_meal
