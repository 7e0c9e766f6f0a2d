"""Why an input is refused: a stable code, and its English words with the values in them.

The words are the catalogs' message ids too (like routing/wording.py for a left-out stop): a
refusal is kept as its code and values (`FieldProblem.said`), and the door that shows it (a
REST problem, a page, the CLI) says it again in its reader's language with the same values.
The codes are what a client program reads (`errors[].reason` of a 422); they never change
once published, while the words may.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from scheduler.errors import INVALID, FieldProblem, InvalidInputError
from scheduler.wording import N_, Said

__all__ = [
    "WORDS",
    "Reason",
    "ReasonError",
    "checked_problem",
    "problem",
    "problem_in_parts",
    "refuse",
]


class Reason(StrEnum):
    # a value that is missing, empty or of the wrong kind
    required = "required"
    empty = "empty"
    no_value = "no_value"
    too_long = "too_long"
    too_short = "too_short"
    not_a_date = "not_a_date"
    not_a_number = "not_a_number"
    not_whole = "not_whole"
    not_true_or_false = "not_true_or_false"
    not_a_whole_number = "not_a_whole_number"
    not_an_amount = "not_an_amount"
    not_a_percentage = "not_a_percentage"
    not_a_time = "not_a_time"
    no_such_time = "no_such_time"
    zoned_time = "zoned_time"
    not_a_month = "not_a_month"
    not_one_of = "not_one_of"
    must_be_one_of = "must_be_one_of"
    not_one_of_got = "not_one_of_got"
    event_id_length = "event_id_length"
    not_a_diet = "not_a_diet"
    out_of_range = "out_of_range"
    negative = "negative"
    below_one = "below_one"
    below_minimum = "below_minimum"
    above_maximum = "above_maximum"
    not_above = "not_above"
    not_below = "not_below"
    # weekdays as people write them
    no_days = "no_days"
    unknown_day = "unknown_day"
    empty_day = "empty_day"
    backwards_days = "backwards_days"
    # two values that must agree
    not_after = "not_after"
    not_at_or_after = "not_at_or_after"
    end_before_start = "end_before_start"
    end_before = "end_before"
    not_before_first_day = "not_before_first_day"
    gap_too_small = "gap_too_small"
    both_or_neither = "both_or_neither"
    one_not_both = "one_not_both"
    place_needed = "place_needed"
    address_needed = "address_needed"
    coordinates_needed = "coordinates_needed"
    only_with_after_visit = "only_with_after_visit"
    needs_after_visit = "needs_after_visit"
    # what the municipality already holds
    already_exists = "already_exists"
    duplicate_row = "duplicate_row"
    not_found = "not_found"
    cannot_change = "cannot_change"
    overlaps_reduction = "overlaps_reduction"
    already_away = "already_away"
    absence_too_long = "absence_too_long"
    only_sick_leave = "only_sick_leave"
    outside_planning_days = "outside_planning_days"
    client_not_active = "client_not_active"
    no_meal_that_day = "no_meal_that_day"
    no_subscription_that_day = "no_subscription_that_day"
    no_place_for_service = "no_place_for_service"
    not_a_skill = "not_a_skill"
    skill_twice = "skill_twice"
    caregiver_twice = "caregiver_twice"
    person_twice = "person_twice"
    no_caregiver = "no_caregiver"
    no_caregiver_with_skill = "no_caregiver_with_skill"
    visits_in_circle = "visits_in_circle"
    unknown_time_zone = "unknown_time_zone"
    unknown_locale = "unknown_locale"
    stop_not_on_plan = "stop_not_on_plan"
    not_a_client_stop = "not_a_client_stop"
    not_pinnable = "not_pinnable"
    visit_not_on_day = "visit_not_on_day"
    # the days, visits, meals and reports the office works with
    not_frozen = "not_frozen"
    not_frozen_sheet = "not_frozen_sheet"
    expected_one_of_got = "expected_one_of_got"
    no_price = "no_price"
    force_role = "force_role"
    not_collecting = "not_collecting"
    client_is = "client_is"
    child_not_due = "child_not_due"
    not_come_yet = "not_come_yet"
    no_delivery = "no_delivery"
    no_home_care = "no_home_care"
    working_day_first = "working_day_first"
    marked_no_delivery = "marked_no_delivery"
    public_holiday = "public_holiday"
    delivered_day_before = "delivered_day_before"
    before_and_delivers = "before_and_delivers"
    no_eve = "no_eve"
    eve_closed = "eve_closed"
    kind_not_of_service = "kind_not_of_service"
    pause_end_after = "pause_end_after"
    pause_end_before_start = "pause_end_before_start"
    give_back_passed = "give_back_passed"
    give_back_closed = "give_back_closed"
    pause_end_closed = "pause_end_closed"
    recurring_visit = "recurring_visit"
    already_started = "already_started"
    no_client_here = "no_client_here"
    after_visit_for_gap = "after_visit_for_gap"
    both_gaps = "both_gaps"
    visit_plan_id = "visit_plan_id"
    no_visit_on_day = "no_visit_on_day"
    cannot_follow = "cannot_follow"
    no_meals_carried = "no_meals_carried"
    visit_is = "visit_is"
    no_meal_to_carry = "no_meal_to_carry"
    misses_lunch = "misses_lunch"
    undo_too_late = "undo_too_late"
    between = "between"
    needs_zone = "needs_zone"
    no_such_position = "no_such_position"
    visit_cancelled = "visit_cancelled"
    check_in_first = "check_in_first"
    address_or_place = "address_or_place"
    local_time_needed = "local_time_needed"
    after_shift = "after_shift"
    no_candidate = "no_candidate"
    range_too_long = "range_too_long"
    not_a_url = "not_a_url"
    channel_needs = "channel_needs"
    say_what_happened = "say_what_happened"
    already_erased = "already_erased"
    one_of_two = "one_of_two"
    not_a_topic = "not_a_topic"
    not_an_email = "not_an_email"
    name_the_stop = "name_the_stop"
    only_client_stop = "only_client_stop"
    not_before = "not_before"
    off_day = "off_day"
    # an import file and its rows
    no_kitchen = "no_kitchen"
    visits_circle = "visits_circle"
    no_kitchens_yet = "no_kitchens_yet"
    kitchen_needed = "kitchen_needed"
    no_client = "no_client"
    follows_itself = "follows_itself"
    follows_refused = "follows_refused"
    no_visit = "no_visit"
    not_an_import_date = "not_an_import_date"
    more_problems = "more_problems"
    more_problems_upload = "more_problems_upload"
    rows_not_checked = "rows_not_checked"
    no_file = "no_file"
    not_a_table_file = "not_a_table_file"
    file_too_big = "file_too_big"
    not_text = "not_text"
    unreadable_csv = "unreadable_csv"
    unreadable_xlsx = "unreadable_xlsx"
    empty_file = "empty_file"
    too_many_rows = "too_many_rows"
    cell_count = "cell_count"
    column_twice = "column_twice"
    columns_missing = "columns_missing"
    columns_unexpected = "columns_unexpected"
    header_expected = "header_expected"
    unknown_kind = "unknown_kind"
    outside_visit_window = "outside_visit_window"
    two_pinned = "two_pinned"


WORDS: dict[Reason, str] = {
    Reason.required: N_("is required"),
    Reason.empty: N_("must not be empty"),
    Reason.no_value: N_("must have a value"),
    Reason.too_long: N_("must be at most %(n)s characters"),
    Reason.too_short: N_("must have at least %(n)s characters"),
    Reason.not_a_date: N_("expected a date, got %(value)s"),
    Reason.not_a_number: N_("must be a number"),
    Reason.not_whole: N_("must be a whole number"),
    Reason.not_true_or_false: N_("must be true or false"),
    Reason.not_a_whole_number: N_("expected a whole number, got %(value)s"),
    Reason.not_an_amount: N_("expected an amount like 4.20, got %(value)s"),
    Reason.not_a_percentage: N_("expected a whole percentage from 1 to 100"),
    Reason.not_a_time: N_("expected a time as HH:MM, got %(value)s"),
    Reason.no_such_time: N_("no such time of day: %(value)s"),
    Reason.zoned_time: N_("must be a local time without a zone, such as 08:00"),
    Reason.not_a_month: N_("expected YYYY-MM, got %(value)s"),
    Reason.not_one_of: N_("expected one of %(choices)s"),
    Reason.must_be_one_of: N_("must be one of %(choices)s"),
    Reason.not_one_of_got: N_("must be one of %(choices)s, got %(value)s"),
    Reason.event_id_length: N_("must have 1 to 64 characters"),
    Reason.not_a_diet: N_("expected a diet, got %(value)s"),
    Reason.out_of_range: N_("must be %(low)s to %(high)s, got %(value)s"),
    Reason.negative: N_("expected 0 or more"),
    Reason.below_one: N_("expected 1 or more, got %(value)s"),
    Reason.below_minimum: N_("must be at least %(n)s"),
    Reason.above_maximum: N_("must be at most %(n)s"),
    Reason.not_above: N_("must be more than %(n)s"),
    Reason.not_below: N_("must be less than %(n)s"),
    Reason.no_days: N_("no days given; write for example Mon-Fri or Mon,Wed,Fri"),
    Reason.unknown_day: N_("unknown day %(value)s in %(text)s; use Mon, Tue, … Sun"),
    Reason.empty_day: N_("empty item in %(text)s"),
    Reason.backwards_days: N_("range %(value)s runs backwards; write it Monday first"),
    Reason.not_after: N_("must be after %(first)s (%(start)s), got %(end)s"),
    Reason.not_at_or_after: N_("must be at or after %(first)s (%(start)s), got %(end)s"),
    Reason.end_before_start: N_("%(end)s is before start %(start)s"),
    Reason.end_before: N_("must not be before %(first)s (%(start)s)"),
    Reason.not_before_first_day: N_("must not be before the first day"),
    Reason.gap_too_small: N_("must be at least min_gap_min (%(n)s)"),
    Reason.both_or_neither: N_("give both %(first)s and %(second)s, or neither"),
    Reason.one_not_both: N_("give %(first)s or %(second)s, not both"),
    Reason.place_needed: N_("give lat and lon, or a candidate"),
    Reason.address_needed: N_("required when lon and lat are left out"),
    Reason.coordinates_needed: N_("give lon and lat both"),
    Reason.only_with_after_visit: N_("is only allowed together with after_visit"),
    Reason.needs_after_visit: N_("is required when after_visit is given"),
    Reason.already_exists: N_("%(value)s already exists"),
    Reason.duplicate_row: N_("%(value)s is already on row %(first)s"),
    Reason.not_found: N_("no %(entity)s %(value)s in this municipality"),
    Reason.cannot_change: N_("cannot be changed"),
    Reason.overlaps_reduction: N_("overlaps the reduction from %(start)s"),
    Reason.already_away: N_("%(name)s is already away from %(start)s to %(end)s (%(kind)s)"),
    Reason.absence_too_long: N_("an absence longer than %(n)s days"),
    Reason.only_sick_leave: N_("is only for sick leave reported on the day"),
    Reason.outside_planning_days: N_(
        "%(day)s is outside the days that can be planned now (%(first)s to %(last)s)"
    ),
    Reason.client_not_active: N_("client %(client)s is %(status)s"),
    Reason.no_meal_that_day: N_("client %(client)s has no meal on %(day)s"),
    Reason.no_subscription_that_day: N_("the client has no meal subscription on that day"),
    Reason.no_place_for_service: N_("no such kitchen or pick-up point: %(value)s"),
    Reason.not_a_skill: N_("%(value)s is not a skill name (lower-case letters, digits, _)"),
    Reason.skill_twice: N_("lists a skill twice"),
    Reason.caregiver_twice: N_("lists a caregiver twice"),
    Reason.person_twice: N_("a person can be on the list once"),
    Reason.no_caregiver: N_("no caregiver %(value)s"),
    Reason.no_caregiver_with_skill: N_("no caregiver has skill %(value)s"),
    Reason.visits_in_circle: N_("would make visits wait on each other"),
    Reason.unknown_time_zone: N_("unknown time zone %(value)s"),
    Reason.unknown_locale: N_("unknown locale %(value)s"),
    Reason.stop_not_on_plan: N_("stop %(value)s is not on the %(service)s plan of %(day)s"),
    Reason.not_a_client_stop: N_("stop %(value)s is not a client's stop"),
    Reason.not_pinnable: N_("only %(choices)s can be pinned"),
    Reason.visit_not_on_day: N_("visit %(value)s is not on %(day)s"),
    Reason.not_frozen: N_("%(service)s for %(day)s are not frozen yet; freeze the day first"),
    Reason.not_frozen_sheet: N_("meals for %(day)s are not frozen yet"),
    Reason.expected_one_of_got: N_("expected one of %(choices)s, got %(value)s"),
    Reason.no_price: N_("no price is set for the diet %(value)s"),
    Reason.force_role: N_("only a dispatcher can force a change after the cut-off (got %(value)s)"),
    Reason.not_collecting: N_("the client does not collect at a pick-up point"),
    Reason.client_is: N_("the client is %(status)s"),
    Reason.child_not_due: N_("the child is not due on %(day)s"),
    Reason.not_come_yet: N_("%(day)s has not come yet (today is %(today)s)"),
    Reason.no_delivery: N_("no delivery:"),
    Reason.no_home_care: N_("no home care:"),
    Reason.working_day_first: N_("(mark the date as a working day first)"),
    Reason.marked_no_delivery: N_("%(day)s is marked as a day without delivery"),
    Reason.public_holiday: N_("%(day)s is a public holiday (%(name)s)"),
    Reason.delivered_day_before: N_("%(day)s is closed; its meals are delivered on the day before"),
    Reason.before_and_delivers: N_(
        "a date delivered the day before is closed itself; set delivers to false"
    ),
    Reason.no_eve: N_("no delivery day in the %(n)s days before %(day)s"),
    Reason.kind_not_of_service: N_(
        "expected one of %(choices)s for the %(service)s service, got %(value)s"
    ),
    Reason.pause_end_after: N_("%(end)s is after the pause's end %(pause_end)s; add a new pause"),
    Reason.pause_end_before_start: N_(
        "%(end)s is before the pause's start %(start)s; take it back"
    ),
    Reason.give_back_passed: N_("%(day)s has passed: a day before today cannot be given back"),
    Reason.give_back_closed: N_(
        "orders for %(day)s closed at %(cutoff)s; the earliest date this change can apply to "
        "is %(next)s"
    ),
    Reason.pause_end_closed: N_(
        "orders for %(day)s closed at %(cutoff)s; the pause can end on %(earliest)s at the earliest"
    ),
    Reason.eve_closed: N_(
        "this moves meals on or off the van of %(eve)s, whose orders closed at %(closed)s; "
        "change it before that"
    ),
    Reason.recurring_visit: N_("%(value)s is a recurring visit; change its visit plan"),
    Reason.already_started: N_("%(value)s has already started"),
    Reason.no_client_here: N_("no client %(value)s here"),
    Reason.after_visit_for_gap: N_("is required with a gap"),
    Reason.both_gaps: N_("min_gap_min and max_gap_min are both required"),
    Reason.visit_plan_id: N_("is the id of a visit plan; choose another"),
    Reason.no_visit_on_day: N_("no visit %(value)s on %(day)s"),
    Reason.cannot_follow: N_("visit %(value)s cannot be followed"),
    Reason.no_meals_carried: N_("this municipality does not let caregivers carry meals"),
    Reason.visit_is: N_("%(value)s is %(status)s"),
    Reason.no_meal_to_carry: N_("the client has no meal on %(day)s to carry"),
    Reason.misses_lunch: N_(
        "the visit (%(visit)s) does not meet the client's lunch window (%(lunch)s)"
    ),
    Reason.undo_too_late: N_("a report can be undone only within a minute"),
    Reason.between: N_("must be between 0 and %(n)s, not %(value)s"),
    Reason.needs_zone: N_("must carry its time zone (or be UTC)"),
    Reason.no_such_position: N_("no such position: %(lon)s, %(lat)s"),
    Reason.visit_cancelled: N_("visit %(value)s was cancelled"),
    Reason.check_in_first: N_("check in on this visit before checking out"),
    Reason.address_or_place: N_("required when lon and lat are empty"),
    Reason.local_time_needed: N_("expected the local time of day without a zone, HH:MM"),
    Reason.after_shift: N_("%(at)s is after the shift of %(van)s ends (%(end)s)"),
    Reason.no_candidate: N_("no candidate %(value)s for this client"),
    Reason.range_too_long: N_("must be after from, at most %(n)s days"),
    Reason.not_a_url: N_("expected an http(s) URL"),
    Reason.channel_needs: N_("%(channel)s needs %(value)s"),
    Reason.say_what_happened: N_("say what happened (reached by phone, ...)"),
    Reason.already_erased: N_("this client was already erased"),
    Reason.one_of_two: N_("must be %(first)s or %(second)s"),
    Reason.not_a_topic: N_("must be a topic URL (https://server/topic)"),
    Reason.not_an_email: N_("must be an e-mail address"),
    Reason.name_the_stop: N_("name the stop reported on"),
    Reason.only_client_stop: N_("only a client's stop can be reported"),
    Reason.not_before: N_("must be on or after %(first)s (%(start)s)"),
    Reason.off_day: N_("is on %(local)s, not on the visit's day %(day)s"),
    Reason.no_kitchen: N_("no kitchen %(value)s; import kitchens first"),
    Reason.visits_circle: N_("visits wait on each other in a circle"),
    Reason.no_kitchens_yet: N_("no kitchens yet; import kitchens first"),
    Reason.kitchen_needed: N_("required when the municipality has more than one kitchen"),
    Reason.no_client: N_("no client %(value)s; import clients first"),
    Reason.follows_itself: N_("a visit cannot follow itself"),
    Reason.follows_refused: N_("%(value)s is on row %(first)s, refused"),
    Reason.no_visit: N_("no visit %(value)s in this file or already stored"),
    Reason.not_an_import_date: N_("expected a date as 07.12.2026 or 2026-12-07, got %(value)s"),
    Reason.more_problems: N_("%(n)s more problem(s) not listed; fix these and import again"),
    Reason.more_problems_upload: N_("%(n)s more problem(s) not listed; fix these and upload again"),
    Reason.rows_not_checked: N_("has rows that were not checked; upload it again"),
    Reason.no_file: N_("no such file: %(value)s"),
    Reason.not_a_table_file: N_("expected a .csv or .xlsx file, got %(value)s"),
    Reason.file_too_big: N_(
        "is %(n)s bytes; at most %(limit)s are taken: split it into smaller files"
    ),
    Reason.not_text: N_(
        "is neither UTF-8 nor Windows-1251/1250 text; save it as 'CSV UTF-8' (byte %(n)s)"
    ),
    Reason.unreadable_csv: N_("is not a readable CSV file: %(error)s"),
    Reason.unreadable_xlsx: N_("is not a readable .xlsx file: %(error)s"),
    Reason.empty_file: N_("is empty; the first line must name the columns"),
    Reason.too_many_rows: N_("has more than %(n)s rows; split it into smaller files"),
    Reason.cell_count: N_("has %(n)s values but the header names %(m)s columns"),
    Reason.column_twice: N_("column %(value)s appears twice"),
    Reason.columns_missing: N_("missing: %(value)s"),
    Reason.columns_unexpected: N_("not expected: %(value)s"),
    Reason.header_expected: N_("the header must be exactly: %(value)s"),
    Reason.unknown_kind: N_("unknown kind %(value)s; one of %(choices)s"),
    Reason.outside_visit_window: N_("%(start)s is outside the visit's %(window)s"),
    Reason.two_pinned: N_("the visit already has two pinned caregivers: remove one first"),
}


def problem(field: str, reason: Reason, row: int | None = None, **values: object) -> FieldProblem:
    """One field's refusal with its code; the English words are made from the same values."""
    said = Said.of((WORDS[reason], values))
    return FieldProblem(field, said.words(), row, reason.value, said)


