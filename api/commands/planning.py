"""`patronage plan`, `kitchen`, `statement` and `bench-meals`: the meal day from the shell.

Other systems script these commands, so their names, arguments and JSON shapes are fixed
(issue 5). Each reads PATRONAGE_DATABASE_URL (else SQLite under ./var/), commits what it
changed, and says what it wrote. A refused request prints the reason and exits with 1.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from pydantic import TypeAdapter
from rich.table import Table
from sqlmodel import Session

from api.console import append_row, console, machine, progress, said, speak_for
from api.i18n import Translator
from api.problems import cutoff_words
from scheduler.dates import plan_window
from scheduler.db import session_scope
from scheduler.errors import CutoffPassedError, DomainError, InvalidInputError, NotFoundError
from scheduler.intake.cutoff import freeze_day
from scheduler.models import Municipality, PlanVersion, Service
from scheduler.models.fields import EARLIEST_DAY, LATEST_DAY, Day
from scheduler.planning import plan_day
from scheduler.planning.care_export import care_version_to_dict
from scheduler.planning.export import version_to_dict
from scheduler.reports.kitchen import KitchenDay, kitchen_day
from scheduler.reports.kitchen_sheets import kitchen_csv, kitchen_html
from scheduler.reports.pdf import html_to_pdf
from scheduler.reports.statement_sheets import statement_dict, statements_csv, statements_html
from scheduler.reports.statements import Statement, month_bounds, month_statements
from scheduler.repositories.clients import get_client_by_external_id
from scheduler.repositories.plans import unassigned_of
from scheduler.repositories.tenancy import get_municipality_by_name
from scheduler.roads.choice import road_source
from scheduler.settings import get_settings
from scheduler.wording import N_, Said

if TYPE_CHECKING:
    from scheduler.lab.synthetic import TownSize

T = TypeVar("T")
SHOWN = 20  # unassigned stops printed; the JSON has them all


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
    app.command("kitchen")(kitchen_command)
    app.command("statement")(statement_command)
    app.command("bench-meals")(bench_meals_command)


@contextmanager
def refusals() -> Iterator[None]:
    """A refused request (bad date, unknown town, not frozen...) as a message and exit 1."""
    try:
        yield
    except DomainError as exc:
        console().print(refusal_words(exc, said()), style="red", markup=False)
        raise typer.Exit(code=1) from None


NOT_FOUND = {
    "user": N_("There is no user %(key)s."),
    "driver": N_("There is no driver %(key)s."),
    "caregiver": N_("There is no caregiver %(key)s."),
    "client": N_("There is no client %(key)s."),
    "municipality": N_("There is no municipality %(key)s."),
}


def refusal_words(exc: DomainError, t: Translator) -> str:
    """Why a change was refused, in the office's words. What is missing and a passed cut-off
    are worded whole; a wrong field is named with its reason in the office's words."""
    if isinstance(exc, NotFoundError):
        message = NOT_FOUND.get(exc.entity, N_("Not found: %(key)s."))
        return t.gettext(message) % {"key": repr(exc.key)}
    if isinstance(exc, CutoffPassedError):
        return cutoff_words(exc, t)
    if isinstance(exc, InvalidInputError):
        why = "; ".join(f"{p.field}: {p.words(t)}" for p in exc.problems)
        return t.gettext("Refused: %(why)s") % {"why": why}
    return t.gettext("Refused: %(why)s") % {"why": exc}


def refuse(message: str) -> NoReturn:
    """Say why the command stops, in the office's words, and exit with 2 as a bad parameter
    does (Click's own usage frame would be English)."""
    console().print(message, style="red", markup=False)
    raise typer.Exit(code=2)


def check_day(found: Municipality, day: date, field: str, now: datetime | None = None) -> None:
    """Refuse (exit 1), in the office's words, a day outside the window that can be planned."""
    first, last = plan_window(found, get_settings(), now)
    if not first <= day <= last:
        t = said()
        outside = t.gettext(
            "%(field)s: %(day)s is outside the days that can be planned now (%(first)s to %(last)s)"
        )
        values = {"field": field, "day": t.short_day(day), "first": t.short_day(first),
                  "last": t.short_day(last)}  # fmt: skip
        console().print(outside % values, style="red", markup=False)
        raise typer.Exit(code=1)


def parse_month(text: str) -> str:
    """A month from the command line, YYYY-MM, refused in the office's words."""
    try:
        month_bounds(text)
    except InvalidInputError:
        refuse(said().gettext("expected a month as YYYY-MM, got %(text)s") % {"text": repr(text)})
    return text


_DAY: TypeAdapter[date] = TypeAdapter(Day)


