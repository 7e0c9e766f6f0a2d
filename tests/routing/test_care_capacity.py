"""The care capacity bounds (routing/lab/care_capacity.py) on days small enough to count by
hand: what no plan can serve is found, and a day that fits is not called short."""

from __future__ import annotations

from routing import Problem
from routing.lab.care_capacity import forced, lp_bound, window_excess
from tests.routing.test_care_solve import H, carer, day, visit

NURSE = frozenset({"nurse"})


def _morning(nurses: int) -> Problem:
    """Two hour-long nursing visits that must start 09:00-09:30, and `nurses` nurses on duty
    besides a caregiver without the skill."""
    window = ((9 * H, 9 * H + 1800),)
    return day(
        [carer("helper"), *(carer(f"n{k}", skills=NURSE) for k in range(nurses))],
        [visit("x", service=H, time_windows=window, skills=NURSE),
         visit("y", service=H, time_windows=window, skills=NURSE)],
    )  # fmt: skip


def test_the_service_a_window_forces_into_a_stretch_is_the_least_over_its_starts() -> None:
    job = visit("x", service=H, time_windows=((9 * H, 9 * H + 1800),))
    assert forced(job, 9 * H, 10 * H) == 1800  # started 09:30, half of it falls inside
    assert forced(job, 9 * H + 1800, 10 * H) == 1800  # whatever the start, 09:30-10:00
    assert forced(job, 11 * H, 12 * H) == 0


def test_two_visits_one_nurse_cannot_make_in_time_show_as_excess() -> None:
    worst = window_excess(_morning(nurses=1))[0]
    assert worst.skills == ("nurse",)
    assert worst.caregivers == 1  # the helper lacks the skill
    # 09:00-10:30 holds both visits whatever their starts: 2 h against the nurse's 1.5 h.
    assert worst.excess_s == 1800
    assert lp_bound(_morning(nurses=1)) <= 1.0 + 1e-6  # at most one of the two


def test_a_day_that_fits_shows_no_excess_and_every_job_in_the_lp() -> None:
    assert window_excess(_morning(nurses=2))[0].excess_s <= 0
    assert lp_bound(_morning(nurses=2)) >= 2.0 - 1e-6