def problem_in_parts(
    field: str, reason: Reason, *parts: tuple[str, Mapping[str, object]], message: str = ""
) -> FieldProblem:
    """A refusal said in several catalog messages (a lead and a sentence made elsewhere, such
    as why a date has no delivery); `message` keeps an English wording of its own."""
    said = Said.of(*parts)
    return FieldProblem(field, message or said.words(), None, reason.value, said)


def refuse(
    field: str, reason: Reason, row: int | None = None, **values: object
) -> InvalidInputError:
    """The error to raise for one field's refusal."""
    return InvalidInputError([problem(field, reason, row, **values)])


class ReasonError(ValueError):
    """A ValueError of a parser below the repositories (weekdays, times) that keeps its code,
    so the field that was read can be refused with it (`problem_of`)."""

    def __init__(self, reason: Reason, **values: object) -> None:
        self.reason = reason
        self.values = values
        super().__init__(Said.of((WORDS[reason], values)).words())

    def problem(self, field: str, row: int | None = None) -> FieldProblem:
        return problem(field, self.reason, row, **self.values)


GOT = N_("(got %(value)s)")

# pydantic's error types (with the context value a message names) and the reason each is
_CHECKS: dict[str, tuple[Reason, str | None]] = {
    "missing": (Reason.required, None),
    "string_too_long": (Reason.too_long, "max_length"),
    "float_parsing": (Reason.not_a_number, None),
    "float_type": (Reason.not_a_number, None),
    "decimal_parsing": (Reason.not_a_number, None),
    "decimal_type": (Reason.not_a_number, None),
    "finite_number": (Reason.not_a_number, None),
    "int_parsing": (Reason.not_whole, None),
    "int_type": (Reason.not_whole, None),
    "int_from_float": (Reason.not_whole, None),
    "bool_parsing": (Reason.not_true_or_false, None),
    "bool_type": (Reason.not_true_or_false, None),
    "greater_than_equal": (Reason.below_minimum, "ge"),
    "less_than_equal": (Reason.above_maximum, "le"),
    "greater_than": (Reason.not_above, "gt"),
    "less_than": (Reason.not_below, "lt"),
    "enum": (Reason.must_be_one_of, "expected"),
    "literal_error": (Reason.must_be_one_of, "expected"),
}


