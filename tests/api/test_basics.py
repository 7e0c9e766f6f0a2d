"""The app's door: problem+json errors, sign-in by token and by page session, limits, health."""

from __future__ import annotations

from scheduler.models import Role
from tests.api.conftest import PASSWORD, World, csrf_of


def test_health_and_readiness_answer_without_sign_in(world: World) -> None:
    client = world.client()
    assert client.get("/healthz").json() == {"ok": True}
    ready = client.get("/readyz").json()
    assert ready["ready"] is True and ready["database"]["ok"] is True
    assert ready["outbox"]["waiting"] >= 0
    assert "python_gc_objects_collected_total" in client.get("/metrics").text


def test_anonymous_call_is_a_401_problem(world: World) -> None:
    response = world.client().get("/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["title"] == "Not signed in"


def test_bearer_token_names_the_caller_and_its_town(world: World) -> None:
    me = world.client("Maribor", Role.kitchen).get("/v1/me").json()
    assert (me["username"], me["role"], me["municipality"]) == ("kitchen", "kitchen", "Maribor")
    assert me["locale"] == "sl"


def test_wrong_or_revoked_token_is_refused(world: World) -> None:
    client = world.client()
    client.headers["Authorization"] = "Bearer pat_not-a-token"
    assert client.get("/v1/me").status_code == 401
    admin = world.client("Kazanlak", Role.admin)
    uid = world.user_ids[("Kazanlak", Role.driver)]
    issued = admin.post("/v1/tokens", json={"user_id": uid, "name": "gps"}).json()
    client.headers["Authorization"] = f"Bearer {issued['token']}"
    assert client.get("/v1/me").json()["role"] == "driver"
    assert admin.delete(f"/v1/tokens/{issued['id']}").json()["revoked_at"] is not None
    assert client.get("/v1/me").status_code == 401


def test_page_sign_in_sets_a_session_the_api_accepts(world: World) -> None:
    client = world.client()
    bad = client.post(
        "/login", data={"municipality": "Kazanlak", "username": "admin", "password": "nope1234"}
    )
    assert bad.status_code == 401
    good = client.post(
        "/login",
        data={"municipality": "Kazanlak", "username": "dispatcher", "password": PASSWORD},
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == "/board"
    assert client.get("/v1/me").json()["role"] == "dispatcher"
    client.post("/logout", data={"csrf": csrf_of(client)})
    assert client.get("/v1/me").status_code == 401


def test_same_user_name_in_another_town_does_not_sign_in_here(world: World) -> None:
    client = world.client()
    response = client.post(
        "/login", data={"municipality": "Nowhere", "username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 401


def test_validation_errors_name_the_field(world: World) -> None:
    admin = world.client("Kazanlak", Role.admin)
    response = admin.post("/v1/users", json={"username": "x", "password": "short", "role": "boss"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"body.password", "body.role"} <= fields


def test_domain_errors_name_the_field(world: World) -> None:
    admin = world.client("Kazanlak", Role.admin)
    response = admin.post(
        "/v1/users", json={"username": "admin", "password": "longenough", "role": "admin"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "username"


def test_body_over_the_limit_is_refused_before_reading(world: World) -> None:
    admin = world.client("Kazanlak", Role.admin)
    big = b"{" + b" " * (world.app.state.settings.max_body_bytes + 1) + b"}"
    response = admin.post("/v1/users", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["title"] == "Body too large"


def test_another_towns_user_id_answers_404(world: World) -> None:
    admin = world.client("Kazanlak", Role.admin)
    foreign = world.user_ids[("Maribor", Role.dispatcher)]
    own = world.user_ids[("Kazanlak", Role.dispatcher)]
    assert admin.get(f"/v1/users/{own}").status_code == 200
    response = admin.get(f"/v1/users/{foreign}")
    assert response.status_code == 404
    assert response.json()["detail"] == "no such User".replace("User", "user")
    assert admin.patch(f"/v1/users/{foreign}", json={"active": False}).status_code == 404


def test_pages_set_no_referrer_so_day_links_do_not_leak(world: World) -> None:
    response = world.client().get("/login")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["content-security-policy"]
