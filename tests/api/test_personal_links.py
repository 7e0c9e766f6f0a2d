"""Getting a driver or caregiver onto their day: users linked to drivers and caregivers, the
personal link and its next working day, expired and revoked links as pages, sign-in however
the municipality is written, off-day check-ins refused, links sent by ntfy, e-mail and QR."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlmodel import select

from api import links
from api.links import DayLink
from scheduler.models import AuditEntry, Driver, Plan, PlanVersion, Role, Route, Stop, User
from scheduler.names import fold, transliterate_bg
from tests.api.conftest import PASSWORD, World, csrf_of
from tests.services import free_port

HTML = {"Accept": "text/html,application/xhtml+xml"}
SOFIA = ZoneInfo("Europe/Sofia")
TODAY = datetime.now(SOFIA).date()


def _driver(world: World, town: str = "Kazanlak") -> int:
    """Driver D1 of van V1, made once per module."""
    with world.session() as session:
        mid = world.town_ids[town]
        found = session.exec(
            select(Driver).where(Driver.municipality_id == mid, Driver.external_id == "D1")
        ).first()
        if found is None:
            found = Driver(municipality_id=mid, external_id="D1", name="Petar",
                           vehicle_id=world.ids[(town, "vehicle")])  # fmt: skip
            session.add(found)
            session.commit()
        assert found.id is not None
        return found.id


def _publish(world: World, day: date, service: str = "meals", resource: str = "V1") -> None:
    """A published plan of `day` with one open job stop on `resource`'s route."""
    mid = world.town_ids["Kazanlak"]
    with world.session() as session:
        plan = Plan(municipality_id=mid, day=day, service=service, current_version=1,
                    published_version=1)  # fmt: skip
        session.add(plan)
        session.flush()
        version = PlanVersion(municipality_id=mid, plan_id=plan.id or 0, version=1)
        session.add(version)
        session.flush()
        route = Route(municipality_id=mid, plan_version_id=version.id or 0, resource=resource)
        session.add(route)
        session.flush()
        session.add(Stop(municipality_id=mid, route_id=route.id or 0, seq=1, kind="job"))
        session.commit()


def _day_of(location: str, world: World) -> DayLink:
    token = location.rsplit("/d/", 1)[1]
    return links.read(world.app.state.settings, token)


def _audit(world: World, entity: str) -> list[tuple[str, str]]:
    with world.session() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.entity == entity)).all()
        return [(r.action, str(r.entity_id)) for r in rows]


# --- 1. users linked to drivers and caregivers ------------------------------------------------


def test_admin_links_and_unlinks_a_user_within_the_municipality(world: World) -> None:
    admin = world.client("Kazanlak", Role.admin)
    uid = world.user_ids[("Kazanlak", Role.driver)]
    driver = _driver(world)
    linked = admin.put(f"/v1/users/{uid}/link", json={"driver_id": driver})
    assert linked.status_code == 200 and linked.json()["driver_id"] == driver
    both = admin.put(f"/v1/users/{uid}/link", json={"driver_id": driver, "caregiver_id": 1})
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "driver_id"
    foreign = world.ids[("Maribor", "caregiver")]
    assert admin.put(f"/v1/users/{uid}/link", json={"caregiver_id": foreign}).status_code == 404
    assert admin.delete(f"/v1/users/{uid}/link").json()["driver_id"] is None
    assert ("link", str(uid)) in _audit(world, "user") and ("unlink", str(uid)) in _audit(
        world, "user"
    )
    assert (
        world.client("Kazanlak", Role.dispatcher).delete(f"/v1/users/{uid}/link").status_code == 403
    )
    paths = world.app.openapi()["paths"]
    assert "put" in paths["/v1/users/{user_id}/link"]


