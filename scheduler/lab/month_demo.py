"""A generated month before the demo day, then its report, statements and a sample of every
printed sheet under var/reports.

Planning a whole month through the solver would take minutes, so each working day of the month
before the demo day reuses the demo day's routes (a van's round changes little from one day to
the next): the day's orders are generated from the subscriptions and frozen as on a real day,
the demo day's stops are kept for the clients who ordered, and what the drivers and caregivers
reported (delivered, not at home, refused; check-ins and check-outs), and what was collected at
the canteen's counter (scheduler/lab/counter_demo.py), is drawn from a generator seeded by the
demo's seed. A "check on me" client found not at home raises a welfare alert as
on the real day, which a dispatcher then takes. Days already frozen are left as they are, so
running the demo again changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.alerts import AlertKind, raise_alert
from scheduler.db import session_scope
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.day_changes import Actor
from scheduler.intake.delivery_days import delivery_calendar
from scheduler.intake.orders import cancel_order, pause_subscription
from scheduler.intake.subscriptions import generate_orders
from scheduler.intake.visits import generate_visits
from scheduler.lab.counter_demo import counter_day, counter_prices, milk_children
from scheduler.lab.demo_run import DemoRun, DemoStep
from scheduler.lab.meal_demo import next_working_day
from scheduler.models import (
    CheckInKind,
    Client,
    Diet,
    PlanVersion,
    Role,
    Route,
    Service,
    Stop,
    StopStatus,
    Visit,
    VisitCheck,
    VisitStatus,
)
from scheduler.reports.outputs import write_day_sheets, write_month
from scheduler.reports.statements import month_bounds
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.clients import list_meal_subscriptions, set_meal_subscription
from scheduler.repositories.freezes import frozen_orders, latest_freeze
from scheduler.repositories.meals import clients_by_id, set_meal_price
from scheduler.repositories.plans import followed_version, get_plan, routes_of, store_version
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.visits import add_checks
from scheduler.welfare import acknowledge, welfare_detail

PRICES = {  # cents of one portion, per diet
    Diet.general: 350, Diet.diabetic: 380, Diet.low_salt: 360, Diet.vegetarian: 350,
    Diet.soft: 370, Diet.pureed: 390,
}  # fmt: skip
NEW, PAUSED, CANCELLED = 0.05, 0.03, 0.01  # shares of subscriptions (orders for CANCELLED)
NOT_HOME, REFUSED = 0.02, 0.01  # shares of the stops, the rest delivered
MISSED = 0.02  # share of visits nobody checked in to
REASON = "demo: generated month"
DISPATCHER = "demo dispatcher"
# What the dispatcher wrote on taking a welfare alert (the demo town's language).
NOTES = ("Съсед провери: всичко е наред.", "Свързахме се по телефона: беше на лекар.")  # noqa: RUF001
SAMPLE = 2  # vans, clients or caregivers in each sample PDF (the HTML pages hold them all)
RouteRows = list[tuple[Route, list[Stop]]]


def demo_month(day: date) -> str:
    """The calendar month before `day`'s: the last full month, the one a report is filed for."""
    last = day.replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"


def prices_step(run: DemoRun) -> str:
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        changed = sum(
            set_meal_price(mid, diet, cents, session=session) for diet, cents in PRICES.items()
        )
        counter_prices(mid, session=session)
    return f"{len(PRICES)} prices per portion ({changed} changed), canteen and milk kitchen"


def month_step(run: DemoRun) -> str:
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        town = get_municipality(mid, session=session)
        zone = ZoneInfo(town.timezone)
        today = next_working_day(session, mid, run.today)
        month = demo_month(today)
        rounds = _rounds(mid, today, session=session)
        calendar = delivery_calendar(session, town)
        first, last = month_bounds(month)
        days = [first + timedelta(n) for n in range((last - first).days + 1)]
        rng = random.Random(run.seed)
        working = [d for d in days if calendar.working(d)]
        if working and latest_freeze(mid, working[0], Service.meals, session=session) is None:
            _subscribers(mid, first, today, rng, session=session)
            milk_children(mid, first, rng, session=session)
        made = 0
        for day in working:
            if latest_freeze(mid, day, Service.meals, session=session) is not None:
                continue
            _meal_day(mid, day, rounds, zone, rng, session=session)
            counter_day(mid, day, zone, rng, session=session)
            _care_day(mid, day, zone, rng, session=session)
            made += 1
    return f"{month}: {made} working days of deliveries and visits generated"


