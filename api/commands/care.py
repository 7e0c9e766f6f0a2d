"""`patronage care ...` and `patronage bench-care`: the home-care day from the shell.

`patronage plan DATE --service care` (api/commands/planning.py) plans the day; these commands
do what happens around it: a caregiver's day and calendar, check-ins, a sick report with its
re-plan, the day's attendance and the month's hours. Each reads PATRONAGE_DATABASE_URL (else
SQLite under ./var/), commits what it changed and says what it wrote; a refused request
prints the reason and exits with 1.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlmodel import Session

from api.commands.planning import parse_day, refusals, town, write
from api.console import append_row, console, machine
from scheduler.dates import check_plan_day
from scheduler.db import session_scope
from scheduler.intake.attendance import Check, record_check
from scheduler.intake.availability import report_sick
from scheduler.intake.calendar import parse_hhmm
from scheduler.intake.orders import Actor
from scheduler.intake.visit_requests import find_visit
from scheduler.models import Caregiver, CheckInKind, Municipality, Role, Service
from scheduler.planning import plan_day
from scheduler.planning.care_changes import sick_report
from scheduler.reports.attendance import day_attendance, monthly_hours
from scheduler.reports.attendance_sheets import caregiver_hours_csv, client_hours_csv, hours_html
from scheduler.reports.caregiver_day import caregiver_day
from scheduler.reports.caregiver_ical import caregiver_calendar, issue_calendar_link
from scheduler.repositories.care import get_caregiver_by_external_id
from scheduler.settings import get_settings

FLAGS = ("late", "missed", "too_short", "far", "open")
app = typer.Typer(help="Home care: caregivers' days, check-ins, sick reports, hours.")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="care")
    root.command("bench-care")(bench_care_command)


def _caregiver(mid: int, external_id: str, session: Session) -> Caregiver:
    found = get_caregiver_by_external_id(mid, external_id, session=session)
    if found is None or found.id is None:
        raise typer.BadParameter(f"no caregiver {external_id!r}", param_hint="CAREGIVER")
    return found


def _moment(municipality: Municipality, day: date, hhmm: str | None) -> datetime:
    """`--at 09:30` on the day, in the municipality's zone; now when not given."""
    if hhmm is None:
        return datetime.now(ZoneInfo("UTC"))
    try:
        wall = parse_hhmm(hhmm)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--at") from None
    return datetime.combine(day, wall, tzinfo=ZoneInfo(municipality.timezone))


