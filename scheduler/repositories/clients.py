"""Clients (people served at home) and their meal subscriptions.

A meal subscription says on which weekdays a client gets which diet and how many portions,
from a date on. Changing it does not rewrite the past: the old subscription ends the day before
the change and a new one starts, because orders already made from it are financial records.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from scheduler.errors import FieldProblem
from scheduler.models import (
    Client,
    ClientStatus,
    Diet,
    Kitchen,
    MealOrder,
    MealSubscription,
    PickupPoint,
)
from scheduler.models.clients import ClientBase
from scheduler.models.fields import (
    Address,
    Day,
    DriverNotes,
    EntryNotes,
    Latitude,
    Longitude,
    Name,
    Phone,
    Portions,
    ServiceMinutes,
    Village,
)
from scheduler.refusals import Reason, problem
from scheduler.repositories.common import (
    Change,
    all_by_external_id,
    by_external_id,
    check_order,
    check_reference,
    check_weekdays,
    get_owned,
    raise_problems,
    require_text,
    save,
)


class ClientIn(ClientBase):
    """A client as written by an import or a form; references are ids in the same municipality."""

    kitchen_id: int | None = None
    pickup_point_id: int | None = None


class ClientUpdate(SQLModel):
    """A partial change of a client: only the fields given are written."""

    name: Name | None = None
    address: Address | None = None
    village: Village | None = None
    lon: Longitude | None = None
    lat: Latitude | None = None
    phone: Phone | None = None
    diet: Diet | None = None
    portions: Portions | None = None
    window_start: time | None = None
    window_end: time | None = None
    notes: DriverNotes | None = None
    entry_notes: EntryNotes | None = None
    lives_alone: bool | None = None
    check_on_me: bool | None = None
    status: ClientStatus | None = None
    kitchen_id: int | None = None
    pickup_point_id: int | None = None
    service_minutes: ServiceMinutes | None = None
    consent_date: Day | None = None


# Clients


def get_client(municipality_id: int, client_id: int, *, session: Session) -> Client:
    return get_owned(Client, municipality_id, client_id, session=session)


def get_client_by_external_id(
    municipality_id: int, external_id: str, *, session: Session
) -> Client | None:
    return by_external_id(Client, municipality_id, external_id, session=session)


def list_clients(
    municipality_id: int,
    *,
    session: Session,
    status: ClientStatus | None = None,
    kitchen_id: int | None = None,
) -> list[Client]:
    """The municipality's clients by external id, optionally of one status or kitchen."""
    statement = select(Client).where(Client.municipality_id == municipality_id)
    if status is not None:
        statement = statement.where(Client.status == status)
    if kitchen_id is not None:
        statement = statement.where(Client.kitchen_id == kitchen_id)
    return list(session.exec(statement.order_by(Client.external_id)).all())


def clients_by_external_id(municipality_id: int, *, session: Session) -> dict[str, Client]:
    return all_by_external_id(Client, municipality_id, session=session)


def count_clients_by_diet(
    municipality_id: int, *, session: Session, status: ClientStatus | None = ClientStatus.active
) -> dict[Diet, int]:
    """How many clients (of `status`; None = all) have each diet; diets with none are absent."""
    statement = select(Client.diet).where(Client.municipality_id == municipality_id)
    if status is not None:
        statement = statement.where(Client.status == status)
    return dict(Counter(Diet(d) for d in session.exec(statement).all()))


def check_client(values: dict[str, Any]) -> list[FieldProblem]:
    """Pure checks of a client's fields (those pydantic cannot see one at a time)."""
    problems = check_order(values, "window_start", "window_end")
    for name in ("external_id", "name"):
        if name in values:
            problems += require_text(values[name], name)
    return problems


def _check_client_refs(
    municipality_id: int, values: dict[str, Any], *, session: Session
) -> list[FieldProblem]:
    kitchen_id, pickup_id = values.get("kitchen_id"), values.get("pickup_point_id")
    return check_reference(
        Kitchen, municipality_id, kitchen_id, "kitchen_id", session=session
    ) + check_reference(PickupPoint, municipality_id, pickup_id, "pickup_point_id", session=session)


def upsert_client(
    municipality_id: int, data: ClientIn, *, session: Session
) -> tuple[Client, Change]:
    """Create the client or update the fields `data` sets; matched on external_id."""
    existing = get_client_by_external_id(municipality_id, data.external_id, session=session)
    values = _check_on_me_default(data.model_dump(exclude_unset=True), existing)
    raise_problems(
        check_client(values) + _check_client_refs(municipality_id, values, session=session)
    )
    return save(session, Client, existing, municipality_id, values)


def _check_on_me_default(values: dict[str, Any], before: Client | None) -> dict[str, Any]:
    """A person who comes to live alone is checked on unless "check on me" is given too; an
    import that says again that they live alone leaves a choice made since alone."""
    newly_alone = values.get("lives_alone") and (before is None or not before.lives_alone)
    if newly_alone and "check_on_me" not in values:
        return {**values, "check_on_me": True}
    return values


# A change may clear these (no kitchen: the nearest; no consent date recorded); the other
# fields always hold a value, so an empty one is refused rather than failing at the database.
CLEARABLE = frozenset({"kitchen_id", "pickup_point_id", "service_minutes", "consent_date"})


def update_client(
    municipality_id: int, client_id: int, changes: ClientUpdate, *, session: Session
) -> tuple[Client, Change]:
    """Write the fields `changes` sets on this municipality's client `client_id`."""
    client = get_client(municipality_id, client_id, session=session)
    values = _check_on_me_default(changes.model_dump(exclude_unset=True), client)
    merged = {"window_start": client.window_start, "window_end": client.window_end, **values}
    problems = check_client(merged) + _check_client_refs(municipality_id, values, session=session)
    named = {p.field for p in problems}
    empty = [k for k, v in values.items() if v is None and k not in CLEARABLE | named]
    raise_problems(problems + [problem(k, Reason.no_value) for k in empty])
    return save(session, Client, client, municipality_id, values)


