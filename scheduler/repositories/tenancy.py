"""Municipalities (tenants): find, create and list them."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from sqlmodel import Session, select

from scheduler.errors import FieldProblem, NotFoundError
from scheduler.models import Municipality
from scheduler.names import fold
from scheduler.refusals import Reason, problem, refuse
from scheduler.repositories.common import raise_problems

DEFAULT_TIMEZONE = "Europe/Sofia"
DEFAULT_LOCALE = "bg"

# Public holidays follow the country; guess it from the time zone, then the language.
_COUNTRY_BY_TIMEZONE = {"Europe/Sofia": "BG", "Europe/Ljubljana": "SI"}
_COUNTRY_BY_LOCALE = {"bg": "BG", "sl": "SI"}


def get_municipality(municipality_id: int, *, session: Session) -> Municipality:
    """The municipality with this id; NotFoundError when there is none."""
    row = session.get(Municipality, municipality_id)
    if row is None:
        raise NotFoundError("Municipality", municipality_id)
    return row


def get_municipality_by_name(name: str, *, session: Session) -> Municipality | None:
    """The municipality with exactly this name, or None."""
    return session.exec(select(Municipality).where(Municipality.name == name.strip())).first()


def find_municipality(written: str, *, session: Session) -> Municipality | None:
    """The municipality a person meant, however they wrote it: the exact name, else the one
    whose name folds to the same (case, Cyrillic or Latin, diacritics: scheduler/names.py).
    None when no name or more than one matches (an ambiguous spelling signs in nowhere)."""
    exact = get_municipality_by_name(written, session=session)
    if exact is not None:
        return exact
    wanted = fold(written)
    found = [t for t in list_municipalities(session=session) if fold(t.name) == wanted]
    return found[0] if wanted and len(found) == 1 else None


def list_municipalities(*, session: Session) -> list[Municipality]:
    return list(session.exec(select(Municipality).order_by(Municipality.name)).all())


def check_municipality(name: str, timezone: str, locale: str) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not name.strip():
        problems.append(problem("municipality", Reason.empty))
    elif len(name.strip()) > 120:
        problems.append(problem("municipality", Reason.too_long, n=120))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(problem("timezone", Reason.unknown_time_zone, value=repr(timezone)))
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        problems.append(problem("locale", Reason.unknown_locale, value=repr(locale)))
    return problems


def create_municipality(
    name: str,
    *,
    session: Session,
    timezone: str = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
) -> Municipality:
    """A new municipality; InvalidInputError for a taken name, a bad time zone or locale."""
    raise_problems(check_municipality(name, timezone, locale))
    if get_municipality_by_name(name, session=session) is not None:
        raise refuse("municipality", Reason.already_exists, value=repr(name.strip()))
    country = _COUNTRY_BY_TIMEZONE.get(timezone) or _COUNTRY_BY_LOCALE.get(
        locale.split("_")[0], "BG"
    )
    row = Municipality(name=name.strip(), timezone=timezone, locale=locale, country=country)
    session.add(row)
    session.flush()
    return row


def ensure_municipality(
    name: str,
    *,
    session: Session,
    timezone: str = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
) -> tuple[Municipality, bool]:
    """The municipality named `name`, created with `timezone` and `locale` if missing.

    Returns (municipality, created). An existing municipality keeps its own time zone and
    locale: changing those is a deliberate act, not a side effect of an import.
    """
    existing = get_municipality_by_name(name, session=session)
    if existing is not None:
        return existing, False
    return create_municipality(name, session=session, timezone=timezone, locale=locale), True


def municipality_by_id(municipality_id: int, *, session: Session) -> Municipality | None:
    """The municipality with this id, or None (for callers that refuse it in their own words)."""
    return session.get(Municipality, municipality_id)


LOCALES = ("bg", "sl", "en")  # the languages the catalogs speak


def set_rules(
    municipality_id: int,
    *,
    session: Session,
    timezone: str,
    locale: str,
    cutoff_days_before: int,
    cutoff_time: time,
) -> tuple[Municipality, dict[str, str]]:
    """The municipality's time zone, language and cut-off; what changed, as text (to audit)."""
    problems = []
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(problem("timezone", Reason.unknown_time_zone, value=repr(timezone)))
    if locale not in LOCALES:
        problems.append(problem("locale", Reason.not_one_of, choices=", ".join(LOCALES)))
    if not 0 <= cutoff_days_before <= 7:
        problems.append(
            problem(
                "cutoff_days_before", Reason.out_of_range, low=0, high=7, value=cutoff_days_before
            )
        )
    raise_problems(problems)
    town = get_municipality(municipality_id, session=session)
    given = {"timezone": timezone, "locale": locale, "cutoff_days_before": cutoff_days_before,
             "cutoff_time": cutoff_time}  # fmt: skip
    changed = {k: str(v) for k, v in given.items() if getattr(town, k) != v}
    for key, value in given.items():
        setattr(town, key, value)
    session.add(town)
    session.flush()
    return town, changed
