"""Linked visits whatever the number of caregivers on either side, as true constraints: each
shape on a day small enough to check by hand, solved by the care pipeline and by the exact
OR-Tools model, every answer judged by routing/validate.py; and generated days with links of
every shape that never break a rule."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from routing import Follow, Job, Problem, Solution, Summary, Sync
from routing.lab.bench_care import exact
from routing.lab.caregen import CareDay, CareDayConfig, care_day
from routing.params import SolveParams
from routing.solution import Reason
from routing.solver import solve
from routing.validate import validate
from tests.routing.test_care_solve import H, carer, day, step, visit

LIMIT = 3.0  # generous: a loaded machine must not turn a tiny day into "no answer"
EMPTY = Solution(Summary(0, 0, 0, 0, 0, 0, 0.0))


def lift(name: str, at: int = 1, **kw: object) -> list[Job]:
    """A two-caregiver visit: two jobs in a simultaneous group."""
    group = Sync(name, "simultaneous")
    return [visit(f"{name}-{k}", at=at, sync=group, **kw) for k in (1, 2)]


def after(job: str, low: int, high: int) -> tuple[Follow, ...]:
    return (Follow(job, low, high),)


def both_ways(problem: Problem) -> list[Solution]:
    """The care pipeline's answer, and the exact model's when it serves the linked visits
    (OR-Tools alone often finds no first plan that holds a tie of three or more: the reason
    for the pipeline, care/solve.py); each checked by validate.py."""
    ours = solve(problem, SolveParams(time_limit_s=LIMIT))
    theirs = exact(CareDay(problem, EMPTY), LIMIT, 0)
    for answer in (ours, theirs):
        broken = validate(problem, answer)
        assert broken == [], "\n".join(map(str, broken))
    return [ours] if theirs.unassigned else [ours, theirs]


def start(solution: Solution, jid: str) -> int:
    found = step(solution, jid)[1].start
    assert found is not None
    return found


CAREGIVERS = [carer("a"), carer("b"), carer("c")]


def test_a_two_caregiver_visit_then_a_single_one_holds_the_gap() -> None:
    # The single visit at 2 could start at 08:10; it must wait 30-90 min after the pair.
    jobs = [*lift("lift", time_windows=((9 * H, 10 * H),)),
            visit("meal", at=2, service=900, follows=after("lift-1", 1800, 5400))]  # fmt: skip
    for answer in both_ways(day(CAREGIVERS, jobs)):
        assert start(answer, "lift-1") == start(answer, "lift-2")
        assert 1800 <= start(answer, "meal") - start(answer, "lift-1") <= 5400


def test_a_single_visit_then_a_two_caregiver_one_holds_the_gap() -> None:
    jobs = [visit("pill", at=2, service=600),
            *lift("bath", follows=after("pill", 1800, 3600))]  # fmt: skip
    for answer in both_ways(day(CAREGIVERS, jobs)):
        assert start(answer, "bath-1") == start(answer, "bath-2")
        assert 1800 <= start(answer, "bath-1") - start(answer, "pill") <= 3600


def test_two_caregivers_then_two_caregivers_hold_the_gap() -> None:
    jobs = [*lift("up", service=900),
            *lift("down", at=2, service=900, follows=after("up-1", 1800, 2700))]  # fmt: skip
    four = [*CAREGIVERS, carer("d")]
    for answer in both_ways(day(four, jobs)):
        assert start(answer, "up-1") == start(answer, "up-2")
        assert start(answer, "down-1") == start(answer, "down-2")
        assert 1800 <= start(answer, "down-1") - start(answer, "up-1") <= 2700


def test_a_chain_of_three_holds_both_gaps() -> None:
    jobs = [visit("a", service=600),
            visit("b", at=2, service=600, follows=after("a", 1800, 3600)),
            visit("c", service=600, follows=after("b", 1200, 2400))]  # fmt: skip
    for answer in both_ways(day(CAREGIVERS[:1], jobs)):
        assert 1800 <= start(answer, "b") - start(answer, "a") <= 3600
        assert 1200 <= start(answer, "c") - start(answer, "b") <= 2400


def test_a_link_that_cannot_hold_leaves_out_every_visit_it_ties() -> None:
    # The pair must end by 09:00 (its window); the meal 30-90 min after cannot start before
    # 11:00 (its window): neither is served, both with reason sync.
    jobs = [*lift("lift", time_windows=((8 * H, 8 * H + 900),)),
            visit("meal", at=2, time_windows=((11 * H, 12 * H),),
                  follows=after("lift-1", 1800, 5400)),
            visit("other", at=2)]  # fmt: skip
    (answer,) = both_ways(day(CAREGIVERS, jobs))
    reasons = {u.id: u.reason for u in answer.unassigned}
    assert reasons == {"lift-1": Reason.sync, "lift-2": Reason.sync, "meal": Reason.sync}


def test_validate_catches_a_broken_gap_between_linked_groups() -> None:
    jobs = [*lift("lift"), visit("meal", at=2, follows=after("lift-1", 1800, 5400))]
    problem = day(CAREGIVERS, jobs)
    answer = solve(problem, SolveParams(time_limit_s=LIMIT))
    assert validate(problem, answer) == []
    early = [
        replace(problem.jobs[2], follows=after("lift-1", 1800 + 5400, 2 * 5400))
    ]  # the same answer, judged against a longer gap
    broken = validate(replace(problem, jobs=(*problem.jobs[:2], *early)), answer)
    assert [(v.constraint, v.subject) for v in broken] == [("sync", "job meal")]
    alone = Problem(vehicles=problem.vehicles, jobs=problem.jobs, matrices=problem.matrices,
                    objective=problem.objective)  # fmt: skip
    served_in_part = replace(answer, routes=tuple(
        replace(r, steps=tuple(s for s in r.steps if s.id != "meal")) for r in answer.routes
    ), unassigned=(*answer.unassigned, *[]))  # fmt: skip
    assert any(v.constraint == "sync" for v in validate(alone, served_in_part))


# ---- generated days with links of every shape


def with_links(generated: CareDay, rnd: random.Random) -> Problem:
    """The generated day with visits linked in every shape: gaps around what its hidden plan
    does (so a plan exists), each link between visits the hidden plan serves in that order."""
    problem, plan = generated.problem, generated.plan
    starts = {s.id: s.start for r in plan.routes for s in r.steps if s.type == "job" and s.id}
    jobs = {j.id: j for j in problem.jobs}
    pairs = sorted({j.sync.group for j in problem.jobs if j.sync and j.sync.type == "simultaneous"})
    heads = {g: min(j.id for j in problem.jobs if j.sync and j.sync.group == g) for g in pairs}
    singles = sorted(j.id for j in problem.jobs if j.sync is None and j.id in starts)
    pair_heads = [heads[g] for g in pairs if heads[g] in starts]
    used: set[str] = set()
    links: dict[str, list[str]] = {}  # then -> the jobs of its unit that carry the link

    def link(first: str, then_unit: list[str]) -> bool:
        d = starts[then_unit[0]] - starts[first]
        if d <= 0 or first in used or then_unit[0] in used:
            return False
        for jid in then_unit:
            links[jid] = [first, str(max(0, d - 900)), str(d + 900)]
        used.update([first, *then_unit])
        return True

    def unit(head: str) -> list[str]:
        group = jobs[head].sync
        return [j.id for j in problem.jobs if group and j.sync == group] if group else [head]

    shapes = [(pair_heads, singles), (singles, pair_heads), (pair_heads, pair_heads)]
    for firsts, thens in shapes:
        for first in rnd.sample(firsts, len(firsts)):
            if any(link(first, unit(t)) for t in rnd.sample(thens, len(thens))):
                break
    chain = sorted((s for s in singles if s not in used), key=lambda s: starts[s])
    for a, b, c in zip(chain, chain[len(chain) // 3 :], chain[2 * len(chain) // 3 :], strict=False):
        if link(a, [b]) and link(b, [c]):
            break
    new = tuple(
        replace(j, follows=(Follow(links[j.id][0], int(links[j.id][1]), int(links[j.id][2])),))
        if j.id in links
        else j
        for j in problem.jobs
    )
    return replace(problem, jobs=new)


@pytest.mark.slow
def test_generated_days_with_links_of_every_shape_never_break_a_rule() -> None:
    served_links = 0
    for seed in range(20):
        generated = care_day(CareDayConfig(visits=30, caregivers=5, seed=seed))
        problem = with_links(generated, random.Random(seed))
        assert sum(1 for j in problem.jobs if j.follows) >= 4, "every shape on every day"
        answer = solve(problem, SolveParams(time_limit_s=1.0, seed=seed))
        broken = [v for v in validate(problem, answer) if v.hard]
        assert broken == [], f"seed {seed}: " + "\n".join(map(str, broken))
        served_links += sum(1 for j in problem.jobs if j.follows and j.id in answer.assigned)
    assert served_links > 0
