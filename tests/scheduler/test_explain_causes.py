"""A stop left out, in a dispatcher's words: the solver's cause with its numbers and what to do."""

from __future__ import annotations

import routing
from routing.solution import Cause, why
from scheduler.planning.explain import explain
from scheduler.planning.registry import JobRef


def explain_words(*args: object) -> str:
    """The explanation in English, as the logs keep it."""
    return explain(*args).words()  # type: ignore[arg-type]


ELEVEN = 11 * 3600
MEAL = JobRef(1, label="Ivana Petrova, ul. Rozova 3", home="Kitchen Shipka")
VISIT = JobRef(2, visit_id=7, label="Georgi Ivanov")


def test_vans_full_in_the_window_is_not_called_unreachable() -> None:
    cause = why(Cause.window_full, window_start=ELEVEN, window_end=ELEVEN + 3600, served=31, vans=2)
    text = explain_words(routing.Reason.time_window, None, MEAL, cause)
    assert text.startswith("Ivana Petrova, ul. Rozova 3 (Kitchen Shipka): The vans are full")
    assert "11:00-12:00" in text and "2 vehicle(s)" in text and "31 stops" in text
    assert "can reach" not in text and text.endswith("move another client's.")


def test_unreachable_alone_gives_the_earliest_arrival() -> None:
    cause = why(Cause.unreachable, earliest_at=ELEVEN + 3600, window_start=ELEVEN,
                window_end=ELEVEN + 1800, travel_s=3600)  # fmt: skip
    text = explain_words(routing.Reason.time_window, None, MEAL, cause)
    assert "the earliest arrival is 12:00 (60 min from the start)" in text
    assert "Widen the window or start a van earlier." in text


def test_boxes_and_ride_limit_with_their_numbers() -> None:
    boxes = why(Cause.boxes_full, demand=2, capacity=48, free=1, trips=24)
    assert "room left on any of the 24 trip(s) is 1 of 48" in explain_words(
        routing.Reason.capacity, None, MEAL, boxes
    )
    ride = why(Cause.ride_too_long, shortest_s=95 * 60, limit_s=90 * 60)
    assert "takes 95 min, the limit is 90 min" in explain_words(
        routing.Reason.max_ride_time, None, MEAL, ride
    )


def test_a_visit_speaks_of_caregivers_on_shift() -> None:
    cause = why(Cause.off_shift, window_start=7 * 3600, window_end=8 * 3600,
                shift_start_at=8 * 3600 + 1800, shift_end_at=16 * 3600)  # fmt: skip
    text = explain_words(routing.Reason.time_window, None, VISIT, cause)
    assert text.startswith("No caregiver is on shift when Georgi Ivanov wants the visit")
    assert "(07:00-08:00): shifts run 08:30-16:00" in text


def test_without_a_cause_the_old_words_stay() -> None:
    text = explain_words(routing.Reason.no_vehicle, None, MEAL)
    assert (
        text
        == "No van may serve Ivana Petrova, ul. Rozova 3: Kitchen Shipka has no van on this day."
    )
