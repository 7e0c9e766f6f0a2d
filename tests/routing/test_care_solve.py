"""Each home-care constraint solved on a day small enough to check by hand, and every answer
checked by routing/validate.py rather than by the solver's own word."""

from __future__ import annotations

from collections.abc import Sequence

from routing import Break, Job, Matrices, Objective, Problem, Solution, Sync, Vehicle
from routing.care.solve import _rank
from routing.params import SolveParams
from routing.solution import Reason, Route, Step, Summary
from routing.solver import solve
from routing.validate import validate

H = 3600
LIMIT = 3.0  # generous: a loaded machine must not turn a tiny day into "no answer"
SHIFT = (8 * H, 16 * H)
# Places: 0 the office, 1 and 2 clients. 0-1 300 s, 0-2 600 s, 1-2 900 s.
TRAVEL = ((0, 300, 600), (300, 0, 900), (600, 900, 0))


def carer(vid: str, **kw: object) -> Vehicle:
    return Vehicle(vid, start_index=0, end_index=0, time_window=SHIFT, **kw)  # type: ignore[arg-type]


def visit(jid: str, at: int = 1, **kw: object) -> Job:
    defaults: dict[str, object] = {"service": 1800, "time_windows": ((8 * H, 16 * H),)}
    return Job(jid, location_index=at, **(defaults | kw))  # type: ignore[arg-type]


