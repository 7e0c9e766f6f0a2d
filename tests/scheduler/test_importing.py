"""The import of the five base-data files, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from scheduler.db import session_scope
from scheduler.errors import FieldProblem, InvalidInputError
from scheduler.intake.importing import COLUMNS, ImportKind, ImportResult, import_file
from scheduler.lab.synthetic import SyntheticTown, TownSize, generate_town, write_csv
from scheduler.models import (
    Caregiver,
    Client,
    Diet,
    Kitchen,
    MealSubscription,
    Municipality,
    Vehicle,
    VisitPlan,
)
from scheduler.repositories import care, clients, fleet, tenancy
from scheduler.settings import reset_settings

TODAY = date(2025, 3, 3)
SMALL = TownSize(clients=12, vans=3, kitchens=2, caregivers=6, visits=14)
TABLES: tuple[type[SQLModel], ...] = (
    Municipality, Kitchen, Vehicle, Client, MealSubscription, Caregiver, VisitPlan,
)  # fmt: skip


@pytest.fixture(scope="module")
def town() -> SyntheticTown:
    town = generate_town(seed=11, size=SMALL)
    assert any(v["after_visit"] for v in town.rows["visits"]), "the seed should give a linked pair"
    return town


def _write(folder: Path, kind: str, rows: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.csv"
    write_csv(path, COLUMNS[kind], rows)
    return path


def _import(
    engine: Engine, kind: str, path: Path, town: str = "Kazanlak", **kw: Any
) -> ImportResult:
    with session_scope(engine) as session:
        return import_file(kind, path, municipality=town, session=session, today=TODAY, **kw)


def _import_all(
    engine: Engine, folder: Path, town: SyntheticTown, name: str = "Kazanlak"
) -> list[ImportResult]:
    return [
        _import(engine, kind, _write(folder, kind, town.rows[kind]), name) for kind in ImportKind
    ]


def _refused(engine: Engine, kind: str, path: Path, town: str = "Kazanlak") -> list[FieldProblem]:
    with pytest.raises(InvalidInputError) as exc:
        _import(engine, kind, path, town)
    return exc.value.problems


def _snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with Session(engine) as session:
        return {
            t.__name__: sorted((r.model_dump() for r in session.exec(select(t)).all()), key=str)
            for t in TABLES
        }


def _town_id(engine: Engine, name: str = "Kazanlak") -> int:
    with Session(engine) as session:
        town = tenancy.get_municipality_by_name(name, session=session)
        assert town is not None and town.id is not None
        return town.id


# Good files


def test_good_files_import_every_row(engine: Engine, tmp_path: Path, town: SyntheticTown) -> None:
    results = _import_all(engine, tmp_path, town)
    assert [r.created for r in results] == [len(town.rows[k]) for k in ImportKind]
    assert results[0].municipality_created and not results[1].municipality_created
    tid = _town_id(engine)
    with Session(engine) as s:
        muni = tenancy.get_municipality(tid, session=s)
        assert (muni.timezone, muni.locale, muni.country) == ("Europe/Sofia", "bg", "BG")
        first = town.rows["clients"][0]
        client = clients.get_client_by_external_id(tid, first["external_id"], session=s)
        assert client is not None and client.diet == Diet(first["diet"])
        assert abs(client.lat - float(first["lat"])) < 1e-9
        kitchen = fleet.get_kitchen_by_external_id(tid, first["kitchen"], session=s)
        assert kitchen is not None and client.kitchen_id == kitchen.id
        sub = clients.current_meal_subscription(tid, client.id or 0, on=TODAY, session=s)
        assert sub is not None and sub.valid_from == TODAY and sub.weekdays == first["weekdays"]
        care_only = [c for c in town.rows["clients"] if not c["weekdays"]]
        assert care_only, "the generator adds clients who only get visits"
        plain = clients.get_client_by_external_id(tid, care_only[0]["external_id"], session=s)
        assert plain is not None
        assert clients.list_meal_subscriptions(tid, client_id=plain.id, session=s) == []
        pair = next(v for v in town.rows["visits"] if v["after_visit"])
        plan = care.get_visit_plan_by_external_id(tid, pair["external_id"], session=s)
        earlier = care.get_visit_plan_by_external_id(tid, pair["after_visit"], session=s)
        assert plan is not None and earlier is not None and plan.after_visit_id == earlier.id
        assert (plan.min_gap_min, plan.max_gap_min) == (30, 90)


def test_second_import_changes_nothing(engine: Engine, tmp_path: Path, town: SyntheticTown) -> None:
    _import_all(engine, tmp_path, town)
    before = _snapshot(engine)
    again = _import_all(engine, tmp_path, town)
    assert [(r.created, r.updated) for r in again] == [(0, 0)] * 5
    assert [r.unchanged for r in again] == [len(town.rows[k]) for k in ImportKind]
    assert _snapshot(engine) == before


def test_changed_row_updates_and_keeps_subscription_history(
    engine: Engine, tmp_path: Path, town: SyntheticTown
) -> None:
    _import_all(engine, tmp_path, town)
    rows = [dict(r) for r in town.rows["clients"]]
    rows[0]["diet"] = "pureed" if rows[0]["diet"] != "pureed" else "soft"
    rows[1]["phone"] = "+359 431 000 000"
    with session_scope(engine) as session:
        result = import_file(
            "clients", _write(tmp_path / "v2", "clients", rows), municipality="Kazanlak",
            session=session, today=date(2025, 3, 10),
        )  # fmt: skip
    assert (result.created, result.updated) == (0, 2)
    tid = _town_id(engine)
    with Session(engine) as s:
        client = clients.get_client_by_external_id(tid, rows[0]["external_id"], session=s)
        assert client is not None and client.diet == Diet(rows[0]["diet"])
        history = clients.list_meal_subscriptions(tid, client_id=client.id, session=s)
        assert [(h.valid_from, h.valid_until) for h in history] == [
            (TODAY, date(2025, 3, 9)), (date(2025, 3, 10), None),
        ]  # fmt: skip


def test_xlsx_gives_the_same_rows_as_csv(
    engine: Engine, tmp_path: Path, town: SyntheticTown
) -> None:
    from scheduler.lab.synthetic import write_import_files

    _import_all(engine, tmp_path / "csv", town)
    before = _snapshot(engine)
    paths = write_import_files(town, tmp_path / "xlsx", fmt="xlsx")
    results = [_import(engine, kind, paths[kind]) for kind in ImportKind]
    assert sum(r.unchanged for r in results) == sum(len(v) for v in town.rows.values())
    assert _snapshot(engine) == before
    fresh = [_import(engine, kind, paths[kind], "Shipka") for kind in ImportKind]
    assert [r.created for r in fresh] == [len(town.rows[k]) for k in ImportKind]


# Bad rows


def _bad(rows: list[dict[str, str]], index: int, **changes: str) -> list[dict[str, str]]:
    copy = [dict(r) for r in rows]
    copy[index].update(changes)
    return copy


BAD_CASES = [
    ("kitchens", {"lat": "95"}, "lat", "less than or equal to 90"),
    ("kitchens", {"lon": "east"}, "lon", "valid number"),
    ("kitchens", {"hot_meal_minutes": "0"}, "hot_meal_minutes", "greater than 0"),
    ("kitchens", {"name": " "}, "name", "at least 1"),
    ("vehicles", {"kitchen": "K9"}, "kitchen", "no kitchen 'K9'"),
    ("vehicles", {"shift_start": "15:00"}, "shift_end", "must be after shift_start"),
    ("vehicles", {"shift_end": "25:00"}, "shift_end", "no such time"),
    ("vehicles", {"shift_start": "10.30"}, "shift_start", "HH:MM"),
    ("vehicles", {"capacity_portions": "-5"}, "capacity_portions", "greater than 0"),
    ("clients", {"diet": "keto"}, "diet", "'general'"),
    ("clients", {"window_start": "14:00", "window_end": "11:00"}, "window_end", "must be after"),
    ("clients", {"weekdays": "Mon-Fry"}, "weekdays", "unknown day 'Fry'"),
    ("clients", {"portions": "0"}, "portions", "greater than or equal to 1"),
    ("clients", {"kitchen": "K7"}, "kitchen", "no kitchen 'K7'"),
    ("clients", {"lon": "181"}, "lon", "less than or equal to 180"),
    ("caregivers", {"mode": "plane"}, "mode", "'car', 'foot' or 'bus'"),
    ("caregivers", {"skills": "nurse;Nurse!"}, "skills", "not a skill name"),
    ("caregivers", {"start_lat": "-91"}, "start_lat", "greater than or equal to -90"),
    ("caregivers", {"shift_start": "17:00"}, "shift_end", "must be after"),
    ("visits", {"client": "C9999"}, "client", "no client 'C9999'"),
    ("visits", {"preferred_caregivers": "G999"}, "preferred_caregivers", "no caregiver 'G999'"),
    ("visits", {"after_visit": "VP9999", "min_gap_min": "0", "max_gap_min": "5"}, "after_visit",
     "no visit 'VP9999'"),
    ("visits", {"min_gap_min": "30"}, "min_gap_min", "only allowed together with after_visit"),
    ("visits", {"caregivers_needed": "3"}, "caregivers_needed", "less than or equal to 2"),
    ("visits", {"skills": "welding"}, "skills", "no caregiver has skill 'welding'"),
    ("visits", {"weekdays": "Fri-Mon"}, "weekdays", "runs backwards"),
    ("visits", {"window_start": "10:00", "window_end": "09:00"}, "window_end", "at or after"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "changes", "field", "fragment"), BAD_CASES)
def test_bad_row_is_named_and_nothing_written(
    sqlite_engine: Engine,
    tmp_path: Path,
    town: SyntheticTown,
    kind: str,
    changes: dict[str, str],
    field: str,
    fragment: str,
) -> None:
    engine = sqlite_engine
    for earlier in ImportKind:
        if earlier == kind:
            break
        _import(engine, earlier, _write(tmp_path, earlier, town.rows[earlier]))
    before = _snapshot(engine)
    problems = _refused(engine, kind, _write(tmp_path, kind, _bad(town.rows[kind], 1, **changes)))
    assert [(p.row, p.field) for p in problems] == [(2, field)], problems
    assert fragment in problems[0].message
    assert _snapshot(engine) == before


def test_every_bad_row_is_listed(engine: Engine, tmp_path: Path, town: SyntheticTown) -> None:
    _import(engine, "kitchens", _write(tmp_path, "kitchens", town.rows["kitchens"]))
    rows = _bad(town.rows["clients"], 0, diet="keto", window_end="25:61")
    rows = _bad(rows, 4, lat="100")
    rows[7]["external_id"] = rows[3]["external_id"]
    problems = _refused(engine, "clients", _write(tmp_path, "clients", rows))
    assert [(p.row, p.field) for p in problems] == [
        (1, "diet"), (1, "window_end"), (5, "lat"), (8, "external_id"),
    ]  # fmt: skip
    assert "already on row 4" in problems[-1].message
    with Session(engine) as s:
        assert clients.list_clients(_town_id(engine), session=s) == []


def test_refused_first_import_creates_no_municipality(
    engine: Engine, tmp_path: Path, town: SyntheticTown
) -> None:
    rows = _bad(town.rows["kitchens"], 0, lat="north")
    _refused(engine, "kitchens", _write(tmp_path, "kitchens", rows), "Enina")
    with Session(engine) as s:
        assert tenancy.get_municipality_by_name("Enina", session=s) is None


def test_visits_in_a_circle_are_refused(
    sqlite_engine: Engine, tmp_path: Path, town: SyntheticTown
) -> None:
    for kind in ("kitchens", "vehicles", "clients", "caregivers"):
        _import(sqlite_engine, kind, _write(tmp_path, kind, town.rows[kind]))
    rows = [dict(r) for r in town.rows["visits"][:3]]
    for row, after in zip(rows, ("VP0003", "VP0001", "VP0002"), strict=True):
        row.update(after_visit=after, min_gap_min="0", max_gap_min="60")
    rows[0]["external_id"], rows[1]["external_id"], rows[2]["external_id"] = (
        "VP0001",
        "VP0002",
        "VP0003",
    )
    problems = _refused(sqlite_engine, "visits", _write(tmp_path, "visits", rows))
    assert {(p.row, p.field) for p in problems} == {
        (1, "after_visit"),
        (2, "after_visit"),
        (3, "after_visit"),
    }


def test_visit_may_follow_one_further_down_the_file(
    sqlite_engine: Engine, tmp_path: Path, town: SyntheticTown
) -> None:
    for kind in ("kitchens", "vehicles", "clients", "caregivers"):
        _import(sqlite_engine, kind, _write(tmp_path, kind, town.rows[kind]))
    rows = [
        dict(r, after_visit="", min_gap_min="", max_gap_min="") for r in town.rows["visits"][:2]
    ]
    rows[0].update(after_visit=rows[1]["external_id"], min_gap_min="15", max_gap_min="45")
    result = _import(sqlite_engine, "visits", _write(tmp_path, "visits", rows))
    assert result.created == 2


# Whole-file problems


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("external_id,name,address,lon,lat,hot_meal_minutes,colour", "not expected: 'colour'"),
        ("external_id,name,address,lon,lat", "missing: hot_meal_minutes"),
        ("external_id,name,name,address,lon,lat,hot_meal_minutes", "appears twice"),
    ],
)
def test_header_must_name_exactly_the_columns(
    sqlite_engine: Engine, tmp_path: Path, header: str, fragment: str
) -> None:
    path = tmp_path / "kitchens.csv"
    path.write_text(header + "\nK1,Kitchen,,25.39,42.62,90,x\n", encoding="utf-8")
    problems = _refused(sqlite_engine, "kitchens", path)
    assert {p.field for p in problems} == {"columns"}
    assert any(fragment in p.message for p in problems), problems


def test_unreadable_files_are_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    binary = tmp_path / "kitchens.csv"  # 0x98 is no character in UTF-8, 1251 or 1250
    binary.write_bytes(b"external_id,name,address,lon,lat,hot_meal_minutes\nK1,\x98\x98,,1,2,90\n")
    assert "neither UTF-8" in _refused(sqlite_engine, "kitchens", binary)[0].message
    short = tmp_path / "short.csv"
    short.write_text(
        "external_id,name,address,lon,lat,hot_meal_minutes\nK1,Kitchen,25\n", encoding="utf-8"
    )
    assert [(p.row, p.field) for p in _refused(sqlite_engine, "kitchens", short)] == [(1, "row")]
    assert _refused(sqlite_engine, "kitchens", tmp_path / "missing.csv")[0].field == "file"
    assert _refused(sqlite_engine, "menus", short)[0].field == "kind"


def test_csv_with_byte_order_mark_and_blank_lines(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "kitchens.csv"
    text = "external_id,name,address,lon,lat,hot_meal_minutes\n\nK1,Кухня,,25.39,42.62,\n\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert _import(sqlite_engine, "kitchens", path).created == 1
    with Session(sqlite_engine) as s:
        kitchen = fleet.get_kitchen_by_external_id(_town_id(sqlite_engine), "K1", session=s)
        assert kitchen is not None and kitchen.hot_meal_minutes == 90  # empty cell: the default


# Tenancy


def test_two_municipalities_stay_apart(engine: Engine, tmp_path: Path, town: SyntheticTown) -> None:
    _import_all(engine, tmp_path / "a", town, "Kazanlak")
    other = generate_town(seed=12, size=TownSize(clients=5, vans=1, caregivers=2, visits=2))
    _import_all(engine, tmp_path / "b", other, "Tryavna")
    a, b = _town_id(engine), _town_id(engine, "Tryavna")
    with Session(engine) as s:
        assert len(clients.list_clients(a, session=s)) == len(town.rows["clients"])
        assert len(clients.list_clients(b, session=s)) == len(other.rows["clients"])
        a_ids = {c.id for c in clients.list_clients(a, session=s)}
        assert a_ids.isdisjoint(c.id for c in clients.list_clients(b, session=s))
        assert len(fleet.list_vehicles(a, session=s)) == len(town.rows["vehicles"])
        assert len(care.list_visit_plans(b, session=s)) == len(other.rows["visits"])
        assert all(k.municipality_id == a for k in fleet.list_kitchens(a, session=s))
        # The second town's external ids overlap the first's; each still sees only its own.
        c1 = clients.get_client_by_external_id(b, "C0001", session=s)
        assert c1 is not None and c1.name == other.rows["clients"][0]["name"]


# Bounds: a large file of junk costs little and says little


def _junk_file(path: Path, megabytes: int) -> Path:
    """A clients file with the right header and `megabytes` of text junk under it."""
    line = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod\n"
    block = line * (1_000_000 // len(line))
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(COLUMNS["clients"]) + "\n")
        for _ in range(megabytes):
            handle.write(block)
    return path


def _limits(monkeypatch: pytest.MonkeyPatch, **values: int) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"PATRONAGE_IMPORT_{name.upper()}", str(value))
    reset_settings()


def test_a_file_over_the_size_limit_is_refused_before_reading(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    path = _junk_file(tmp_path / "clients.csv", 20)
    problems = _refused(sqlite_engine, "clients", path)
    assert [p.field for p in problems] == ["file"]
    assert "at most 10,000,000" in problems[0].message


def test_a_large_junk_file_lists_fifty_problems_and_counts_the_rest(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _limits(monkeypatch, max_bytes=30_000_000, max_rows=1_000_000)
    path = _junk_file(tmp_path / "clients.csv", 20)
    lines = sum(1 for _ in path.open(encoding="utf-8")) - 1
    started = time.perf_counter()
    tracemalloc.start()
    try:
        problems = _refused(sqlite_engine, "clients", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    seconds = time.perf_counter() - started
    assert len(problems) == 51
    assert [p.row for p in problems[:50]] == list(range(1, 51))
    assert problems[-1].field == "file"
    assert problems[-1].message.startswith(f"{lines - 50} more problem(s) not listed")
    assert peak < 20_000_000, f"peak {peak:,} bytes"  # the file is read, never held
    assert seconds < 120, seconds  # loose: about 5 s here; the unbounded import took 106 s
    with Session(sqlite_engine) as s:
        assert s.exec(select(Municipality)).all() == []


def test_too_many_rows_are_refused_and_bad_values_are_capped_too(
    sqlite_engine: Engine, tmp_path: Path, town: SyntheticTown, monkeypatch: pytest.MonkeyPatch
) -> None:
    _limits(monkeypatch, max_rows=300)
    bad = [{**town.rows["clients"][0], "external_id": f"c{i}", "lat": "north"} for i in range(301)]
    problems = _refused(sqlite_engine, "clients", _write(tmp_path, "clients", bad))
    assert [(p.field, p.message) for p in problems] == [
        ("file", "has more than 300 rows; split it into smaller files")
    ]
    problems = _refused(sqlite_engine, "clients", _write(tmp_path, "clients", bad[:200]))
    assert [p.row for p in problems[:50]] == list(range(1, 51))
    assert {p.field for p in problems[:50]} == {"lat"}
    assert problems[-1].message.startswith("150 more problem(s) not listed")
    with Session(sqlite_engine) as s:
        assert s.exec(select(Municipality)).all() == []
