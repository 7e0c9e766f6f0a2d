"""A running API over a real migrated database with two municipalities and a user per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.app import create_app
from scheduler.db import make_engine
from scheduler.intake.importing import COLUMNS
from scheduler.migrate import upgrade
from scheduler.models import (
    AbsenceKind,
    Alert,
    CaregiverAbsence,
    Diet,
    DriverAbsence,
    ImportUpload,
    MealOrder,
    Municipality,
    Plan,
    PlanVersion,
    PushTarget,
    Role,
    Route,
    RoutePin,
    Stop,
    SubscriptionPause,
    User,
    Visit,
)
from scheduler.models.fleet import KitchenBase
from scheduler.repositories import care, clients, fleet
from scheduler.repositories.care import CaregiverIn, VisitPlanIn
from scheduler.repositories.clients import ClientIn
from scheduler.repositories.fees import ReductionIn, add_reduction, set_price
from scheduler.repositories.fleet import VehicleIn
from scheduler.repositories.users import create_user, issue_token
from scheduler.settings import Settings
from tests import services

PASSWORD = "correct horse battery"
TOWNS = ("Kazanlak", "Maribor")
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_of(client: TestClient) -> str:
    """The CSRF token of a signed-in page session, as its pages carry it."""
    found = CSRF_META.search(client.get("/account").text)
    assert found, "the page has no CSRF token: is the client signed in?"
    return found.group(1)


@dataclass
class World:
    app: FastAPI
    engine: Engine
    town_ids: dict[str, int]
    tokens: dict[tuple[str, Role], str] = field(default_factory=dict)
    user_ids: dict[tuple[str, Role], int] = field(default_factory=dict)
    ids: dict[tuple[str, str], int] = field(default_factory=dict)

    def client(self, town: str | None = None, role: Role | None = None) -> TestClient:
        """A client acting as that town's user of that role (bearer token), or anonymous."""
        client = TestClient(self.app, raise_server_exceptions=False)
        if town and role:
            client.headers["Authorization"] = f"Bearer {self.tokens[(town, role)]}"
        return client

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


def build_world(url: str, solve_time_limit_s: float = 10.0) -> World:
    upgrade(url)
    engine = make_engine(url)
    # A broker URL: the outbox rows wait for a relay instead of running tasks in this process.
    settings = Settings(
        database_url=url,
        secret_key="test-secret",
        redis_url="redis://127.0.0.1:9/0",
        solve_time_limit_s=solve_time_limit_s,
        # Fixed dates on any day: the window around today is opened wide (tests/conftest.py).
        plan_days_back=36500,
        plan_days_ahead=36500,
    )
    app = create_app(settings)
    world = World(app=app, engine=engine, town_ids={})
    with world.session() as session:
        for name, zone, locale in zip(
            TOWNS, ("Europe/Sofia", "Europe/Ljubljana"), ("bg", "sl"), strict=True
        ):
            town = Municipality(name=name, timezone=zone, locale=locale, country=locale.upper())
            session.add(town)
            session.flush()
            assert town.id is not None
            world.town_ids[name] = town.id
            for role in Role:
                user = create_user(
                    town.id, session=session, username=role.value, password=PASSWORD, role=role
                )
                assert user.id is not None
                world.user_ids[(name, role)] = user.id
                world.tokens[(name, role)] = issue_token(user, "tests", session=session).secret
            world.ids.update({(name, k): v for k, v in seed_rows(town.id, session).items()})
            # The caregiver user is Maria (CG1), so "their own day" has an answer.
            carer = session.get(User, world.user_ids[(name, Role.caregiver)])
            assert carer is not None
            carer.caregiver_id = world.ids[(name, "caregiver")]
            session.add(carer)
        session.commit()
    return world


