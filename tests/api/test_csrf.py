"""CSRF: a change made on the strength of the page session cookie needs the session's token;
bearer-token calls and signing in do not."""

from __future__ import annotations

from fastapi.testclient import TestClient

from scheduler.models import Role
from tests.api.conftest import PASSWORD, World, csrf_of

PLAN = "/v1/days/2026-01-06/meals/plan"


def _signed_in(world: World, username: str = "dispatcher") -> TestClient:
    client = world.client()
    who = {"municipality": "Kazanlak", "username": username, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


def test_a_session_call_to_the_api_needs_the_token_header(world: World) -> None:
    client = _signed_in(world)
    refused = client.post(PLAN, json={"request_id": "csrf-1"})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["title"] == "Missing or wrong CSRF token"
    wrong = client.post(PLAN, json={"request_id": "csrf-1"}, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    token = csrf_of(client)
    sent = client.post(PLAN, json={"request_id": "csrf-1"}, headers={"X-CSRF-Token": token})
    assert sent.status_code == 202, sent.text
    assert client.get("/v1/me").status_code == 200  # reading needs no token


def test_a_page_form_needs_the_hidden_field(world: World) -> None:
    client = _signed_in(world, "kitchen")
    assert 'name="csrf"' in client.get("/account").text
    refused = client.post("/account/language", data={"language": "sl"}, follow_redirects=False)
    assert refused.status_code == 403
    token = csrf_of(client)
    sent = client.post(
        "/account/language", data={"language": "sl", "csrf": token}, follow_redirects=False
    )
    assert sent.status_code == 303


def test_another_sessions_token_does_not_pass(world: World) -> None:
    mine, theirs = _signed_in(world), _signed_in(world)
    stolen = csrf_of(theirs)
    assert stolen != csrf_of(mine)
    answer = mine.post(PLAN, json={"request_id": "csrf-2"}, headers={"X-CSRF-Token": stolen})
    assert answer.status_code == 403


def test_signing_out_without_the_token_keeps_the_session(world: World) -> None:
    client = _signed_in(world)
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/v1/me").status_code == 200
    out = client.post("/logout", data={"csrf": csrf_of(client)}, follow_redirects=False)
    assert out.status_code == 303 and client.get("/v1/me").status_code == 401


def test_bearer_token_calls_need_no_csrf_token(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    assert api.post(PLAN, json={"request_id": "csrf-3"}).status_code == 202
