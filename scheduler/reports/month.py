"""The month's report a municipality's social department files, per service.

Figures come from the same records as the outputs people are paid or billed from, so they add
up with them by construction (a test checks it):

- meals: one `Outcomes` row per diet and per kitchen, summed from the month's statements
  (scheduler/reports/statements.py): delivered meals here are exactly the meals billed;
- home care: visits and hours per kind of care and per caregiver, from the same presences as
  the monthly hours sheet (scheduler/reports/attendance.py);
- clients served, new, ended and paused: from subscriptions (meals) and visit plans (care)
  valid in the month;
- canteen and milk kitchen: what was collected at the pick-up points, per diet or age group and
  per point, as billed (scheduler/reports/month_counters.py); a town without pick-up points
  has neither section, one without milk-kitchen days or children has no milk-kitchen section;
- welfare alerts raised in the month, and how each ended (taken at once, taken after
  escalation, still open), counted in the municipality's time zone.

Each service is one `ServiceSection` in `MonthReport.services`, so another service adds its
section without changing the others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.alerts import AlertKind
from scheduler.intake.calendar import local_today
from scheduler.models import Alert, Client, Service
from scheduler.reports.attendance import attendance_between, monthly_hours
from scheduler.reports.counter_statements import CANTEEN, COLLECTED, MILK_KITCHEN
from scheduler.reports.milk_statements import milk_statements
from scheduler.reports.month_counters import Collections, Counted, canteen_counted, milk_counted
from scheduler.reports.statements import Statement, month_bounds, month_statements
from scheduler.repositories.clients import clients_by_external_id
from scheduler.repositories.fleet import list_kitchens, list_pickup_points
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.reporting import (
    alerts_raised_between,
    pauses_touching,
    subscriptions_touching,
    visit_plans_touching,
)
from scheduler.repositories.tenancy import get_municipality

OUTCOME_NAMES = ("delivered", "not_home", "refused", "cancelled", "cancelled_late",
                 "not_confirmed")  # fmt: skip
GENERAL_CARE = "general"  # the kind of a visit that asks for no particular skill
NO_KITCHEN = "-"
CLIENT_MEASURES = ("served", "new", "ended", "paused")


@dataclass
class Outcomes:
    """Meals of a month by what became of them; `delivered` portions are the ones billed."""

    delivered: int = 0  # portions
    not_home: int = 0  # meals (orders)
    refused: int = 0
    cancelled: int = 0
    cancelled_late: int = 0
    not_confirmed: int = 0
    fee_cents: int = 0

    def add(self, outcome: str, portions: int, amount_cents: int) -> None:
        # Delivered counts portions (what was billed); the others count meals, one per order
        # (a statement counts days: the two differ only for a client with two orders a day).
        setattr(self, outcome, getattr(self, outcome) + (portions if outcome == "delivered" else 1))
        self.fee_cents += amount_cents

    def merge(self, other: Outcomes) -> None:
        for name in (*OUTCOME_NAMES, "fee_cents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ClientCounts:
    served: int = 0  # had the service at least once in the month
    new: int = 0  # started in the month
    ended: int = 0  # ended in the month
    paused: int = 0  # had a pause in the month


@dataclass
class CareLine:
    name: str
    visits: int = 0
    minutes: int = 0


@dataclass
class ServiceSection:
    """One service's month: clients, and its figures as named rows."""

    service: str
    clients: ClientCounts
    by_diet: dict[str, Outcomes] = field(default_factory=dict)
    by_kitchen: dict[str, Outcomes] = field(default_factory=dict)
    total: Outcomes = field(default_factory=Outcomes)
    by_kind: list[CareLine] = field(default_factory=list)  # care: per kind of care
    by_caregiver: list[CareLine] = field(default_factory=list)
    missed_visits: int = 0
    measures: tuple[str, ...] = CLIENT_MEASURES  # the client counts this service has
    # Canteen and milk kitchen: per diet or age group, per pick-up point, and the month's.
    by_group: dict[str, Collections] = field(default_factory=dict)
    by_point: dict[str, Collections] = field(default_factory=dict)
    collected: Collections | None = None


