"""The Nominatim client against a real local server speaking the protocol: what it asks, the
User-Agent it sends, one request a second (an injected clock: no waiting), retries on 429 and
5xx, and answers it refuses."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from scheduler.roads.geocoding import (
    GeocoderBadResponseError,
    GeocoderUnavailableError,
    Nominatim,
    Pace,
)
from tests.geocoder import FakeClock, NominatimState, nominatim_server, place

AGENT = "Patronage-tests (geo@example.org)"
ROSE = place(42.6191, 25.3934, "5", "5, ул. Розова долина, Казанлък, 6100, България",
             importance=0.21)  # fmt: skip


@pytest.fixture
def served() -> Iterator[tuple[Nominatim, NominatimState, FakeClock]]:
    clock = FakeClock()
    with nominatim_server() as (url, state), httpx.Client(base_url=url, timeout=5) as http:
        geocoder = Nominatim(
            http, user_agent=AGENT, pace=Pace(1.0, clock=clock, sleep=clock.sleep), backoff_s=1.0
        )
        yield geocoder, state, clock


def test_a_search_sends_the_protocol_and_the_user_agent(
    served: tuple[Nominatim, NominatimState, FakeClock],
) -> None:
    geocoder, state, _ = served
    state.answers["ул. розова долина 5, казанлък"] = [ROSE]
    found = geocoder.search(
        "ул. Розова долина 5, Казанлък", countries=["BG"], language="bg", limit=5
    )
    assert [(p.lat, p.lon, p.kind) for p in found] == [(42.6191, 25.3934, "building/house")]
    assert found[0].display_name.startswith("5, ул. Розова долина")
    asked = state.asked[0]
    assert asked.headers["user-agent"] == AGENT
    assert asked.params == {
        "q": "ул. Розова долина 5, Казанлък",
        "format": "jsonv2",
        "limit": "5",
        "countrycodes": "bg",
        "accept-language": "bg",
    }


def test_no_place_is_the_empty_list(served: tuple[Nominatim, NominatimState, FakeClock]) -> None:
    geocoder, state, _ = served
    assert geocoder.search("nowhere 99", countries=["si"], language="sl") == []
    assert state.asked[0].params["countrycodes"] == "si"


def test_requests_are_a_second_apart(served: tuple[Nominatim, NominatimState, FakeClock]) -> None:
    geocoder, state, clock = served
    clock.now += 5  # long after anything: the first goes at once
    geocoder.search("a", countries=["bg"], language="bg")
    assert clock.slept == []
    clock.now += 0.25  # the next comes a quarter second later: it waits the rest of the second
    geocoder.search("b", countries=["bg"], language="bg")
    assert clock.slept == [pytest.approx(0.75)]
    clock.now += 3
    geocoder.search("c", countries=["bg"], language="bg")
    assert clock.slept == [pytest.approx(0.75)]
    assert len(state.asked) == 3


def test_a_429_is_retried_after_its_retry_after(
    served: tuple[Nominatim, NominatimState, FakeClock],
) -> None:
    geocoder, state, clock = served
    state.script = [(429, {"Retry-After": "7"}), (503, {})]
    state.answers["x"] = [ROSE]
    assert len(geocoder.search("x", countries=["bg"], language="bg")) == 1
    assert len(state.asked) == 3
    assert clock.slept[0] == pytest.approx(7.0)  # the server's Retry-After, over the backoff
    assert clock.slept[1] == pytest.approx(2.0)  # then the doubled backoff


def test_a_geocoder_that_keeps_refusing_is_unavailable(
    served: tuple[Nominatim, NominatimState, FakeClock],
) -> None:
    geocoder, state, _ = served
    state.script = [(429, {"Retry-After": "1"})] * 3
    with pytest.raises(GeocoderUnavailableError, match="HTTP 429"):
        geocoder.search("x", countries=["bg"], language="bg")
    assert len(state.asked) == 3  # one try and two retries


def test_an_answer_that_is_no_list_is_refused(
    served: tuple[Nominatim, NominatimState, FakeClock],
) -> None:
    geocoder, state, _ = served
    state.script = [(400, {})]
    with pytest.raises(GeocoderBadResponseError, match="HTTP 400"):
        geocoder.search("x", countries=["bg"], language="bg")
    assert len(state.asked) == 1  # not retried: the same question gets the same answer


def test_a_user_agent_is_required() -> None:
    with pytest.raises(ValueError, match="User-Agent"):
        Nominatim(httpx.Client(), user_agent=" ")


def test_an_unreachable_geocoder_is_unavailable() -> None:
    clock = FakeClock()
    with httpx.Client(base_url="http://127.0.0.1:9", timeout=1) as http:
        geocoder = Nominatim(http, user_agent=AGENT, pace=Pace(clock=clock, sleep=clock.sleep))
        with pytest.raises(GeocoderUnavailableError):
            geocoder.search("x", countries=["bg"], language="bg")
