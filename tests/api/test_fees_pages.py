"""The prices page and a client's pauses-and-fees page: forms with CSRF, 422 naming the field
in the reader's language, nothing written on a refusal, and the same rows as REST."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from scheduler.models import MealOrder, OrderStatus, Role, SubscriptionPause
from scheduler.models.fees import DatedPrice, FeeReduction
from tests.api.conftest import PASSWORD, World, csrf_of


def _signed_in(world: World, role: Role, town: str = "Kazanlak") -> TestClient:
    client = world.client()
    who = {"municipality": town, "username": role.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


def test_the_prices_form_sets_a_dated_price(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    form = {"csrf": csrf_of(office), "kind": "soft", "valid_from": "2094-03-15", "price": "4,20"}
    answer = office.post("/prices", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = office.get("/prices")
    assert page.status_code == 200 and "4,20" in page.text  # Bulgarian money, the town's words
    assert "Цени" in page.text
    with world.session() as session:
        row = session.exec(select(DatedPrice).where(DatedPrice.price_cents == 420)).one()
        assert (row.kind, row.valid_from.isoformat()) == ("soft", "2094-03-15")


def test_the_milk_kitchen_is_priced_per_age_group_on_the_prices_page(world: World) -> None:
    office = _signed_in(world, Role.admin)
    token = csrf_of(office)
    form = {"csrf": token, "service": "milk_kitchen", "kind": "6-12",
            "valid_from": "2094-06-15", "price": "1,60"}  # fmt: skip
    assert office.post("/prices", data=form, follow_redirects=False).status_code == 303
    page = office.get("/prices").text
    assert "Млечна кухня" in page and "1,60" in page
    wrong = office.post("/prices", data={**form, "kind": "soft", "valid_from": "2094-06-16"})
    assert wrong.status_code == 422 and "Диета или възрастова група" in wrong.text
    with world.session() as session:
        rows = session.exec(select(DatedPrice).where(DatedPrice.service == "milk_kitchen")).all()
        assert {(r.kind, r.valid_from.isoformat(), r.price_cents) for r in rows} >= {
            ("6-12", "2094-06-15", 160)
        }
        assert not [r for r in rows if r.valid_from.isoformat() == "2094-06-16"]


def test_a_bad_price_names_the_field_and_writes_nothing(world: World) -> None:
    office = _signed_in(world, Role.admin)
    with world.session() as session:
        before = len(session.exec(select(DatedPrice)).all())
    form = {"csrf": csrf_of(office), "kind": "soft", "valid_from": "2094-04-01", "price": "4.2x"}
    answer = office.post("/prices", data=form)
    assert answer.status_code == 422
    assert "Не е записано: проверете Цена." in answer.text  # noqa: RUF001 (Bulgarian)
    no_token = office.post("/prices", data={**form, "csrf": "x", "price": "1"})
    assert no_token.status_code in (400, 403)
    with world.session() as session:
        assert len(session.exec(select(DatedPrice)).all()) == before


def test_a_client_is_paused_and_given_a_reduction(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    cid = world.ids[("Kazanlak", "client")]
    assert f"/clients/{cid}/fees" in office.get("/clients").text
    token = csrf_of(office)
    pause = {"csrf": token, "start": "2094-05-04", "end": "2094-05-08", "reason": "болница"}
    assert (
        office.post(f"/clients/{cid}/pauses", data=pause, follow_redirects=False).status_code == 303
    )
    cut = {"csrf": token, "start": "2094-05-01", "end": "2094-12-31", "amount": "50"}
    made = office.post(f"/clients/{cid}/reductions", data=cut, follow_redirects=False)
    assert made.status_code == 303
    page = office.get(f"/clients/{cid}/fees").text
    assert "болница" in page and "50 %" in page
    bad = office.post(f"/clients/{cid}/pauses", data={**pause, "end": "2094-05-01"})
    assert bad.status_code == 422 and "До" in bad.text  # "Until", the field named
    with world.session() as session:
        rows = session.exec(select(FeeReduction).where(FeeReduction.client_id == cid)).all()
        assert [r.percent for r in rows if r.start.year == 2094] == [50]
    foreign = _signed_in(world, Role.dispatcher, "Maribor").get(f"/clients/{cid}/fees")
    assert foreign.status_code == 404


def test_the_statements_page_lists_the_month_with_its_downloads(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    cid = world.ids[("Kazanlak", "client")]
    page = office.get("/statements?month=2026-01")
    assert page.status_code == 200, page.text
    assert "Сметки" in page.text and 'id="missing-prices"' not in page.text
    assert f"/statements.csv?month=2026-01&client_id={cid}" in page.text
    assert "/v1/statements/sheet?month=2026-01&client_id=" in page.text
    sheet = office.get(f"/statements.csv?month=2026-01&client_id={cid}")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    assert len(sheet.text.strip().splitlines()) == 2  # the header and the one client
    assert office.get("/statements?month=2026-13").status_code == 422
    assert world.client().get("/statements", follow_redirects=False).status_code in (302, 303)


def test_a_pause_is_ended_early_and_another_taken_back_on_the_page(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    cid = world.ids[("Kazanlak", "client")]
    token = csrf_of(office)
    for start, end in (("2094-11-08", "2094-11-19"), ("2094-12-08", "2094-12-10")):
        pause = {"csrf": token, "start": start, "end": end, "reason": "болница"}
        office.post(f"/clients/{cid}/pauses", data=pause, follow_redirects=False)
    with world.session() as session:
        rows = session.exec(select(SubscriptionPause).where(SubscriptionPause.reason == "болница"))
        ids = {p.start.isoformat(): p.id for p in rows.all()}
    page = office.get(f"/clients/{cid}/fees").text
    assert f"/clients/{cid}/pauses/{ids['2094-11-08']}/end" in page and "Край по-рано" in page
    ending = f"/clients/{cid}/pauses/{ids['2094-11-08']}/end"
    too_late = office.post(ending, data={"csrf": token, "end": "2094-11-26"})
    assert too_late.status_code == 422 and "До" in too_late.text  # "Until", the field named
    ended = office.post(ending, data={"csrf": token, "end": "2094-11-10"}, follow_redirects=False)
    assert ended.status_code == 303
    taking = f"/clients/{cid}/pauses/{ids['2094-12-08']}/delete"
    assert office.post(taking, data={"csrf": token}, follow_redirects=False).status_code == 303
    foreign = _signed_in(world, Role.dispatcher, "Maribor")
    assert (
        foreign.post(ending, data={"csrf": csrf_of(foreign), "end": "2094-11-09"}).status_code
        == 404
    )
    with world.session() as session:
        rows = session.exec(select(SubscriptionPause).where(SubscriptionPause.reason == "болница"))
        assert {(p.start.isoformat(), p.end.isoformat()) for p in rows.all()} >= {
            ("2094-11-08", "2094-11-10")
        }
        assert ids["2094-12-08"] not in {p.id for p in session.exec(select(SubscriptionPause))}
        orders = session.exec(select(MealOrder).where(MealOrder.client_id == cid)).all()
        back = sorted(o.day.day for o in orders if o.day.month == 11 and o.day.year == 2094
                      and o.status == OrderStatus.ordered)  # fmt: skip
        assert back == [11, 12, 15, 16, 17, 18, 19]
