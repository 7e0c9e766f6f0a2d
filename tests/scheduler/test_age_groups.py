"""Age groups of the milk kitchen at their edges, worked out by hand."""

from datetime import date

import pytest

from scheduler.age_groups import add_months, age_group, months_old


def test_a_child_turning_six_months_on_the_day_moves_to_six_to_twelve() -> None:
    birth = date(2026, 3, 4)
    assert age_group(birth, date(2026, 9, 3)) == "0-6"
    assert age_group(birth, date(2026, 9, 4)) == "6-12"


@pytest.mark.parametrize(
    ("on", "group"),
    [
        (date(2026, 1, 10), "0-6"),  # the day of birth
        (date(2027, 1, 9), "6-12"),
        (date(2027, 1, 10), "12-24"),
        (date(2028, 1, 9), "12-24"),
        (date(2028, 1, 10), "24-36"),
        (date(2029, 1, 9), "24-36"),
        (date(2029, 1, 10), None),  # three years old: no longer served
    ],
)
def test_group_edges(on: date, group: str | None) -> None:
    assert age_group(date(2026, 1, 10), on) == group


def test_a_birthday_the_month_lacks_falls_on_its_last_day() -> None:
    birth = date(2025, 8, 31)
    assert add_months(birth, 6) == date(2026, 2, 28)
    assert months_old(birth, date(2026, 2, 27)) == 5
    assert months_old(birth, date(2026, 2, 28)) == 6
    assert months_old(birth, date(2026, 3, 30)) == 6
    assert months_old(birth, date(2026, 3, 31)) == 7


def test_a_day_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="Expected a day on or after"):
        months_old(date(2026, 5, 1), date(2026, 4, 30))
