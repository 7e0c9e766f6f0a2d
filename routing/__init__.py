"""Patronage's pure routing engine: problem and solution types, the exchange format, the solver.

`solve(problem, params=None) -> Solution` is the one entry point, with one frozen
`SolveParams` (time limit, seed, travel provider, search) as PyVRP does. No
database, queue or web code is imported here (import-linter enforces it).
"""

from routing.exchange import (
    problem_from_dict,
    problem_to_dict,
    read_problem,
    solution_from_dict,
    solution_to_dict,
)
from routing.params import Search, SolveParams
from routing.problem import (
    Break,
    Follow,
    Job,
    Matrices,
    Objective,
    Options,
    Problem,
    Sync,
    Travel,
    Vehicle,
)
from routing.solution import Cause, Reason, Route, Solution, Step, Summary, Unassigned, Why
from routing.solver import solve

__all__ = [
    "Break",
    "Cause",
    "Follow",
    "Job",
    "Matrices",
    "Objective",
    "Options",
    "Problem",
    "Reason",
    "Route",
    "Search",
    "Solution",
    "SolveParams",
    "Step",
    "Summary",
    "Sync",
    "Travel",
    "Unassigned",
    "Vehicle",
    "Why",
    "problem_from_dict",
    "problem_to_dict",
    "read_problem",
    "solution_from_dict",
    "solution_to_dict",
    "solve",
]
