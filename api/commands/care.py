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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.progress import Progress
from rich.table import Table
from sqlmodel import Session

from api.commands.planning import (
    check_day,
    parse_day,
    parse_month,
    refusals,
    refuse,
    town,
    write,
    write_pdf,
    written,
)
from api.console import append_row, console, machine, said
from api.i18n import Translator
from scheduler.db import session_scope
from scheduler.intake.attendance import Check, record_check
from scheduler.intake.availability import report_sick
from scheduler.intake.calendar import parse_hhmm
from scheduler.intake.orders import Actor
from scheduler.intake.rules import set_care_balance_weight
from scheduler.intake.visit_requests import find_visit
from scheduler.models import Caregiver, CheckInKind, Municipality, Role, Service
from scheduler.planning import plan_day
from scheduler.planning.care_changes import sick_report
from scheduler.planning.week import plan_week
from scheduler.reports.attendance import day_attendance, monthly_hours
from scheduler.reports.attendance_sheets import caregiver_hours_csv, client_hours_csv, hours_html
from scheduler.reports.caregiver_day import caregiver_day
from scheduler.reports.caregiver_ical import caregiver_calendar, issue_calendar_link
from scheduler.repositories.care import get_caregiver_by_external_id
from scheduler.views.care_week import care_week
from scheduler.views.workload import care_workload
from scheduler.wording import N_

FLAGS = ("late", "missed", "too_short", "far", "open")
FLAG_WORDS = {"late": N_("late"), "missed": N_("missed"), "too_short": N_("too short"),
              "far": N_("far from the door"), "open": N_("not checked out")}  # fmt: skip
ATTENDANCE_COLUMNS = (N_("Visit"), N_("Client"), N_("Window"), N_("Checked"), N_("Minutes"),
                      N_("Flags"))  # fmt: skip
app = typer.Typer(help="Home care: caregivers' days, check-ins, sick reports, hours.")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="care")
    root.command("bench-care")(bench_care_command)
    root.command("bench-care-week")(bench_care_week_command)


def _caregiver(mid: int, external_id: str, session: Session) -> Caregiver:
    found = get_caregiver_by_external_id(mid, external_id, session=session)
    if found is None or found.id is None:
        unknown = said().gettext("no caregiver %(id)s") % {"id": repr(external_id)}
        refuse(unknown)
    return found


def _moment(municipality: Municipality, day: date, hhmm: str | None) -> datetime:
    """`--at 09:30` on the day, in the municipality's zone; now when not given."""
    if hhmm is None:
        return datetime.now(ZoneInfo("UTC"))
    try:
        wall = parse_hhmm(hhmm)
    except ValueError:
        expected = said().gettext("expected a time as HH:MM for --at, got %(text)s")
        refuse(expected % {"text": repr(hhmm)})
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
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        when = parse_day(day)
        mid = found.id or 0
        carer = _caregiver(mid, caregiver, session)
        plan = caregiver_day(mid, carer.id or 0, when, session=session)
        ics = caregiver_calendar(mid, carer.id or 0, when, when, session=session)
    out = console()
    t = said()
    _ = t.gettext
    version = _("no plan yet")
    if plan.plan_version:
        version = _("plan v%(n)s") % {"n": plan.plan_version}
    out.print(f"[bold]{plan.name}[/bold] ({plan.caregiver}), {t.day(when)}: {version}")
    for v in plan.visits:
        partner = ", " + _("with %(name)s") % {"name": v.partner} if v.partner else ""
        lunch = ", " + _("bring lunch %(lunch)s") % {"lunch": v.lunch} if v.lunch else ""
        out.print(f"  {v.start}-{v.end}  {v.external_id}  {v.client}, {v.address}{partner}{lunch}")
        if v.tasks or v.notes:
            out.print(f"               {v.tasks} {v.notes}".rstrip())
    if plan.lunch_break:
        out.print(f"  {plan.lunch_break[0]}-{plan.lunch_break[1]}  {_('lunch break')}")
    write(json_file, json.dumps(plan.to_dict(), ensure_ascii=False, indent=1), N_("Day"))
    if ics_file is not None:
        ics_file.parent.mkdir(parents=True, exist_ok=True)
        ics_file.write_bytes(ics)
        written(ics_file, N_("Calendar"))


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
    shown = said().gettext("Calendar token (shown once): %(token)s") % {"token": token}
    console().print(shown, markup=False)


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
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        when = parse_day(day)
        mid = found.id or 0
        carer = _caregiver(mid, caregiver, session)
        row = find_visit(mid, visit, when, session=session)
        moment = _moment(found, when, at)
        key = f"cli-{visit}-{caregiver}-{kind}-{moment:%Y%m%d%H%M}"[:64]
        check = Check(row.id or 0, carer.id or 0, kind, moment, key)
        _, new = record_check(mid, check, session=session, actor=f"cli:{caregiver}")
    t = said()
    done = (t.gettext("%(caregiver)s checked in to %(visit)s") if kind == CheckInKind.in_
            else t.gettext("%(caregiver)s checked out of %(visit)s"))  # fmt: skip
    again = "" if new else " " + t.gettext("(already recorded)")
    console().print(done % {"caregiver": caregiver, "visit": visit} + again, markup=False)


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
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        when = parse_day(day)
        mid = found.id or 0
        carer = _caregiver(mid, caregiver, session)
        moment = _moment(found, when, at)
        check_day(found, when, "--date", now=moment)
        start = parse_hhmm(since) if since else None
        by = Actor("cli", Role.dispatcher, now=moment)
        report_sick(mid, carer.id or 0, when, session=session, by=by, from_time=start)
        session.commit()
        # No live bar: its thread would make the solver start through a forkserver, whose
        # start-up can eat a short re-plan budget on a busy machine.
        t = said()
        replanning = t.gettext("Re-planning care on %(day)s (%(seconds)s s)")
        console().print(replanning % {"day": t.short_day(when), "seconds": f"{time_limit:g}"})
        plan_day(mid, when, Service.care, session=session, time_limit=time_limit,
                 reason="caregiver.sick", now=moment)  # fmt: skip
        session.commit()
        report = sick_report(mid, carer.id or 0, when, session=session)
    if report is None:
        console().print(
            t.gettext("No earlier plan of the day to compare with: the day was planned anew.")
        )
        return
    for kept in report.kept:
        console().print(f"[green]{t.gettext('kept')}[/green] {kept.sentence(t)}")
    for line in report.lines(t):
        console().print(line, markup=False)


