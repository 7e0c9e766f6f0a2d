"""One pydantic schema per kind of import file: text cells in, typed values out.

The schemas check what can be seen in one cell (a number in range, a time, a known diet); the
repositories then check what needs several fields or the database (a window that ends before it
starts, a kitchen that does not exist), so the same rules hold for an import, a form and a test.
An empty cell means "not given": optional columns take the product's default.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from scheduler.intake.calendar import normalize_weekdays, parse_hhmm
from scheduler.models import Diet, TravelMode
from scheduler.refusals import Reason, ReasonError

COLUMNS: dict[str, tuple[str, ...]] = {
    "kitchens": ("external_id", "name", "address", "lon", "lat", "hot_meal_minutes"),
    "vehicles": (
        "external_id", "kitchen", "name", "capacity_portions", "capacity_boxes",
        "shift_start", "shift_end", "max_trips",
    ),
    "clients": (
        "external_id", "name", "address", "lon", "lat", "phone", "diet", "portions", "weekdays",
        "window_start", "window_end", "kitchen", "notes",
    ),
    "caregivers": (
        "external_id", "name", "skills", "mode", "shift_start", "shift_end", "max_minutes",
        "start_lon", "start_lat",
    ),
    "visits": (
        "external_id", "client", "weekdays", "window_start", "window_end", "duration_min",
        "skills", "caregivers_needed", "preferred_caregivers", "after_visit", "min_gap_min",
        "max_gap_min",
    ),
}  # fmt: skip


def _decimal(value: Any) -> Any:
    """`42,61` is 42.61: Bulgarian and Slovenian spreadsheets write the decimal comma."""
    if isinstance(value, str) and _DECIMAL_COMMA.match(value.strip()):
        return value.strip().replace(",", ".")
    return value


_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def parse_day(text: str) -> date:
    """`2026-12-07`, `07.12.2026` or `7.12.2026` with Bulgarian's "year" after it -> the date."""
    cleaned = text.strip().removesuffix(_YEAR_MARK).strip()
    match = _DOTTED_DAY.match(cleaned)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ReasonError(Reason.not_an_import_date, value=repr(text)) from None


_YEAR_MARK = "\u0433."  # the abbreviated Bulgarian "year" some offices type after a date
_DOTTED_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _day(value: Any) -> Any:
    return parse_day(value) if isinstance(value, str) else value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _hhmm(value: Any) -> Any:
    return parse_hhmm(value) if isinstance(value, str) else value


def _weekdays(value: Any) -> Any:
    return normalize_weekdays(value) if isinstance(value, str) else value


def _word(value: Any) -> Any:
    """`Low-Salt` and `low salt` mean `low_salt`: spreadsheets are typed by hand."""
    if isinstance(value, str):
        return "_".join(value.strip().lower().replace("-", " ").split())
    return value


def _list(value: Any) -> Any:
    """`a; b;` -> ['a', 'b']."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(";") if item.strip()]
    return value


Text = Annotated[str, Field(min_length=1)]
Optional = BeforeValidator(_blank_to_none)
Hhmm = Annotated[time, BeforeValidator(_hhmm)]
Weekdays = Annotated[str, BeforeValidator(_weekdays)]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False), BeforeValidator(_decimal)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False), BeforeValidator(_decimal)]
# A date cell, for the columns that hold one: ISO or as offices type it (07.12.2026).
Day = Annotated[date, BeforeValidator(_day)]
Words = Annotated[list[str], BeforeValidator(_list)]
Skills = Annotated[list[str], BeforeValidator(lambda v: [_word(s) for s in _list(v)])]
# Optional numbers: the bounds apply to the number, an empty cell is None.
HotMinutes = Annotated[Annotated[int, Field(gt=0, le=600)] | None, Optional]
Trips = Annotated[Annotated[int, Field(ge=1, le=10)] | None, Optional]
ShiftMinutes = Annotated[Annotated[int, Field(gt=0, le=960)] | None, Optional]
Needed = Annotated[Annotated[int, Field(ge=1, le=2)] | None, Optional]
Gap = Annotated[Annotated[int, Field(ge=0, le=1440)] | None, Optional]


class Row(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)

    external_id: Annotated[str, Field(min_length=1, max_length=64)]


class KitchenRow(Row):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    address: Annotated[str, Field(max_length=255)] = ""
    lon: Lon
    lat: Lat
    hot_meal_minutes: HotMinutes = None


class VehicleRow(Row):
    kitchen: Text
    name: Annotated[str, Field(min_length=1, max_length=120)]
    capacity_portions: Annotated[int, Field(gt=0, le=2000)]
    capacity_boxes: Annotated[int, Field(gt=0, le=500)]
    shift_start: Hhmm
    shift_end: Hhmm
    max_trips: Trips = None


class ClientRow(Row):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    address: Annotated[str, Field(max_length=255)] = ""
    # Both empty: the address is looked up (scheduler/intake/addresses.py).
    lon: Annotated[Lon | None, Optional] = None
    lat: Annotated[Lat | None, Optional] = None
    phone: Annotated[str, Field(max_length=40)] = ""
    diet: Annotated[Diet, BeforeValidator(_word)]
    portions: Annotated[int, Field(ge=1, le=10)]
    weekdays: Annotated[Weekdays | None, Optional] = None  # empty: a care client, no meals
    window_start: Hhmm
    window_end: Hhmm
    kitchen: Annotated[str | None, Optional] = None
    notes: Annotated[str, Field(max_length=1000)] = ""


class CaregiverRow(Row):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    skills: Skills
    mode: Annotated[TravelMode, BeforeValidator(_word)]
    shift_start: Hhmm
    shift_end: Hhmm
    max_minutes: ShiftMinutes = None
    start_lon: Lon
    start_lat: Lat


class VisitRow(Row):
    client: Text
    weekdays: Weekdays
    window_start: Hhmm
    window_end: Hhmm
    duration_min: Annotated[int, Field(gt=0, le=720)]
    skills: Skills
    caregivers_needed: Needed = None
    preferred_caregivers: Words
    after_visit: Annotated[str | None, Optional] = None
    min_gap_min: Gap = None
    max_gap_min: Gap = None


SCHEMAS: dict[str, type[Row]] = {
    "kitchens": KitchenRow,
    "vehicles": VehicleRow,
    "clients": ClientRow,
    "caregivers": CaregiverRow,
    "visits": VisitRow,
}