@dataclass
class AlertLine:
    raised: datetime  # local time
    client: str
    ended: str  # taken, taken_after_escalation, open
    by: str
    note: str


@dataclass
class MonthReport:
    municipality: str
    locale: str
    currency: str
    month: str
    services: list[ServiceSection] = field(default_factory=list)
    alerts: list[AlertLine] = field(default_factory=list)

    def section(self, service: str) -> ServiceSection | None:
        return next((s for s in self.services if s.service == service), None)

    def alert_counts(self) -> dict[str, int]:
        counts = {"taken": 0, "taken_after_escalation": 0, "open": 0}
        for line in self.alerts:
            counts[line.ended] += 1
        return counts


def month_report(
    municipality_id: int,
    month: str,
    *,
    session: Session,
    statements: list[Statement] | None = None,
    now: datetime | None = None,
) -> MonthReport:
    """The month's figures of every service of the municipality (see the module notes);
    `statements`: the month's meal statements, when the caller has already made them; `now`
    (default: the clock) tells which days have passed, for collections not made."""
    town = get_municipality(municipality_id, session=session)
    first, last = month_bounds(month)
    report = MonthReport(town.name, town.locale, town.currency, month)
    if statements is None:
        statements = month_statements(municipality_id, month, session=session)
    report.services.append(meal_section(municipality_id, first, last, statements, session=session))
    today = local_today(town.timezone, now)
    report.services.extend(
        collected_sections(municipality_id, month, statements, session=session, today=today)
    )
    report.services.append(care_section(municipality_id, month, session=session))
    zone = ZoneInfo(town.timezone)
    report.alerts = welfare_lines(municipality_id, first, last, zone, session=session)
    return report


def meal_section(
    municipality_id: int, first: date, last: date, statements: list[Statement], *, session: Session
) -> ServiceSection:
    clients = clients_by_external_id(municipality_id, session=session)
    kitchens = {k.id: k.name for k in list_kitchens(municipality_id, session=session)}
    counts = _meal_clients(municipality_id, first, last, statements, session=session)
    section = ServiceSection(str(Service.meals), counts)
    for statement in statements:
        client = clients.get(statement.client_id)
        kitchen = kitchens.get(client.kitchen_id, NO_KITCHEN) if client else NO_KITCHEN
        for line in statement.lines:
            if line.outcome == COLLECTED:
                continue  # a canteen check-in: the canteen's section
            for rows, key in ((section.by_diet, line.diet), (section.by_kitchen, kitchen)):
                rows.setdefault(key, Outcomes()).add(line.outcome, line.portions, line.amount_cents)
            section.total.add(line.outcome, line.portions, line.amount_cents)
    section.by_diet = dict(sorted(section.by_diet.items()))
    section.by_kitchen = dict(sorted(section.by_kitchen.items()))
    return section


def _meal_clients(
    municipality_id: int, first: date, last: date, statements: list[Statement], *, session: Session
) -> ClientCounts:
    subs = subscriptions_touching(municipality_id, first, last, session=session)
    started: dict[int, date] = {}
    ends: dict[int, list[date | None]] = defaultdict(list)
    for sub in subs:
        started[sub.client_id] = min(started.get(sub.client_id, sub.valid_from), sub.valid_from)
        ends[sub.client_id].append(sub.valid_until)
    # A client's service ends with the last of their subscriptions; None: it goes on.
    last_days = [None if None in days else max(d for d in days if d) for days in ends.values()]
    pauses = pauses_touching(municipality_id, first, last, session=session)
    paused = {client_id for _, client_id in pauses}
    served = sum(1 for s in statements if s.totals()["delivered_days"])
    return ClientCounts(
        served=served,
        new=sum(first <= day <= last for day in started.values()),
        ended=sum(end is not None and first <= end <= last for end in last_days),
        paused=len(paused),
    )