def _subscribers(
    mid: int, first: date, today: date, rng: random.Random, *, session: Session
) -> None:
    """The subscriptions as they stood in the month: most began long before it, a few in it
    (new clients), and a few clients paused their meals for a week."""
    office = Actor(DISPATCHER, Role.dispatcher, now=_instant(first - timedelta(days=7), 0, UTC))
    for sub in list_meal_subscriptions(mid, on=today, session=session):
        draw = rng.random()
        start = first + timedelta(days=rng.randint(1, 20)) if draw < NEW else first - timedelta(60)
        set_meal_subscription(
            mid, sub.client_id, weekdays=sub.weekdays, diet=sub.diet, portions=sub.portions,
            start=start, session=session,
        )  # fmt: skip
        if NEW <= draw < NEW + PAUSED:
            pause = first + timedelta(days=rng.randint(3, 15))
            pause_subscription(
                mid, sub.id or 0, pause, pause + timedelta(days=6), session=session, by=office,
                reason="in hospital",
            )  # fmt: skip


def _cancel_some(mid: int, day: date, rng: random.Random, *, session: Session) -> None:
    """A few clients cancel the day's meal in time (the day before, by phone)."""
    office = Actor(DISPATCHER, Role.dispatcher, now=_instant(day - timedelta(days=2), 0, UTC))
    for order in generate_orders(mid, day, session=session):
        if rng.random() < CANCELLED:
            cancel_order(mid, order.client_id, day, session=session, by=office)


def _rounds(mid: int, day: date, *, session: Session) -> tuple[PlanVersion, RouteRows]:
    plan = get_plan(mid, day, Service.meals, session=session)
    version = followed_version(mid, plan, session=session) if plan else None
    if version is None or version.id is None:
        raise RuntimeError("Expected the demo day to be planned by an earlier step")
    return version, routes_of(mid, version.id, session=session)


def _meal_day(
    mid: int,
    day: date,
    rounds: tuple[PlanVersion, RouteRows],
    zone: ZoneInfo,
    rng: random.Random,
    *,
    session: Session,
) -> None:
    _cancel_some(mid, day, rng, session=session)
    freeze = freeze_day(mid, day, Service.meals, session=session, reason=REASON)
    orders = {f.client_id: f.order_id for f in frozen_orders(mid, freeze.id or 0, session=session)}
    template, rows = rounds
    routes = [
        r for r in (_copy(route, stops, orders, day, zone, rng) for route, stops in rows) if r
    ]
    version = PlanVersion(
        plan_id=0, version=1, freeze_id=freeze.id, reason=REASON, summary=dict(template.summary)
    )
    store_version(mid, day, Service.meals, version, routes, [], session=session)
    _welfare(mid, routes, session=session)


def _copy(
    route: Route,
    stops: Sequence[Stop],
    orders: dict[int, int],
    day: date,
    zone: ZoneInfo,
    rng: random.Random,
) -> tuple[Route, list[Stop]] | None:
    """The route with the stops of the clients who ordered on `day`, each with its outcome."""
    kept: list[Stop] = []
    for stop in stops:
        if stop.kind == "job" and stop.client_id not in orders:
            continue
        copy = Stop(
            route_id=0, seq=len(kept), kind=stop.kind, job_id=stop.job_id, client_id=stop.client_id,
            trip=stop.trip, arrival_s=stop.arrival_s, start_s=stop.start_s,
            departure_s=stop.departure_s, late_s=stop.late_s, load=list(stop.load),
        )  # fmt: skip
        if stop.kind == "job" and stop.client_id is not None:
            copy.order_id = orders[stop.client_id]
            draw = rng.random()
            copy.status = (
                StopStatus.not_home if draw < NOT_HOME
                else StopStatus.refused if draw < NOT_HOME + REFUSED
                else StopStatus.delivered
            )  # fmt: skip
            copy.confirmed_at = _instant(day, stop.departure_s, zone)
        kept.append(copy)
    if not any(s.kind == "job" for s in kept):
        return None
    return Route(
        plan_version_id=0, resource=route.resource, vehicle_id=route.vehicle_id,
        distance=route.distance, duration=route.duration, start_s=route.start_s, end_s=route.end_s,
    ), kept  # fmt: skip


