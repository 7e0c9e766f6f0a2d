"""The exchange format: FORMAT.md's examples read, round trips hold, bad files name the field."""

from __future__ import annotations

import copy
import json
import pickle
import re
from pathlib import Path
from typing import Any

import pytest

from routing import (
    Job,
    Matrices,
    Problem,
    Vehicle,
    problem_from_dict,
    problem_to_dict,
    read_problem,
    solution_from_dict,
    solution_to_dict,
)

FORMAT_MD = Path(__file__).resolve().parents[3] / "shared" / "FORMAT.md"


def _examples() -> list[dict[str, Any]]:
    if not FORMAT_MD.exists():
        pytest.skip("FORMAT.md is not beside the repository")
    blocks = re.findall(r"```json\n(.*?)```", FORMAT_MD.read_text(encoding="utf-8"), re.S)
    return [json.loads(b) for b in blocks]


def _problem_doc() -> dict[str, Any]:
    return {
        "matrices": {"durations": [[0, 300, 400], [300, 0, 200], [400, 200, 0]]},
        "vehicles": [{"id": "van-1", "start_index": 0, "end_index": 0, "capacity": [10, 2]}],
        "jobs": [
            {"id": "a", "location_index": 1, "delivery": [2, 1], "time_windows": [[0, 900]]},
            {"id": "b", "location_index": 2, "service": 60},
        ],
    }


def test_format_examples_read_and_round_trip() -> None:
    problem_doc, solution_doc = _examples()[:2]
    problem = problem_from_dict(problem_doc)
    assert problem.vehicles[0].breaks[0].service == 1800
    assert problem.jobs[0].sync is not None and problem.jobs[0].sync.group == "p4"
    assert problem_from_dict(problem_to_dict(problem)) == problem
    solution = solution_from_dict(solution_doc)
    assert solution_to_dict(solution) == solution_doc


def test_round_trip_keeps_every_field() -> None:
    doc = _problem_doc()
    doc["matrices"]["foot"] = {"durations": [[0, 9, 9], [9, 0, 9], [9, 9, 0]]}
    doc["vehicles"][0] |= {"max_trips": 3, "reload_time": 600, "fixed_cost": 7, "skills": ["x"]}
    walker = {"id": "walker", "start_index": 1, "profile": "foot", "capacity": [1, 1]}
    doc["vehicles"].append(walker)
    doc["jobs"][1] |= {
        "allowed_vehicles": [],
        "preferred_vehicles": ["walker"],
        "preference_cost": 5,
        "sync": {"group": "g", "type": "sequential", "order": 1, "min_gap": 0, "max_gap": 60},
    }
    doc["objective"] = {"minimize": "duration", "balance_weight": 3}
    doc["pinned"] = {"van-1": ["a"]}
    doc["initial_routes"] = {"van-1": ["a", "b"]}
    doc["initial_trips"] = {"van-1": [1, 2]}
    doc["options"] = {"time_limit_s": 2.5, "seed": 4}
    problem = problem_from_dict(doc)
    assert problem.profile_matrices["foot"].durations[0][1] == 9
    assert problem.jobs[1].allowed_vehicles == ()  # empty list means no vehicle, not any
    assert problem_to_dict(problem) == doc
    assert pickle.loads(pickle.dumps(problem)) == problem


def test_read_problem_from_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(_problem_doc()), encoding="utf-8")
    assert [j.id for j in read_problem(path).jobs] == ["a", "b"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["jobs"][0].update(service=-1), "jobs[0].service: Expected an integer >= 0"),
        (lambda d: d["jobs"][0].update(time_windows=[[50, 40]]), "jobs[0].time_windows[0]:"),
        (lambda d: d["jobs"][0].update(tw=[[0, 1]]), "jobs[0].tw: unknown field"),
        (lambda d: d.update(vehicle=[]), "vehicle: unknown field"),
        (lambda d: d["vehicles"][0].update(capacity=[10]), "vehicles[0].capacity: Expected 2"),
        (lambda d: d["jobs"][0].update(delivery=[1]), "jobs[0].delivery: Expected 2 dimensions"),
        (lambda d: d["matrices"]["durations"][1].pop(), "matrices.durations[1]: Expected 3"),
        (lambda d: d["jobs"][1].update(location_index=5), "jobs[1].location_index: Expected"),
        (lambda d: d["jobs"][1].update(allowed_vehicles=["x"]), "jobs[1].allowed_vehicles[0]"),
        (lambda d: d.update(pinned={"van-9": ["a"]}), "pinned.van-9: Expected a known vehicle"),
        (lambda d: d.update(initial_routes={"van-1": ["zz"]}), "initial_routes.van-1[0]"),
        (
            lambda d: d.update(initial_routes={"van-1": ["a"]}, initial_trips={"van-1": [1, 2]}),
            "initial_trips.van-1: Expected 1 trip numbers",
        ),
        (
            lambda d: d.update(
                initial_routes={"van-1": ["a", "b"]}, initial_trips={"van-1": [2, 1]}
            ),
            "initial_trips.van-1[1]: Expected a trip >= 2",
        ),
        (
            lambda d: d.update(initial_trips={"van-1": [1]}),
            "initial_trips.van-1: Expected a vehicle",
        ),
        (lambda d: d["jobs"][1].update(id="a"), "jobs[1].id: Expected a unique id"),
        (lambda d: d["jobs"][0].update(service=1.5), "jobs[0].service: Expected an integer"),
        (lambda d: d["vehicles"][0].update(time_window=[9, 1]), "vehicles[0].time_window:"),
        (
            lambda d: d.update(
                matrices={"car": d["matrices"]}, vehicles=[d["vehicles"][0] | {"profile": "bike"}]
            ),
            "vehicles[0].profile: Expected a profile with a matrix",
        ),
        (lambda d: d["objective"].update(minimize="fun"), "objective.minimize: Expected one of"),
        (lambda d: d["jobs"][0].pop("location_index"), "jobs[0].location_index: Expected"),
        (
            lambda d: d["jobs"][0].update(sync={"group": "g", "type": "sequential"}),
            "jobs[0].sync.order: Expected",
        ),
    ],
)
def test_bad_files_are_refused_naming_the_field(change: Any, message: str) -> None:
    doc = copy.deepcopy(_problem_doc())
    doc["objective"] = {}
    change(doc)
    with pytest.raises(ValueError, match=re.escape(message)):
        problem_from_dict(doc)


def test_types_check_at_construction() -> None:
    with pytest.raises(ValueError, match=re.escape("durations[1]: Expected 2 columns")):
        Matrices(durations=((0, 1), (1,)))
    with pytest.raises(ValueError, match="start_index: Expected exactly one"):
        Vehicle(id="v")
    vehicle = Vehicle(id="v", start_index=0)
    with pytest.raises(ValueError, match=re.escape("jobs[0].allowed_vehicles[0]")):
        Problem(
            vehicles=(vehicle,),
            jobs=(Job(id="j", location_index=0, allowed_vehicles=("w",)),),
            matrices=Matrices(durations=((0,),)),
        )
