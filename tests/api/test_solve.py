"""`POST /v1/solve`: the exchange format in, a solution out; a wrong field is named."""

from __future__ import annotations

import copy

from api.schemas.solve import EXAMPLE_PROBLEM
from scheduler.models import Role
from tests.api.conftest import World


def test_solves_the_format_example(world: World) -> None:
    response = world.client("Kazanlak", Role.dispatcher).post("/v1/solve", json=EXAMPLE_PROBLEM)
    assert response.status_code == 200, response.text
    solution = response.json()
    assert solution["summary"]["unassigned"] == 0
    (route,) = solution["routes"]
    assert [s["type"] for s in route["steps"]] == ["start", "job", "end"]
    assert route["steps"][1]["id"] == "client-17" and route["steps"][1]["arrival"] >= 39600


def test_an_unknown_field_is_named(world: World) -> None:
    problem = copy.deepcopy(EXAMPLE_PROBLEM)
    problem["jobs"][0]["sevrice"] = 5  # type: ignore[index]
    response = world.client("Kazanlak", Role.admin).post("/v1/solve", json=problem)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.jobs[0].sevrice"


def test_kitchen_staff_may_not_solve(world: World) -> None:
    response = world.client("Kazanlak", Role.kitchen).post("/v1/solve", json=EXAMPLE_PROBLEM)
    assert response.status_code == 403


def test_a_job_left_out_comes_with_its_cause_in_the_callers_language(world: World) -> None:
    """The client wants lunch by 08:03; the van leaves at 08:00 and needs 300 s to get there."""
    problem = copy.deepcopy(EXAMPLE_PROBLEM)
    problem["jobs"][0]["time_windows"] = [[28800, 28980]]  # type: ignore[index]
    response = world.client("Maribor", Role.dispatcher).post("/v1/solve", json=problem)
    (left,) = response.json()["unassigned"]
    assert (left["reason"], left["code"]) == ("time_window", "unreachable")
    assert left["params"] == {
        "earliest_at": 29100,
        "travel_s": 300,
        "window_end": 28980,
        "window_start": 28800,
    }
    assert left["text"].startswith("Nihče je ne more doseči") and "08:05 (5 min" in left["text"]