def _instant(day: date, seconds: int, zone: tzinfo) -> datetime:
    return (datetime.combine(day, time(), zone) + timedelta(seconds=seconds)).astimezone(UTC)


def _welfare(mid: int, routes: RouteRows, *, session: Session) -> None:
    """A welfare alert for each "check on me" client not at home; a dispatcher takes each,
    every other one after it was escalated to the next person on the list."""
    missed = [(r, s) for r, stops in routes for s in stops if s.status == StopStatus.not_home]
    ids = {s.client_id for _, s in missed if s.client_id is not None}
    clients: dict[int, Client] = clients_by_id(mid, ids, session=session)
    for n, (route, stop) in enumerate(missed):
        client = clients.get(stop.client_id or 0)
        if client is None or not client.check_on_me or stop.confirmed_at is None:
            continue
        detail = welfare_detail(session, mid, route, client, stop.confirmed_at)
        alert = raise_alert(
            session, mid, AlertKind.welfare, "", client_id=client.id, stop_id=stop.id,
            detail=detail.model_dump(mode="json"),
        )  # fmt: skip
        alert.created_at, alert.step = stop.confirmed_at, n % 2
        session.add(alert)
        session.flush()
        note = NOTES[n % 2]
        acknowledge(mid, alert.id or 0, note=note, by=f"user:{DISPATCHER}", session=session)


def _care_day(mid: int, day: date, zone: ZoneInfo, rng: random.Random, *, session: Session) -> None:
    """The day's visits from the visit plans, each with its caregivers' check-in and out."""
    carers = list_caregivers(mid, session=session, active=True)
    if not carers:
        return
    by_ext = {c.external_id: c.id or 0 for c in carers}
    checks: list[VisitCheck] = []
    for n, visit in enumerate(generate_visits(mid, day, session=session)):
        if rng.random() < MISSED:
            continue
        wanted = [by_ext[e] for e in visit.preferred_caregivers if e in by_ext]
        pool = wanted + [c.id or 0 for c in carers if (c.id or 0) not in wanted]
        for carer in pool[n % len(pool) :][: visit.caregivers_needed] or pool[:1]:
            checks.extend(_checks(visit, carer, day, zone, rng))
        visit.status = VisitStatus.done
        session.add(visit)
    add_checks(mid, checks, session=session)


def _checks(
    visit: Visit, carer: int, day: date, zone: ZoneInfo, rng: random.Random
) -> list[VisitCheck]:
    start = datetime.combine(day, visit.window_start, zone) + timedelta(minutes=rng.randint(0, 15))
    end = start + timedelta(minutes=visit.duration_min + rng.randint(-5, 10))
    return [
        VisitCheck(
            municipality_id=visit.municipality_id,
            visit_id=visit.id or 0,
            caregiver_id=carer,
            kind=kind,
            at=at.astimezone(UTC),
            client_event_id=f"demo-{visit.id}-{carer}-{kind}",
        )
        for kind, at in ((CheckInKind.in_, start), (CheckInKind.out, end))
    ]


def report_step(run: DemoRun) -> str:
    """The month's report and statements, and the demo day's sheets, as files under var/."""
    mid = run.require_municipality()
    folder = run.folder.parent / "reports"
    with session_scope(run.engine) as session:
        today = next_working_day(session, mid, run.today)
        month = demo_month(today)
        words = run.words
        paths = write_month(mid, month, folder, session=session, words=words, sample=SAMPLE)
        paths += write_day_sheets(mid, today, folder, session=session, words=words, sample=SAMPLE)
    run.outputs = paths
    return f"{len(paths)} files under {folder}: report-{month}.pdf, .html and .csv, and more"


def month_steps() -> list[DemoStep]:
    return [
        DemoStep("Meal prices", prices_step),
        DemoStep("A generated month of deliveries and visits", month_step),
        DemoStep("The month's report, statements and printed sheets", report_step),
    ]
