"""The client screens: the list found in any script and filtered, a new client, a client's
record, their meal subscription and one-off orders. Each form carries the CSRF token, writes
what REST writes (with its audit row), and a bad value redraws the page with 422 naming the
field in the reader's language while nothing is written."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import col, select

from scheduler.models import AuditEntry, Client, MealOrder, MealSubscription, OrderSource, Role
from tests.api.conftest import PASSWORD, World, csrf_of

FAR = "2094-06-07"  # a Monday, far past any cut-off of the tests' clock


def _signed_in(world: World, role: Role, town: str = "Kazanlak") -> TestClient:
    client = world.client()
    who = {"municipality": town, "username": role.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


def _form(office: TestClient, **fields: str) -> dict[str, str]:
    base = {"name": "Иванка Стоянова", "address": "ул. Розова долина 5", "village": "Шипка",
            "lat": "42.71", "lon": "25.33", "phone": "+359888123456", "diet": "soft",
            "service": "", "notes": "", "consent_date": "2026-11-30"}  # fmt: skip
    return {"csrf": csrf_of(office), **base, **fields}


def _kitchen_choice(world: World) -> str:
    return f"kitchen:{world.ids[('Kazanlak', 'kitchen')]}"


def test_a_new_client_is_created_and_found_by_a_latin_spelling(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    form = _form(office, external_id="PG-1", lives_alone="yes", service=_kitchen_choice(world))
    made = office.post("/clients/new", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    with world.session() as session:
        row = session.exec(select(Client).where(Client.external_id == "PG-1")).one()
        assert (row.village, row.diet, row.lives_alone, row.check_on_me) == (
            "Шипка", "soft", True, True,
        )  # fmt: skip
        assert row.consent_date == date(2026, 11, 30)
        assert row.kitchen_id == world.ids[("Kazanlak", "kitchen")]
        logged = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "client", AuditEntry.entity_id == str(row.id)
            )
        ).all()
        assert [(e.action, e.actor) for e in logged] == [("create", "user:dispatcher")]
    assert made.headers["location"] == f"/clients/{row.id}"

    found = office.get("/clients", params={"q": "stoyanova"})
    assert found.status_code == 200 and "Иванка Стоянова" in found.text
    assert "Ivan Petrov" not in found.text  # the other client does not match
    assert "Иванка" in office.get("/clients", params={"q": "rozova dolina"}).text  # the address
    assert "Иванка" in office.get("/clients", params={"q": "ИВАНКА"}).text
    picked = {"village": "Шипка", "diet": "soft", "alone": "yes", "status": "active"}
    assert "Иванка" in office.get("/clients", params=picked).text
    everyone = dict.fromkeys(("service", "diet", "village", "status", "alone"), "")  # "All"
    assert "Иванка" in office.get("/clients", params={**everyone, "q": "stoyanova"}).text
    assert office.get("/clients", params={"diet": "salty"}).status_code == 422
    for other in ({"diet": "pureed"}, {"alone": "no"}, {"service": "canteen"}, {"status": "ended"}):
        page = office.get("/clients", params={**picked, **other})
        assert page.status_code == 200 and "Иванка" not in page.text, other
    api = world.client("Kazanlak", Role.dispatcher)
    over_rest = api.get(
        "/v1/clients", params={"q": "stoyanova", "village": "Шипка", "lives_alone": True}
    )
    assert [c["external_id"] for c in over_rest.json()["items"]] == ["PG-1"]
    assert over_rest.json()["items"][0]["village"] == "Шипка"
    assert (
        api.get("/v1/clients", params={"service": "canteen", "q": "stoyanova"}).json()["total"] == 0
    )
    cared = office.get("/clients", params={"service": "care"}).text
    assert "Ivan Petrov" in cared and "Иванка" not in cared  # Ivan has a visit plan
    fed = office.get("/clients", params={"service": "meals"}).text
    assert "Ivan Petrov" in fed and "Иванка" not in fed  # a subscription, she has none yet
    elsewhere = _signed_in(world, Role.dispatcher, "Maribor").get(
        "/clients", params={"q": "ivanka"}
    )
    assert elsewhere.status_code == 200 and "Иванка" not in elsewhere.text


def test_a_bad_new_client_names_the_field_and_writes_nothing(world: World) -> None:
    office = _signed_in(world, Role.admin)
    with world.session() as session:
        before = len(session.exec(select(Client)).all())
    bad = office.post("/clients/new", data=_form(office, external_id="PG-2", lon="25,3x"))
    assert bad.status_code == 422
    assert "Не е записано: проверете Географска дължина." in bad.text  # noqa: RUF001
    assert 'value="Иванка Стоянова"' in bad.text  # what was typed is kept
    taken = office.post("/clients/new", data=_form(office, external_id="C1"))
    assert taken.status_code == 422 and "Номер на досието" in taken.text
    nowhere = office.post(
        "/clients/new", data=_form(office, external_id="PG-3", service="point:99")
    )
    assert nowhere.status_code == 422 and "Услуга" in nowhere.text
    forged = office.post("/clients/new", data={**_form(office, external_id="PG-4"), "csrf": "x"})
    assert forged.status_code in (400, 403)
    with world.session() as session:
        assert len(session.exec(select(Client)).all()) == before


def test_a_client_is_edited_and_ended(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    cid = world.ids[("Kazanlak", "client")]
    page = office.get(f"/clients/{cid}")
    assert page.status_code == 200 and 'value="Ivan Petrov"' in page.text
    assert f"/clients/{cid}/fees" in page.text and f"/clients/{cid}/welfare" in page.text
    form = _form(office, name="Ivan Petrov", village="Енина", status="ended",
                 service=_kitchen_choice(world), notes="Ring twice")  # fmt: skip
    bad = office.post(f"/clients/{cid}", data={**form, "consent_date": "2026-13-01"})
    assert bad.status_code == 422 and "Дата на съгласието" in bad.text
    nowhere = office.post(f"/clients/{cid}", data={**form, "lat": "", "lon": " "})
    assert nowhere.status_code == 422
    assert "Географска ширина" in nowhere.text and "Географска дължина" in nowhere.text
    rest = world.client("Kazanlak", Role.dispatcher).patch(f"/v1/clients/{cid}", json={"lon": None})
    assert rest.status_code == 422 and rest.json()["errors"][0]["field"] == "lon"
    with world.session() as session:
        assert session.get(Client, cid).village == ""  # type: ignore[union-attr]
    done = office.post(f"/clients/{cid}", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    with world.session() as session:
        row = session.get(Client, cid)
        assert row is not None
        assert (row.village, row.status, row.notes, row.name) == (
            "Енина", "ended", "Ring twice", "Ivan Petrov",
        )  # fmt: skip
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "client", AuditEntry.action == "update")
        ).all()[-1]
        assert entry.entity_id == str(cid) and "village" in entry.detail["fields"]
    assert _signed_in(world, Role.dispatcher, "Maribor").get(f"/clients/{cid}").status_code == 404
    assert _signed_in(world, Role.kitchen).get(f"/clients/{cid}").status_code == 403


def test_a_subscription_is_set_on_the_client_page(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    form = _form(office, external_id="PG-S", service=_kitchen_choice(world))
    made = office.post("/clients/new", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    cid = int(made.headers["location"].rsplit("/", 1)[1])
    token = csrf_of(office)
    sub = {"csrf": token, "weekday": ["Mon", "Wed"], "diet": "pureed", "portions": "2",
           "start": FAR, "until": "2094-12-31"}  # fmt: skip
    bad = office.post(f"/clients/{cid}/subscription", data={**sub, "portions": "11"})
    assert bad.status_code == 422 and "Порции" in bad.text
    none = office.post(f"/clients/{cid}/subscription", data={**sub, "weekday": []})
    assert none.status_code == 422 and "Дни от седмицата" in none.text
    backwards = office.post(f"/clients/{cid}/subscription", data={**sub, "until": "2094-01-01"})
    assert backwards.status_code == 422 and "До" in backwards.text
    with world.session() as session:
        found = select(MealSubscription).where(MealSubscription.client_id == cid)
        assert session.exec(found).all() == []
    done = office.post(f"/clients/{cid}/subscription", data=sub, follow_redirects=False)
    assert done.status_code == 303, done.text
    with world.session() as session:
        row = session.exec(found).one()
        assert (row.weekdays, row.diet, row.portions) == ("Mon,Wed", "pureed", 2)
        assert (row.valid_from, row.valid_until) == (date(2094, 6, 7), date(2094, 12, 31))
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "subscription")
        ).all()
        assert {"set", "end"} <= set(actions)
    shown = office.get(f"/clients/{cid}").text
    row_html = shown[shown.index("data-subscription=") :].split("</tr>")[0]
    assert "пасирана" in row_html and "7 юни 2094" in row_html  # the town's words and dates


def test_a_one_off_meal_is_ordered_and_a_day_cancelled(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    form = _form(office, external_id="PG-O", service=_kitchen_choice(world))
    cid = int(
        office.post("/clients/new", data=form, follow_redirects=False).headers["location"][9:]
    )
    token = csrf_of(office)
    sub = {"csrf": token, "weekday": ["Mon", "Tue", "Wed", "Thu", "Fri"], "start": "2094-06-01"}
    assert office.post(f"/clients/{cid}/subscription", data=sub).status_code == 200
    order = {"csrf": token, "day": "2094-06-12", "portions": "2", "diet": "", "action": "order"}
    bad = office.post(f"/clients/{cid}/orders", data={**order, "portions": "x"})
    assert bad.status_code == 422 and "Порции" in bad.text
    placed = office.post(f"/clients/{cid}/orders", data=order, follow_redirects=False)
    assert placed.status_code == 303, placed.text
    cancel = {**order, "day": FAR, "action": "cancel"}  # a Monday of the Mon-Fri subscription
    assert (
        office.post(f"/clients/{cid}/orders", data=cancel, follow_redirects=False).status_code
        == 303
    )
    with world.session() as session:
        rows = session.exec(
            select(MealOrder).where(
                MealOrder.client_id == cid, col(MealOrder.day) >= date(2094, 1, 1)
            )
        ).all()
        by_day = {(o.day.isoformat(), o.source, o.status, o.portions) for o in rows}
    assert ("2094-06-12", OrderSource.one_off, "ordered", 2) in by_day
    assert (FAR, OrderSource.subscription, "cancelled", 1) in by_day
    no_meal = office.post(f"/clients/{cid}/orders", data={**cancel, "day": "2094-06-13"})
    assert no_meal.status_code == 422 and "Дата" in no_meal.text  # a Sunday: no meal to cancel


def test_an_order_past_the_cut_off_is_refused_with_the_earliest_date(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    form = _form(office, external_id="PG-C", service=_kitchen_choice(world))
    cid = int(
        office.post("/clients/new", data=form, follow_redirects=False).headers["location"][9:]
    )
    late = {"csrf": csrf_of(office), "day": "2026-01-07", "portions": "1", "action": "order"}
    refused = office.post(f"/clients/{cid}/orders", data=late)
    assert refused.status_code == 422
    closed = "Поръчките за сряда, 7 януари 2026\u202fг. са затворени"  # noqa: RUF001 (Bulgarian)
    assert closed in refused.text  # and the earliest date follows, which depends on today
    with world.session() as session:
        assert session.exec(select(MealOrder).where(MealOrder.client_id == cid)).all() == []
