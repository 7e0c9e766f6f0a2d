"""Solomon instances for the routing tests, from ../shared/benchmarks beside the repository."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from routing import Problem
from routing.lab.bench import read_instance

SOLOMON = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "solomon"


def solomon(name: str) -> Problem:
    path = SOLOMON / f"{name}.vrp"
    if not path.exists():
        pytest.skip("the Solomon instances are not beside the repository")
    return read_instance(path).problem


def first(problem: Problem, n: int) -> Problem:
    """The first n customers and 8 vans: small enough to settle within a second."""
    return replace(problem, jobs=problem.jobs[:n], vehicles=problem.vehicles[:8])
