"""The care search's speed, with its plans held fixed: a number of ruin-and-recreate rounds
from the same first plan and seed, with an acceptance that reads no clock, so two versions of
the search can be timed on the same work and shown to make the same plans.

`python -m routing.lab.care_rounds SOURCE [ROUNDS] [SEED]`, SOURCE a problem in the exchange
format (the HHCRSP converter writes one) or `care:N`, a generated day of N visits. It prints
the rounds' time and a digest of the value after every round: a change that only makes the
search faster leaves the digest as it was (docs/benchmarks.md, 2026-12-07).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from routing.care.insert import first_plan
from routing.care.lns import Search, short_on_time
from routing.lab.caregen import CareDayConfig, care_day
from routing.problem import Problem
from routing.reasons import eligibility
from routing.travel import with_matrices

WORSE = 1.01  # a round is kept unless it is more than 1% worse than the last kept plan


@dataclass(frozen=True)
class Rounds:
    values: list[int]  # the kept plan's value after each round
    seconds: float  # the rounds alone, not the first plan

    @property
    def digest(self) -> str:
        return hashlib.md5(",".join(map(str, self.values)).encode()).hexdigest()


def run_rounds(problem: Problem, rounds: int, seed: int) -> Rounds:
    """`rounds` rounds of the care search on the first plan of `problem` (with matrices)."""
    vans = [c.vans if c.reason is None else () for c in eligibility(problem)]
    # The first plan's deadline is far off: it is built whole, the same on every machine.
    b = first_plan(problem, vans, time.time() + 100.0)
    b.all_late = short_on_time(b)
    search = Search(b, random.Random(seed))
    last, values = search.value(), []
    began = time.perf_counter()
    for _ in range(rounds):
        snap = b.snapshot()
        search.recreate(search.ruin())
        value = search.value()
        if value > last * WORSE:
            b.restore(snap)
        else:
            last = value
        values.append(last)
    return Rounds(values, time.perf_counter() - began)


def load(source: str) -> Problem:
    """A problem file in the exchange format, or `care:N` for a generated day of N visits."""
    if source.startswith("care:"):
        visits = int(source.removeprefix("care:"))
        return care_day(CareDayConfig(visits=visits, caregivers=visits // 7, seed=3)).problem
    from routing.exchange import read_problem

    return with_matrices(read_problem(Path(source)), None)


def main(argv: Sequence[str]) -> None:
    source, *rest = argv
    rounds, seed = (int(rest[0]) if rest else 2500), (int(rest[1]) if len(rest) > 1 else 7)
    result = run_rounds(load(source), rounds, seed)
    print(
        f"{source}: {rounds} rounds, seed {seed}: {result.seconds:.2f} s, "
        f"last value {result.values[-1]}, digest {result.digest}"
    )
    print(f"command: python -m routing.lab.care_rounds {source} {rounds} {seed}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
