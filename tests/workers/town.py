"""A meal day to plan and re-plan through the pipeline, built with the meal-service helpers.

Clients take meals every day of the week and the vans work every day, so the test date (the
day after today) is always a delivery day; the cut-off lies a week before it, so every change
is a late one that a dispatcher forces, which re-freezes the day and asks for a re-plan.
"""

from __future__ import annotations

import math
from datetime import date, time

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import session_scope
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.orders import Actor, cancel_order, place_order
from scheduler.models import Client, Plan, PlanVersion, Role, Stop
from scheduler.planning import plan_day
from scheduler.planning.runs import run_plan
from tests.scheduler import meal_town
from tests.workers.conftest import DAY

DISPATCHER = Actor(name="dispatcher", role=Role.dispatcher, force=True)
EVERY_DAY = "Mon-Sun"


def meal_day(
    engine: Engine,
    *,
    name: str = "Kazanlak",
    subscribed: int = 12,
    unsubscribed: int = 0,
    vans: int = 2,
    day: date = DAY,
    frozen: bool = True,
) -> int:
    """A municipality whose `day` is frozen (unless told not) but not planned yet; its id."""
    with session_scope(engine) as session:
        town = meal_town.town(session, name, cutoff_days_before=7, cutoff_time=time(0, 0))
        kitchen = meal_town.kitchen(session, town, "K1")
        for v in range(vans):
            meal_town.van(session, town, kitchen, f"V{v + 1}", weekdays=EVERY_DAY)
        total = subscribed + unsubscribed
        for i in range(total):
            angle = 2 * math.pi * i / max(total, 1)
            offset = (0.01 * math.cos(angle) * (1 + i % 3), 0.008 * math.sin(angle) * (1 + i % 2))
            weekdays = EVERY_DAY if i < subscribed else None
            meal_town.client(session, town, kitchen, f"c{i}", offset=offset, weekdays=weekdays)
        meal_town.override(session, town, day, True)
        assert town.id is not None
        if frozen:
            freeze_day(town.id, day, "meals", session=session)
        return town.id


def plan_now(engine: Engine, municipality_id: int, day: date = DAY, limit: float = 0.5) -> int:
    """The initial plan, run here as a worker runs it (the tests are about what comes after)."""
    with session_scope(engine) as session:
        done = run_plan(
            session,
            municipality_id,
            day,
            "meals",
            planner=plan_day,
            time_limit=limit,
            replan_time_limit=limit,
        )
    assert done.outcome == "planned" and done.plan_version_id is not None
    return done.plan_version_id


def client_ids(engine: Engine, municipality_id: int) -> list[int]:
    with Session(engine) as session:
        statement = select(Client.id).where(Client.municipality_id == municipality_id)
        return [i for i in session.exec(statement.order_by(col(Client.id))).all() if i]


def cancel(engine: Engine, municipality_id: int, client_id: int, day: date = DAY) -> None:
    with session_scope(engine) as session:
        cancel_order(municipality_id, client_id, day, session=session, by=DISPATCHER)


def order(engine: Engine, municipality_id: int, client_id: int, day: date = DAY) -> None:
    with session_scope(engine) as session:
        place_order(municipality_id, client_id, day, session=session, by=DISPATCHER)


def versions(engine: Engine, municipality_id: int, service: str = "meals") -> list[PlanVersion]:
    with Session(engine) as session:
        plans = select(Plan.id).where(
            Plan.municipality_id == municipality_id, Plan.service == service
        )
        statement = select(PlanVersion).where(col(PlanVersion.plan_id).in_(plans))
        return list(session.exec(statement.order_by(col(PlanVersion.version))).all())


def served_clients(engine: Engine, version_id: int) -> set[int]:
    """Clients with a stop in the version."""
    from scheduler.models import Route

    with Session(engine) as session:
        routes = select(Route.id).where(Route.plan_version_id == version_id)
        stops = session.exec(select(Stop).where(col(Stop.route_id).in_(routes))).all()
        return {s.client_id for s in stops if s.client_id is not None}
