"""Sessions end when people sign out, sign-in cannot be guessed at, tokens expire.

Probed as an attacker would: a copy of the cookie taken before signing out (or before a new
password, or "sign out everywhere") must stop working at once; the cookie must not hand out
the CSRF token; wrong passwords pause sign-in and leave a record. Time moves through the
app's clock (`app.state.clock`), never by waiting.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from api.app import create_app
from api.csrf import token_for
from scheduler.models import AuditEntry, Role, SignInAttempt
from scheduler.settings import Settings
from tests.api.conftest import PASSWORD, World, csrf_of

PUBLISH = "/v1/days/2026-01-06/meals/publish"
COOKIE = "patronage_session"
NEW_PASSWORD = "a brand new password"
_names = count(1)


class Clock:
    """The app's clock, moved by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(world: World) -> Iterator[Clock]:
    """A clock of its own per test, days apart, so one test's failures are not another's."""
    previous = world.app.state.clock
    clock = Clock(datetime.now(UTC) + timedelta(days=30 * next(_names)))
    world.app.state.clock = clock
    yield clock
    world.app.state.clock = previous


def _new_user(world: World, role: Role = Role.dispatcher) -> str:
    """A fresh user of Kazanlak (tests change passwords and states; the shared ones stay)."""
    name = f"sec{next(_names)}"
    admin = world.client("Kazanlak", Role.admin)
    made = admin.post("/v1/users", json={"username": name, "password": PASSWORD, "role": role})
    assert made.status_code == 201, made.text
    return name


def _user_id(world: World, name: str) -> int:
    users = world.client("Kazanlak", Role.admin).get("/v1/users?limit=500").json()["items"]
    return int(next(u["id"] for u in users if u["username"] == name))


def _sign_in(world: World, name: str, password: str = PASSWORD, **client: object) -> TestClient:
    browser = TestClient(world.app, raise_server_exceptions=False, **client)  # type: ignore[arg-type]
    who = {"municipality": "Kazanlak", "username": name, "password": password}
    answer = browser.post("/login", data=who, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return browser


def _replay(world: World, browser: TestClient) -> TestClient:
    """Another client holding a copy of the browser's cookie: what a thief would have."""
    thief = TestClient(world.app, raise_server_exceptions=False)
    thief.cookies.set(COOKIE, browser.cookies[COOKIE])
    return thief


def _payload(cookie: str) -> dict[str, object]:
    """What anyone holding the cookie can read: it is signed, not encrypted."""
    data = cookie.split(".")[0]
    decoded: dict[str, object] = json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))
    return decoded


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(
    world: World, clock: Clock
) -> None:
    browser = _sign_in(world, _new_user(world))
    token = csrf_of(browser)
    thief = _replay(world, browser)
    assert thief.get("/v1/me").status_code == 200  # before: the copy works, as it must
    assert browser.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert thief.get("/v1/me").status_code == 401
    published = thief.post(PUBLISH, json={"request_id": "sec-1"}, headers={"X-CSRF-Token": token})
    assert published.status_code == 401
    assert thief.get("/account", follow_redirects=False).headers["location"] == "/login"


def test_a_session_ends_when_it_is_too_old_whatever_the_cookie_says(
    world: World, clock: Clock
) -> None:
    browser = _sign_in(world, _new_user(world))
    clock.advance(hours=11, minutes=59)
    assert browser.get("/v1/me").status_code == 200
    clock.advance(minutes=2)  # past session_max_age_s (12 h), checked on the server
    assert browser.get("/v1/me").status_code == 401


def test_a_new_password_ends_the_other_sessions(world: World, clock: Clock) -> None:
    name = _new_user(world)
    browser = _sign_in(world, name)
    thief = _replay(world, browser)
    admin = world.client("Kazanlak", Role.admin)
    uid = _user_id(world, name)
    assert admin.patch(f"/v1/users/{uid}", json={"password": NEW_PASSWORD}).status_code == 200
    assert browser.get("/v1/me").status_code == 401
    assert thief.get("/v1/me").status_code == 401
    assert _sign_in(world, name, NEW_PASSWORD).get("/v1/me").status_code == 200


