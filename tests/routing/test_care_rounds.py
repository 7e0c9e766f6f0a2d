"""The care search's rounds lab (routing/lab/care_rounds.py): the same first plan and seed make
the same plans, so two versions of the search can be timed on the same work."""

from __future__ import annotations

from itertools import pairwise

from routing.lab.care_rounds import WORSE, load, run_rounds


def test_the_same_seed_makes_the_same_plans_and_another_seed_others() -> None:
    problem = load("care:60")
    first, again, other = (run_rounds(problem, 150, seed) for seed in (7, 7, 8))
    assert first.values == again.values and first.digest == again.digest
    assert first.digest != other.digest
    assert len(first.values) == 150


def test_a_kept_round_is_never_more_than_the_margin_worse_than_the_last() -> None:
    values = run_rounds(load("care:60"), 150, 7).values
    assert all(b <= a * WORSE for a, b in pairwise(values))
    assert values[-1] < values[0]  # the search improves the first plan
