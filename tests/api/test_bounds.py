"""Ordinary input never makes a server error, and dates are held to bounds at every door.

A typo in a year (0008, 8005) is refused with 422 naming the field; a plan or a publish is
allowed only within the window around the municipality's today (settings); ending a
subscription before it began keeps it for the orders that point to it.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime

import pytest
from annotated_types import Ge, Interval, Le
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from sqlmodel import select
from starlette.routing import BaseRoute

from scheduler.intake.subscriptions import generate_orders
from scheduler.models import MealOrder, MealSubscription, Role
from tests.api.conftest import World

TODAY = datetime(2026, 1, 5, 10, tzinfo=UTC)  # a Monday, 12:00 in Kazanlak


def _fields(answer: object) -> set[str]:
    assert hasattr(answer, "json")
    return {e["field"] for e in answer.json()["errors"]}


@pytest.fixture
def dispatcher(world: World) -> TestClient:
    return world.client("Kazanlak", Role.dispatcher)


@pytest.fixture
def narrow_window(world: World) -> Iterator[None]:
    """The shipped window (7 days back, 30 ahead) and a clock standing on `TODAY`."""
    settings, clock = world.app.state.settings, world.app.state.clock
    world.app.state.settings = settings.model_copy(
        update={"plan_days_back": 7, "plan_days_ahead": 30}
    )
    world.app.state.clock = lambda: TODAY
    yield
    world.app.state.settings, world.app.state.clock = settings, clock


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PUT", "/v1/clients/{c}/subscription", {"start": "0008-01-01"}, "body.start"),
        ("POST", "/v1/clients/{c}/subscription/end", {"last_day": "8005-01-01"}, "body.last_day"),
        ("GET", "/v1/orders?from=0008-03-01", None, "query.from"),
        ("GET", "/v1/plans?to=8005-03-01", None, "query.to"),
        ("GET", "/v1/subscriptions?on=1999-12-31", None, "query.on"),
        ("POST", "/v1/days/8005-01-06/meals/plan", {"request_id": "b1"}, "path.day"),
        ("POST", "/v1/days/0078-01-06/meals/publish", {"request_id": "b2"}, "path.day"),
        ("GET", "/v1/kitchen-batches/0008-01-06", None, "path.day"),
    ],
)
def test_an_implausible_year_is_refused_naming_the_field(
    world: World,
    dispatcher: TestClient,
    method: str,
    path: str,
    body: dict[str, str] | None,
    field: str,
) -> None:
    client_id = world.ids[("Kazanlak", "client")]
    if body is not None and "start" in body:
        body = {**body, "weekdays": "Mon-Fri", "diet": "general", "portions": 1}
    answer = dispatcher.request(method, path.format(c=client_id), json=body)
    assert answer.status_code == 422, answer.text
    assert field in _fields(answer)


def test_planning_and_publishing_stay_within_the_window_around_today(
    dispatcher: TestClient, narrow_window: None
) -> None:
    for day in ("2026-01-05", "2025-12-29", "2026-02-04"):  # today, 7 back, 30 ahead
        answer = dispatcher.post(f"/v1/days/{day}/care/plan", json={"request_id": f"w{day}"})
        assert answer.status_code == 202, answer.text
    for day, action in (("2025-12-28", "plan"), ("2026-02-05", "publish"), ("2027-01-05", "plan")):
        answer = dispatcher.post(f"/v1/days/{day}/meals/{action}", json={"request_id": "w"})
        assert answer.status_code == 422, answer.text
        assert _fields(answer) == {"day"}
        assert "2025-12-29 to 2026-02-04" in answer.json()["errors"][0]["message"]


def test_ending_or_moving_a_subscription_before_it_began_answers_not_a_500(
    world: World, dispatcher: TestClient
) -> None:
    mid, client_id = world.town_ids["Kazanlak"], world.ids[("Kazanlak", "client")]
    with world.session() as session:
        assert generate_orders(mid, date(2026, 1, 7), session=session, client_ids={client_id})
        session.commit()
    terms = {"weekdays": "Mon-Fri", "diet": "diabetic", "portions": 1}
    later = dispatcher.put(
        f"/v1/clients/{client_id}/subscription", json={**terms, "start": "2026-03-02"}
    )
    assert later.status_code == 200, later.text
    early = dispatcher.put(
        f"/v1/clients/{client_id}/subscription",
        json={**terms, "portions": 2, "start": "2025-12-01"},
    )
    assert early.status_code == 200, early.text
    ended = dispatcher.post(
        f"/v1/clients/{client_id}/subscription/end", json={"last_day": "2025-11-01"}
    )
    assert ended.status_code == 200, ended.text
    with world.session() as session:
        order = session.exec(select(MealOrder).where(MealOrder.day == date(2026, 1, 7))).one()
        kept = session.get(MealSubscription, order.subscription_id)
        assert kept is not None and kept.valid_until is not None
        assert kept.valid_until < kept.valid_from  # closed before it began, not deleted


def _routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route, through the routers the app includes."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)
        elif hasattr(route, "routes"):
            yield from _routes(route.routes)


def _bounded(field: FieldInfo) -> bool:
    return any(isinstance(m, Interval | Ge | Le) for m in field.metadata)


def _takes_date(annotation: object) -> bool:
    return date in (typing.get_args(annotation) or (annotation,))


def _unbounded_fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> list[str]:
    if model in seen:
        return []
    seen.add(model)
    found = []
    for name, field in model.model_fields.items():
        if _takes_date(field.annotation) and not _bounded(field):
            found.append(f"body.{name}")
        for inner in typing.get_args(field.annotation) or (field.annotation,):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                found += _unbounded_fields(inner, seen)
    return found


def _unbounded(dependant: Dependant) -> list[str]:
    found = [
        p.name
        for p in dependant.path_params + dependant.query_params
        if _takes_date(p.field_info.annotation) and not _bounded(p.field_info)
    ]
    for body in dependant.body_params:
        model = body.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            found += _unbounded_fields(model, set())
    for inner in dependant.dependencies:
        found += _unbounded(inner)
    return found


def test_every_date_any_door_takes_is_held_to_the_years_bounds(world: World) -> None:
    """A new route or schema that takes a plain `date` fails here: use `Day`."""
    routes = list(_routes(world.app.routes))
    assert len(routes) > 100  # the walk reaches the routers' routes
    loose = sorted(
        f"{sorted(r.methods)[0]} {r.path} {name}"
        for r in routes
        for name in _unbounded(r.dependant)
    )
    assert loose == []
