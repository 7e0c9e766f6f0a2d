"""The permission matrix: each role against each endpoint, and a second municipality's ids."""

from __future__ import annotations

import pytest

from scheduler.models import Role
from tests.api.conftest import World
from tests.api.matrix import ENDPOINTS, Endpoint


def _ids(world: World, town: str) -> dict[str, int]:
    ids = {entity: value for (t, entity), value in world.ids.items() if t == town}
    ids["user"] = world.user_ids[(town, Role.driver)]
    return ids


def test_the_matrix_names_every_v1_route(world: World) -> None:
    paths = world.app.openapi()["paths"]
    routes = {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/v1/")
        for method in operations
    }
    assert routes == {(e.method, e.path.split("?")[0]) for e in ENDPOINTS}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_role_against_endpoint(world: World, endpoint: Endpoint, role: Role) -> None:
    ids = _ids(world, "Kazanlak")
    assert set(endpoint.ids.values()) <= set(ids), "seed a row for this endpoint"
    client = world.client("Kazanlak", role)
    url = endpoint.url(ids)
    response = client.request(endpoint.method, url, json=endpoint.body)
    if role in endpoint.roles:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.ids], ids=lambda e: f"{e.method} {e.path}"
)
def test_another_towns_id_answers_404(world: World, endpoint: Endpoint) -> None:
    foreign = _ids(world, "Maribor")
    assert set(endpoint.ids.values()) <= set(foreign), "seed a row for this endpoint"
    role = Role.admin if Role.admin in endpoint.roles else next(iter(endpoint.roles))
    response = world.client("Kazanlak", role).request(
        endpoint.method, endpoint.url(foreign), json=endpoint.body
    )
    assert response.status_code == 404, response.text
    assert response.json()["title"] == "Not found"
