"""Search parameters, the portfolio of searches, and the hard wall-clock limit.

Each search runs in a child process: OR-Tools' own time limit is set a little under the budget,
and the parent ends the child at the budget whatever happens (guided local search can overrun
its limit). Children send every new best solution (at most a few times a second) through a
pipe as they go, so an ended child still leaves its best answer behind.

Two searches run side by side when there are two cores, on different node orders (the seed)
and different first solutions; the best answer wins, ties to the first configuration.

The default is our ruin and recreate around OR-Tools' greedy descent (ruin.py), started from
PyVRP's routes when PyVRP can state the whole problem (peer_seed.py: plain time windows and
capacities, no trips, ride limits, breaks or pins), else from parallel cheapest insertion and
from savings. The seed takes PEER_SHARE of each search's time, then passes validate.py and the
model's own check (`ReadAssignmentFromRoutes`) before OR-Tools descends and ruins from it.
Measured 2026-12-05 at load 14-15 on 2 cores, one process, 10 s: RC105 R105 RC103 R111 at
0.46 / 0.30 / 1.44 / 0.83% against 5.5 / 7.0 / 9.3 / 5.3% for ruin and recreate from insertion
in the same minutes; R1_10_1 at 60 s 7.5% against 44% (docs/benchmarks.md has the full runs).

OR-Tools' own iterated local search ("ILS": SISR ruin, annealing acceptance) iterates only
through `SolveWithIteratedLocalSearch`; `SolveWithParameters` stops it at the first local
optimum, which is what was measured below. Through its entry point, same load, 10 s: 2.9 /
4.9 / 11.4 / 3.6% on the four above with the light operators of ruin.py, 4.3 / 3.6 / 11.9 / 3.7%
with the default ones, better than ruin and recreate on three of four but far from the seed;
44% on R1_10_1 at 60 s. It cannot start from given routes, so it is not in the default.

Before the seed (figures below): Measured with OR-Tools 9.15 here, one process, Solomon at
10 s, interleaved on RC101 RC105 RC201 R105 R201 R207 C101 (machine load 4-6 on 2 cores): mean gap
guided local search 4.20%, ruin and recreate from insertion 2.19%, from savings 2.12% (R207: 5.7,
7.5 and 3.5%: savings is the better start for long routes, insertion for RC1). On all 29
(`patronage bench --time-limit 10 --ours patronage,patronage-gls,patronage-1p`, load 4.2-5.0):
this pair mean 2.00%, median 1.37% (C1 0, C2 0, R1 1.22, R2 2.86, RC1 6.19, RC2 2.16); the
guided local search pair 3.63% and 3.20%; ruin and recreate alone 1.94% and 1.09%. None left a
customer out. With the machine that loaded, two processes did no better than one; RC103, RC107
and R207 stay the worst (6-10%). The pair again alone, load 2.6-3.0: mean 1.28%, median 0.41%
(RC1 4.12%), none left out: the figures move with the machine's load.

Gehring-Homberger 1,000 customers at 60 s, one run each (load 4.3): R1_10_1 24.05% against
25.22% for the guided local search pair, but RC2_10_1 64.22% against 58.37%: on days that large
a descent costs too much for many ruins.

Guided local search (the default before) stalls a few seconds in. On the same subset (one run
each, 3.9% for it as it was): lambda 0.2, resetting penalties on a new best, GLS penalties in the
operators, the multi-armed bandit, and switching off Lin-Kernighan or the insertion LNS operators
all stayed within 3.9-4.5%; lambda 0.05 was worse (6.4%). Restricting the operators' neighbours
(`neighbors_ratio` 0.05-0.2, at least 10) gave 11.8-25.7% on RC101 against 3.8%, and restarting
it from its best in 2-5 phases 9.5% there (both stopped after that). OR-Tools' own iterated local
search (`use_iterated_local_search`) ends at its first local optimum through this Python API with
greedy descent (0.35 s on RC105); with guided local search or annealing as its metaheuristic it
runs to the limit (RC105, 2 s: 7.4 and 7.3%), not measured further. `ILS` is kept for when a
release makes it iterate.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_ils_pb2
from ortools.util import optional_boolean_pb2

from routing import ruin
from routing.constraints import model_hooks
from routing.model import build, initial_routes, make_layout, read_routes
from routing.peer_seed import expressible, peer_routes
from routing.peer_seed import load as load_peer
from routing.problem import Problem

# How often a child reads and sends its best routes: reading 1,000 routes costs a millisecond,
# and local search finds thousands of small improvements a second early on.
SEND_INTERVAL_S = 0.25

Routes = dict[int, list[list[int]]]  # van -> trips -> problem job indices

# The share of a search's time PyVRP gets for its seed; OR-Tools then checks it, descends and
# ruins and recreates from it in the rest.
PEER_SHARE = 0.85

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Config:
    """One search: first-solution strategy and metaheuristic, and their knobs."""

    name: str
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    # Or "ILS" (OR-Tools' ruin-and-recreate iterated local search), or "RR" (ours: ruin.py).
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.1
    ruin: str = "sisr"  # for ILS: sisr, random_walk or spatially_close_routes
    ruin_size: int = 10
    neighbors_ratio: float = 1.0
    min_neighbors: int = 1
    # "pyvrp": start from PyVRP's routes when it can state the problem (peer_seed.py).
    start_from: str | None = None
    # Any other search parameter, by its dotted path in RoutingSearchParameters, such as
    # ("local_search_operators.use_cross_exchange", True).
    options: tuple[tuple[str, Any], ...] = ()


# Operators that put a left-out job back while moving another out of its way. They find nothing
# to do while every job is served, and without them a hot meal that fits only after its
# neighbours are reordered (ride time) stayed out: the default operators never combine the two.
REPAIR: tuple[tuple[str, Any], ...] = (
    ("local_search_operators.use_relocate_and_make_active", True),
    ("local_search_operators.use_exchange_and_make_active", True),
)
GLS = Config("gls", options=REPAIR)
GLS_ARC = Config("gls-arc", first_solution="PATH_CHEAPEST_ARC", options=REPAIR)
GLS_SAVINGS = Config("gls-savings", first_solution="SAVINGS", options=REPAIR)
ILS = Config("ils", metaheuristic="ILS")
RR = Config("rr", metaheuristic="RR", options=REPAIR)
RR_SAVINGS = Config("rr-savings", first_solution="SAVINGS", metaheuristic="RR", options=REPAIR)
# The same two, started from PyVRP's routes when it can state the problem (peer_seed.py): each
# process then runs PyVRP with its own seed, and OR-Tools improves and checks its answer.
RR_PEER = replace(RR, name="rr-pyvrp", start_from="pyvrp")
RR_SAVINGS_PEER = replace(RR_SAVINGS, name="rr-savings-pyvrp", start_from="pyvrp")
# Ruin and recreate from parallel cheapest insertion first: it is what runs alone on one core.
# From savings it wins the long routes (Solomon R2), from insertion the clustered ones (RC1).
# Both replace guided local search, which stalls 2-4 points higher (module docstring).
DEFAULT_PORTFOLIO: tuple[Config, ...] = (RR_PEER, RR_SAVINGS_PEER)
PREVIOUS_PORTFOLIO: tuple[Config, ...] = (GLS, GLS_SAVINGS)  # guided local search, for benchmarks
# Descend to the nearest local optimum and stop: the end of a meal day's search
# (scheduler/planning/day.py), so that a re-plan starts from a plan it cannot improve by
# reordering stops for a few metres each: each is a stop a driver must learn again.
KEEP = Config("keep", metaheuristic="GREEDY_DESCENT", options=REPAIR)


@dataclass(frozen=True)
class Phase:
    """A share of the search time, and the searches that run side by side in it. Every phase
    after the first starts from the best answer so far (its first solution is then unused)."""

    share: float
    configs: tuple[Config, ...]


DEFAULT_PLAN: tuple[Phase, ...] = (Phase(1.0, DEFAULT_PORTFOLIO),)


def parameters(config: Config, time_limit_s: float) -> Any:
    params = pywrapcp.DefaultRoutingSearchParameters()
    fss = routing_enums_pb2.FirstSolutionStrategy
    params.first_solution_strategy = getattr(fss, config.first_solution)
    params.ls_operator_neighbors_ratio = config.neighbors_ratio
    params.ls_operator_min_neighbors = config.min_neighbors
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    lsm = routing_enums_pb2.LocalSearchMetaheuristic
    if config.metaheuristic == "ILS":
        params.local_search_metaheuristic = lsm.GREEDY_DESCENT
        _iterated(params, config)
    elif config.metaheuristic == "RR":
        # Each ruin is repaired by a greedy descent; ruin.LIGHT keeps that descent cheap.
        params.local_search_metaheuristic = lsm.GREEDY_DESCENT
        for path, value in ruin.LIGHT:
            _set_parameter(params, path, value)
    else:
        params.local_search_metaheuristic = getattr(lsm, config.metaheuristic)
        params.guided_local_search_lambda_coefficient = config.gls_lambda
    for path, value in config.options:
        _set_parameter(params, path, value)
    return params


def _iterated(params: Any, config: Config) -> None:
    """OR-Tools' own ruin-and-recreate iterated local search."""
    params.use_iterated_local_search = True
    ils = params.iterated_local_search_parameters
    ils.perturbation_strategy = routing_ils_pb2.PerturbationStrategy.RUIN_AND_RECREATE
    rr = ils.ruin_recreate_parameters
    rr.recreate_strategy.heuristic = (
        routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    )
    rr.ruin_composition_strategy = routing_ils_pb2.RuinCompositionStrategy.RUN_ONE_RANDOMLY
    strategy = rr.ruin_strategies.add()
    if config.ruin == "sisr":
        strategy.sisr.max_removed_sequence_size = config.ruin_size
        strategy.sisr.avg_num_removed_visits = config.ruin_size
        strategy.sisr.bypass_factor = 0.01
    elif config.ruin == "random_walk":
        strategy.random_walk.num_removed_visits = config.ruin_size
    else:
        strategy.spatially_close_routes.num_ruined_routes = max(1, config.ruin_size // 5)
    ils.improve_perturbed_solution = True
    annealing = ils.reference_solution_acceptance_strategy.simulated_annealing
    annealing.cooling_schedule_strategy = routing_ils_pb2.CoolingScheduleStrategy.EXPONENTIAL
    annealing.automatic_temperatures = True
    ils.best_solution_acceptance_strategy.greedy_descent.SetInParent()


def _set_parameter(params: Any, path: str, value: Any) -> None:
    *parents, name = path.split(".")
    target = params
    for part in parents:
        target = getattr(target, part)
    field = target.DESCRIPTOR.fields_by_name[name]
    if isinstance(value, bool) and field.enum_type is not None:
        # Operators are OptionalBoolean (BOOL_FALSE = 2, BOOL_TRUE = 3), not bool: a plain True
        # (1) or a guessed 2 does not switch one on.
        value = optional_boolean_pb2.BOOL_TRUE if value else optional_boolean_pb2.BOOL_FALSE
    setattr(target, name, value)


@dataclass(frozen=True)
class Task:
    """What a child needs to search: the problem, which jobs, on which vans, and from where."""

    problem: Problem
    jobs: tuple[int, ...]
    allowed: tuple[tuple[int, ...] | None, ...]
    start: Routes
    config: Config
    seed: int
    deadline: float  # time.time() at which the parent ends the search
    margin_s: float
    # Past the deadline, how long a search with no answer at all may go on for its first one
    # (0: the deadline is hard whatever happens).
    grace_s: float = 0.0

    def ordered(self) -> Task:
        """The same task with its jobs in the seed's order (seed 0: the problem's order)."""
        if self.seed == 0:
            return self
        order = list(range(len(self.jobs)))
        random.Random(self.seed).shuffle(order)
        return replace(
            self,
            jobs=tuple(self.jobs[i] for i in order),
            allowed=tuple(self.allowed[i] for i in order),
        )


@dataclass
class Outcome:
    """The best answer of a search: its objective (penalties included) and routes."""

    objective: int | None = None
    routes: Routes | None = None
    config: str | None = None
    finished: bool = False
    error: str | None = None
    solutions: int = 0
    history: list[tuple[float, int]] = field(default_factory=list)


def run_search(task: Task, send: Any) -> None:
    """Build and search; call `send(message)` with ("best", objective, routes) as it improves
    and ("final", objective | None, routes | None) at the end."""
    task = task.ordered()
    layout = make_layout(task.problem, task.jobs)
    b = build(task.problem, layout, task.allowed, model_hooks(task.problem))
    remaining = task.deadline - time.time() - task.margin_s
    params = parameters(task.config, max(0.05, remaining))
    b.model.CloseModelWithParameters(params)
    best, last_sent, started = [2**63], [0.0], time.time()

    def on_solution() -> None:
        cost = b.model.CostVar().Value()
        if cost < best[0]:
            best[0] = cost
            now = time.time()
            if now - last_sent[0] >= SEND_INTERVAL_S:
                last_sent[0] = now
                send(("best", cost, read_routes(b, lambda var: var.Value()), now - started))

    b.model.AddAtSolutionCallback(on_solution)
    start, given = None, task.start
    if task.config.start_from == "pyvrp" and not any(given.values()):
        until = time.time() + PEER_SHARE * (task.deadline - task.margin_s - time.time())
        given = peer_routes(task.problem, task.jobs, task.allowed, task.seed, until) or {}
        stop_at = task.deadline - task.margin_s
        params.time_limit.FromMilliseconds(max(1, int(1000 * (stop_at - time.time()))))
    if any(given.values()):
        start = b.model.ReadAssignmentFromRoutes(initial_routes(b, given), True)
        if start is not None and given is not task.start:  # the seed is an answer already
            send(("best", start.ObjectiveValue(), given, time.time() - started))
    solution = None
    if start is not None:
        solution = b.model.SolveFromAssignmentWithParameters(start, params)
    if solution is None and task.config.metaheuristic == "ILS":
        # The iterated local search runs only through its own entry point: with the plain
        # Solve it stops at the first local optimum.
        solution = b.model.SolveWithIteratedLocalSearch(params)
    if solution is None:
        solution = b.model.SolveWithParameters(params)
    if solution is None and best[0] == 2**63 and task.grace_s > 0:  # the limit came first
        solution = b.model.SolveWithParameters(_first_answer(params, task.grace_s))
    if solution is None:
        send(("final", None, None, time.time() - started))
        return
    objective, routes = solution.ObjectiveValue(), read_routes(b, solution.Value)
    if task.config.metaheuristic == "RR":

        def on_best(cost: int, found: Routes) -> None:
            send(("best", cost, found, time.time() - started))

        stop_at = task.deadline - task.margin_s
        fixed = ruin.pinned_jobs(b)
        objective, routes = ruin.search(b, params, solution, task.seed, stop_at, fixed, on_best)
    send(("final", objective, routes, time.time() - started))


def _first_answer(params: Any, grace_s: float) -> Any:
    """The same search stopped at its first solution, within the grace for a first answer."""
    first = type(params)()
    first.CopyFrom(params)
    first.time_limit.FromNanoseconds(int(grace_s * 1e9))
    first.solution_limit = 1
    return first


def _child(conn: Connection, task: Task) -> None:
    try:
        run_search(task, conn.send)
    except BaseException as exc:  # the parent must learn why, not wait for the deadline
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _context() -> Any:
    # fork: the child starts in milliseconds with the problem already in memory. forkserver and
    # spawn make each child import the caller's __main__ again, and under `patronage` or a web
    # server that is the whole application: seconds on a loaded machine, which left the search
    # no time and no answer. Forking a process that has other threads can in principle leave a
    # lock held in the child; the child here only runs OR-Tools and writes to a pipe, and the
    # parent ends it at the deadline whatever happens, so the worst case is "no answer".
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")  # macOS, Windows: no safe fork


def _apply(outcome: Outcome, message: tuple[Any, ...], config: str) -> None:
    kind = message[0]
    if kind == "error":
        outcome.error = message[1]
        outcome.finished = True
        return
    _, objective, routes, elapsed = message
    outcome.finished = outcome.finished or kind == "final"
    if objective is not None and (outcome.objective is None or objective <= outcome.objective):
        outcome.objective, outcome.routes, outcome.config = objective, routes, config
        outcome.history.append((elapsed, objective))
    outcome.solutions += 1


def portfolio(tasks: Sequence[Task]) -> list[Outcome]:
    """Run the tasks side by side, each in its own process, until each ends or the deadline."""
    deadline = min(t.deadline for t in tasks)
    ctx = _context()
    outcomes = [Outcome() for _ in tasks]
    conns: dict[Any, int] = {}
    procs = []
    try:
        for i, task in enumerate(tasks):
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(child, task), daemon=True)
            proc.start()
            child.close()
            conns[parent] = i
            procs.append(proc)
    except (AssertionError, OSError):
        # A daemon process (a Celery prefork worker) may not have children: search here.
        return [_in_process(task) for task in tasks[:1]]
    try:
        _collect(conns, tasks, outcomes, deadline)
        grace = max(t.grace_s for t in tasks)
        if grace > 0 and conns and all(o.routes is None for o in outcomes):
            _collect(conns, tasks, outcomes, deadline + grace, first_only=True)
        for task, outcome in zip(tasks, outcomes, strict=True):
            if outcome.error is not None:
                log.warning("search %s failed: %s", task.config.name, outcome.error)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=1.0)
            if proc.is_alive():
                proc.kill()
                proc.join()
    return outcomes