def test_the_admin_users_page_links_a_user(world: World) -> None:
    client = world.client()
    who = {"municipality": "Kazanlak", "username": "admin", "password": PASSWORD}
    client.post("/login", data=who)
    page = client.get("/admin/users")
    assert page.status_code == 200 and "Потребители" in page.text
    driver = _driver(world)
    uid = world.user_ids[("Kazanlak", Role.driver)]
    form = {"follows": f"driver:{driver}", "csrf": csrf_of(client)}
    done = client.post(f"/admin/users/{uid}/link", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert f'value="driver:{driver}" selected' in client.get("/admin/users").text
    with world.session() as session:
        assert (user := session.get(User, uid)) is not None and user.driver_id == driver
    dispatcher = world.client()
    dispatcher.post("/login", data={**who, "username": "dispatcher"})
    assert dispatcher.get("/admin/users").status_code == 403


# --- 2. the personal link and "my next working day" -------------------------------------------


def test_the_personal_link_opens_the_next_working_day_and_switches_days(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    driver = _driver(world)
    _publish(world, TODAY + timedelta(days=1))
    _publish(world, TODAY + timedelta(days=3))
    issued = staff.post(f"/v1/personal-links/driver/{driver}").json()
    assert issued["name"] == "Petar" and issued["version"] == 1
    assert staff.post(f"/v1/personal-links/driver/{driver}").json()["url"] == issued["url"]
    path = urlsplit(issued["url"]).path
    phone = world.client()
    opened = phone.get(path, headers=HTML, follow_redirects=False)
    assert opened.status_code == 303
    assert _day_of(opened.headers["location"], world) == DayLink(
        world.town_ids["Kazanlak"], "meals", TODAY + timedelta(days=1), "V1"
    )
    listed = phone.get(f"{path}/days", headers=HTML)
    days = [(TODAY + timedelta(days=n)).isoformat() for n in (1, 3)]
    assert all(f'data-day="{d}"' in listed.text for d in days) and "Моите дни" in listed.text
    later = phone.get(f"{path}/{days[1]}", follow_redirects=False)
    assert _day_of(later.headers["location"], world).day == TODAY + timedelta(days=3)
    off = phone.get(f"{path}/{(TODAY + timedelta(days=2)).isoformat()}", headers=HTML)
    assert off.status_code == 404 and "в публикувания план" in off.text
    # The day link it opens shows the day (the link is fresh, whatever the personal link's age).
    assert phone.get(opened.headers["location"]).status_code == 200
    # Installed from that day, the app starts at the personal link.
    manifest = phone.get(opened.headers["location"] + "/manifest.webmanifest").json()
    assert manifest["start_url"] == path


def test_today_counts_until_the_day_is_done(world: World) -> None:
    _publish(world, TODAY, "care", "CG1")
    _publish(world, TODAY + timedelta(days=2), "care", "CG1")
    staff = world.client("Kazanlak", Role.dispatcher)
    carer = world.ids[("Kazanlak", "caregiver")]
    path = urlsplit(staff.post(f"/v1/personal-links/caregiver/{carer}").json()["url"]).path
    first = world.client().get(path, follow_redirects=False)
    assert _day_of(first.headers["location"], world).day == TODAY
    with world.session() as session:  # every stop of today's round is done
        for stop in session.exec(select(Stop).join(Route).join(PlanVersion).join(Plan).where(
            Plan.day == TODAY, Plan.service == "care"
        )).all():  # fmt: skip
            stop.status = "done"  # type: ignore[assignment]
            session.add(stop)
        session.commit()
    second = world.client().get(path, follow_redirects=False)
    assert _day_of(second.headers["location"], world).day == TODAY + timedelta(days=2)


def test_signed_in_my_day_opens_the_next_working_day(world: World) -> None:
    client = world.client()
    client.post("/login", data={"municipality": "Kazanlak", "username": "caregiver",
                                "password": PASSWORD})  # fmt: skip
    _publish(world, TODAY + timedelta(days=5), "care", "CG1")
    opened = client.get("/my-day", follow_redirects=False)
    assert opened.status_code == 303 and "/d/" in opened.headers["location"]
    listed = client.get("/my-day/days")
    assert f'data-day="{(TODAY + timedelta(days=5)).isoformat()}"' in listed.text


def test_a_revoked_personal_link_shows_a_page_and_the_next_one_works(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    driver = _driver(world)
    old = urlsplit(staff.post(f"/v1/personal-links/driver/{driver}").json()["url"]).path
    new = staff.delete(f"/v1/personal-links/driver/{driver}").json()
    assert new["revoked_at"] is not None and urlsplit(new["url"]).path != old
    page = world.client().get(old, headers=HTML)
    assert page.status_code == 410 and "text/html" in page.headers["content-type"]
    assert "оттеглил" in page.text and "Поискайте нов линк от диспечера." in page.text
    script = world.client().get(old)
    assert script.status_code == 410 and script.json()["title"] == "Link withdrawn"
    assert world.client().get(urlsplit(new["url"]).path, follow_redirects=False).status_code in (
        200,
        303,
    )
    assert any(a == "revoke" for a, _ in _audit(world, "personal_link"))
    other = world.client("Maribor", Role.dispatcher)
    assert other.post(f"/v1/personal-links/driver/{driver}").status_code == 404


# --- 4. expired and damaged links --------------------------------------------------------------


def _old_token(world: World, town: str, monkeypatch: pytest.MonkeyPatch) -> str:
    hours = world.app.state.settings.link_max_age_hours
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - (hours + 1) * 3600)
    token = links.sign(world.app.state.settings,
                       DayLink(world.town_ids[town], "meals", date(2026, 1, 6), "V1"))  # fmt: skip
    monkeypatch.setattr(time, "time", real)
    return token


def test_an_expired_day_link_shows_a_page_in_the_towns_language(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _old_token(world, "Maribor", monkeypatch)
    page = world.client().get(f"/d/{token}", headers=HTML)
    assert page.status_code == 410 and 'lang="sl"' in page.text
    assert "Povezava je veljala za en dan in je potekla." in page.text
    assert "Prosite dispečerja za novo povezavo." in page.text and "{" not in page.text
    data = world.client().get(f"/d/{token}/day.json", headers=HTML)
    assert data.status_code == 410 and data.json()["title"] == "Link expired"


def test_a_damaged_link_speaks_the_browsers_language(world: World) -> None:
    headers = {**HTML, "Accept-Language": "de;q=1, bg;q=0.8, en;q=0.5"}
    page = world.client().get("/d/not-a-token", headers=headers)
    assert page.status_code == 404 and 'lang="bg"' in page.text and "повреден" in page.text
    assert world.client().get("/d/me/not-a-token", headers=HTML).status_code == 404


# --- 5. sign-in however the municipality is written --------------------------------------------


def test_names_fold_by_the_official_transliteration() -> None:
    assert transliterate_bg("Казанлък") == "kazanlak"
    assert transliterate_bg("Щръклево") == "shtraklevo"
    assert transliterate_bg("София") == "sofia"  # "-ия" at the end of a word is "ia"
    assert transliterate_bg("Юнаци Ябланица") == "yunatsi yablanitsa"
    assert fold("  KAZANLAK ") == fold("казанлък") == "kazanlak"
    assert fold("Škofja  Loka") == fold("skofja-loka") == "skofja loka"


@pytest.mark.parametrize("written", ["казанлък", "KAZANLAK", "Казанлък", " kazanlak "])
def test_sign_in_accepts_the_municipality_however_written(world: World, written: str) -> None:
    who = {"municipality": written, "username": "dispatcher", "password": PASSWORD}
    answer = world.client().post("/login", data=who, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/board"


def test_a_failed_sign_in_speaks_the_users_language_and_lists_the_towns(world: World) -> None:
    form = world.client().get("/login", headers={"Accept-Language": "sl-SI,sl;q=0.9"})
    assert 'lang="sl"' in form.text and '<datalist id="towns">' in form.text
    assert '<option value="Maribor">' in form.text
    who = {"municipality": "Казанлък", "username": "admin", "password": "wrong-pass", "lang": "bg"}
    bad = world.client().post("/login", data=who)
    assert bad.status_code == 401 and 'lang="bg"' in bad.text
    assert "Грешна община" in bad.text or "община" in bad.text


# --- 6. check-ins outside the visit's day -----------------------------------------------------


def test_a_check_in_on_another_day_is_refused_naming_the_field(world: World) -> None:
    day = date(2026, 1, 6)  # the seeded visit's day; its care plan is published here
    _publish(world, day, "care", "CG1")
    token = links.sign(world.app.state.settings,
                       DayLink(world.town_ids["Kazanlak"], "care", day, "CG1"))  # fmt: skip
    friday = datetime(2026, 1, 9, 9, 5, tzinfo=SOFIA)
    body = {"stop_key": f"visit:{world.ids[('Kazanlak', 'visit')]}", "status": "checked_in",
            "client_event_id": "off-day-1", "at": friday.isoformat()}  # fmt: skip
    answer = world.client().post(f"/d/{token}/reports", json=body)
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert (
        error["field"] == "body.at"
        and "Отметката важи само в деня на посещението" in (error["message"])
    )
    assert "9 януари 2026" in error["message"]


def test_record_check_refuses_another_day(world: World) -> None:
    from scheduler.intake.attendance import Check, OffDayCheckError, record_check

    mid = world.town_ids["Kazanlak"]
    friday = datetime(2026, 1, 9, 9, 5, tzinfo=SOFIA)
    check = Check(world.ids[("Kazanlak", "visit")], world.ids[("Kazanlak", "caregiver")], "in",
                  friday, "off-day-2")  # fmt: skip
    with world.session() as session, pytest.raises(OffDayCheckError) as caught:
        record_check(mid, check, session=session, actor="test")
    assert caught.value.problems[0].field == "at"
    assert "2026-01-09" in str(caught.value) and "2026-01-06" in str(caught.value)


# --- 3. the board sends the link: ntfy, e-mail, QR --------------------------------------------


class _Ntfy(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(size).decode()
        _Ntfy.received.append({"path": self.path, "body": body, **dict(self.headers)})
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def ntfy_server() -> Iterator[str]:
    _Ntfy.received.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Ntfy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server(world: World) -> Iterator[_Inbox]:
    """A real SMTP server on a free port, and the app's settings pointed at it."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = world.app.state.settings
    saved = (settings.smtp_host, settings.smtp_port, settings.smtp_starttls)
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = (
        "127.0.0.1",
        controller.port,
        False,
    )
    yield inbox
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = saved
    controller.stop()


def test_the_board_sends_the_link_by_ntfy(world: World, ntfy_server: str) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    driver = _driver(world)
    nowhere = staff.post(f"/v1/personal-links/driver/{driver}/send", json={"channel": "ntfy"})
    assert nowhere.status_code == 409 and "ntfy" in nowhere.json()["detail"]
    topic = f"{ntfy_server}/patronage-d1"
    set_up = staff.patch(f"/v1/personal-links/driver/{driver}", json={"ntfy_topic": topic})
    assert set_up.json()["ntfy_topic"] == topic
    sent = staff.post(f"/v1/personal-links/driver/{driver}/send", json={"channel": "ntfy"})
    assert sent.status_code == 200 and sent.json() == {"channel": "ntfy", "to": topic}
    (got,) = [r for r in _Ntfy.received if r["path"] == "/patronage-d1"]
    url = staff.post(f"/v1/personal-links/driver/{driver}").json()["url"]
    assert (
        got["Click"] == url
        and "Petar" in got["body"]
        and "следващия ви работен ден" in (got["body"])
    )
    bad = staff.patch(f"/v1/personal-links/driver/{driver}", json={"ntfy_topic": "topic"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ntfy_topic"


def test_the_board_sends_the_link_by_email(world: World, smtp_server: _Inbox) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    carer = world.ids[("Kazanlak", "caregiver")]
    staff.patch(f"/v1/personal-links/caregiver/{carer}", json={"email": "maria@example.org"})
    sent = staff.post(f"/v1/personal-links/caregiver/{carer}/send", json={"channel": "email"})
    assert sent.status_code == 200, sent.text
    (mail,) = smtp_server.messages
    url = staff.post(f"/v1/personal-links/caregiver/{carer}").json()["url"]
    assert mail["To"] == "maria@example.org" and url in mail.get_payload(decode=True).decode()
    assert any(a == "send" for a, _ in _audit(world, "personal_link"))


def test_email_without_an_smtp_server_says_so(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    carer = world.ids[("Kazanlak", "caregiver")]
    staff.patch(f"/v1/personal-links/caregiver/{carer}", json={"email": "maria@example.org"})
    answer = staff.post(f"/v1/personal-links/caregiver/{carer}/send", json={"channel": "email"})
    assert answer.status_code == 409 and "PATRONAGE_SMTP_HOST" in answer.json()["detail"]


def test_the_board_shows_a_qr_code_and_whom_each_route_can_send_to(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    driver = _driver(world)
    qr = staff.get(f"/v1/personal-links/driver/{driver}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in qr.text and 'xmlns="http://www.w3.org/2000/svg"' in qr.text
    board = staff.get("/v1/days/2026-01-06/meals").json()
    (route,) = board["routes"]
    assert {"holder": "driver", "holder_id": driver, "name": "Petar"} in route["holders"]