def test_deactivation_ends_the_sessions_for_good(world: World, clock: Clock) -> None:
    name = _new_user(world)
    browser = _sign_in(world, name)
    admin = world.client("Kazanlak", Role.admin)
    uid = _user_id(world, name)
    assert admin.patch(f"/v1/users/{uid}", json={"active": False}).status_code == 200
    assert browser.get("/v1/me").status_code == 401
    assert admin.patch(f"/v1/users/{uid}", json={"active": True}).status_code == 200
    assert browser.get("/v1/me").status_code == 401  # back on: the old session stays ended


def test_sign_out_everywhere_over_rest(world: World, clock: Clock) -> None:
    name = _new_user(world)
    office, phone = _sign_in(world, name), _sign_in(world, name)
    refused = office.delete("/v1/me/sessions")  # a cookie alone cannot do it (CSRF)
    assert refused.status_code == 403
    ended = office.delete("/v1/me/sessions", headers={"X-CSRF-Token": csrf_of(office)})
    assert ended.status_code == 200 and ended.json() == {"ended": 2}
    assert office.get("/v1/me").status_code == 401
    assert phone.get("/v1/me").status_code == 401
    with world.session() as session:
        rows = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "sign_out_everywhere",
                AuditEntry.entity_id == str(_user_id(world, name)),
            )
        ).all()
    assert len(rows) == 1 and rows[0].detail == {"sessions": 2}


def test_sign_out_everywhere_from_the_account_page(world: World, clock: Clock) -> None:
    name = _new_user(world)
    office, phone = _sign_in(world, name), _sign_in(world, name)
    page = office.get("/account").text
    assert 'action="/account/sign-out-everywhere"' in page
    answer = office.post(
        "/account/sign-out-everywhere", data={"csrf": csrf_of(office)}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert office.get("/v1/me").status_code == 401
    assert phone.get("/v1/me").status_code == 401


def test_the_admin_signs_a_user_out_everywhere(world: World, clock: Clock) -> None:
    name = _new_user(world)
    browser = _sign_in(world, name)
    admin = world.client("Kazanlak", Role.admin)
    uid = _user_id(world, name)
    assert admin.delete(f"/v1/users/{uid}/sessions").json() == {"ended": 1}
    assert browser.get("/v1/me").status_code == 401
    other_town = world.client("Maribor", Role.admin)
    assert other_town.delete(f"/v1/users/{uid}/sessions").status_code == 404


def test_the_csrf_token_is_not_in_the_cookie(world: World, clock: Clock) -> None:
    browser = _sign_in(world, _new_user(world))
    token = csrf_of(browser)
    payload = _payload(browser.cookies[COOKIE])
    assert set(payload) == {"sid"}
    assert token not in json.dumps(payload)
    # Knowing the session key is not knowing the token: it needs the server's secret.
    assert token != payload["sid"]
    assert token != token_for("a guessed secret", str(payload["sid"]))
    assert token == token_for("test-secret", str(payload["sid"]))
    forged = browser.post(
        PUBLISH, json={"request_id": "sec-2"}, headers={"X-CSRF-Token": str(payload["sid"])}
    )
    assert forged.status_code == 403


def test_the_cookie_is_secure_unless_served_on_loopback_http(world: World) -> None:
    assert Settings(base_url="https://patronage.example.org").cookie_secure is True
    assert Settings(base_url="http://patronage.example.org").cookie_secure is True
    assert Settings(base_url="http://127.0.0.1:8000").cookie_secure is False
    assert Settings(base_url="http://localhost:8000").cookie_secure is False
    assert Settings(base_url="http://127.0.0.1:8000", cookie_secure=True).cookie_secure is True
    here = world.client().post(
        "/login",
        data={"municipality": "Kazanlak", "username": "kitchen", "password": PASSWORD},
        follow_redirects=False,
    )
    assert "secure" not in here.headers["set-cookie"].lower()
    public = create_app(
        Settings(
            database_url=str(world.engine.url.render_as_string(hide_password=False)),
            secret_key="test-secret",
            redis_url="redis://127.0.0.1:9/0",
            base_url="https://patronage.example.org",
        )
    )
    try:
        answer = TestClient(public, base_url="https://testserver").post(
            "/login",
            data={"municipality": "Kazanlak", "username": "kitchen", "password": PASSWORD},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert "; secure" in answer.headers["set-cookie"].lower()
    finally:
        public.state.engine.dispose()


def _try(browser: TestClient, name: str, password: str, lang: str = "bg") -> int:
    who = {"municipality": "Kazanlak", "username": name, "password": password, "lang": lang}
    return browser.post("/login", data=who, follow_redirects=False).status_code


def test_wrong_passwords_pause_sign_in_and_are_audited(world: World, clock: Clock) -> None:
    name = _new_user(world)
    browser = TestClient(world.app, raise_server_exceptions=False, client=("198.51.100.7", 5000))
    assert [_try(browser, name, f"guess-{i}-pass") for i in range(5)] == [401] * 5
    paused = browser.post(
        "/login",
        data={"municipality": "Kazanlak", "username": name, "password": PASSWORD, "lang": "bg"},
        follow_redirects=False,
    )
    assert paused.status_code == 429  # even the right password waits
    assert 1 <= int(paused.headers["retry-after"]) <= 15 * 60
    assert "Твърде много неуспешни опити за вход" in paused.text
    # From another address the account is paused too: a guesser may rotate addresses.
    elsewhere = TestClient(world.app, raise_server_exceptions=False, client=("203.0.113.9", 1))
    assert _try(elsewhere, name, PASSWORD, "sl") == 429
    with world.session() as session:
        tried = session.exec(
            select(SignInAttempt)
            .where(SignInAttempt.account.endswith(f"/{name}"))  # type: ignore[attr-defined]
            .order_by(col(SignInAttempt.id))
        ).all()
        failed = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "sign_in_failed", AuditEntry.entity_id == name
            )
        ).all()
    assert [a.outcome for a in tried] == ["wrong"] * 5 + ["throttled"] * 2
    assert {a.address for a in tried} == {"198.51.100.7", "203.0.113.9"}
    assert all(a.at == clock.now for a in tried)
    assert len(failed) == 5 and failed[0].detail["address"] == "198.51.100.7"
    assert failed[0].actor == "address:198.51.100.7" and failed[0].at == clock.now
    clock.advance(minutes=15, seconds=1)
    assert _try(browser, name, PASSWORD) == 303  # the pause is over


