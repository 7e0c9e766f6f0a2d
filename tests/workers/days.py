"""Small stored days for the publishing tests: vans, drivers with logins, plan versions.

The versions are written as rows directly (the planner is tested elsewhere); what matters
here is which routes changed between two versions and who drives them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.db import session_scope
from scheduler.models import (
    Driver,
    Kitchen,
    Plan,
    PlanVersion,
    Role,
    Route,
    Stop,
    User,
    Vehicle,
)


def add_fleet(engine: Engine, municipality_id: int, vans: list[str]) -> dict[str, int]:
    """A kitchen, one van per name, a driver per van with a login; van name -> user id."""
    users = {}
    with session_scope(engine) as session:
        kitchen = Kitchen(
            municipality_id=municipality_id, external_id="K1", name="Kitchen", lon=27.9, lat=43.2
        )
        session.add(kitchen)
        session.flush()
        for name in vans:
            van = Vehicle(
                municipality_id=municipality_id,
                kitchen_id=kitchen.id,  # type: ignore[arg-type]
                external_id=name,
                name=name,
                capacity_portions=40,
                capacity_boxes=5,
            )
            session.add(van)
            session.flush()
            driver = Driver(
                municipality_id=municipality_id,
                external_id=f"D-{name}",
                name=f"Driver {name}",
                vehicle_id=van.id,
            )
            session.add(driver)
            session.flush()
            user = User(
                municipality_id=municipality_id,
                username=f"driver-{name}",
                password_hash="-",
                role=Role.driver,
                driver_id=driver.id,
            )
            session.add(user)
            session.flush()
            assert user.id is not None
            users[name] = user.id
    return users


def add_version(
    engine: Engine,
    municipality_id: int,
    day: date,
    routes: dict[str, list[str]],
    *,
    service: str = "meals",
    published: bool = False,
) -> int:
    """A new plan version whose van routes visit the given job ids in order; its id."""
    with session_scope(engine) as session:
        plan = _plan(session, municipality_id, day, service)
        plan.current_version += 1
        if published:
            plan.published_version = plan.current_version
        assert plan.id is not None
        version = PlanVersion(
            municipality_id=municipality_id, plan_id=plan.id, version=plan.current_version
        )
        session.add_all([plan, version])
        session.flush()
        for van_name, jobs in routes.items():
            van = session.exec(
                select(Vehicle).where(
                    Vehicle.municipality_id == municipality_id, Vehicle.external_id == van_name
                )
            ).first()
            route = Route(
                municipality_id=municipality_id,
                plan_version_id=version.id,  # type: ignore[arg-type]
                resource=van_name,
                vehicle_id=van.id if van else None,
            )
            session.add(route)
            session.flush()
            kinds = ["start", *["job"] * len(jobs), "end"]
            for seq, (kind, job) in enumerate(zip(kinds, [None, *jobs, None], strict=True)):
                session.add(
                    Stop(
                        municipality_id=municipality_id,
                        route_id=route.id,  # type: ignore[arg-type]
                        seq=seq,
                        kind=kind,
                        job_id=job,
                    )
                )
        assert version.id is not None
        return version.id


def _plan(session: Session, municipality_id: int, day: date, service: str) -> Plan:
    from scheduler.repositories.plans import get_plan

    plan = get_plan(municipality_id, day, service, session=session)
    if plan is None:
        plan = Plan(municipality_id=municipality_id, day=day, service=service)
        session.add(plan)
        session.flush()
    return plan