@app.command("day")
def day_command(
    caregiver: str = typer.Argument(..., help="The caregiver's external id."),
    day: str = typer.Argument(..., metavar="DATE", help="YYYY-MM-DD."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the day as JSON."),
    ics_file: Path | None = typer.Option(None, "--ics", help="Write the day as iCalendar."),
) -> None:
    """A caregiver's visits in order, with times, address, tasks, notes and partner."""
    when = parse_day(day)
    with refusals(), session_scope() as session:
        mid = town(municipality, session).id or 0
        carer = _caregiver(mid, caregiver, session)
        plan = caregiver_day(mid, carer.id or 0, when, session=session)
        ics = caregiver_calendar(mid, carer.id or 0, when, when, session=session)
    out = console()
    version = f"plan v{plan.plan_version}" if plan.plan_version else "no plan yet"
    out.print(f"[bold]{plan.name}[/bold] ({plan.caregiver}) on {when}: {version}")
    for v in plan.visits:
        partner = f", with {v.partner}" if v.partner else ""
        lunch = f", bring lunch {v.lunch}" if v.lunch else ""
        out.print(f"  {v.start}-{v.end}  {v.external_id}  {v.client}, {v.address}{partner}{lunch}")
        if v.tasks or v.notes:
            out.print(f"               {v.tasks} {v.notes}".rstrip())
    if plan.lunch_break:
        out.print(f"  {plan.lunch_break[0]}-{plan.lunch_break[1]}  lunch break")
    write(json_file, json.dumps(plan.to_dict(), ensure_ascii=False, indent=1), "Day")
    if ics_file is not None:
        ics_file.parent.mkdir(parents=True, exist_ok=True)
        ics_file.write_bytes(ics)
        out.print(f"Calendar written to {ics_file}")


@app.command("link")
def link_command(
    caregiver: str = typer.Argument(..., help="The caregiver's external id."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
) -> None:
    """A new private calendar link for the caregiver's phone (the old one stops working)."""
    with refusals(), session_scope() as session:
        mid = town(municipality, session).id or 0
        token = issue_calendar_link(mid, _caregiver(mid, caregiver, session).id or 0,
                                    session=session)  # fmt: skip
    console().print(f"Calendar token (shown once): {token}")


@app.command("check")
def check_command(
    visit: str = typer.Argument(..., help="The visit's external id."),
    caregiver: str = typer.Argument(..., help="The caregiver's external id."),
    kind: CheckInKind = typer.Argument(..., help="in or out."),
    day: str = typer.Option(..., "--date", help="The visit's date, YYYY-MM-DD."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    at: str | None = typer.Option(None, "--at", help="HH:MM that day [now]."),
) -> None:
    """Check a caregiver in or out of a visit, as the phone does."""
    when = parse_day(day)
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        mid = found.id or 0
        carer = _caregiver(mid, caregiver, session)
        row = find_visit(mid, visit, when, session=session)
        moment = _moment(found, when, at)
        key = f"cli-{visit}-{caregiver}-{kind}-{moment:%Y%m%d%H%M}"[:64]
        check = Check(row.id or 0, carer.id or 0, kind, moment, key)
        _, new = record_check(mid, check, session=session, actor=f"cli:{caregiver}")
    console().print(f"{caregiver} checked {kind} on {visit}" + ("" if new else " (already)"))


@app.command("sick")
def sick_command(
    caregiver: str = typer.Argument(..., help="The caregiver's external id."),
    day: str = typer.Option(..., "--date", help="The date, YYYY-MM-DD."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    since: str | None = typer.Option(None, "--from", help="Sick from HH:MM that day."),
    at: str | None = typer.Option(None, "--at", help="Re-plan as if it were HH:MM [now]."),
    time_limit: float = typer.Option(5.0, "--time-limit", help="Solver seconds."),
) -> None:
    """Report a caregiver sick, re-plan the rest of the day and say what moved to whom."""
    when = parse_day(day)
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        mid = found.id or 0
        carer = _caregiver(mid, caregiver, session)
        moment = _moment(found, when, at)
        check_plan_day(found, when, get_settings(), field="--date", now=moment)
        start = parse_hhmm(since) if since else None
        by = Actor("cli", Role.dispatcher, now=moment)
        report_sick(mid, carer.id or 0, when, session=session, by=by, from_time=start)
        session.commit()
        # No live bar: its thread would make the solver start through a forkserver, whose
        # start-up can eat a short re-plan budget on a busy machine.
        console().print(f"Re-planning care on {when} ({time_limit:g} s)")
        plan_day(mid, when, Service.care, session=session, time_limit=time_limit,
                 reason="caregiver.sick", now=moment)  # fmt: skip
        session.commit()
        report = sick_report(mid, carer.id or 0, when, session=session)
    if report is None:
        console().print("No earlier plan of the day to compare with: the day was planned anew.")
        return
    for kept in report.kept:
        console().print(f"[green]kept[/green] {kept.sentence()}")
    for line in report.lines():
        console().print(line)


@app.command("attendance")
def attendance_command(
    day: str = typer.Argument(..., metavar="DATE", help="YYYY-MM-DD."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    at: str | None = typer.Option(None, "--at", help="As seen at HH:MM that day [now]."),
) -> None:
    """The day's visits with their check-ins: late, missed, too short, far from the door."""
    when = parse_day(day)
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        rows = day_attendance(found.id or 0, when, session=session,
                              now=_moment(found, when, at))  # fmt: skip
    table = Table(title=f"Visits on {when}", title_justify="left")
    for column in ("visit", "client", "window", "checked", "minutes", "flags"):
        table.add_column(column)
    for r in rows:
        flags = [
            name for name in ("late", "missed", "too_short", "far", "open") if getattr(r, name)
        ]
        checked = "; ".join(f"{p.caregiver} {p.checked_in}-{p.checked_out or '?'}"
                            for p in r.presences)  # fmt: skip
        table.add_row(r.external_id, r.client, r.window, checked, str(r.minutes), " ".join(flags))
    console().print(table)


@app.command("hours")
def hours_command(
    month: str = typer.Argument(..., metavar="MONTH", help="YYYY-MM."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    clients_csv: Path | None = typer.Option(None, "--clients-csv", help="One row per client."),
    caregivers_csv: Path | None = typer.Option(None, "--caregivers-csv", help="Per caregiver."),
    html_file: Path | None = typer.Option(None, "--html", help="A printable page."),
) -> None:
    """Monthly hours of home care per client and per caregiver, from check-ins."""
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        figures = monthly_hours(found.id or 0, month, session=session)
    console().print(
        f"{month}: {figures.client_minutes / 60:.2f} h of care given, "
        f"{figures.caregiver_minutes / 60:.2f} h by {len(figures.caregivers)} caregivers who "
        f"checked in; {len(figures.clients)} clients had visits"
    )
    write(clients_csv, client_hours_csv(figures), "Clients' hours")
    write(caregivers_csv, caregiver_hours_csv(figures), "Caregivers' hours")
    page = hours_html(figures, municipality=found.name, locale=found.locale)
    write(html_file, page, "Printable page")


def bench_care_command(
    visits: int = typer.Option(300, min=1, help="Visits on the benchmark day."),
    caregivers: int = typer.Option(40, min=2, help="Caregivers."),
    time_limit: float = typer.Option(20.0, "--time-limit", help="Solver seconds."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated town."),
    folder: Path | None = typer.Option(None, help="Keep the database here [a temporary dir]."),
    record: Path | None = typer.Option(None, "--record", help="Append the row to this file."),
) -> None:
    """Time a generated municipality's care day from the freeze to the stored plan."""
    from scheduler.lab.bench_care import markdown, run_care_bench

    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        console().print(f"Setting up in {where} (not timed), then planning ({time_limit:g} s)")
        # No live bar (as bench-meals): its thread would make the solver start its searches
        # through a forkserver, and the benchmark would time that start-up, not the work.
        r = run_care_bench(
            where,
            visits=visits,
            caregivers=caregivers,
            seed=seed,
            time_limit=time_limit,
            note=lambda line: console().print(f"  {line}"),
        )
    verdict = "[green]meets[/green]" if r.meets_target else "[red]misses[/red]"
    console().print(
        f"{r.visits} visits ({r.jobs} jobs) and {r.caregivers} caregivers on {r.day}: freeze "
        f"{r.freeze_s:.2f} s, plan {r.plan_s:.1f} s, total {r.total_s:.1f} s; late "
        f"{r.late_min:.0f} min; continuity {r.continuity:.0%} of {r.preferred}; "
        f"{r.served} visits served, {r.unassigned} unassigned {r.reasons}; "
        f"{len(r.violations)} hard constraints broken; "
        f"{verdict} the target (< 30 s, every hard constraint held)"
    )
    for line in r.violations[:10]:
        console().print(f"  [red]broken[/red] {line}")
    if record is not None:
        append_row(record, markdown(r, machine()))
