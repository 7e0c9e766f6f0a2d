"""Imports from the screen over REST: upload for a preview, then apply or cancel.

The file is as an office saves it (Windows-1251, semicolons, decimal commas); the preview
writes no client, the reasons come in the caller's language, apply is all or nothing and
refuses a preview the data has moved away from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from scheduler.intake import addresses
from scheduler.intake.importing import COLUMNS
from scheduler.models import AuditEntry, Client, Role
from scheduler.roads.geocoding import Nominatim, Pace
from tests.api.conftest import PASSWORD, World, csrf_of
from tests.geocoder import FakeClock, NominatimState, nominatim_server, place

HEADER = ";".join(COLUMNS["clients"])
ROWS = [
    "IMP1;Иван Петров;ул. Розова 3;25,3921;42,6190;;diabetic;1;Mon-Fri;11:00;13:00;K1;",
    "IMP2;Мария Иванова;;25,4012;42,6201;;general;2;Mon,Wed,Fri;11:30;12:30;K1;",
    "IMP3;Георги Стоянов;;25,4100;42,6250;;риба;1;Mon-Fri;11:00;13:00;K1;",
]


ROSE = place(42.6191, 25.3934, "5", "5, ул. Розова долина, Казанлък, България", importance=0.3)


@pytest.fixture
def geocoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[NominatimState]:
    """A real local server speaking Nominatim's protocol, knowing one address of Kazanlak."""
    clock = FakeClock()
    with nominatim_server() as (url, state), httpx.Client(base_url=url, timeout=5) as http:
        served = Nominatim(http, user_agent="tests", pace=Pace(clock=clock, sleep=clock.sleep))
        monkeypatch.setattr(addresses, "default_geocoder", lambda: served)
        state.answers["ул. розова долина 5, kazanlak"] = [ROSE]
        yield state


def _file(rows: list[str]) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1251")


def _upload(client: TestClient, data: bytes, kind: str = "clients", name: str = "c.csv") -> Any:
    return client.post(f"/v1/imports/{kind}", files={"file": (name, data, "text/csv")})


def _imported(world: World, town: str, ids: list[str]) -> list[str]:
    with world.session() as session:
        found = session.exec(
            select(Client.external_id).where(
                Client.municipality_id == world.town_ids[town], col(Client.external_id).in_(ids)
            )
        ).all()
    return sorted(found)


def test_a_preview_names_the_refused_row_in_the_callers_language_and_writes_nothing(
    world: World,
) -> None:
    client = world.client("Kazanlak", Role.dispatcher)
    answer = _upload(client, _file(ROWS))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["counts"] == {"new": 2, "changed": 0, "unchanged": 0, "refused": 1, "unchecked": 0}
    assert body["can_apply"] is False and body["uploaded_by"] == "user:dispatcher"
    refused = body["rows"][2]
    assert (refused["row"], refused["external_id"], refused["outcome"]) == (3, "IMP3", "refused")
    problem = refused["problems"][0]
    assert problem["field"] == "diet" and "'риба'" in problem["message"]
    assert problem["reason"].startswith("трябва да")  # Kazanlak speaks Bulgarian
    assert problem["code"] == "must_be_one_of"
    assert _imported(world, "Kazanlak", ["IMP1", "IMP2", "IMP3"]) == []
    refusal = client.post(f"/v1/imports/{body['id']}/apply")
    assert refusal.status_code == 422
    assert [e["field"] for e in refusal.json()["errors"]] == ["diet"]
    assert _imported(world, "Kazanlak", ["IMP1", "IMP2", "IMP3"]) == []


def test_a_corrected_file_is_applied_whole_and_audited(world: World) -> None:
    client = world.client("Kazanlak", Role.admin)
    fixed = [*ROWS[:2], ROWS[2].replace("риба", "soft")]
    preview = _upload(client, _file(fixed)).json()
    assert preview["can_apply"] and preview["counts"]["new"] == 3
    assert client.get(f"/v1/imports/{preview['id']}").json()["rows"] == preview["rows"]
    applied = client.post(f"/v1/imports/{preview['id']}/apply")
    assert applied.status_code == 200, applied.text
    assert applied.json()["counts"]["new"] == 3
    assert _imported(world, "Kazanlak", ["IMP1", "IMP2", "IMP3"]) == ["IMP1", "IMP2", "IMP3"]
    assert client.get(f"/v1/imports/{preview['id']}").status_code == 404  # applied: gone
    assert client.post(f"/v1/imports/{preview['id']}/apply").status_code == 404  # not twice
    with world.session() as session:
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "import", AuditEntry.entity_id == str(preview["id"]))
            .order_by(col(AuditEntry.id))
        ).all()
    assert actions == ["preview", "apply"]
    again = _upload(client, _file(fixed)).json()
    assert again["counts"]["unchanged"] == 3


