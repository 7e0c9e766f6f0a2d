"""Schemathesis against the OpenAPI document: bad input never makes a server error.

Each operation gets a bounded number of generated requests (signed in as an admin for user
and token routes, else as a dispatcher); then sequences of calls follow the links between
operations (an id one answer returns, used by the next request). The one check that must hold
is "no 5xx". Examples are derandomized (a fixed seed), so a run is repeatable; raise
PATRONAGE_FUZZ_EXAMPLES / PATRONAGE_FUZZ_STATEFUL_EXAMPLES for a deeper run (`make fuzz`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from scheduler.models import Role
from scheduler.settings import Settings
from tests.api.conftest import World, build_world

EXAMPLES = int(os.environ.get("PATRONAGE_FUZZ_EXAMPLES", "6"))
STATEFUL_EXAMPLES = int(os.environ.get("PATRONAGE_FUZZ_STATEFUL_EXAMPLES", "8"))


def _operations() -> list[tuple[str, str]]:
    spec = create_app(Settings(database_url="sqlite:///:memory:")).openapi()
    return sorted((m.upper(), p) for p, ops in spec["paths"].items() for m in ops)


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    world = build_world(f"sqlite:///{path.as_posix()}", solve_time_limit_s=0.5)
    yield world
    world.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_world: World) -> Any:
    return schemathesis.openapi.from_asgi("/v1/openapi.json", fuzz_world.app)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_input_makes_a_server_error(
    method: str, path: str, api_schema: Any, fuzz_world: World
) -> None:
    operation = api_schema[path][method]
    role = (
        Role.admin if path.startswith(("/v1/users", "/v1/tokens", "/v1/audit")) else Role.dispatcher
    )
    headers = {"Authorization": f"Bearer {fuzz_world.tokens[('Kazanlak', role)]}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"

    run()


def test_sequences_of_linked_calls_make_no_server_error(api_schema: Any, fuzz_world: World) -> None:
    """Create, read, change, end and delete in generated orders, as an admin (every route)."""
    headers = {"Authorization": f"Bearer {fuzz_world.tokens[('Kazanlak', Role.admin)]}"}
    seen: list[int] = []

    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(
            self, response: Any, case: schemathesis.Case, *args: Any, **kwargs: Any
        ) -> None:
            seen.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.text}"
            )

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert len(seen) >= STATEFUL_EXAMPLES  # it ran calls, not nothing