def seed_rows(mid: int, session: Session) -> dict[str, int]:
    """One row of each kind in the municipality, so routes have ids to answer for."""
    kitchen, _ = fleet.upsert_kitchen(
        mid, KitchenBase(external_id="K1", name="Central", lon=25.39, lat=42.62), session=session
    )
    assert kitchen.id is not None
    van, _ = fleet.upsert_vehicle(
        mid,
        VehicleIn(
            external_id="V1",
            name="Van 1",
            capacity_portions=60,
            capacity_boxes=8,
            kitchen_id=kitchen.id,
        ),
        session=session,
    )
    client, _ = clients.upsert_client(
        mid,
        ClientIn(
            external_id="C1",
            name="Ivan Petrov",
            address="ul. Roza 1",
            lon=25.4,
            lat=42.61,
            phone="+359888000111",
            lives_alone=True,
            kitchen_id=kitchen.id,
        ),
        session=session,
    )
    assert client.id is not None
    sub, _ = clients.set_meal_subscription(
        mid,
        client.id,
        weekdays="Mon-Fri",
        diet=Diet.diabetic,
        portions=1,
        start=date(2026, 1, 5),
        session=session,
    )
    carer, _ = care.upsert_caregiver(
        mid,
        CaregiverIn(external_id="CG1", name="Maria", start_lon=25.4, start_lat=42.62),
        session=session,
    )
    plan, _ = care.upsert_visit_plan(
        mid,
        VisitPlanIn(
            external_id="VP1",
            client_id=client.id,
            window_start=time(9, 0),
            window_end=time(10, 0),
            duration_min=30,
        ),
        session=session,
    )
    visit = Visit(
        municipality_id=mid,
        external_id="VP1",
        visit_plan_id=plan.id,
        client_id=client.id,
        day=date(2026, 1, 6),
        window_start=time(9, 0),
        window_end=time(10, 0),
        duration_min=30,
    )
    session.add(visit)
    session.flush()
    assert carer.id is not None
    absence = CaregiverAbsence(
        municipality_id=mid,
        caregiver_id=carer.id,
        start=date(2026, 2, 2),
        end=date(2026, 2, 6),
        kind=AbsenceKind.holiday,
    )
    session.add(absence)
    spare = create_user(
        mid, session=session, username="spare", password=PASSWORD, role=Role.kitchen
    )
    token = issue_token(spare, "spare", session=session).token
    webhook = PushTarget(
        municipality_id=mid,
        channel="webhook",
        address="http://127.0.0.1:9/hook",
        secrets={"secret": "seeded"},
        label="seeded",
        active=False,
    )  # fmt: skip: switched off, so no publication in any test goes to it
    session.add(webhook)
    upload = ImportUpload(  # a previewed clients file without rows: applying it changes nothing
        municipality_id=mid, kind="clients", filename="clients.csv",
        content=(",".join(COLUMNS["clients"]) + "\n").encode(), uploaded_by="user:admin",
        expires_at=datetime(2100, 1, 1, tzinfo=UTC), preview={"kind": "clients", "rows": []},
    )  # fmt: skip
    session.add(upload)
    session.flush()
    rows: dict[str, Any] = seed_plan(mid, session, van, client, kitchen)
    point, _ = fleet.upsert_pickup_point(
        mid,
        fleet.PickupPointIn(external_id="P1", name="Canteen", kitchen_id=kitchen.id),
        session=session,
    )
    driver, _ = fleet.upsert_driver(
        mid, fleet.DriverIn(external_id="DRV-SEED", name="Petko"), session=session
    )
    away = DriverAbsence(
        municipality_id=mid,
        driver_id=_id(driver),
        first_day=date(2026, 2, 9),
        last_day=date(2026, 2, 13),
        kind=AbsenceKind.holiday,
    )
    session.add(away)
    session.flush()
    rows |= {
        "pickup_point": point,
        "driver": driver,
        "driver_absence": away,
        "visit": visit,
        "absence": absence,
        "token": token,
        "kitchen": kitchen,
        "vehicle": van,
        "client": client,
        "subscription": sub,
        "caregiver": carer,
        "visit_plan": plan,
        "webhook": webhook,
        "upload": upload,
        **_seed_fees(mid, int(client.id), int(sub.id), session),
    }
    return {name: int(row.id) for name, row in rows.items()}


def _seed_fees(mid: int, client_id: int, sub_id: int, session: Session) -> dict[str, Any]:
    """A price and a reduction far in the future, so no month a test bills changes, and a pause
    long past (it can no longer be taken back: the permission tests leave it as it is)."""
    far = date(2099, 1, 1)
    price, _ = set_price(mid, "meals", "pureed", far, 500, session=session)
    cut = add_reduction(mid, ReductionIn(client_id, far, None, 10, None), session=session)
    pause = SubscriptionPause(
        municipality_id=mid,
        subscription_id=sub_id,
        start=date(2020, 3, 2),
        end=date(2020, 3, 6),
        reason="seed",
    )
    session.add(pause)
    session.flush()
    return {"price": price, "reduction": cut, "pause": pause}


def seed_plan(mid: int, session: Session, van: Any, client: Any, kitchen: Any) -> dict[str, Any]:
    """A published one-van plan for 2026-01-06 with one stop, and an open alert."""
    plan = Plan(
        municipality_id=mid,
        day=date(2026, 1, 6),
        service="meals",
        current_version=1,
        published_version=1,
    )
    session.add(plan)
    session.flush()
    version = PlanVersion(municipality_id=mid, plan_id=_id(plan), version=1)
    session.add(version)
    session.flush()
    route = Route(
        municipality_id=mid,
        plan_version_id=_id(version),
        resource=van.external_id,
        vehicle_id=van.id,
    )
    session.add(route)
    session.flush()
    order = MealOrder(
        municipality_id=mid,
        client_id=client.id,
        day=date(2026, 1, 6),
        diet=Diet.diabetic,
        portions=2,
    )
    session.add(order)
    session.flush()
    stop = Stop(
        municipality_id=mid,
        route_id=_id(route),
        seq=1,
        kind="job",
        job_id="C1",
        client_id=client.id,
        order_id=order.id,
        arrival_s=11 * 3600,
    )
    alert = Alert(municipality_id=mid, kind="welfare", message="test alert", client_id=client.id)
    pin = RoutePin(
        municipality_id=mid,
        day=date(2026, 1, 6),
        service="meals",
        client_id=client.id,
        vehicle_id=van.id,
        position=1,
        created_by="seed",
    )
    session.add_all([stop, alert, pin])
    session.flush()
    return {"plan": plan, "route": route, "stop": stop, "alert": alert, "order": order, "pin": pin}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One database per test module (building it costs more than most tests), on SQLite and
    on PostgreSQL: scoping, paging and filters are SQL, and the two dialects differ."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("api") / "api.db"
        world = build_world(f"sqlite:///{path.as_posix()}")
        yield world
        world.engine.dispose()
        return
    with services.scratch_or_skip(request.getfixturevalue("postgres_server_url")) as url:
        world = build_world(url)
        yield world
        world.engine.dispose()


def _id(row: Any) -> int:
    assert row.id is not None
    return int(row.id)