# Meal subscriptions


def list_meal_subscriptions(
    municipality_id: int,
    *,
    session: Session,
    on: date | None = None,
    client_id: int | None = None,
) -> list[MealSubscription]:
    """Subscriptions, optionally only those valid on `on` or of one client, by client then date."""
    statement = select(MealSubscription).where(MealSubscription.municipality_id == municipality_id)
    if client_id is not None:
        statement = statement.where(MealSubscription.client_id == client_id)
    if on is not None:
        statement = statement.where(MealSubscription.valid_from <= on).where(
            (col(MealSubscription.valid_until).is_(None))
            | (col(MealSubscription.valid_until) >= on)
        )
    order = (col(MealSubscription.client_id), col(MealSubscription.valid_from))
    return list(session.exec(statement.order_by(*order)).all())


def current_meal_subscription(
    municipality_id: int, client_id: int, *, on: date, session: Session
) -> MealSubscription | None:
    """The client's subscription valid on `on`, if any."""
    found = list_meal_subscriptions(municipality_id, session=session, on=on, client_id=client_id)
    return found[-1] if found else None


def _open_subscriptions(
    municipality_id: int, client_id: int, start: date, *, session: Session
) -> list[MealSubscription]:
    """The client's subscriptions still running on or after `start`, oldest first."""
    statement = (
        select(MealSubscription)
        .where(MealSubscription.municipality_id == municipality_id)
        .where(MealSubscription.client_id == client_id)
        .where(
            (col(MealSubscription.valid_until).is_(None))
            | (
                (col(MealSubscription.valid_until) >= start)
                # one closed before it began (kept for its orders) no longer runs
                & (col(MealSubscription.valid_until) >= col(MealSubscription.valid_from))
            )
        )
    )
    return list(session.exec(statement.order_by(col(MealSubscription.valid_from))).all())


def set_meal_subscription(
    municipality_id: int,
    client_id: int,
    *,
    weekdays: str,
    diet: Diet,
    portions: int,
    start: date,
    session: Session,
) -> tuple[MealSubscription, Change]:
    """Make the client's subscription from `start` on say these weekdays, diet and portions.

    Same terms as the running subscription: unchanged. A subscription that starts on or after
    `start` is corrected in place; an older one ends the day before `start` and a new one begins,
    so orders already derived from the old terms keep their basis.
    """
    get_client(municipality_id, client_id, session=session)
    values: dict[str, Any] = {"weekdays": weekdays, "diet": Diet(diet), "portions": portions}
    problems = check_weekdays(values)
    if not 1 <= portions <= 10:
        problems.append(problem("portions", Reason.out_of_range, low=1, high=10, value=portions))
    raise_problems(problems)
    running = _open_subscriptions(municipality_id, client_id, start, session=session)
    latest = running[-1] if running else None
    for stale in running[:-1]:  # at most one subscription may run from `start` on
        _end_or_drop(stale, start - timedelta(days=1), session=session)
    if latest is not None and (latest.valid_from >= start or _same_terms(latest, values)):
        if latest.valid_from > start:
            values["valid_from"] = start
        values["valid_until"] = None
        return save(session, MealSubscription, latest, municipality_id, values)
    if latest is not None:
        _end_or_drop(latest, start - timedelta(days=1), session=session)
    fresh = {**values, "client_id": client_id, "valid_from": start}
    return save(session, MealSubscription, None, municipality_id, fresh)


def _same_terms(sub: MealSubscription, values: dict[str, Any]) -> bool:
    return all(getattr(sub, k) == v for k, v in values.items())


def _end_or_drop(sub: MealSubscription, last_day: date, *, session: Session) -> None:
    """End `sub` after `last_day`; one that never started is dropped unless orders name it.

    Orders are financial records that keep pointing at the subscription they came from, so a
    subscription with orders is never deleted: it is closed the day before it began instead
    (an empty range, which gives no meal).
    """
    if sub.valid_from <= last_day:
        sub.valid_until = last_day
        session.add(sub)
    elif _has_orders(sub, session=session):
        sub.valid_until = sub.valid_from - timedelta(days=1)
        session.add(sub)
    else:
        session.delete(sub)
    session.flush()


def _has_orders(sub: MealSubscription, *, session: Session) -> bool:
    statement = (
        select(MealOrder.id)
        .where(MealOrder.municipality_id == sub.municipality_id)
        .where(MealOrder.subscription_id == sub.id)
        .limit(1)
    )
    return session.exec(statement).first() is not None


def end_meal_subscription(
    municipality_id: int, client_id: int, *, last_day: date, session: Session
) -> int:
    """No meals after `last_day`: end (or drop, if not yet started) the running subscriptions.

    Returns how many subscriptions changed (0 when there was nothing to end).
    """
    get_client(municipality_id, client_id, session=session)
    running = _open_subscriptions(
        municipality_id, client_id, last_day + timedelta(days=1), session=session
    )
    for sub in running:
        _end_or_drop(sub, last_day, session=session)
    return len(running)


def active_client_ids(municipality_id: int, ids: set[int], *, session: Session) -> set[int]:
    """Those of `ids` that are active clients of the municipality."""
    if not ids:
        return set()
    rows = session.exec(
        select(Client.id).where(
            Client.municipality_id == municipality_id,
            col(Client.id).in_(sorted(ids)),
            Client.status == ClientStatus.active,
        )
    ).all()
    return {i for i in rows if i is not None}
