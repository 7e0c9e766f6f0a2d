"""Clients' places: the geocoder's answers kept per query, and the clients whose place is to
check (scheduler/intake/addresses.py decides; these only read and write)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlmodel import Session, col, select

from scheduler.models import (
    AddressCheck,
    Client,
    ClientStatus,
    GeocodeAnswer,
    JsonObject,
    LocationSource,
)


def kept_answer(municipality_id: int, query: str, *, session: Session) -> GeocodeAnswer | None:
    statement = select(GeocodeAnswer).where(
        GeocodeAnswer.municipality_id == municipality_id, GeocodeAnswer.query == query
    )
    return session.exec(statement).first()


def keep_answer(
    municipality_id: int, query: str, places: Sequence[JsonObject], *, session: Session
) -> GeocodeAnswer:
    row = GeocodeAnswer(municipality_id=municipality_id, query=query, places=list(places))
    session.add(row)
    session.flush()
    return row


def forget_answer(municipality_id: int, query: str, *, session: Session) -> None:
    kept = kept_answer(municipality_id, query, session=session)
    if kept is not None:
        session.delete(kept)
        session.flush()


def clients_to_check(
    municipality_id: int,
    *,
    session: Session,
    only: Collection[AddressCheck] | None = None,
    ids: Collection[int] | None = None,
) -> list[Client]:
    """Clients not ended whose place is not settled (of the checks in `only`, of `ids`), by
    external id."""
    statement = select(Client).where(
        Client.municipality_id == municipality_id,
        Client.address_check != AddressCheck.ok,
        Client.status != ClientStatus.ended,
    )
    if only is not None:
        statement = statement.where(col(Client.address_check).in_(list(only)))
    if ids is not None:
        statement = statement.where(col(Client.id).in_(list(ids)))
    return list(session.exec(statement.order_by(Client.external_id)).all())


def set_place(
    client: Client,
    *,
    lon: float,
    lat: float,
    source: LocationSource,
    check: AddressCheck,
    session: Session,
) -> None:
    """Write a client's coordinates with where they came from and whether they are to check."""
    client.lon, client.lat = lon, lat
    client.location_source, client.address_check = source, check
    session.add(client)
    session.flush()