def test_a_success_clears_the_accounts_count(world: World, clock: Clock) -> None:
    name = _new_user(world)
    browser = TestClient(world.app, raise_server_exceptions=False, client=("198.51.100.8", 1))
    assert [_try(browser, name, f"guess-{i}-pass") for i in range(4)] == [401] * 4
    assert _try(browser, name, PASSWORD) == 303
    assert [_try(browser, name, f"again-{i}-pass") for i in range(4)] == [401] * 4
    assert _try(browser, name, PASSWORD) == 303


def test_one_address_guessing_many_accounts_is_paused(world: World, clock: Clock) -> None:
    prober = TestClient(world.app, raise_server_exceptions=False, client=("192.0.2.66", 1))
    for i in range(20):  # a new account each time: no account reaches its own limit
        assert _try(prober, f"nobody-{i}", "password-guess") == 401
    name = _new_user(world)
    assert _try(prober, name, PASSWORD) == 429
    assert _try(TestClient(world.app, client=("192.0.2.67", 1)), name, PASSWORD) == 303


def test_tokens_expire(world: World, clock: Clock) -> None:
    name = _new_user(world, Role.kitchen)
    admin = world.client("Kazanlak", Role.admin)
    uid = _user_id(world, name)
    short = admin.post("/v1/tokens", json={"user_id": uid, "name": "cron", "expires_in_days": 2})
    default = admin.post("/v1/tokens", json={"user_id": uid, "name": "sync"})
    assert short.status_code == default.status_code == 201
    expires = datetime.fromisoformat(default.json()["expires_at"])
    assert expires == clock.now + timedelta(days=90)
    listed = {t["id"]: t for t in admin.get("/v1/tokens?limit=500").json()["items"]}
    assert listed[short.json()["id"]]["expires_at"] is not None

    def me(secret: str) -> int:
        client = TestClient(world.app, raise_server_exceptions=False)
        return client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code

    assert me(short.json()["token"]) == 200
    clock.advance(days=2)
    assert me(short.json()["token"]) == 401
    assert me(default.json()["token"]) == 200
    assert admin.delete(f"/v1/tokens/{default.json()['id']}").status_code == 200
    assert me(default.json()["token"]) == 401