def _collect(
    conns: dict[Any, int],
    tasks: Sequence[Task],
    outcomes: list[Outcome],
    deadline: float,
    *,
    first_only: bool = False,
) -> None:
    """Read the children's messages until each has finished or the deadline; with
    `first_only`, also stop at the first answer of any."""
    while conns:
        timeout = deadline - time.time()
        if timeout <= 0 or (first_only and any(o.routes is not None for o in outcomes)):
            return
        for ready in wait(list(conns), timeout=timeout):
            conn: Connection = ready  # type: ignore[assignment]
            i = conns[conn]
            try:
                message = conn.recv()
            except (EOFError, OSError):
                # The child ended without a word: killed, or crashed in OR-Tools.
                outcomes[i].error = (
                    outcomes[i].error or "the search process ended without an answer"
                )
                outcomes[i].finished = True
                del conns[conn]
                continue
            _apply(outcomes[i], message, tasks[i].config.name)
            if outcomes[i].finished:
                del conns[conn]


def _in_process(task: Task) -> Outcome:
    outcome = Outcome()
    run_search(task, lambda m: _apply(outcome, m, task.config.name))
    return outcome


def run_plan(
    plan: Sequence[Phase], base: Task, deadline: float, width: int
) -> tuple[Outcome, list[Outcome]]:
    """Run the phases in turn, `width` searches side by side; the best outcome and them all."""
    best, every = Outcome(), []
    seeded = any(c.start_from == "pyvrp" for p in plan for c in p.configs)
    if seeded and expressible(base.problem, base.allowed):
        load_peer()  # before the fork, so that no child spends its time importing it
    start, begun = base.start, time.time()
    total = deadline - begun
    shares = [p.share for p in plan]
    for k, phase in enumerate(plan):
        ends = begun + total * sum(shares[: k + 1]) / sum(shares)
        # OR-Tools is told to stop a little earlier: its limit is checked between moves.
        margin = 0.05 + 0.03 * (ends - time.time())
        tasks = [
            replace(
                base, config=config, seed=base.seed + j, deadline=ends, start=start, margin_s=margin
            )
            for j, config in enumerate(phase.configs[:width])
        ]
        outcomes = portfolio(tasks)
        every += outcomes
        for outcome in outcomes:
            if outcome.objective is not None and (
                best.objective is None or outcome.objective < best.objective
            ):
                best = outcome
        if best.routes is not None:
            start = best.routes
    return best, every


def processes() -> int:
    """How many searches to run side by side: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def idle_cores() -> int:
    """The cores other work leaves free by the last minute's load average, at least one."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available here
        return processes()
    return max(1, min(processes(), processes() - int(load)))