def collected_sections(
    municipality_id: int, month: str, statements: list[Statement], *, session: Session, today: date
) -> list[ServiceSection]:
    """The canteen's section (from the meal statements' check-ins) and the milk kitchen's
    (from the guardians' statements), for a town that has them."""
    points = list_pickup_points(municipality_id, session=session)
    if not points:
        return []
    first, last = month_bounds(month)
    canteen = canteen_counted(municipality_id, first, last, statements, session=session)
    sections = [_collected_section(CANTEEN, canteen, ("served",))]
    milk = milk_statements(municipality_id, month, session=session)
    if milk or any(p.milk_weekdays for p in points):
        counted = milk_counted(municipality_id, first, last, milk, session=session, today=today)
        sections.append(_collected_section(MILK_KITCHEN, counted, ("served", "new", "ended")))
    return sections


def _collected_section(service: str, counted: Counted, measures: tuple[str, ...]) -> ServiceSection:
    clients = ClientCounts(served=counted.served, new=counted.new, ended=counted.ended)
    return ServiceSection(service, clients, measures=measures, by_group=counted.by_kind,
                          by_point=counted.by_point, collected=counted.total)  # fmt: skip


def care_section(municipality_id: int, month: str, *, session: Session) -> ServiceSection:
    first, last = month_bounds(month)
    visits = attendance_between(municipality_id, first, last, session=session)
    hours = monthly_hours(municipality_id, month, session=session, visits=visits)
    kinds: dict[str, CareLine] = {}
    for visit in visits:
        kind = visit.kind or GENERAL_CARE
        line = kinds.setdefault(kind, CareLine(kind))
        line.visits += int(any(p.minutes is not None for p in visit.presences))
        line.minutes += visit.minutes
    plans = visit_plans_touching(municipality_id, first, last, session=session)
    served = {v.client_id for v in visits if any(p.minutes is not None for p in v.presences)}
    clients = ClientCounts(
        served=len(served),
        new=len({p.client_id for p in plans if p.valid_from and first <= p.valid_from <= last}),
        ended=len({p.client_id for p in plans if p.valid_until and p.valid_until <= last}),
    )
    return ServiceSection(
        str(Service.care),
        clients,
        by_kind=sorted(kinds.values(), key=lambda line: line.name),
        by_caregiver=[CareLine(c.name, c.visits, c.minutes) for c in hours.caregivers],
        missed_visits=sum(v.missed for v in visits),
    )


def welfare_lines(
    municipality_id: int, first: date, last: date, zone: ZoneInfo, *, session: Session
) -> list[AlertLine]:
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    alerts = alerts_raised_between(municipality_id, AlertKind.welfare, start, end, session=session)
    ids = {a.client_id for a in alerts if a.client_id is not None}
    clients = clients_by_id(municipality_id, ids, session=session)
    return [_alert_line(a, clients, zone) for a in alerts]


def _alert_line(alert: Alert, clients: dict[int, Client], zone: ZoneInfo) -> AlertLine:
    client = clients.get(alert.client_id or 0)
    if alert.acknowledged_at is None:
        ended = "open"
    else:
        ended = "taken_after_escalation" if alert.step > 0 else "taken"
    raised = alert.created_at if alert.created_at.tzinfo else alert.created_at.replace(tzinfo=UTC)
    return AlertLine(
        raised=raised.astimezone(zone),
        client=client.name if client else "",
        ended=ended,
        by=(alert.acknowledged_by or "").removeprefix("user:"),
        note=alert.ack_note,
    )


def totals_by(rows: dict[str, Outcomes]) -> Outcomes:
    total = Outcomes()
    for row in rows.values():
        total.merge(row)
    return total


def per_client_delivered(statements: list[Statement]) -> dict[str, int]:
    """Delivered portions per client's external id: what each statement bills."""
    found: dict[str, int] = defaultdict(int)
    for s in statements:
        found[s.client_id] += s.portions("delivered")
    return dict(found)
