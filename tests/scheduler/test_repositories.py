"""Repositories on SQLite and PostgreSQL: upserts, validation and tenancy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError, NotFoundError
from scheduler.intake.subscriptions import generate_orders
from scheduler.models import (
    Alert,
    AuditEntry,
    ClientStatus,
    Diet,
    Event,
    Kitchen,
    MealOrder,
    MealSubscription,
    Role,
)
from scheduler.models.fleet import KitchenBase
from scheduler.repositories import care, clients, fleet, meals, plans, tenancy, users
from scheduler.repositories.alerts import acknowledge_alert, open_alerts, select_alerts
from scheduler.repositories.audit import select_audit
from scheduler.repositories.common import Change
from scheduler.repositories.events import select_events
from scheduler.views.paging import window

MONDAY = date(2025, 3, 3)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s
        s.rollback()


def _town(session: Session, name: str = "Kazanlak") -> int:
    town, _ = tenancy.ensure_municipality(name, session=session)
    assert town.id is not None
    return town.id


def _kitchen(session: Session, town: int, ext: str = "K1") -> Kitchen:
    data = KitchenBase(external_id=ext, name=f"Kitchen {ext}", lon=25.39, lat=42.62)
    return fleet.upsert_kitchen(town, data, session=session)[0]


def _client(session: Session, town: int, ext: str = "C1", **extra: object) -> int:
    data = clients.ClientIn(external_id=ext, name=f"Client {ext}", lon=25.4, lat=42.6, **extra)
    row, _ = clients.upsert_client(town, data, session=session)
    assert row.id is not None
    return row.id


def _problem_fields(exc: pytest.ExceptionInfo[InvalidInputError]) -> set[str]:
    return {p.field for p in exc.value.problems}


# Municipalities


def test_ensure_municipality_creates_once(session: Session) -> None:
    first, created = tenancy.ensure_municipality(
        "Ljubljana", session=session, timezone="Europe/Ljubljana", locale="sl"
    )
    again, created_again = tenancy.ensure_municipality("Ljubljana", session=session)
    assert created and not created_again
    assert again.id == first.id
    assert (again.timezone, again.locale, again.country) == ("Europe/Ljubljana", "sl", "SI")
    assert tenancy.get_municipality_by_name("Nowhere", session=session) is None
    assert [m.name for m in tenancy.list_municipalities(session=session)] == ["Ljubljana"]


def test_create_municipality_refuses_bad_zone_locale_and_duplicate(session: Session) -> None:
    with pytest.raises(InvalidInputError) as bad:
        tenancy.create_municipality("X", session=session, timezone="Mars/Base", locale="xx_YY1")
    assert _problem_fields(bad) == {"timezone", "locale"}
    tenancy.create_municipality("Kazanlak", session=session)
    with pytest.raises(InvalidInputError, match="already exists"):
        tenancy.create_municipality("Kazanlak", session=session)
    with pytest.raises(NotFoundError):
        tenancy.get_municipality(999_999, session=session)


# Kitchens and vans


def test_upsert_kitchen_reports_created_unchanged_updated(session: Session) -> None:
    town = _town(session)
    data = KitchenBase(external_id="K1", name="Central", lon=25.39, lat=42.62)
    row, change = fleet.upsert_kitchen(town, data, session=session)
    assert change is Change.created
    assert fleet.upsert_kitchen(town, data, session=session)[1] is Change.unchanged
    renamed = KitchenBase(external_id="K1", name="Central kitchen", lon=25.39, lat=42.62)
    again, change = fleet.upsert_kitchen(town, renamed, session=session)
    assert change is Change.updated and again.id == row.id and again.name == "Central kitchen"


def test_upsert_leaves_fields_it_was_not_given(session: Session) -> None:
    town = _town(session)
    row = _kitchen(session, town)
    row.portions_per_box = 6  # set elsewhere (the dispatcher's settings page)
    session.add(row)
    session.flush()
    data = KitchenBase(external_id="K1", name="Kitchen K1", lon=25.39, lat=42.62)
    again, change = fleet.upsert_kitchen(town, data, session=session)
    assert change is Change.unchanged and again.portions_per_box == 6


def test_vehicle_checks_shift_weekdays_and_kitchen_owner(session: Session) -> None:
    town, other = _town(session), _town(session, "Shipka")
    kitchen, foreign = _kitchen(session, town), _kitchen(session, other)
    assert kitchen.id is not None and foreign.id is not None
    bad = fleet.VehicleIn(
        external_id="V1", name="Van", capacity_portions=60, capacity_boxes=8,
        shift_start=time(14), shift_end=time(10), weekdays="Mon-Fry", kitchen_id=foreign.id,
    )  # fmt: skip
    with pytest.raises(InvalidInputError) as exc:
        fleet.upsert_vehicle(town, bad, session=session)
    assert _problem_fields(exc) == {"shift_end", "weekdays", "kitchen_id"}
    good = fleet.VehicleIn(
        external_id="V1", name="Van", capacity_portions=60, capacity_boxes=8,
        weekdays="mon,tue,wed,thu,fri", kitchen_id=kitchen.id,
    )  # fmt: skip
    van, change = fleet.upsert_vehicle(town, good, session=session)
    assert change is Change.created and van.weekdays == "Mon-Fri"
    assert fleet.upsert_vehicle(town, good, session=session)[1] is Change.unchanged
    assert [v.external_id for v in fleet.list_vehicles(town, session=session)] == ["V1"]
    assert fleet.list_vehicles(other, session=session) == []


def test_pickup_point_and_driver(session: Session) -> None:
    town = _town(session)
    kitchen = _kitchen(session, town)
    assert kitchen.id is not None
    point, _ = fleet.upsert_pickup_point(
        town,
        fleet.PickupPointIn(external_id="P1", name="Canteen", kitchen_id=kitchen.id),
        session=session,
    )
    assert [p.id for p in fleet.list_pickup_points(town, session=session)] == [point.id]
    with pytest.raises(InvalidInputError, match="vehicle_id"):
        fleet.upsert_driver(
            town, fleet.DriverIn(external_id="D1", name="Ivan", vehicle_id=12345), session=session
        )
    driver, _ = fleet.upsert_driver(
        town, fleet.DriverIn(external_id="D1", name="Ivan"), session=session
    )
    assert [d.id for d in fleet.list_drivers(town, session=session)] == [driver.id]


# Tenancy


def test_municipalities_never_see_each_others_rows(session: Session) -> None:
    town, other = _town(session), _town(session, "Shipka")
    mine, theirs = _kitchen(session, town, "K1"), _kitchen(session, other, "K1")
    assert mine.id != theirs.id and theirs.id is not None
    _client(session, town, "C1")
    their_client = _client(session, other, "C1")
    _client(session, other, "C2")
    assert [c.external_id for c in clients.list_clients(town, session=session)] == ["C1"]
    assert [k.id for k in fleet.list_kitchens(town, session=session)] == [mine.id]
    assert set(clients.clients_by_external_id(other, session=session)) == {"C1", "C2"}
    with pytest.raises(NotFoundError):
        fleet.get_kitchen(town, theirs.id, session=session)
    with pytest.raises(NotFoundError):
        clients.get_client(town, their_client, session=session)
    got = fleet.get_kitchen_by_external_id(town, "K1", session=session)
    assert got is not None and got.id == mine.id
    with pytest.raises(InvalidInputError, match="kitchen_id"):
        _client(session, town, "C9", kitchen_id=theirs.id)


# Clients


def test_client_window_must_end_after_start(session: Session) -> None:
    town = _town(session)
    with pytest.raises(InvalidInputError) as exc:
        _client(session, town, window_start=time(13), window_end=time(11))
    assert _problem_fields(exc) == {"window_end"}
    assert clients.list_clients(town, session=session) == []


def test_update_client_and_counts(session: Session) -> None:
    town = _town(session)
    first = _client(session, town, "C1", diet=Diet.diabetic)
    _client(session, town, "C2")
    _client(session, town, "C3", diet=Diet.diabetic)
    row, change = clients.update_client(
        town,
        first,
        clients.ClientUpdate(lives_alone=True, status=ClientStatus.paused),
        session=session,
    )
    assert change is Change.updated and row.lives_alone and row.name == "Client C1"
    counts = clients.count_clients_by_diet(town, session=session)
    assert counts == {Diet.general: 1, Diet.diabetic: 1}
    assert len(clients.list_clients(town, session=session, status=ClientStatus.active)) == 2
    with pytest.raises(InvalidInputError, match="window_end"):
        clients.update_client(
            town, first, clients.ClientUpdate(window_end=time(9)), session=session
        )


def test_meal_subscription_changes_keep_history(session: Session) -> None:
    town = _town(session)
    client = _client(session, town)
    terms = {"weekdays": "Mon-Fri", "diet": Diet.general, "portions": 1}
    sub, change = clients.set_meal_subscription(
        town, client, **terms, start=MONDAY, session=session
    )
    assert change is Change.created
    later = MONDAY + timedelta(days=7)
    same, change = clients.set_meal_subscription(
        town, client, **terms, start=later, session=session
    )
    assert change is Change.unchanged and same.id == sub.id and same.valid_from == MONDAY
    softer = {**terms, "diet": Diet.soft}
    new, change = clients.set_meal_subscription(
        town, client, **softer, start=later, session=session
    )
    assert change is Change.created and new.valid_from == later
    assert sub.valid_until == later - timedelta(days=1)
    # A second correction on the same day fixes the new subscription in place.
    fixed, change = clients.set_meal_subscription(
        town, client, **{**softer, "portions": 2}, start=later, session=session
    )
    assert change is Change.updated and fixed.id == new.id
    on_first = clients.current_meal_subscription(town, client, on=MONDAY, session=session)
    on_later = clients.current_meal_subscription(town, client, on=later, session=session)
    assert on_first is not None and on_first.diet == Diet.general
    assert on_later is not None and (on_later.diet, on_later.portions) == (Diet.soft, 2)
    assert (
        clients.end_meal_subscription(town, client, last_day=later + timedelta(1), session=session)
        == 1
    )
    assert (
        clients.current_meal_subscription(town, client, on=later + timedelta(2), session=session)
        is None
    )
    assert len(session.exec(select(MealSubscription)).all()) == 2


def test_meal_subscription_refuses_bad_terms(session: Session) -> None:
    town = _town(session)
    client = _client(session, town)
    with pytest.raises(InvalidInputError) as exc:
        clients.set_meal_subscription(
            town, client, weekdays="Sat-Mon", diet=Diet.general, portions=0, start=MONDAY,
            session=session,
        )  # fmt: skip
    assert _problem_fields(exc) == {"weekdays", "portions"}


# Care


def _caregiver(session: Session, town: int, ext: str, skills: list[str]) -> None:
    data = care.CaregiverIn(
        external_id=ext, name=ext, start_lon=25.39, start_lat=42.62, skills=skills
    )
    care.upsert_caregiver(town, data, session=session)


def _plan(town: int, client: int, ext: str, **extra: object) -> care.VisitPlanIn:
    return care.VisitPlanIn(
        external_id=ext, client_id=client, window_start=time(8), window_end=time(10),
        duration_min=30, **extra,
    )  # fmt: skip


def test_caregiver_checks(session: Session) -> None:
    town = _town(session)
    bad = care.CaregiverIn(
        external_id="G1", name="Mara", start_lon=25.39, start_lat=42.62,
        skills=["Nurse", "nurse", "nurse"], shift_start=time(16), shift_end=time(8),
    )  # fmt: skip
    with pytest.raises(InvalidInputError) as exc:
        care.upsert_caregiver(town, bad, session=session)
    assert _problem_fields(exc) == {"skills", "shift_end"}
    _caregiver(session, town, "G1", ["nurse", "foot_care"])
    assert "foot_care" in care.known_skills(town, session=session)
    assert [c.external_id for c in care.list_caregivers(town, session=session)] == ["G1"]


def test_visit_plan_references_and_gaps(session: Session) -> None:
    town, other = _town(session), _town(session, "Shipka")
    client, foreign = _client(session, town), _client(session, other)
    _caregiver(session, town, "G1", ["nurse"])
    first, _ = care.upsert_visit_plan(town, _plan(town, client, "V1"), session=session)
    assert first.id is not None
    with pytest.raises(InvalidInputError) as exc:
        care.upsert_visit_plan(
            town,
            _plan(town, foreign, "V2", skills=["welding"], preferred_caregivers=["G9"],
                  min_gap_min=30),
            session=session,
        )  # fmt: skip
    assert _problem_fields(exc) == {"client_id", "skills", "preferred_caregivers", "min_gap_min"}
    with pytest.raises(InvalidInputError) as exc:
        care.upsert_visit_plan(
            town,
            _plan(town, client, "V2", after_visit_id=first.id, min_gap_min=60, max_gap_min=30),
            session=session,
        )
    assert _problem_fields(exc) == {"max_gap_min"}
    linked = _plan(town, client, "V2", after_visit_id=first.id, min_gap_min=30, max_gap_min=90)
    second, change = care.upsert_visit_plan(town, linked, session=session)
    assert change is Change.created and second.after_visit_id == first.id
    loop = _plan(town, client, "V1", after_visit_id=second.id, min_gap_min=0, max_gap_min=10)
    with pytest.raises(InvalidInputError, match="wait on each other"):
        care.upsert_visit_plan(town, loop, session=session)


def test_visit_plans_for_day(session: Session) -> None:
    town = _town(session)
    client = _client(session, town)
    care.upsert_visit_plan(town, _plan(town, client, "V1", weekdays="Mon,Wed"), session=session)
    care.upsert_visit_plan(
        town, _plan(town, client, "V2", valid_from=MONDAY + timedelta(7)), session=session
    )
    care.upsert_visit_plan(town, _plan(town, client, "V3", weekdays="Tue"), session=session)
    assert [p.external_id for p in care.visit_plans_for_day(town, MONDAY, session=session)] == [
        "V1"
    ]
    next_monday = MONDAY + timedelta(7)
    found = care.visit_plans_for_day(town, next_monday, session=session)
    assert [p.external_id for p in found] == ["V1", "V2"]


# Lists built for paging, alerts, users: always within the municipality


def _alert(session: Session, town: int, message: str) -> int:
    row = Alert(municipality_id=town, kind="welfare", message=message)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def test_list_statements_select_only_the_towns_rows(session: Session) -> None:
    town, other = _town(session), _town(session, "Shipka")
    for mid in (town, other):
        client = _client(session, mid)
        order = MealOrder(municipality_id=mid, client_id=client, day=MONDAY, diet=Diet.general)
        event = Event(municipality_id=mid, event_key=f"e{mid}", kind="order_placed", day=MONDAY)
        entry = AuditEntry(municipality_id=mid, actor="a", action="create", entity="client")
        session.add_all([order, event, entry])
        _alert(session, mid, "not at home")
    session.flush()
    one_each = [
        meals.select_orders(town, day=MONDAY),
        select_events(town, day=MONDAY),
        select_audit(town, entity="client"),
        select_alerts(town),
    ]
    for statement in one_each:
        found = window(statement, offset=0, limit=10, session=session)
        assert found.total == 1 and [r.municipality_id for r in found.rows] == [town]
    none_yet = [
        care.select_visits(town),
        plans.select_plans(town),
        plans.select_routes(town),
        plans.select_stops(town),
        meals.select_orders(town, day=MONDAY + timedelta(1)),
        select_events(town, kind="visit_requested"),
    ]
    for statement in none_yet:
        assert window(statement, offset=0, limit=10, session=session).total == 0


def test_paging_window_counts_all_rows_and_returns_a_slice(session: Session) -> None:
    town = _town(session)
    ids = [_alert(session, town, f"alert {n}") for n in range(5)]
    found = window(select_alerts(town), offset=1, limit=2, session=session)
    assert found.total == 5
    assert [a.id for a in found.rows] == sorted(ids, reverse=True)[1:3]


def test_acknowledging_an_alert_keeps_the_first_person_and_the_town(session: Session) -> None:
    town, other = _town(session), _town(session, "Shipka")
    mine, theirs = _alert(session, town, "mine"), _alert(session, other, "theirs")
    row, changed = acknowledge_alert(town, mine, session=session, by="user:ana")
    again, changed_again = acknowledge_alert(town, mine, session=session, by="user:bob")
    assert changed and not changed_again
    assert again.acknowledged_by == "user:ana" and row.acknowledged_at is not None
    assert [a.id for a in open_alerts(town, session=session)] == []
    with pytest.raises(NotFoundError):
        acknowledge_alert(town, theirs, session=session, by="user:ana")
    assert [a.id for a in open_alerts(other, session=session)] == [theirs]


def test_user_changes_stay_in_the_town(session: Session) -> None:
    town, other = _town(session), _town(session, "Shipka")
    ana = users.create_user(
        town, session=session, username="ana", password="long-enough", role=Role.dispatcher
    )
    assert ana.id is not None
    assert users.find_user_by_id(town, ana.id, session=session) is ana
    assert users.find_user_by_id(other, ana.id, session=session) is None
    changed = users.update_user(
        town, ana.id, {"role": Role.admin, "active": None, "locale": "sl"}, session=session
    )
    assert (changed.role, changed.active, changed.locale) == (Role.admin, True, "sl")
    users.update_user(town, ana.id, {"locale": None, "password": "another-one"}, session=session)
    assert ana.locale is None
    assert users.authenticate("Kazanlak", "ana", "another-one", session=session) is ana
    with pytest.raises(InvalidInputError, match="cannot be changed"):
        users.update_user(town, ana.id, {"username": "eve"}, session=session)
    assert users.set_locale(town, ana.id, "bg", session=session).locale == "bg"
    with pytest.raises(NotFoundError):
        users.update_user(other, ana.id, {"active": False}, session=session)
    with pytest.raises(NotFoundError):
        users.set_locale(other, ana.id, "en", session=session)


def test_ending_a_subscription_before_it_began_keeps_it_for_its_orders(session: Session) -> None:
    """Orders point at their subscription: ending it early closes it, never deletes it."""
    town = _town(session)
    client = _client(session, town)
    terms = {"weekdays": "Mon-Fri", "diet": Diet.general, "portions": 1}
    later = MONDAY + timedelta(days=7)
    sub, _ = clients.set_meal_subscription(town, client, **terms, start=later, session=session)
    assert generate_orders(town, later, session=session)
    assert clients.end_meal_subscription(town, client, last_day=MONDAY, session=session) == 1
    kept = session.get(MealSubscription, sub.id)
    assert kept is not None and kept.valid_until == later - timedelta(days=1)
    assert clients.current_meal_subscription(town, client, on=later, session=session) is None
    order = session.exec(select(MealOrder)).one()
    assert order.subscription_id == sub.id
    # Ended again: nothing runs any more, so nothing changes.
    assert clients.end_meal_subscription(town, client, last_day=MONDAY, session=session) == 0


def test_an_earlier_start_closes_a_later_subscription_with_orders(session: Session) -> None:
    town = _town(session)
    client = _client(session, town)
    terms = {"weekdays": "Mon-Fri", "diet": Diet.general, "portions": 1}
    later = MONDAY + timedelta(days=7)
    first, _ = clients.set_meal_subscription(town, client, **terms, start=later, session=session)
    assert generate_orders(town, later, session=session)
    second, _ = clients.set_meal_subscription(
        town, client, **{**terms, "diet": Diet.soft}, start=later + timedelta(days=7),
        session=session,
    )  # fmt: skip
    assert second.id != first.id
    early, change = clients.set_meal_subscription(
        town, client, **{**terms, "portions": 2}, start=MONDAY, session=session
    )
    assert change is Change.updated and early.id == second.id and early.valid_from == MONDAY
    closed = session.get(MealSubscription, first.id)
    assert closed is not None and closed.valid_until == later - timedelta(days=1)
    on_later = clients.current_meal_subscription(town, client, on=later, session=session)
    assert on_later is not None and on_later.id == second.id and on_later.portions == 2


def test_a_never_started_subscription_without_orders_is_dropped(session: Session) -> None:
    town = _town(session)
    client = _client(session, town)
    terms = {"weekdays": "Mon-Fri", "diet": Diet.general, "portions": 1}
    later = MONDAY + timedelta(days=7)
    clients.set_meal_subscription(town, client, **terms, start=later, session=session)
    assert clients.end_meal_subscription(town, client, last_day=MONDAY, session=session) == 1
    assert session.exec(select(MealSubscription)).all() == []