def day(vehicles: Sequence[Vehicle], jobs: Sequence[Job], **kw: object) -> Problem:
    matrices = kw.pop("matrices", Matrices(durations=TRAVEL))
    objective = Objective(minimize="duration")
    return Problem(
        vehicles=tuple(vehicles),
        jobs=tuple(jobs),
        matrices=matrices,  # type: ignore[arg-type]
        objective=kw.pop("objective", objective),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def solved(problem: Problem) -> Solution:
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    assert validate(problem, solution) == [], "\n".join(map(str, validate(problem, solution)))
    return solution


def step(solution: Solution, jid: str) -> tuple[str, Step]:
    return next((r.vehicle, s) for r in solution.routes for s in r.steps if s.id == jid)


def test_a_two_person_visit_starts_at_the_same_second_on_two_caregivers() -> None:
    # b starts at 09:10, so the earliest both can be at the client is 09:15.
    late_starter = Vehicle("b", start_index=0, end_index=0, time_window=(9 * H + 600, 16 * H))
    lift = Sync("lift", "simultaneous")
    window = ((9 * H, 10 * H),)
    problem = day(
        [carer("a"), late_starter],
        [visit("lift-1", time_windows=window, sync=lift),
         visit("lift-2", time_windows=window, sync=lift)],
    )  # fmt: skip
    solution = solved(problem)
    (va, a), (vb, b) = step(solution, "lift-1"), step(solution, "lift-2")
    assert {va, vb} == {"a", "b"}
    assert a.start == b.start == 9 * H + 900


def test_a_linked_visit_starts_inside_its_gap_after_the_first() -> None:
    gap = {"group": "med", "type": "sequential", "min_gap": 2700, "max_gap": 3600}
    problem = day(
        [carer("a")],
        [visit("pill", service=600, sync=Sync(order=1, **gap)),  # type: ignore[arg-type]
         visit("meal", at=2, sync=Sync(order=2, **gap))],  # type: ignore[arg-type]
    )  # fmt: skip
    solution = solved(problem)
    (_, pill), (_, meal) = step(solution, "pill"), step(solution, "meal")
    assert pill.start is not None and meal.start is not None
    assert 2700 <= meal.start - pill.start <= 3600


def test_a_lunch_break_falls_inside_its_window_between_visits() -> None:
    # Visits 11:00-12:00 and at 13:00 sharp: lunch must be between them, from 12:00 to 12:30.
    lunch = Break("lunch", ((12 * H, 13 * H),), 1800)
    problem = day(
        [carer("a", breaks=(lunch,))],
        [visit("morning", service=H, time_windows=((11 * H, 11 * H),)),
         visit("afternoon", time_windows=((13 * H, 13 * H),))],
    )  # fmt: skip
    solution = solved(problem)
    steps = solution.routes[0].steps
    kinds = [s.type for s in steps]
    assert kinds == ["start", "job", "break", "job", "end"]
    assert steps[2].start is not None and 12 * H <= steps[2].start <= 13 * H - 1800


def test_a_short_day_takes_its_lunch_off_duty() -> None:
    lunch = Break("lunch", ((12 * H, 13 * H),), 1800)
    problem = day([carer("a", breaks=(lunch,))], [visit("early", time_windows=((9 * H, 9 * H),))])
    solution = solved(problem)
    assert [s.type for s in solution.routes[0].steps] == ["start", "job", "end"]


def test_a_skill_only_one_caregiver_has_sends_the_visit_to_her() -> None:
    nurse = carer("nurse", skills=frozenset({"nursing"}))
    problem = day(
        [carer("a"), carer("b"), nurse],
        [visit("injection", skills=frozenset({"nursing"})), visit("shopping")],
    )
    assert step(solved(problem), "injection")[0] == "nurse"


def test_a_skill_nobody_has_is_unassigned_without_a_search() -> None:
    problem = day([carer("a")], [visit("surgery", skills=frozenset({"surgeon"}))])
    solution = solve(problem, SolveParams(time_limit_s=10.0))
    assert [(u.id, u.reason) for u in solution.unassigned] == [("surgery", Reason.skills)]
    assert solution.summary.solve_time_s < 1.0


def _continuity(cost: int) -> str:
    """The preferred caregiver lives at 2, 1,800 s of travel for the visit at 1; the other one
    at the office, 600 s: preferring costs 1,200 s of travel."""
    far = Vehicle("far", start_index=2, end_index=2, time_window=SHIFT)
    problem = day(
        [far, carer("near")],
        [visit("bath", preferred_vehicles=("far",), preference_cost=cost)],
    )
    return step(solved(problem), "bath")[0]


def test_the_preferred_caregiver_is_chosen_when_it_costs_little() -> None:
    assert _continuity(2000) == "far"


def test_the_preferred_caregiver_is_not_chosen_when_it_costs_much() -> None:
    assert _continuity(500) == "near"


def test_allowed_vehicles_are_hard() -> None:
    far = Vehicle("far", start_index=2, end_index=2, time_window=SHIFT)
    problem = day([far, carer("near")], [visit("bath", allowed_vehicles=("far",))])
    assert step(solved(problem), "bath")[0] == "far"


def test_a_soft_window_end_allows_a_late_start_at_its_cost() -> None:
    # The caregiver starts at 09:00 and is at the client at 09:05; the window ends at 09:02.
    shift = Vehicle("a", start_index=0, end_index=0, time_window=(9 * H, 16 * H))
    window = ((8 * H, 9 * H + 120),)
    soft = day([shift], [visit("soft", time_windows=window, late_cost_per_s=1)])
    solution = solved(soft)
    assert step(solution, "soft")[1].late == 180 and solution.summary.late == 180
    hard = day([shift], [visit("hard", time_windows=window)])
    assert [u.reason for u in solve(hard, SolveParams(time_limit_s=LIMIT)).unassigned] == [
        Reason.time_window
    ]


def test_travel_time_follows_the_caregivers_profile() -> None:
    # Walking to the client takes an hour: the walker cannot make the 08:30 visit, the driver can.
    walk = Matrices(durations=tuple(tuple(12 * t for t in row) for row in TRAVEL))
    walker = carer("walker", profile="foot")
    problem = day(
        [walker, carer("driver")],
        [visit("early", time_windows=((8 * H, 8 * H + 1800),))],
        matrices=None,
        profile_matrices={"car": Matrices(durations=TRAVEL), "foot": walk},
    )
    solution = solved(problem)
    assert step(solution, "early")[0] == "driver"


def test_balance_shares_the_day_between_caregivers() -> None:
    jobs = [visit(f"v{k}", service=H) for k in range(4)]
    alone = solved(day([carer("a"), carer("b")], jobs))
    assert len(alone.routes) == 1  # one trip to the client is cheapest
    fair = day([carer("a"), carer("b")], jobs, objective=Objective("duration", balance_weight=1))
    assert sorted(len(r.job_ids) for r in solved(fair).routes) == [2, 2]


def test_a_two_person_visit_with_one_caregiver_is_left_out_whole() -> None:
    lift = Sync("lift", "simultaneous")
    problem = day([carer("a")], [visit("l1", sync=lift), visit("l2", sync=lift), visit("x")])
    solution = solved(problem)
    assert {u.id: u.reason for u in solution.unassigned} == {"l1": Reason.sync, "l2": Reason.sync}


def test_synced_timing_holds_a_pair_to_the_later_caregiver_and_its_gap() -> None:
    """Routes given from outside (the exact model's, in bench_care.py): a reaches the client at
    08:05, b at 08:25 after a visit at 2; both parts start at 08:25, and the linked
    meal 45 minutes after the pill even though a could start it earlier."""
    from routing.care.sync import time_synced

    lift = Sync("lift", "simultaneous")
    gap = {"group": "med", "type": "sequential", "min_gap": 2700, "max_gap": 3600}
    jobs = [
        visit("l1", sync=lift),
        visit("l2", sync=lift),
        visit("first", at=2, service=0),
        visit("pill", at=1, service=600, sync=Sync(order=1, **gap)),  # type: ignore[arg-type]
        visit("meal", at=1, service=600, sync=Sync(order=2, **gap)),  # type: ignore[arg-type]
    ]
    problem = day([carer("a"), carer("b")], jobs)
    by_id = {j.id: j for j in problem.jobs}
    routes = {0: [by_id["l1"], by_id["pill"], by_id["meal"]], 1: [by_id["first"], by_id["l2"]]}
    timed = time_synced(problem, routes)
    assert timed is not None
    starts = {s.id: s.start for t in timed.values() for s in t.steps if s.type == "job"}
    assert starts["l1"] == starts["l2"] == 8 * H + 600 + 900
    assert starts["pill"] == starts["l1"] + 1800 and starts["meal"] == starts["pill"] + 2700


def test_a_sync_group_of_one_is_served_as_an_ordinary_visit() -> None:
    """FORMAT.md's own example has a group with a single job; the format accepts it."""
    from routing import problem_from_dict

    for sync in (
        {"group": "p4", "type": "simultaneous"},
        {"group": "p5", "type": "sequential", "order": 1, "min_gap": 0, "max_gap": 600},
    ):
        problem = problem_from_dict(
            {
                "matrices": {"durations": [[0, 300], [300, 0]]},
                "vehicles": [{"id": "v", "start_index": 0, "end_index": 0}],
                "jobs": [{"id": "a", "location_index": 1, "service": 60, "sync": sync}],
            }
        )
        solution = solve(problem, SolveParams(time_limit_s=2, seed=0))
        assert [s.id for r in solution.routes for s in r.steps if s.type == "job"] == ["a"]
        assert not solution.unassigned


def test_the_answer_is_ranked_with_its_latest_visit_counted_once_more() -> None:
    # OR-Tools' answer and the search's own plan are compared as the search compares plans:
    # 950 with one client 100 s late ranks below 1000 on time, and a plan serving more visits
    # ranks above both whatever it costs.
    soft = ((8 * H, 9 * H),)
    problem = day([carer("a")], [visit(j, time_windows=soft, late_cost_per_s=1) for j in "xyz"])

    def plan(cost: int, lates: Sequence[int]) -> Solution:
        steps = tuple(
            Step("job", 9 * H, 9 * H + 1800, id=jid, start=9 * H, late=late)
            for jid, late in zip("xyz", lates, strict=False)
        )
        return Solution(Summary(cost, 0, 0, sum(lates), 1, 0, 0.0), (Route("a", steps),))

    on_time, one_late = plan(1000, [0, 0]), plan(950, [0, 100])
    assert _rank(problem, on_time) > _rank(problem, one_late)
    assert _rank(problem, plan(5000, [0, 0, 300])) > _rank(problem, on_time)
