"""The meal day in the demo: orders for the next working day, the freeze, the plan, the sheets.

Each step is idempotent like the demo's others: orders are generated once, the freeze stands,
a day already planned from its latest freeze is not planned again, and the kitchen files are
rewritten with the same content.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import Session

from scheduler.db import session_scope
from scheduler.intake.calendar import local_today
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.delivery_days import delivery_calendar
from scheduler.intake.subscriptions import generate_orders
from scheduler.lab.demo_run import DemoRun, DemoStep
from scheduler.models import Service
from scheduler.planning import plan_day
from scheduler.reports.kitchen import kitchen_day
from scheduler.reports.kitchen_sheets import kitchen_csv, kitchen_html
from scheduler.repositories.freezes import latest_freeze
from scheduler.repositories.orders import live_order_totals
from scheduler.repositories.plans import latest_version
from scheduler.repositories.tenancy import get_municipality
from scheduler.settings import get_settings

SERVICE = Service.meals


def next_working_day(session: Session, municipality_id: int, today: date | None = None) -> date:
    """The first date after `today` (default: today in the town's zone) with delivery and vans
    on the road."""
    town = get_municipality(municipality_id, session=session)
    calendar = delivery_calendar(session, town)
    day = (today or local_today(town.timezone)) + timedelta(days=1)
    while not calendar.working(day):
        day += timedelta(days=1)
    return day


def orders_step(run: DemoRun) -> str:
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        day = next_working_day(session, mid, run.today)
        generate_orders(mid, day, session=session)
        count, portions = live_order_totals(mid, day, session=session)
    return f"{count} meal orders ({portions} portions) for {day:%A %d.%m.%Y}"


def freeze_step(run: DemoRun) -> str:
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        day = next_working_day(session, mid, run.today)
        freeze = freeze_day(mid, day, SERVICE, session=session, reason="demo: cut-off")
    return f"{day}: version {freeze.version}, {freeze.item_count} orders frozen"


def plan_step(run: DemoRun) -> str:
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        day = next_working_day(session, mid, run.today)
        freeze = latest_freeze(mid, day, SERVICE, session=session)
        version = latest_version(mid, day, SERVICE, session=session)
        if freeze is not None and version is not None and version.freeze_id == freeze.id:
            return f"{day}: plan version {version.version} is up to date"
        # The solver's time in proportion to the day: a small demo need not wait the full limit.
        items = freeze.item_count if freeze is not None else 0
        limit = min(get_settings().solve_time_limit_s, 2.0 + 0.02 * items)
        version = plan_day(mid, day, SERVICE, session=session, reason="demo", time_limit=limit)
        s = version.summary
    return (
        f"{day}: version {version.version}, {int(s['assigned'])} stops on {int(s['routes'])} "
        f"routes, {s['distance'] / 1000:.1f} km, longest ride {s['max_ride_s'] / 60:.0f} min, "
        f"{int(s['unassigned'])} unassigned"
    )


def kitchen_step(run: DemoRun) -> str:
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        day = next_working_day(session, mid, run.today)
        sheets = kitchen_day(mid, day, session=session)
    folder = run.folder.parent / "kitchen"  # beside the import files, under var/
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"kitchen-{day.isoformat()}"
    stem.with_suffix(".csv").write_text(kitchen_csv(sheets), encoding="utf-8")
    stem.with_suffix(".html").write_text(kitchen_html(sheets), encoding="utf-8")
    data = json.dumps(sheets.to_dict(), ensure_ascii=False, indent=1)
    stem.with_suffix(".json").write_text(data, encoding="utf-8")
    cook = sum(sum(k.cook.values()) for k in sheets.kitchens)
    waves = sum(len(k.waves) for k in sheets.kitchens)
    return f"{cook} portions to cook in {waves} waves; {stem}.html, .csv and .json"


def meal_steps() -> list[DemoStep]:
    return [
        DemoStep("Meal orders for the next working day", orders_step),
        DemoStep("Freeze the orders at the cut-off", freeze_step),
        DemoStep("Plan the meal vans", plan_step),
        DemoStep("Kitchen sheets and labels", kitchen_step),
    ]
