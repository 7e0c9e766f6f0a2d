"""The office's client list: found by name or address however it is typed (Cyrillic or Latin,
any case, with or without diacritics: scheduler/names.py), filtered by service, diet, village,
status and living alone, one page at a time.

The filters on columns run in the database; the search compares folded names, which no SQL
collation does, so it runs over the filtered rows here (a municipality has hundreds of
clients, not millions).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from scheduler.models import Client, ClientStatus, Diet, MealSubscription, VisitPlan
from scheduler.names import fold


class ClientService(StrEnum):
    """How a client is served: meals brought home (a subscription, no pick-up point), a
    canteen's pick-up point, home care (a visit plan). One client may have several."""

    meals = "meals"
    canteen = "canteen"
    care = "care"


@dataclass(frozen=True)
class ClientFilter:
    query: str = ""
    service: ClientService | None = None
    diet: Diet | None = None
    village: str = ""
    status: ClientStatus | None = None
    lives_alone: bool | None = None
    kitchen_id: int | None = None


@dataclass(frozen=True)
class ClientPage:
    rows: list[Client]
    total: int  # clients matching the filter, on every page


def find_clients(
    municipality_id: int,
    wanted: ClientFilter,
    *,
    offset: int,
    limit: int,
    session: Session,
    by_name: bool = True,
) -> ClientPage:
    """The clients matching `wanted`, by name (else by external id), rows `offset`..`offset +
    limit`."""
    statement = select(Client).where(Client.municipality_id == municipality_id)
    if wanted.kitchen_id is not None:
        statement = statement.where(Client.kitchen_id == wanted.kitchen_id)
    if wanted.diet is not None:
        statement = statement.where(Client.diet == wanted.diet)
    if wanted.status is not None:
        statement = statement.where(Client.status == wanted.status)
    if wanted.lives_alone is not None:
        statement = statement.where(Client.lives_alone == wanted.lives_alone)
    if wanted.village:
        statement = statement.where(Client.village == wanted.village)
    if wanted.service == ClientService.canteen:
        statement = statement.where(col(Client.pickup_point_id).is_not(None))
    elif wanted.service == ClientService.meals:  # subscribed, and not at a pick-up point
        fed = select(MealSubscription.client_id).where(
            MealSubscription.municipality_id == municipality_id
        )
        statement = statement.where(col(Client.pickup_point_id).is_(None), col(Client.id).in_(fed))
    elif wanted.service == ClientService.care:
        cared = select(VisitPlan.client_id).where(VisitPlan.municipality_id == municipality_id)
        statement = statement.where(col(Client.id).in_(cared))
    rows = session.exec(statement).all()
    needle = fold(wanted.query)
    found = [c for c in rows if not needle or needle in fold(c.name) or needle in fold(c.address)]
    if by_name:
        found.sort(key=lambda c: (fold(c.name), c.id or 0))
    else:
        found.sort(key=lambda c: c.external_id)
    return ClientPage(rows=found[offset : offset + limit], total=len(found))


def villages(municipality_id: int, *, session: Session) -> list[str]:
    """The villages (or districts) the municipality's clients live in, for the filter."""
    statement = (
        select(Client.village)
        .where(Client.municipality_id == municipality_id, Client.village != "")
        .distinct()
    )
    return sorted(session.exec(statement).all(), key=fold)