def _places(world: World, ids: list[str]) -> dict[str, tuple[float, float, str, str]]:
    with world.session() as session:
        found = session.exec(select(Client).where(col(Client.external_id).in_(ids))).all()
        return {c.external_id: (c.lat, c.lon, c.location_source, c.address_check) for c in found}


GEO_ROWS = [
    "GEO1;Стоян Русев;ул. Розова долина 5;;;;general;1;Mon-Fri;11:00;13:00;K1;",
    "GEO2;Пенка Русева;Няма такава 1;;;;general;1;Mon-Fri;11:00;13:00;K1;",
    "GEO3;Таня Русева;ул. Розова 3;25,40;42,62;;general;1;Mon-Fri;11:00;13:00;K1;",
]


def test_apply_looks_up_addresses_without_coordinates_and_a_lost_one_fails_nothing(
    world: World, geocoder: NominatimState
) -> None:
    client = world.client("Kazanlak", Role.dispatcher)
    preview = _upload(client, _file(GEO_ROWS)).json()
    assert preview["can_apply"] and preview["counts"]["new"] == 3
    assert geocoder.asked == []  # a preview is rolled back: nothing is asked for it
    applied = client.post(f"/v1/imports/{preview['id']}/apply")
    assert applied.status_code == 200, applied.text
    assert applied.json()["counts"]["new"] == 3  # the address not found refuses nothing
    placed = _places(world, ["GEO1", "GEO2", "GEO3"])
    assert placed["GEO1"] == (42.6191, 25.3934, "geocoder", "ok")
    assert placed["GEO2"][2:] == ("given", "not_found")  # left for the dispatcher to place
    assert placed["GEO3"] == (42.62, 25.40, "given", "ok")  # typed coordinates are not asked
    assert sorted(a.params["q"] for a in geocoder.asked) == [
        "Няма такава 1, Kazanlak",
        "ул. Розова долина 5, Kazanlak",
    ]
    listed = {c["external_id"] for c in client.get("/v1/clients/addresses").json()}
    assert "GEO2" in listed and "GEO1" not in listed
    again = _upload(client, _file(GEO_ROWS)).json()  # the same file: nothing to do, or to ask
    assert again["counts"]["unchanged"] == 3
    assert client.post(f"/v1/imports/{again['id']}/apply").status_code == 200
    assert len(geocoder.asked) == 2


def test_apply_with_the_geocoder_down_imports_and_leaves_addresses_pending(
    world: World, geocoder: NominatimState
) -> None:
    geocoder.script = [(503, {})] * 10  # every retry fails
    client = world.client("Kazanlak", Role.dispatcher)
    row = "GEO4;Иво Русев;ул. Розова долина 7;;;;general;1;Mon-Fri;11:00;13:00;K1;"
    preview = _upload(client, _file([row])).json()
    applied = client.post(f"/v1/imports/{preview['id']}/apply")
    assert applied.status_code == 200, applied.text
    assert geocoder.asked  # it was asked, and failed
    assert _places(world, ["GEO4"])["GEO4"][3] == "pending"  # asked again next time


def test_apply_refuses_a_stale_preview_and_imports_nothing(world: World) -> None:
    client = world.client("Kazanlak", Role.dispatcher)
    rows = [
        "IMP10;Петър Колев;;25,40;42,62;;general;1;Mon-Fri;11:00;13:00;K1;",
        "IMP11;Яна Колева;;25,40;42,62;;general;1;Mon-Fri;11:00;13:00;K1;",
    ]
    preview = _upload(client, _file(rows)).json()
    other = _upload(client, _file(rows[1:])).json()  # someone imports IMP11 meanwhile
    assert client.post(f"/v1/imports/{other['id']}/apply").status_code == 200
    stale = client.post(f"/v1/imports/{preview['id']}/apply")
    assert stale.status_code == 409 and stale.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert stale.json()["errors"] == [
        {"field": "rows.2", "message": "was new, now unchanged", "reason": "outcome_changed"}
    ]
    assert _imported(world, "Kazanlak", ["IMP10"]) == []
    now = client.get(f"/v1/imports/{preview['id']}").json()  # the new preview was kept
    assert [r["outcome"] for r in now["rows"]] == ["new", "unchanged"]
    assert client.post(f"/v1/imports/{preview['id']}/apply").status_code == 200
    assert _imported(world, "Kazanlak", ["IMP10", "IMP11"]) == ["IMP10", "IMP11"]


def test_cancel_forgets_the_upload(world: World) -> None:
    client = world.client("Kazanlak", Role.dispatcher)
    preview = _upload(client, _file(ROWS[:1])).json()
    assert client.delete(f"/v1/imports/{preview['id']}").status_code == 204
    assert client.get(f"/v1/imports/{preview['id']}").status_code == 404
    assert client.delete(f"/v1/imports/{preview['id']}").status_code == 404
    with world.session() as session:
        entry = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "import",
                AuditEntry.entity_id == str(preview["id"]),
                AuditEntry.action == "cancel",
            )
        ).one()
        assert entry.actor == "user:dispatcher"


