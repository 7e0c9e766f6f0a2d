"""The demo: a synthetic municipality taken through the product, one step at a time.

A demo is a list of `DemoStep`s run in order on one `DemoRun`, which carries what earlier steps
produced (the database, the generated town, the import results). Each step is a plain function
`run -> str` that returns one line saying what it did, so the command line can show progress and
later work can append steps (orders, cut-off, plans, kitchen sheets, publishing) to
`default_steps()` without touching the ones before. Every step must be idempotent: running the
demo twice on the same database changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlmodel import Session

from scheduler import migrate
from scheduler.db import session_scope
from scheduler.intake.calendar import local_today
from scheduler.intake.importing import ImportKind, import_file
from scheduler.lab.demo_run import DemoRun as DemoRun  # the demo's public types
from scheduler.lab.demo_run import DemoStep as DemoStep
from scheduler.lab.meal_demo import meal_steps
from scheduler.lab.month_demo import month_steps
from scheduler.lab.synthetic import SyntheticTown, TownSize, generate_town, write_import_files
from scheduler.models import Diet
from scheduler.repositories import care, clients, fleet, tenancy
from scheduler.repositories.common import Change


def create_database(run: DemoRun) -> str:
    migrate.upgrade(run.database_url)
    return "schema at the latest revision"


def generate_files(run: DemoRun) -> str:
    run.town = generate_town(seed=run.seed, size=run.size, name=run.municipality)
    run.files = write_import_files(run.town, run.folder)
    rows = sum(len(r) for r in run.town.rows.values())
    return f"{rows} rows in {len(run.files)} files under {run.folder}"


def import_kind(kind: ImportKind, run: DemoRun) -> str:
    """Import one generated file through the same code as `patronage import`."""
    with session_scope(run.engine) as session:
        result = import_file(
            kind, run.files[kind], municipality=run.municipality, session=session,
            timezone=run.timezone, locale=run.locale, today=run.today, on_progress=run.on_rows,
        )  # fmt: skip
    run.imports.append(result)
    run.municipality_id = result.municipality_id
    return (
        f"{result.rows} rows: {result.created} new, {result.updated} changed, "
        f"{result.unchanged} unchanged"
    )


def apply_details(run: DemoRun) -> str:
    """What the import files cannot say: the canteen, who collects there, lives alone, drivers."""
    town, mid = run.require_town(), run.require_municipality()
    with session_scope(run.engine) as session:
        changes = (
            _pickup_points(mid, town, session=session)
            + _client_details(mid, town, session=session)
            + _drivers(mid, town, session=session)
        )
    return (
        f"{len(town.canteen_clients)} collect at the canteen, {len(town.lives_alone)} live "
        f"alone, {len(town.drivers)} drivers ({changes[Change.unchanged]} rows unchanged)"
    )


def _pickup_points(mid: int, town: SyntheticTown, *, session: Session) -> Counter[Change]:
    kitchens = fleet.kitchens_by_external_id(mid, session=session)
    changes: Counter[Change] = Counter()
    for spec in town.pickup_points:
        kitchen_id = kitchens[spec["kitchen"]].id
        assert kitchen_id is not None
        data = fleet.PickupPointIn(
            external_id=spec["external_id"], name=spec["name"], address=spec["address"],
            kitchen_id=kitchen_id,
        )  # fmt: skip
        changes[fleet.upsert_pickup_point(mid, data, session=session)[1]] += 1
    return changes


def _client_details(mid: int, town: SyntheticTown, *, session: Session) -> Counter[Change]:
    points = fleet.list_pickup_points(mid, session=session)
    known = clients.clients_by_external_id(mid, session=session)
    wanted: list[tuple[str, clients.ClientUpdate]] = [
        (ext, clients.ClientUpdate(pickup_point_id=points[0].id)) for ext in town.canteen_clients
    ]
    wanted += [(ext, clients.ClientUpdate(lives_alone=True)) for ext in town.lives_alone]
    changes: Counter[Change] = Counter()
    for ext, update in wanted:
        client_id = known[ext].id
        assert client_id is not None
        changes[clients.update_client(mid, client_id, update, session=session)[1]] += 1
    return changes


def _drivers(mid: int, town: SyntheticTown, *, session: Session) -> Counter[Change]:
    vans = fleet.vehicles_by_external_id(mid, session=session)
    changes: Counter[Change] = Counter()
    for spec in town.drivers:
        data = fleet.DriverIn(
            external_id=spec["external_id"], name=spec["name"], phone=spec["phone"],
            vehicle_id=vans[spec["vehicle"]].id,
        )  # fmt: skip
        changes[fleet.upsert_driver(mid, data, session=session)[1]] += 1
    return changes


def setup_steps() -> list[DemoStep]:
    """The municipality alone: database, files, import and details, no day planned yet."""
    return [
        DemoStep("Create the database", create_database),
        DemoStep("Generate the municipality's files", generate_files),
        *(DemoStep(f"Import {kind.value}", partial(import_kind, kind)) for kind in ImportKind),
        DemoStep("Canteen, drivers, people living alone", apply_details),
    ]


def prepare_scratch_town(
    folder: Path, size: TownSize, seed: int, note: Callable[[str], None], *, details: bool
) -> DemoRun:
    """A fresh SQLite town under `folder` for a benchmark, imported as the demo imports it
    (with the demo's canteen, drivers and lone clients when `details`)."""
    run = DemoRun(
        database_url=f"sqlite:///{(folder / 'bench.db').as_posix()}",
        folder=folder / "files",
        seed=seed,
        size=size,
    )
    steps = setup_steps()
    for step in steps if details else steps[:-1]:  # the last set-up step adds the details
        note(step.run(run))
    return run


def default_steps() -> list[DemoStep]:
    """The demo's steps in order; later features append theirs here."""
    return [
        *setup_steps(),
        # --- meal day (scheduler/lab/meal_demo.py) ---
        *meal_steps(),
        # --- end meal day ---
    ]


def closing_steps() -> list[DemoStep]:
    """After the day's pipeline: a generated month before it, its report and the sheets."""
    return month_steps()


def run_demo(
    run: DemoRun,
    steps: list[DemoStep] | None = None,
    on_step: Callable[[DemoStep, str], None] | None = None,
) -> DemoRun:
    """Run `steps` (default: `default_steps()`) in order; `on_step` hears each one's result."""
    for step in steps if steps is not None else default_steps():
        note = step.run(run)
        if on_step is not None:
            on_step(step, note)
    return run


@dataclass(frozen=True)
class DemoSummary:
    municipality: str
    timezone: str
    locale: str
    kitchens: list[tuple[str, str, int]]  # external id, name, hot-meal minutes
    vans: int
    van_portions: int  # seats for portions over all vans and trips
    meal_clients_by_diet: dict[Diet, int]
    portions: int
    care_only_clients: int
    lives_alone: int
    caregivers: int
    caregivers_by_mode: dict[str, int]
    visit_plans: int
    two_person_visits: int
    linked_visits: int
    folder: Path


def summarize(run: DemoRun) -> DemoSummary:
    """Figures of the demo municipality, read back from the database."""
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        town = tenancy.get_municipality(mid, session=session)
        today = run.today or local_today(town.timezone)
        subs = clients.list_meal_subscriptions(mid, on=today, session=session)
        everyone = clients.list_clients(mid, session=session)
        fed = {s.client_id for s in subs}
        vans = fleet.list_vehicles(mid, session=session)
        caregivers = care.list_caregivers(mid, session=session)
        plans = care.list_visit_plans(mid, session=session)
        return DemoSummary(
            municipality=town.name,
            timezone=town.timezone,
            locale=town.locale,
            kitchens=[
                (k.external_id, k.name, k.hot_meal_minutes)
                for k in fleet.list_kitchens(mid, session=session)
            ],
            vans=len(vans),
            van_portions=sum(v.capacity_portions * v.max_trips for v in vans),
            meal_clients_by_diet=dict(Counter(Diet(s.diet) for s in subs)),
            portions=sum(s.portions for s in subs),
            care_only_clients=sum(c.id not in fed for c in everyone),
            lives_alone=sum(c.lives_alone for c in everyone),
            caregivers=len(caregivers),
            caregivers_by_mode=dict(Counter(str(c.mode) for c in caregivers)),
            visit_plans=len(plans),
            two_person_visits=sum(p.caregivers_needed == 2 for p in plans),
            linked_visits=sum(p.after_visit_id is not None for p in plans),
            folder=run.folder,
        )