def checked_problem(field: str, error: Mapping[str, Any], row: int | None = None) -> FieldProblem:
    """A pydantic error (one of `ValidationError.errors()`) as a refusal with its code. The
    English stays pydantic's own message; a cell's text it refused is named after it."""
    kind = str(error.get("type", ""))
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    context = error.get("ctx") or {}
    inner = context.get("error")
    if kind == "value_error" and isinstance(inner, ReasonError):
        return inner.problem(field, row)
    given = error.get("input")
    got = isinstance(given, str) and kind != "value_error"
    if got:
        message = f"{message}, got {given!r}"
    reason, name = _CHECKS.get(kind, (None, None))
    if kind == "string_too_short":
        low = context.get("min_length", 1)
        reason, name = (Reason.empty, None) if low == 1 else (Reason.too_short, "min_length")
    if reason is None:
        return FieldProblem(field, message, row, kind or INVALID)
    value = str(context.get(name, "")) if name else ""
    values = {"choices": value.replace(" or ", ", ")} if name == "expected" else {"n": value}
    parts: list[tuple[str, Mapping[str, object]]] = [(WORDS[reason], values)]
    if got:
        parts.append((GOT, {"value": repr(given)}))
    return FieldProblem(field, message, row, reason.value, Said.of(*parts))