@app.command("attendance")
def attendance_command(
    day: str = typer.Argument(..., metavar="DATE", help="YYYY-MM-DD."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    at: str | None = typer.Option(None, "--at", help="As seen at HH:MM that day [now]."),
) -> None:
    """The day's visits with their check-ins: late, missed, too short, far from the door."""
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        when = parse_day(day)
        rows = day_attendance(found.id or 0, when, session=session,
                              now=_moment(found, when, at))  # fmt: skip
    t = said()
    title = t.gettext("Visits on %(day)s") % {"day": t.short_day(when)}
    table = Table(title=title, title_justify="left")
    for column in ATTENDANCE_COLUMNS:
        table.add_column(t.gettext(column))
    for r in rows:
        flags = [t.gettext(FLAG_WORDS[name]) for name in FLAGS if getattr(r, name)]
        checked = "; ".join(f"{p.caregiver} {p.checked_in}-{p.checked_out or '?'}"
                            for p in r.presences)  # fmt: skip
        table.add_row(r.external_id, r.client, r.window, checked, str(r.minutes), " ".join(flags))
    console().print(table)


@app.command("fairness")
def fairness_command(
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    weight: int | None = typer.Option(
        None, "--weight", help="0 (least time in all) to 100; weight of the longest day."
    ),
    day: str | None = typer.Option(None, "--date", help="Show that day's longest and shortest."),
) -> None:
    """Show or set how evenly care plans share the work between caregivers."""
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        t = said()
        mid = found.id or 0
        if weight is not None:
            set_care_balance_weight(mid, weight, session=session, actor="cli")
            session.commit()
        console().print(
            t.gettext("Fairness weight: %(weight)d") % {"weight": found.care_balance_weight}
        )
        if day is None:
            return
        shown = care_workload(mid, parse_day(day), session=session)
    if shown is None:
        console().print(t.gettext("No care plan with visits on %(day)s.") % {"day": day})
        return
    for label, part in (("Longest day", shown.longest), ("shortest day", shown.shortest)):
        console().print(f"{t.gettext(label)}: {part.caregiver}, {_span(t, part.minutes)}")


def _span(t: Translator, minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return t.gettext("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}


@app.command("week")
def week_command(
    day: str = typer.Argument(..., metavar="DATE", help="Any day of the week, YYYY-MM-DD."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Solver seconds per day."),
    show: bool = typer.Option(False, "--show", help="Only show the week, plan nothing."),
) -> None:
    """Plan a caregiver week, Monday first (each day keeps the week's caregivers and weekly
    limits), then show each caregiver's minutes per day and the clients kept."""
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        when = parse_day(day)
        t = said()
        mid = found.id or 0
        if not show:
            with Progress(console=console()) as bar:
                task = bar.add_task(t.gettext("Planning the week"), total=7)
                plan_week(mid, when, session=session, time_limit=time_limit,
                          note=lambda _d, _v: bar.advance(task))  # fmt: skip
        week = care_week(mid, when, session=session)
    title = f"{t.gettext('Care week')} {t.short_day(week.days[0])}"
    table = Table(title=title, title_justify="left")
    heads = (t.gettext("Caregiver"), *map(t.weekday, week.days), t.gettext("Week"))
    for column in (*heads, t.gettext("Limit")):
        table.add_column(column)
    for c in week.caregivers:
        cells = [_span(t, m) if m else "-" for m in c.minutes]
        limit = _span(t, c.limit) if c.limit else "-"
        table.add_row(c.caregiver, *cells, _span(t, c.total), limit)
    console().print(table)
    kept = t.number(100 * week.continuity) + " %" if week.continuity is not None else "-"
    console().print(f"{t.gettext('Recurring visits made by the same caregiver all week')}: {kept}")
    console().print(f"{t.gettext('Visits not planned this week')}: {sum(week.unassigned)}")


@app.command("hours")
def hours_command(
    month: str = typer.Argument(..., metavar="MONTH", help="YYYY-MM."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    clients_csv: Path | None = typer.Option(None, "--clients-csv", help="One row per client."),
    caregivers_csv: Path | None = typer.Option(None, "--caregivers-csv", help="Per caregiver."),
    html_file: Path | None = typer.Option(None, "--html", help="A printable page."),
    pdf_file: Path | None = typer.Option(None, "--pdf", help="The printable page as a PDF."),
) -> None:
    """Monthly hours of home care per client and per caregiver, from check-ins."""
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        figures = monthly_hours(found.id or 0, parse_month(month), session=session)
    t = said()
    summary = t.gettext(
        "%(month)s: %(given)s h of care given, %(worked)s h by %(caregivers)s caregivers who "
        "checked in; %(clients)s clients had visits"
    )
    console().print(
        summary
        % {
            "month": t.month(month),
            "given": t.number(figures.client_minutes / 60, places=2),
            "worked": t.number(figures.caregiver_minutes / 60, places=2),
            "caregivers": len(figures.caregivers),
            "clients": len(figures.clients),
        }
    )
    write(clients_csv, client_hours_csv(figures, t), N_("Clients' hours"))
    write(caregivers_csv, caregiver_hours_csv(figures, t), N_("Caregivers' hours"))
    page = hours_html(figures, municipality=found.name, locale=found.locale, words=t)
    write(html_file, page, N_("Printable page"))
    write_pdf(pdf_file, page, N_("PDF"))


@contextmanager
def bench_folder(folder: Path | None) -> Iterator[Path]:
    """Where a benchmark keeps its database: `folder` (kept), else a scratch folder (removed)."""
    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        yield where


def bench_care_command(
    visits: int = typer.Option(300, min=1, help="Visits on the benchmark day."),
    caregivers: int = typer.Option(40, min=2, help="Caregivers."),
    time_limit: float = typer.Option(20.0, "--time-limit", help="Solver seconds."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated town."),
    folder: Path | None = typer.Option(None, help="Keep the database here [a temporary dir]."),
    record: Path | None = typer.Option(None, "--record", help="Append the row to this file."),
    problem_out: Path | None = typer.Option(
        None, "--problem-out", help="Write the day's routing problem (JSON) here."
    ),
) -> None:
    """Time a generated municipality's care day from the freeze to the stored plan."""
    from scheduler.lab.bench_care import markdown, run_care_bench

    with bench_folder(folder) as where:
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
            problem_out=problem_out,
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


def bench_care_week_command(
    visits: int = typer.Option(300, min=1, help="Visits on the Monday."),
    caregivers: int = typer.Option(40, min=2, help="Caregivers."),
    time_limit: float = typer.Option(9.0, "--time-limit", help="Solver seconds per day."),
    week_hours: int = typer.Option(40, "--week-hours", min=1, help="Every caregiver's limit."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated town."),
    folder: Path | None = typer.Option(None, help="Keep the database here [a temporary dir]."),
    record: Path | None = typer.Option(None, "--record", help="Append the row to this file."),
) -> None:
    """Time a generated municipality's care week, Monday to Friday, planned day by day."""
    from scheduler.lab.bench_care_week import markdown, run_week_bench

    with bench_folder(folder) as where:
        console().print(f"Setting up in {where} (not timed), then the week ({time_limit:g} s/day)")
        r = run_week_bench(where, visits=visits, caregivers=caregivers, seed=seed,
                           time_limit=time_limit, week_limit_min=week_hours * 60,
                           note=lambda line: console().print(f"  {line}"))  # fmt: skip
    continuity = f"{r.continuity:.0%}" if r.continuity is not None else "-"
    console().print(
        f"{r.visits} visits on {r.days} days, {r.caregivers} caregivers: {r.total_s:.1f} s; "
        f"unassigned {r.unassigned} ({r.unassigned_share:.1%}); continuity {continuity}; "
        f"longest week {r.longest_min / 60:.1f} h, shortest {r.shortest_min / 60:.1f} h "
        f"(limit {week_hours} h, {r.over_limit} over); {r.violations} hard constraints broken"
    )
    if record is not None:
        append_row(record, markdown(r, machine()))
