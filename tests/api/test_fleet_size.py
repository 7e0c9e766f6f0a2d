"""`GET /v1/days/{day}/fleet` and the board's panel words: the answer in the caller's language."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from scheduler.intake.cutoff import freeze_day
from scheduler.models import Kitchen, Municipality, Role
from tests.api.conftest import PASSWORD, World
from tests.scheduler import meal_town

DAY = date(2025, 6, 10)  # a Tuesday


def _frozen_day(world: World, town: str) -> None:
    """Three one-portion clients of the kitchen, frozen."""
    mid = world.town_ids[town]
    with world.session() as session:
        row = session.get(Municipality, mid)
        kitchen = session.exec(select(Kitchen).where(Kitchen.municipality_id == mid)).first()
        assert row is not None and kitchen is not None
        for i in range(3):
            meal_town.client(session, row, kitchen, f"fleet{i}", offset=(0.002 * i, 0.001))
        freeze_day(mid, DAY, "meals", session=session)
        session.commit()


def test_the_fleet_answer_in_the_callers_language(world: World) -> None:
    _frozen_day(world, "Kazanlak")
    staff = world.client("Kazanlak", Role.dispatcher)
    answer = staff.get(f"/v1/days/{DAY}/fleet", params={"budget": 0.5}).json()
    assert answer["meals"] >= 3 and answer["fewest"] >= answer["bound"] >= 1
    (kitchen,) = [k for k in answer["kitchens"] if k["kitchen"] == "Central"]
    assert kitchen["binds"] in {"time", "capacity", "ride_limit", "window"}
    assert "Central" in kitchen["binds_text"]
    labels = {w["key"]: w["label"] for w in answer["what_ifs"]}
    assert labels["van_more"] == "Един бус повече"  # noqa: RUF001
    assert all(w["left_out"] >= 0 for w in answer["what_ifs"])


def test_a_day_not_frozen_is_a_problem_naming_the_day(world: World) -> None:
    staff = world.client("Maribor", Role.dispatcher)
    got = staff.get("/v1/days/2025-07-01/fleet", params={"what_ifs": False})
    assert got.status_code == 422
    assert got.json()["errors"][0]["field"] == "day"


def test_the_board_shows_the_panel_translated(world: World) -> None:
    client = world.client()
    client.post(
        "/login", data={"municipality": "Maribor", "username": "dispatcher", "password": PASSWORD}
    )
    page = client.get(f"/board?day={DAY}&service=meals").text
    assert "Koliko kombijev" in page and "/static/fleet.js" in page
