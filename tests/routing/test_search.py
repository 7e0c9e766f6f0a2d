"""The search's promises: the wall-clock limit holds, the same seed gives the same routes, an
answer always comes back, and a Solomon instance is solved feasibly (no timings asserted here
beyond the limit itself; figures belong in the benchmark)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from routing import solution_from_dict
from routing.lab.bench import check_routes
from routing.params import SolveParams
from routing.reasons import eligibility
from routing.search import GLS, ILS, Config, Task, portfolio
from routing.solver import solve
from tests.routing.line import two_vans_six_meals
from tests.routing.solomon import first, solomon


def test_the_time_limit_holds() -> None:
    problem = solomon("R101")
    started = time.perf_counter()
    solution = solve(problem, SolveParams(time_limit_s=1.5))
    elapsed = time.perf_counter() - started
    assert elapsed < 1.5 + 0.35  # the limit, and the parent's own bookkeeping
    assert solution.summary.routes > 0


def test_a_search_that_overruns_is_ended_and_its_best_answer_kept() -> None:
    """OR-Tools is told 30 s; the parent ends it at 1.5 s and keeps what it had sent."""
    problem = solomon("R101")
    jobs = tuple(range(len(problem.jobs)))
    deadline = time.time() + 1.5
    task = Task(problem, jobs, (None,) * len(jobs), {}, GLS, 0, deadline, margin_s=-30.0)
    started = time.perf_counter()
    (outcome,) = portfolio([task])
    assert time.perf_counter() - started < 1.5 + 1.0  # terminate, then kill after 1 s at worst
    assert not outcome.finished and outcome.routes is not None
    served = sum(len(trip) for trips in outcome.routes.values() for trip in trips)
    assert served == len(jobs)


def test_nothing_back_in_time_still_answers_with_every_job_unassigned() -> None:
    problem = solomon("R101")
    solution = solve(problem, SolveParams(time_limit_s=0.01))
    assert solution.summary.unassigned + sum(len(r.job_ids) for r in solution.routes) == 100
    assert all(u.reason.value == "cost" for u in solution.unassigned)


def test_with_a_grace_a_search_out_of_time_still_brings_its_first_answer() -> None:
    """The same 0.01 s as above: the limit ends before any answer, and the grace lets the
    search bring its first one instead of leaving every job out; it then stops there."""
    problem = solomon("R101")
    started = time.perf_counter()
    solution = solve(problem, SolveParams(time_limit_s=0.01, first_answer_grace_s=5.0))
    assert time.perf_counter() - started < 0.01 + 5.0 + 0.5
    served = sum(len(r.job_ids) for r in solution.routes)
    assert served == 100 and solution.summary.unassigned == 0


def test_the_same_seed_gives_the_same_routes() -> None:
    problem = first(solomon("RC101"), 25)
    runs = [solve(problem, SolveParams(time_limit_s=1.5, seed=7)) for _ in range(2)]
    assert [r.job_ids for r in runs[0].routes] == [r.job_ids for r in runs[1].routes]
    assert runs[0].summary.cost == runs[1].summary.cost


def test_different_seeds_order_the_nodes_differently() -> None:
    problem = first(solomon("RC101"), 25)
    jobs = tuple(range(25))
    tasks = [Task(problem, jobs, (None,) * 25, {}, GLS, seed, 0.0, 0.0) for seed in (0, 1, 2)]
    orders = [t.ordered().jobs for t in tasks]
    assert orders[0] == jobs and orders[1] != jobs and orders[1] != orders[2]


def test_smoke_solomon_c101_feasible_and_complete() -> None:
    problem = solomon("C101")
    solution = solve(problem, SolveParams(time_limit_s=2.0))
    checked = check_routes(problem, [list(r.job_ids) for r in solution.routes])
    assert checked.cost is not None, checked.problem
    assert checked.unassigned == 0 and solution.unassigned == ()
    assert checked.cost == solution.summary.distance  # our check and the engine's agree


def test_pre_checks_find_every_job_of_a_benchmark_possible() -> None:
    assert all(e.reason is None for e in eligibility(solomon("R101")))


def test_a_single_configuration_can_be_asked_for() -> None:
    solution = solve(
        two_vans_six_meals(),
        SolveParams(time_limit_s=0.8, configs=(Config("pca", "PATH_CHEAPEST_ARC"),)),
    )
    assert solution.summary.unassigned == 0


def test_cli_solve_writes_the_solution(tmp_path: Path) -> None:
    problem = {
        "matrices": {"durations": [[0, 300], [300, 0]], "distances": [[0, 2500], [2500, 0]]},
        "vehicles": [{"id": "van-1", "start_index": 0, "end_index": 0, "capacity": [4]}],
        "jobs": [{"id": "client-17", "location_index": 1, "delivery": [1], "service": 120}],
    }
    path, out = tmp_path / "p.json", tmp_path / "s.json"
    path.write_text(json.dumps(problem), encoding="utf-8")
    result = CliRunner().invoke(app, ["solve", str(path), "--time-limit", "0.5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "cost 5000" in result.output and "unassigned 0" in result.output
    solution = solution_from_dict(json.loads(out.read_text(encoding="utf-8")))
    assert solution.routes[0].job_ids == ("client-17",)


def test_cli_solve_names_the_bad_field(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"vehicles": [], "jobs": [{"id": "a", "lcation": [1, 2]}]}))
    result = CliRunner().invoke(app, ["solve", str(path)])
    assert result.exit_code == 2 and "jobs[0].lcation: unknown field" in result.output


def test_or_tools_iterated_local_search_runs_to_its_limit_and_serves_everyone() -> None:
    """Through its own entry point it iterates (the plain Solve stopped at the first local
    optimum, in a fraction of the budget)."""
    problem = first(solomon("RC105"), 25)
    started = time.perf_counter()
    solution = solve(problem, SolveParams(time_limit_s=1.5, configs=(ILS,)))
    elapsed = time.perf_counter() - started
    assert solution.summary.unassigned == 0
    assert 1.0 < elapsed < 1.5 + 0.35