def test_bad_uploads_are_problems_naming_the_field(world: World) -> None:
    client = world.client("Kazanlak", Role.dispatcher)
    wrong_kind = _upload(client, _file(ROWS), kind="menus")
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["errors"][0]["field"] == "path.kind"
    header = _upload(client, b"external_id;name\r\nX;Y\r\n")
    assert header.status_code == 422
    assert {e["field"] for e in header.json()["errors"]} == {"columns"}
    junk = _upload(client, b"PK\x03\x04 not really a workbook", name="c.xlsx")
    assert junk.status_code == 422 and junk.json()["errors"][0]["field"] == "file"
    missing = client.post("/v1/imports/clients")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "body.file"


def test_only_staff_of_the_same_town(world: World) -> None:
    preview = _upload(world.client("Kazanlak", Role.dispatcher), _file(ROWS[:1])).json()
    for role in (Role.kitchen, Role.driver, Role.caregiver):
        assert _upload(world.client("Kazanlak", role), _file(ROWS[:1])).status_code == 403
    maribor = world.client("Maribor", Role.admin)
    assert maribor.get(f"/v1/imports/{preview['id']}").status_code == 404
    assert maribor.post(f"/v1/imports/{preview['id']}/apply").status_code == 404
    assert maribor.delete(f"/v1/imports/{preview['id']}").status_code == 404
    assert world.client().get(f"/v1/imports/{preview['id']}").status_code == 401


def test_the_endpoints_are_in_the_openapi_document(world: World) -> None:
    paths = world.client().get("/v1/openapi.json").json()["paths"]
    assert set(paths["/v1/imports/{kind}"]) == {"post"}
    assert set(paths["/v1/imports/{upload_id}"]) == {"get", "delete"}
    assert "409" in paths["/v1/imports/{upload_id}/apply"]["post"]["responses"]


# The page


def _signed_in(world: World, role: Role, town: str = "Kazanlak") -> TestClient:
    client = world.client()
    who = {"municipality": town, "username": role.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


def _post_file(office: TestClient, data: bytes, token: str) -> Any:
    return office.post(
        "/imports",
        data={"csrf": token, "kind": "clients"},
        files={"file": ("c.csv", data, "text/csv")},
        follow_redirects=False,
    )


def test_the_page_speaks_the_towns_language_and_refuses_without_writing(world: World) -> None:
    office = _signed_in(world, Role.dispatcher, "Maribor")
    token = csrf_of(office)
    assert 'href="/imports"' in office.get("/account").text
    unreadable = _post_file(office, b"external_id,name\nX,Y\n", token)
    assert unreadable.status_code == 422
    assert "manjkajo stolpci" in unreadable.text and 'id="file-problems"' in unreadable.text
    row = "SLO1,Janez Kovačič,,15.64,46.55,,ribe,1,Mon-Fri,11:00,13:00,K1,"
    answer = _post_file(office, (",".join(COLUMNS["clients"]) + "\n" + row).encode("cp1250"), token)
    assert answer.status_code == 303
    page = office.get(answer.headers["location"]).text
    assert "Janez Kovačič" in page and "mora biti ena od vrednosti" in page
    assert 'id="apply"' not in page and 'id="cannot-apply"' in page
    assert _imported(world, "Maribor", ["SLO1"]) == []
    without_token = _post_file(office, b"x", "wrong")
    assert without_token.status_code in (400, 403)


def test_the_pages_apply_looks_up_addresses_too(world: World, geocoder: NominatimState) -> None:
    office = _signed_in(world, Role.dispatcher)
    token = csrf_of(office)
    rows = [GEO_ROWS[0].replace("GEO1", "GEO5"), GEO_ROWS[1].replace("GEO2", "GEO6")]
    answer = _post_file(office, _file(rows), token)
    assert answer.status_code == 303
    upload_id = answer.headers["location"].rpartition("=")[2]
    done = office.post(f"/imports/{upload_id}/apply", data={"csrf": token})
    assert done.status_code == 200 and 'id="done"' in done.text
    assert 'id="unplaced"' in done.text and 'href="/clients/addresses"' in done.text  # GEO6
    placed = _places(world, ["GEO5", "GEO6"])
    assert (placed["GEO5"][3], placed["GEO6"][3]) == ("ok", "not_found")


def test_the_page_is_for_staff_only(world: World) -> None:
    kitchen = _signed_in(world, Role.kitchen)
    assert kitchen.get("/imports", follow_redirects=False).status_code in (303, 403)
    assert 'href="/imports"' not in kitchen.get("/account").text
