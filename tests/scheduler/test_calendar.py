"""Weekday sets and HH:MM times as dispatchers type them."""

from datetime import UTC, date, datetime, time

import pytest

from scheduler.intake.calendar import (
    format_hhmm,
    format_weekdays,
    local_today,
    normalize_weekdays,
    parse_hhmm,
    parse_weekdays,
    runs_on,
)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("Mon,Wed,Fri", {0, 2, 4}),
        ("mon, wed - fri", {0, 2, 3, 4}),
        ("Sun", {6}),
        ("Пн-Пт", {0, 1, 2, 3, 4}),
        ("pon,sre,pet", {0, 2, 4}),
        ("Mon-Sun", set(range(7))),
        ("Fri,Mon", {0, 4}),
    ],
)
def test_parse_weekdays(text: str, days: set[int]) -> None:
    assert parse_weekdays(text) == frozenset(days)


@pytest.mark.parametrize("text", ["", "  ", "Mon-Fry", "Fri-Mon", "Mon,,Fri", "Mo-Fr", "1-5"])
def test_parse_weekdays_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_weekdays(text)


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ({0, 1, 2, 3, 4}, "Mon-Fri"),
        ({0, 2, 4}, "Mon,Wed,Fri"),
        ({0, 1}, "Mon,Tue"),
        ({0, 2, 3, 4, 6}, "Mon,Wed-Fri,Sun"),
        (set(range(7)), "Mon-Sun"),
    ],
)
def test_format_weekdays(days: set[int], text: str) -> None:
    assert format_weekdays(days) == text
    assert parse_weekdays(text) == frozenset(days)


def test_normalize_makes_spellings_equal() -> None:
    assert normalize_weekdays("mon,tue,wed,thu,fri") == normalize_weekdays("Mon-Fri") == "Mon-Fri"


def test_format_refuses_empty_and_out_of_range() -> None:
    with pytest.raises(ValueError):
        format_weekdays(set())
    with pytest.raises(ValueError):
        format_weekdays({7})


def test_runs_on() -> None:
    assert runs_on("Mon,Wed", date(2025, 3, 5))  # a Wednesday
    assert not runs_on("Mon,Wed", date(2025, 3, 6))


@pytest.mark.parametrize(
    ("text", "value"), [("08:30", time(8, 30)), ("8:05", time(8, 5)), (" 23:59 ", time(23, 59))]
)
def test_parse_hhmm(text: str, value: time) -> None:
    assert parse_hhmm(text) == value
    assert parse_hhmm(format_hhmm(value)) == value


@pytest.mark.parametrize("text", ["24:00", "12:60", "1230", "12:3", "noon", "", "12:30:00"])
def test_parse_hhmm_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hhmm(text)


def test_local_today_uses_the_municipality_zone() -> None:
    late_utc = datetime(2025, 3, 4, 22, 30, tzinfo=UTC)  # 00:30 on the 5th in Sofia
    assert local_today("Europe/Sofia", late_utc) == date(2025, 3, 5)
    assert local_today("UTC", late_utc) == date(2025, 3, 4)
