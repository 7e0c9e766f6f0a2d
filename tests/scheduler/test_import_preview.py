"""Imports from the screen: files as offices save them, a preview that writes nothing, and an
apply that is all or nothing and refuses when the data changed since the preview."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from scheduler.db import session_scope
from scheduler.errors import InvalidInputError, NotFoundError
from scheduler.intake.importing import COLUMNS, import_file
from scheduler.intake.importing.preview import Outcome, StalePreviewError
from scheduler.intake.importing.readers import decode_text, read_upload, sniff_delimiter
from scheduler.intake.importing.rows import ClientRow, parse_day
from scheduler.intake.importing.uploads import (
    Staged,
    apply_upload,
    cancel_upload,
    stage_upload,
    staged_upload,
)
from scheduler.models import Client, ImportUpload, MealSubscription
from scheduler.repositories import clients
from scheduler.repositories.tenancy import get_municipality_by_name
from scheduler.settings import reset_settings

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
HEADER = ";".join(COLUMNS["clients"])
BG_ROWS = [
    "C1;Иван Петров;ул. Розова 3;25,3921;42,6190;0888123456;diabetic;1;Mon-Fri;11:00;13:00;;",
    "C2;Мария Иванова;ул. Шипка 7;25,4012;42,6201;;general;2;Mon,Wed,Fri;11:30;12:30;;звънец 2",
    "C3;Георги Стоянов;;25,4100;42,6250;;риба;1;Mon-Fri;11:00;13:00;;",
]


def _kitchen(engine: Engine, tmp_path: Path, town: str, locale: str) -> int:
    path = tmp_path / f"kitchens-{town}.csv"
    path.write_text(
        "external_id,name,address,lon,lat,hot_meal_minutes\nK1,Kitchen,,25.39,42.62,90\n",
        encoding="utf-8",
    )
    with session_scope(engine) as session:
        result = import_file(
            "kitchens", path, municipality=town, session=session, locale=locale,
            timezone="Europe/Sofia", today=NOW.date(),
        )  # fmt: skip
    return result.municipality_id


@pytest.fixture
def kazanlak(sqlite_engine: Engine, tmp_path: Path) -> int:
    return _kitchen(sqlite_engine, tmp_path, "Kazanlak", "bg")


def _stage(engine: Engine, mid: int, data: bytes, name: str = "clients.csv", **kw: Any) -> Staged:
    with session_scope(engine) as session:
        return stage_upload(
            mid, "clients", name, data, actor="user:disp", now=kw.get("now", NOW), session=session
        )


def _apply(engine: Engine, mid: int, upload_id: int, now: datetime = NOW) -> Any:
    with session_scope(engine) as session:
        return apply_upload(mid, upload_id, now=now, session=session)


def _count(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _outcomes(staged: Staged) -> list[tuple[int, str, Outcome]]:
    return staged.preview.outcomes()


def _bg_file(rows: list[str], bom: bool = False) -> bytes:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" + text.encode("utf-8")) if bom else text.encode("cp1251")


# Reading files as offices have them


def test_code_pages_are_told_apart_by_the_text_and_the_town() -> None:
    bulgarian = "Иван Петров;ул. Шипка 7"
    slovenian = "Janez Kovačič;Šolska ulica 5, Žalec"
    assert decode_text(bulgarian.encode("cp1251"), "bg") == bulgarian
    assert decode_text(bulgarian.encode("cp1251"), "sl") == bulgarian  # the text wins
    assert decode_text(slovenian.encode("cp1250"), "sl") == slovenian
    assert decode_text(slovenian.encode("cp1250"), "bg") == slovenian
    assert decode_text(b"\xef\xbb\xbf" + bulgarian.encode(), "sl") == bulgarian
    with pytest.raises(InvalidInputError, match="neither UTF-8"):
        decode_text(b"a\x98b", "bg")


def test_delimiters_dates_and_decimal_commas() -> None:
    assert sniff_delimiter(HEADER) == ";"
    assert sniff_delimiter(",".join(COLUMNS["clients"])) == ","
    assert sniff_delimiter("external_id\tname\taddress") == "\t"
    assert parse_day("07.12.2026") == parse_day("2026-12-07") == date(2026, 12, 7)
    assert parse_day("7.1.2026 \u0433.") == date(2026, 1, 7)
    with pytest.raises(ValueError, match=r"07\.12\.2026"):
        parse_day("31.02.2026")
    table = read_upload("clients.csv", _bg_file(BG_ROWS[:1]), COLUMNS["clients"], "bg")
    row = ClientRow.model_validate(table.rows[0][1])
    assert (row.lon, row.lat, row.name) == (25.3921, 42.619, "Иван Петров")


# The preview


def test_a_windows_1251_file_with_a_bad_row_is_previewed_and_nothing_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    mid = _kitchen(engine, tmp_path, "Kazanlak", "bg")
    staged = _stage(engine, mid, _bg_file(BG_ROWS))
    assert _outcomes(staged) == [
        (1, "C1", Outcome.new), (2, "C2", Outcome.new), (3, "C3", Outcome.refused),
    ]  # fmt: skip
    refused = staged.preview.rows[2]
    assert refused.name == "Георги Стоянов"
    assert [(p.row, p.field) for p in refused.problems] == [(3, "diet")]
    assert "риба" in refused.problems[0].message
    assert not staged.preview.can_apply
    assert _count(engine, Client) == 0 and _count(engine, MealSubscription) == 0
    assert _count(engine, ImportUpload) == 1
    with pytest.raises(InvalidInputError) as exc:
        _apply(engine, mid, staged.id)
    assert [(p.row, p.field) for p in exc.value.problems] == [(3, "diet")]
    assert _count(engine, Client) == 0


def test_a_corrected_file_with_bom_is_applied_then_shows_unchanged_and_changed(
    kazanlak: int, sqlite_engine: Engine
) -> None:
    fixed = [*BG_ROWS[:2], BG_ROWS[2].replace("риба", "soft")]
    staged = _stage(sqlite_engine, kazanlak, _bg_file(fixed, bom=True))
    assert staged.preview.counts[Outcome.new] == 3 and staged.preview.can_apply
    assert staged.uploaded_by == "user:disp" and staged.expires_at == NOW + timedelta(days=1)
    _, done = _apply(sqlite_engine, kazanlak, staged.id)
    assert done.counts[Outcome.new] == 3
    with Session(sqlite_engine) as session:
        stored = clients.get_client_by_external_id(kazanlak, "C2", session=session)
        assert stored is not None and stored.name == "Мария Иванова" and stored.notes == "звънец 2"
        with pytest.raises(NotFoundError):  # applied: the upload is gone
            staged_upload(kazanlak, staged.id, now=NOW, session=session)
    again = [fixed[0].replace("0888123456", "0888999999"), *fixed[1:]]
    second = _stage(sqlite_engine, kazanlak, _bg_file(again))
    assert _outcomes(second) == [
        (1, "C1", Outcome.changed), (2, "C2", Outcome.unchanged), (3, "C3", Outcome.unchanged),
    ]  # fmt: skip


def test_a_slovenian_windows_1250_file(sqlite_engine: Engine, tmp_path: Path) -> None:
    mid = _kitchen(sqlite_engine, tmp_path, "Maribor", "sl")
    row = "S1,Janez Kovačič,Šolska ulica 5,15.64,46.55,,general,1,Mon-Fri,11:00,13:00,,Žalec"
    data = (",".join(COLUMNS["clients"]) + "\n" + row + "\n").encode("cp1250")
    staged = _stage(sqlite_engine, mid, data)
    assert _outcomes(staged) == [(1, "S1", Outcome.new)]
    _apply(sqlite_engine, mid, staged.id)
    with Session(sqlite_engine) as session:
        client = clients.get_client_by_external_id(mid, "S1", session=session)
        assert client is not None
        assert (client.name, client.address, client.notes) == (
            "Janez Kovačič", "Šolska ulica 5", "Žalec",
        )  # fmt: skip


def test_an_unreadable_file_stores_nothing(kazanlak: int, sqlite_engine: Engine) -> None:
    with pytest.raises(InvalidInputError) as exc:
        _stage(sqlite_engine, kazanlak, b"external_id;name\nC1;X\n")
    assert {p.field for p in exc.value.problems} == {"columns"}
    with pytest.raises(InvalidInputError) as exc:
        _stage(sqlite_engine, kazanlak, b"x", name="clients.pdf")
    assert exc.value.problems[0].field == "file"
    assert _count(sqlite_engine, ImportUpload) == 0


# Apply: all or nothing, never on a stale preview


def test_apply_refuses_when_the_data_changed_since_the_preview(
    kazanlak: int, sqlite_engine: Engine, tmp_path: Path
) -> None:
    good = [*BG_ROWS[:2], BG_ROWS[2].replace("риба", "soft")]
    staged = _stage(sqlite_engine, kazanlak, _bg_file(good))
    # Meanwhile someone else imports C2 (another phone): C2 is no longer new.
    other = tmp_path / "other.csv"
    other.write_bytes(_bg_file([good[1]]))
    with session_scope(sqlite_engine) as session:
        import_file("clients", other, municipality="Kazanlak", session=session, today=NOW.date())
    with Session(sqlite_engine) as session:
        with pytest.raises(StalePreviewError) as exc:
            apply_upload(kazanlak, staged.id, now=NOW, session=session)
        session.commit()  # as the routes do: the new preview is kept, the import is not
    assert [(r.external_id, was) for r, was in exc.value.differences] == [("C2", Outcome.new)]
    assert "changed since the preview" in str(exc.value)
    assert _count(sqlite_engine, Client) == 1  # only the other import's client
    with Session(sqlite_engine) as session:  # the new preview is what the page shows now
        now = staged_upload(kazanlak, staged.id, now=NOW, session=session).preview
    assert now.outcomes()[1] == (2, "C2", Outcome.unchanged)
    _, done = _apply(sqlite_engine, kazanlak, staged.id)  # applied on the second look
    assert done.counts[Outcome.new] == 2 and _count(sqlite_engine, Client) == 3


def test_a_row_failing_during_apply_leaves_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = _kitchen(engine, tmp_path, "Kazanlak", "bg")
    good = [*BG_ROWS[:2], BG_ROWS[2].replace("риба", "soft")]
    staged = _stage(engine, mid, _bg_file(good))
    real = clients.upsert_client
    calls: list[str] = []

    def failing(municipality_id: int, data: Any, *, session: Session) -> Any:
        calls.append(data.external_id)
        if data.external_id == "C3":
            raise RuntimeError("the database went away")
        return real(municipality_id, data, session=session)

    monkeypatch.setattr(clients, "upsert_client", failing)
    with pytest.raises(RuntimeError):
        _apply(engine, mid, staged.id)
    assert calls == ["C1", "C2", "C3"]  # two rows were written before the third failed
    assert _count(engine, Client) == 0 and _count(engine, MealSubscription) == 0
    assert _count(engine, ImportUpload) == 1  # the upload waits to be applied again
    monkeypatch.setattr(clients, "upsert_client", real)
    _apply(engine, mid, staged.id)
    assert _count(engine, Client) == 3 and _count(engine, ImportUpload) == 0


def test_cancel_and_expiry(kazanlak: int, sqlite_engine: Engine) -> None:
    first = _stage(sqlite_engine, kazanlak, _bg_file(BG_ROWS[:1]))
    with session_scope(sqlite_engine) as session:
        cancel_upload(kazanlak, first.id, now=NOW, session=session)
    with pytest.raises(NotFoundError):
        _apply(sqlite_engine, kazanlak, first.id)
    second = _stage(sqlite_engine, kazanlak, _bg_file(BG_ROWS[:1]))
    with pytest.raises(NotFoundError):
        _apply(sqlite_engine, kazanlak, second.id, now=NOW + timedelta(days=1, minutes=1))
    later = NOW + timedelta(days=2)
    _stage(sqlite_engine, kazanlak, _bg_file(BG_ROWS[:1]), now=later)  # clears expired ones
    assert _count(sqlite_engine, ImportUpload) == 1 and _count(sqlite_engine, Client) == 0


def test_uploads_of_another_town_are_not_found(
    kazanlak: int, sqlite_engine: Engine, tmp_path: Path
) -> None:
    other = _kitchen(sqlite_engine, tmp_path, "Maribor", "sl")
    staged = _stage(sqlite_engine, kazanlak, _bg_file(BG_ROWS[:1]))
    with pytest.raises(NotFoundError):
        _apply(sqlite_engine, other, staged.id)
    with Session(sqlite_engine) as session:
        assert get_municipality_by_name("Maribor", session=session) is not None


def test_an_xlsx_upload_is_previewed_like_a_csv_file(kazanlak: int, sqlite_engine: Engine) -> None:
    import io
    from datetime import time

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS["clients"]))
    sheet.append(["X1", "Иван", "", 25.39, 42.62, "", "soft", 1, "Mon-Fri",
                  time(11, 0), time(13, 0), "", ""])  # fmt: skip
    sheet.append(["X2", "Мария", "", 25.39, 42.62, "", "soft", 0, "Mon-Fri",
                  time(11, 0), time(13, 0), "", ""])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    staged = _stage(sqlite_engine, kazanlak, buffer.getvalue(), name="clients.xlsx")
    assert _outcomes(staged) == [(1, "X1", Outcome.new), (2, "X2", Outcome.refused)]
    assert [p.field for p in staged.preview.rows[1].problems] == ["portions"]


def test_past_the_listed_problems_rows_are_unchecked_and_counted(
    kazanlak: int, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATRONAGE_IMPORT_MAX_PROBLEMS", "2")
    reset_settings()
    try:
        bad = [BG_ROWS[2].replace("C3", f"B{i}") for i in range(3)]
        staged = _stage(sqlite_engine, kazanlak, _bg_file([BG_ROWS[0], *bad]))
    finally:
        monkeypatch.delenv("PATRONAGE_IMPORT_MAX_PROBLEMS")
        reset_settings()
    preview = staged.preview
    assert [r.outcome for r in preview.rows] == [
        Outcome.unchecked, Outcome.refused, Outcome.refused, Outcome.unchecked,
    ]  # fmt: skip
    assert preview.more_problems == 1 and not preview.can_apply
    with pytest.raises(InvalidInputError) as exc:
        _apply(sqlite_engine, kazanlak, staged.id)
    assert exc.value.problems[-1].message.startswith("1 more problem(s) not listed")
