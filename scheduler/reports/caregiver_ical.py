"""A caregiver's days as an iCalendar feed, behind a private link their phone subscribes to.

Phones' calendars (Google, Apple, Outlook) subscribe to a URL and fetch it again every so
often; they cannot send a password. So the link itself is the key: `issue_calendar_link`
makes a new random token (which ends any earlier link of that caregiver), stores only its
SHA-256 hash, and returns the token once; the API puts it in a URL. The token starts with
the municipality's id so that finding its caregiver is a query within that municipality.

Each visit is a VEVENT whose UID stays the same across re-plans (visit, date, municipality),
with SEQUENCE the plan version, so a subscribed calendar moves the event instead of adding
a second one; a visit that left the caregiver's day simply is not in the next fetch.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import Session

from scheduler.errors import NotFoundError
from scheduler.models import Caregiver
from scheduler.models.base import utcnow
from scheduler.reports.caregiver_day import CaregiverDay, DayVisit, caregiver_day
from scheduler.repositories.care import caregiver_by_calendar_token, get_caregiver
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.users import user_of_holder
from scheduler.wording import Wording, wording

PRODID = "-//Patronage//Home care visits//EN"
REFRESH = "PT15M"  # how often to ask calendars to fetch again: a re-plan should reach phones


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_calendar_link(municipality_id: int, caregiver_id: int, *, session: Session) -> str:
    """A new private calendar token for the caregiver; any earlier token stops working."""
    caregiver = get_caregiver(municipality_id, caregiver_id, session=session)
    token = f"{municipality_id}-{secrets.token_urlsafe(24)}"
    caregiver.calendar_token_hash = _digest(token)
    session.add(caregiver)
    session.flush()
    return token


def revoke_calendar_link(municipality_id: int, caregiver_id: int, *, session: Session) -> None:
    caregiver = get_caregiver(municipality_id, caregiver_id, session=session)
    caregiver.calendar_token_hash = None
    session.add(caregiver)
    session.flush()


def caregiver_for_token(token: str, *, session: Session) -> Caregiver:
    """The active caregiver a calendar token belongs to; NotFoundError for any other token."""
    prefix, _, rest = token.partition("-")
    if not prefix.isdigit() or not rest:
        raise NotFoundError("calendar link", "?")
    found = caregiver_by_calendar_token(int(prefix), _digest(token), session=session)
    if found is None or not found.active:
        raise NotFoundError("calendar link", "?")  # says nothing of which part was wrong
    return found


def calendar_feed(
    token: str,
    *,
    session: Session,
    today: date | None = None,
    days_back: int = 7,
    days_ahead: int = 14,
) -> bytes:
    """The feed a private link serves: the caregiver's days around `today` (local date)."""
    caregiver = caregiver_for_token(token, session=session)
    municipality = get_municipality(caregiver.municipality_id, session=session)
    assert caregiver.id is not None
    zone = ZoneInfo(municipality.timezone)
    today = today or utcnow().astimezone(zone).date()
    first, last = today - timedelta(days=days_back), today + timedelta(days=days_ahead)
    return caregiver_calendar(caregiver.municipality_id, caregiver.id, first, last, session=session)


def caregiver_calendar(
    municipality_id: int, caregiver_id: int, first: date, last: date, *, session: Session
) -> bytes:
    """The caregiver's planned visits from `first` to `last` as an iCalendar document."""
    municipality = get_municipality(municipality_id, session=session)
    caregiver = get_caregiver(municipality_id, caregiver_id, session=session)
    zone = ZoneInfo(municipality.timezone)
    account = user_of_holder(municipality_id, caregiver_id=caregiver_id, session=session)
    words = wording((account.locale if account else None) or municipality.locale)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", words.gettext("%(name)s: visits") % {"name": caregiver.name})
    cal.add("x-wr-timezone", municipality.timezone)
    cal.add("x-published-ttl", REFRESH)
    day = first
    while day <= last:
        plan = caregiver_day(municipality_id, caregiver_id, day, session=session)
        for event in _events(plan, municipality_id, zone, words):
            cal.add_component(event)
        day += timedelta(days=1)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def _at(day: date, seconds: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(seconds=seconds)


def _events(
    plan: CaregiverDay, municipality_id: int, zone: ZoneInfo, words: Wording
) -> list[Event]:
    events = [_visit_event(plan, v, municipality_id, zone, words) for v in plan.visits]
    if plan.lunch_break_s is not None:
        event = _event(plan, f"lunch.{plan.caregiver}", municipality_id)
        event.add("summary", words.gettext("Lunch break"))
        event.add("dtstart", _at(plan.day, plan.lunch_break_s[0], zone))
        event.add("dtend", _at(plan.day, plan.lunch_break_s[1], zone))
        event.add("transp", "OPAQUE")
        events.append(event)
    return events


def _event(plan: CaregiverDay, what: str, municipality_id: int) -> Event:
    event = Event()
    event.add("uid", f"{what}.{plan.day.isoformat()}.{municipality_id}@patronage")
    event.add("dtstamp", plan.planned_at or utcnow())
    event.add("sequence", plan.plan_version or 0)
    event.add("status", "CONFIRMED" if plan.published else "TENTATIVE")
    return event


def _visit_event(
    plan: CaregiverDay, visit: DayVisit, municipality_id: int, zone: ZoneInfo, words: Wording
) -> Event:
    event = _event(plan, f"visit.{visit.external_id}", municipality_id)
    with_partner = words.gettext("(with %(name)s)") % {"name": visit.partner}
    event.add("summary", f"{visit.client} {with_partner}" if visit.partner else visit.client)
    event.add("dtstart", _at(plan.day, visit.start_s, zone))
    event.add("dtend", _at(plan.day, visit.end_s, zone))
    if visit.address:
        event.add("location", visit.address)
    event.add("geo", (visit.lat, visit.lon))
    event.add("description", _description(visit, words))
    return event


def _description(visit: DayVisit, words: Wording) -> str:
    _ = words.gettext
    said = {"visit": visit.external_id, "window": visit.window, "tasks": visit.tasks,
            "notes": visit.notes, "name": visit.partner, "lunch": visit.lunch,
            "phone": visit.phone}  # fmt: skip
    lines = [_("Visit %(visit)s, to start %(window)s.") % said]
    if visit.tasks:
        lines.append(_("Tasks: %(tasks)s") % said)
    if visit.notes:
        lines.append(_("Notes: %(notes)s") % said)
    if visit.partner:
        lines.append(_("Together with %(name)s.") % said)
    if visit.lunch:
        lines.append(_("Bring lunch: %(lunch)s.") % said)
    if visit.phone:
        lines.append(_("Phone: %(phone)s.") % said)
    return "\n".join(lines)
