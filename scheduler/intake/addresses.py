"""Clients entered with an address and no coordinates: found by the geocoder, or left for the
dispatcher to place, never planned at a wrong place.

A client without coordinates is written with `address_check = pending` (and lon/lat 0, 0,
which mean nothing then). `locate_clients` asks the geocoder (scheduler/roads/geocoding.py) about
each pending client's address with the municipality's name appended, within the municipality's
country and in its language, and settles it:
- **found**: one clear place (one result, or one far more important than the next, or several
  within `SAME_PLACE_M` of each other) inside the municipality's area -> its coordinates,
  source `geocoder`;
- **ambiguous**: several places of similar importance, or none inside the area -> the places
  are kept as candidates, the client is flagged;
- **not found**: no place at all -> flagged.
Flagged clients are left out of plans with a reason (planning/meals.py, planning/care_jobs.py)
until the dispatcher chooses a candidate or places the pin (`place_client`, Clients > Addresses).

Every answer is kept per municipality and normalised query (`GeocodeAnswer`), so the same
address is never asked twice. The geocoder being down leaves the client pending (asked again
next time); it never refuses an import or a form.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Collection
from dataclasses import asdict, dataclass

from sqlmodel import Session

from scheduler.models import AddressCheck, Client, LocationSource, Municipality
from scheduler.refusals import Reason, refuse
from scheduler.repositories import addresses as repo
from scheduler.repositories.clients import get_client, get_client_by_external_id
from scheduler.repositories.fleet import list_kitchens
from scheduler.repositories.tenancy import get_municipality
from scheduler.roads.geocoding import GeocoderError, Nominatim, Place, configured_geocoder
from scheduler.settings import get_settings

log = logging.getLogger(__name__)

LIMIT = 5  # places asked for each address
SIMILAR = 0.75  # a runner-up with this share of the best one's importance makes it ambiguous
SAME_PLACE_M = 150.0  # results closer than this are one place (a house and its entrance)
AREA_MARGIN_KM = 30.0  # the municipality's area: its kitchens' box widened by this
NO_PLACE = (0.0, 0.0)  # lon, lat of a client never placed (flagged, so never planned)


@dataclass(frozen=True)
class Verdict:
    check: AddressCheck
    place: Place | None  # when found


@dataclass(frozen=True)
class Area:
    """A box of longitude and latitude; a point outside is not the municipality's."""

    west: float
    south: float
    east: float
    north: float

    def holds(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


def normalise(text: str) -> str:
    """One spelling of a query for the cache: case, spaces and spacing of punctuation."""
    text = re.sub(r"\s*([,;.])\s*", r"\1 ", text.casefold())
    return re.sub(r"\s+", " ", text).strip(" ,;")


def query_for(address: str, town: Municipality) -> str:
    """The address with the municipality's name appended, unless it names it already."""
    if normalise(town.name) in normalise(address):
        return address.strip()
    return f"{address.strip()}, {town.name}"


def area_of(municipality_id: int, *, session: Session) -> Area | None:
    """The kitchens' box widened by AREA_MARGIN_KM; None without kitchens (no area known)."""
    kitchens = list_kitchens(municipality_id, session=session)
    if not kitchens:
        return None
    lats, lons = [k.lat for k in kitchens], [k.lon for k in kitchens]
    dlat = AREA_MARGIN_KM / 111.0
    dlon = dlat / max(math.cos(math.radians(max(map(abs, lats)))), 0.1)
    return Area(min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat)


def metres(a: Place, b: Place) -> float:
    dx = (a.lon - b.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(dx, a.lat - b.lat) * 111_195.0


def judge(places: list[Place], area: Area | None) -> Verdict:
    """Found, ambiguous or not found: see the module's docstring."""
    if not places:
        return Verdict(AddressCheck.not_found, None)
    inside = [p for p in places if area is None or area.holds(p.lon, p.lat)]
    if not inside:
        return Verdict(AddressCheck.ambiguous, None)
    best = max(inside, key=lambda p: p.importance)
    others = [p for p in inside if p is not best and metres(p, best) > SAME_PLACE_M]
    if any(p.importance >= SIMILAR * best.importance for p in others):
        return Verdict(AddressCheck.ambiguous, None)
    return Verdict(AddressCheck.ok, best)


def places_for(
    town: Municipality, address: str, *, session: Session, geocoder: Nominatim
) -> list[Place]:
    """The places the geocoder gives for this address: kept, or asked once and kept."""
    assert town.id is not None
    query = normalise(query_for(address, town))[:400]
    kept = repo.kept_answer(town.id, query, session=session)
    if kept is not None:
        return [Place(**p) for p in kept.places]
    found = geocoder.search(
        query_for(address, town), countries=[town.country], language=town.locale, limit=LIMIT
    )
    repo.keep_answer(town.id, query, [asdict(p) for p in found], session=session)
    return found


def candidates(town: Municipality, client: Client, *, session: Session) -> list[Place]:
    """The places kept for the client's address (none if it was never asked)."""
    assert town.id is not None
    query = normalise(query_for(client.address, town))[:400]
    kept = repo.kept_answer(town.id, query, session=session)
    return [] if kept is None else [Place(**p) for p in kept.places]


def locate_clients(
    town: Municipality,
    *,
    session: Session,
    geocoder: Nominatim | None,
    ids: Collection[int] | None = None,
) -> dict[int, AddressCheck]:
    """Settle the pending clients (of `ids`): each client id -> its check after."""
    assert town.id is not None
    pending = repo.clients_to_check(town.id, session=session, only=[AddressCheck.pending], ids=ids)
    if geocoder is None or not pending:
        return {c.id or 0: c.address_check for c in pending}
    area = area_of(town.id, session=session)
    settled: dict[int, AddressCheck] = {}
    for client in pending:
        if not client.address.strip():
            repo.set_place(client, lon=client.lon, lat=client.lat, session=session,
                           source=client.location_source, check=AddressCheck.not_found)  # fmt: skip
        else:
            try:
                places = places_for(town, client.address, session=session, geocoder=geocoder)
            except GeocoderError as exc:  # down: the rest stay pending too, asked next time
                log.warning("geocoder: %s; %d clients stay pending", exc, len(pending))
                return {**{c.id or 0: c.address_check for c in pending}, **settled}
            _settle(client, judge(places, area), session=session)
        settled[client.id or 0] = client.address_check
    return settled


def _settle(client: Client, verdict: Verdict, *, session: Session) -> None:
    if verdict.place is not None:
        repo.set_place(client, lon=verdict.place.lon, lat=verdict.place.lat, session=session,
                       source=LocationSource.geocoder, check=AddressCheck.ok)  # fmt: skip
    else:
        repo.set_place(client, lon=client.lon, lat=client.lat, session=session,
                       source=client.location_source, check=verdict.check)  # fmt: skip


def default_geocoder() -> Nominatim | None:
    """The geocoder the settings name (PATRONAGE_GEOCODER_URL), if any."""
    return configured_geocoder(get_settings())


def coordinates_for(
    municipality_id: int, external_id: str, address: str, *, session: Session
) -> tuple[float, float] | None:
    """For a client written without coordinates: those it has if its address is the same
    (a file imported again), else None (to be looked up)."""
    known = get_client_by_external_id(municipality_id, external_id, session=session)
    if known is not None and normalise(known.address) == normalise(address):
        return known.lon, known.lat
    return None


def forget_address(municipality_id: int, address: str, *, session: Session) -> None:
    """Drop the kept answer for an erased client's address (privacy.erase_client)."""
    if address.strip():
        town = get_municipality(municipality_id, session=session)
        query = normalise(query_for(address, town))[:400]
        repo.forget_answer(municipality_id, query, session=session)


def mark_pending(client: Client, *, session: Session) -> None:
    """The client's coordinates are unknown until looked up or placed."""
    repo.set_place(client, lon=client.lon, lat=client.lat, session=session,
                   source=client.location_source, check=AddressCheck.pending)  # fmt: skip


def mark_given(client: Client, *, session: Session) -> None:
    """Coordinates were typed in: they are the client's place."""
    if (client.location_source, client.address_check) != (LocationSource.given, AddressCheck.ok):
        repo.set_place(client, lon=client.lon, lat=client.lat, session=session,
                       source=LocationSource.given, check=AddressCheck.ok)  # fmt: skip


def place_client(
    town: Municipality,
    client_id: int,
    *,
    session: Session,
    lon: float | None = None,
    lat: float | None = None,
    candidate: int | None = None,
) -> Client:
    """The dispatcher's choice: a candidate (its index) or a pin at lon/lat."""
    assert town.id is not None
    client = get_client(town.id, client_id, session=session)
    if candidate is not None:
        places = candidates(town, client, session=session)
        if not 0 <= candidate < len(places):
            raise refuse("candidate", Reason.no_candidate, value=candidate)
        lon, lat = places[candidate].lon, places[candidate].lat
    if lon is None or lat is None:
        raise refuse("lat", Reason.place_needed)
    repo.set_place(client, lon=lon, lat=lat, session=session,
                   source=LocationSource.hand, check=AddressCheck.ok)  # fmt: skip
    return client


def flagged(client: Client) -> bool:
    """Whether the client's place is to check (so they are left out of plans)."""
    return client.address_check != AddressCheck.ok


def unplaced_reason(client: Client) -> str:
    """Why a flagged client is left out of a plan, for the dispatcher (English, as the other
    reasons known before solving)."""
    why = {
        AddressCheck.pending: "has not been looked up on the map yet",
        AddressCheck.ambiguous: "matches several places",
        AddressCheck.not_found: "was not found on the map",
    }.get(AddressCheck(client.address_check), "is to check")
    return (
        f"The address of {client.name} {why}, so the client is not planned at a guessed place; "
        "choose the place under Clients > Addresses."
    )