def parse_day(text: str) -> date:
    """A date from the command line, held to the same bounds as every other door's."""
    try:
        return _DAY.validate_python(date.fromisoformat(text))
    except ValueError:
        expected = said().gettext(
            "expected a date as YYYY-MM-DD from %(first)s to %(last)s, got %(text)s"
        )
        values = {"first": EARLIEST_DAY, "last": LATEST_DAY, "text": repr(text)}
        refuse(expected % values)


def town(name: str, session: Session, language: str | None = None) -> Municipality:
    """The municipality by name; from here on the command speaks its office's language (or
    `language`, the user's `--lang`)."""
    found = get_municipality_by_name(name, session=session)
    if found is None or found.id is None:
        unknown = said().gettext("no municipality named %(name)s") % {"name": repr(name)}
        refuse(unknown)
    speak_for(found.locale, found.timezone, language)
    return found


def written(path: Path, what: str) -> None:
    """Say that `what` (a catalog message, marked with N_) was written to `path`."""
    t = said()
    console().print(t.gettext("%(what)s: written to %(path)s") % {"what": t.gettext(what),
                                                                "path": path})  # fmt: skip


def write(path: Path | None, text: str, what: str) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    written(path, what)


def write_pdf(path: Path | None, html: str, what: str) -> None:
    """Lay `html` out as a PDF into `path` (nothing when no path is given)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html_to_pdf(html))
    written(path, what)


def with_bar(label: str, seconds: float, work: Callable[[], T]) -> T:
    """Run `work` in a thread while a bar fills over its expected `seconds`."""
    values: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            values.append(work())
        except BaseException as exc:  # handed back to the caller's thread below
            errors.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    started = time.monotonic()
    with progress() as bar:
        task = bar.add_task(label, total=round(seconds, 1))
        thread.start()
        while thread.is_alive():
            thread.join(0.2)
            bar.update(task, completed=min(time.monotonic() - started, seconds))
        bar.update(task, completed=seconds)
    if errors:
        raise errors[0]
    return values[0]


def plan_command(
    day: str = typer.Argument(..., metavar="DATE", help="The date to plan, YYYY-MM-DD."),
    service: Service = typer.Option("meals", "--service", help="meals (care: home-care visits)."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the plan (FORMAT.md)."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Solver seconds."),
) -> None:
    """Freeze the date if it is not frozen yet, plan it and store the plan version."""
    limit = time_limit or get_settings().solve_time_limit_s
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        when = parse_day(day)
        mid = found.id or 0
        check_day(found, when, "DATE")
        freeze = freeze_day(mid, when, service, session=session, reason="patronage plan")
        session.commit()  # the freeze stands even if planning fails
        t = said()
        label = t.gettext("Planning %(service)s on %(day)s (%(n)s orders)") % {
            "service": t.gettext(service),
            "day": t.short_day(when),
            "n": freeze.item_count,
        }
        version = with_bar(
            label,
            limit,
            lambda: plan_day(mid, when, service, session=session, time_limit=limit,
                             reason="patronage plan"),
        )  # fmt: skip
        export = care_version_to_dict if service == "care" else version_to_dict
        data = export(mid, version, session=session)
        left = {u.job_id: Said.from_json(u.detail or {})
                for u in unassigned_of(mid, version.id or 0, session=session)}  # fmt: skip
    print_plan(version, data, t, left)
    source = _road_words(road_source(mid, get_settings()), t)
    console().print(t.gettext("Travel times: %(source)s") % {"source": source})
    write(json_file, json.dumps(data, ensure_ascii=False, indent=1), N_("The plan"))


def _road_words(source: str, t: Translator) -> str:
    """`road_source`'s answer in the office's words (a build id or a URL stays as it is)."""
    build = source.removeprefix("road graph ")
    if build != source:
        return t.gettext("road graph %(build)s") % {"build": build}
    return t.gettext("straight lines") if source == "straight lines" else source


PLAN_SUMMARY = N_(
    "Plan v%(version)s of %(service)s on %(day)s: %(stops)s stops on %(routes)s routes, "
    "%(km)s km, late %(late)s s, longest ride %(ride)s min, %(unassigned)s not planned, "
    "%(moved)s moved, solved in %(seconds)s s"
)
ROUTE_COLUMNS = (N_("Vehicle"), N_("Trips"), N_("Stops"), N_("Leaves"), N_("Back"), N_("km"))


def print_plan(
    version: PlanVersion,
    data: dict[str, Any],
    t: Translator | None = None,
    left: dict[str, Said | None] | None = None,
) -> None:
    """The plan's summary, its routes and why each stop left out was (in `t`'s words)."""
    t = t or said()
    s = data["summary"]
    out = console()
    out.print(t.gettext(PLAN_SUMMARY) % {
        "version": version.version, "service": t.gettext(data["plan"]["service"]),
        "day": t.short_day(date.fromisoformat(data["plan"]["day"])), "stops": s["assigned"],
        "routes": s["routes"], "km": t.number(s["distance"] / 1000, 1), "late": s["late"],
        "ride": t.number(s["max_ride_s"] / 60), "unassigned": s["unassigned"],
        "moved": version.moved_stops, "seconds": t.number(version.solve_seconds, 1),
    }, markup=False)  # fmt: skip
    table = Table(title=t.gettext("Routes"), title_justify="left")
    care = data["plan"]["service"] == Service.care
    for n, column in enumerate(ROUTE_COLUMNS):
        column = N_("Caregiver") if care and not n else column
        table.add_column(t.gettext(column), justify="right" if n else "left")
    for route in data["routes"]:
        steps = route["steps"]
        trips = sum(1 for st in steps if st["type"] in ("start", "reload"))
        stops = sum(1 for st in steps if st["type"] == "job")
        table.add_row(
            route["vehicle"],
            str(trips),
            str(stops),
            steps[0]["etd"],
            steps[-1]["eta"],
            t.number(route["distance"] / 1000, 1),
        )
    out.print(table)
    for u in data["unassigned"][:SHOWN]:
        why = (left or {}).get(u["id"])
        text = why.words(t) if why is not None else u["explanation"]
        out.print(f"[yellow]{t.gettext('Not planned')}[/yellow] {u['id']}: {text}")
    if len(data["unassigned"]) > SHOWN:
        more = t.gettext("... and %(n)s more not planned (see --json)")
        out.print(more % {"n": len(data["unassigned"]) - SHOWN})


def kitchen_command(
    day: str = typer.Argument(..., metavar="DATE", help="The date, YYYY-MM-DD (frozen)."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the batches as JSON."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write the batches as CSV."),
    html_file: Path | None = typer.Option(None, "--html", help="Write printable A4 pages."),
    pdf_file: Path | None = typer.Option(None, "--pdf", help="Write the A4 pages as a PDF."),
) -> None:
    """Portions per diet per kitchen, departure wave and van; packing lists and labels."""
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        when = parse_day(day)
        sheets = kitchen_day(found.id or 0, when, session=session)
    t = said()
    print_kitchen(sheets, t)
    write(json_file, json.dumps(sheets.to_dict(), ensure_ascii=False, indent=1), N_("Batches"))
    write(csv_file, kitchen_csv(sheets, t), N_("CSV"))
    write(html_file, kitchen_html(sheets, t), N_("Printable pages"))
    write_pdf(pdf_file, kitchen_html(sheets, t) if pdf_file else "", N_("PDF"))


def print_kitchen(sheets: KitchenDay, t: Translator) -> None:
    out, _ = console(), t.gettext
    if not sheets.plan_is_current:
        warn = _("Orders changed after the last plan: re-plan before loading.")
        out.print(f"[yellow]{warn}[/yellow]")
    for k in sheets.kitchens:
        title = _("%(kitchen)s: cook %(n)s") % {"kitchen": k.name, "n": sum(k.cook.values())}
        table = Table(title=title, title_justify="left")
        table.add_column(_("Departs"))
        diets = list(k.cook)
        for diet in diets:
            table.add_column(_(diet), justify="right")
        table.add_column(_("Vans"))
        for w in k.waves:
            table.add_row(
                w.departure,
                *(str(w.portions.get(d, 0)) for d in diets),
                ", ".join(f"{v.vehicle}/{v.trip}" for v in w.vans),
            )
        table.add_row(_("Cook"), *(str(k.cook[d]) for d in diets), _("with spare"))
        if k.unrouted:
            table.add_row(_("Not on a van"), *(str(k.unrouted.get(d, 0)) for d in diets), "")
        out.print(table)
    for p in sheets.points:
        out.print(f"{p.name}: " + ", ".join(f"{_(d)} {n}" for d, n in p.portions.items()))


def statement_command(
    month: str = typer.Argument(..., metavar="MONTH", help="The month, YYYY-MM."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    client: str | None = typer.Option(None, "--client", help="One client's external id."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the statements as JSON."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write one row per client."),
    html_file: Path | None = typer.Option(None, "--html", help="Write one A4 page per client."),
    pdf_file: Path | None = typer.Option(None, "--pdf", help="Write the A4 pages as a PDF."),
) -> None:
    """Per client: meals delivered, not at home, refused, cancelled in time and late; fees."""
    with refusals(), session_scope() as session:
        found = town(municipality, session)
        mid = found.id or 0
        client_id = None
        if client is not None:
            row = get_client_by_external_id(mid, client, session=session)
            if row is None:
                unknown = said().gettext("no client %(id)s") % {"id": repr(client)}
                refuse(unknown)
            client_id = row.id
        month = parse_month(month)
        statements = month_statements(mid, month, session=session, client_id=client_id)
    t = said()
    print_statements(statements, t)
    data = [statement_dict(s) for s in statements]
    write(json_file, json.dumps(data, ensure_ascii=False, indent=1), N_("Statements"))
    write(csv_file, statements_csv(statements, t), N_("CSV"))
    page = statements_html(statements, municipality=found.name, locale=found.locale, words=t)
    write(html_file, page, N_("Printable pages"))
    write_pdf(pdf_file, page, N_("PDF"))


def print_statements(statements: list[Statement], t: Translator) -> None:
    _ = t.gettext
    table = Table(title=_("Meal statements"), title_justify="left")
    names = (_("Client"), _("Delivered"), _("Portions"), _("Not at home"), _("Refused"),
             _("Cancelled in time"), _("Cancelled late"), _("Fee"))  # fmt: skip
    for i, name in enumerate(names):
        table.add_column(name, justify="left" if i == 0 else "right")
    for s in statements:
        n = s.totals()
        table.add_row(
            s.client_id,
            str(n["delivered_days"]),
            str(n["delivered_portions"]),
            str(n["not_home_days"]),
            str(n["refused_days"]),
            str(n["cancelled_days"]),
            str(n["cancelled_late_days"]),
            t.money(n["fee_cents"], s.currency),
        )
    console().print(table)


def bench_meals_command(
    time_limit: float = typer.Option(20.0, "--time-limit", help="Solver seconds."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated town."),
    clients: int = typer.Option(600, min=1, help="Meal clients."),
    vans: int = typer.Option(16, min=1, help="Vans (MEALS_BENCHMARK: shared by work)."),
    kitchens: int = typer.Option(2, min=1, max=5, help="Kitchens (Kazanlak: 1-2, Sofia: 1-5)."),
    area: str = typer.Option(
        "kazanlak", "--area", help="kazanlak (the town day) or sofia (the city day)."
    ),
    folder: Path | None = typer.Option(None, help="Keep the database here [a temporary dir]."),
    record: Path | None = typer.Option(None, "--record", help="Append the row to this file."),
    problem_json: Path | None = typer.Option(
        None, "--problem-json", help="Also write the day's routing problem (FORMAT.md) here."
    ),
    fleet: bool = typer.Option(
        False, "--fleet", help="Size the fleet of the day (patronage fleet) instead of planning."
    ),
) -> None:
    """Time a generated municipality's meal day from frozen orders to plan and kitchen sheets."""
    from scheduler.lab.bench_meals import markdown, run_meal_bench
    from scheduler.lab.synthetic import MEALS_BENCHMARK, TownSize

    try:
        size = TownSize(
            clients=clients,
            vans=vans,
            kitchens=kitchens,
            caregivers=MEALS_BENCHMARK.caregivers,
            visits=MEALS_BENCHMARK.visits,
            area=area,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    if fleet:
        bench_fleet(size, seed, time_limit, folder, record)
        return
    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        console().print(f"Setting up in {where} (not timed), then planning ({time_limit:g} s)")
        # No live bar here: its refresh thread would make the solver start its searches
        # through a forkserver, and the benchmark would time that start-up, not the work.
        result = run_meal_bench(
            where, size=size, seed=seed, time_limit=time_limit,
            note=lambda line: console().print(f"  {line}"), problem_json=problem_json,
        )  # fmt: skip
    r = result
    verdict = "[green]meets[/green]" if r.meets_target else "[red]misses[/red]"
    console().print(
        f"{r.jobs} deliveries ({r.portions} portions) on {r.day}: plan {r.plan_s:.1f} s, "
        f"kitchen sheets {r.kitchen_s:.2f} s, total {r.total_s:.1f} s; {r.distance_km:.1f} km, "
        f"late {r.late_s} s, longest ride {r.longest_ride_min:.0f} min (limit "
        f"{r.ride_limit_min}), {r.over_ride_limit} over the limit, {r.unassigned} unassigned, "
        f"{r.routes} routes / {r.trips} trips; peak memory {r.peak_mb:.0f} MB; {verdict} the "
        f"target (<= {r.target_s:g} s, none over the ride limit, none unassigned)"
    )
    if record is not None:
        append_row(record, markdown(r, machine()))


def bench_fleet(
    size: TownSize, seed: int, budget: float, folder: Path | None, record: Path | None
) -> None:
    """`patronage fleet` on the benchmark day, each solve within `budget` (--time-limit)."""
    from api.fleet_report import print_answer
    from api.i18n import Translator
    from scheduler.lab.bench_meals import fleet_markdown, run_fleet_bench

    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        console().print(f"Setting up in {where} (not timed), then sizing ({budget:g} s a solve)")
        answer = run_fleet_bench(
            where, size=size, seed=seed, budget=budget, note=lambda line: console().print(line)
        )
    print_answer(answer, Translator("en", "UTC"))
    if record is not None:
        append_row(record, fleet_markdown(answer, size, budget, machine()))
