"""A tiny meal-service town for tests, built row by row so each test can see every fact.

Kitchen "K1" in Kazanlak's centre, vans and clients placed a few hundred metres apart, so
travel times stay short and a person can check the expected plans by hand.
"""

from __future__ import annotations

from datetime import date, time

from sqlmodel import Session

from scheduler.models import (
    Client,
    DateOverride,
    Diet,
    Kitchen,
    MealPrice,
    MealSubscription,
    Municipality,
    PickupPoint,
    Vehicle,
)

CENTRE = (25.3930, 42.6190)  # lon, lat of Kazanlak


def town(
    session: Session,
    name: str = "Kazanlak",
    *,
    timezone: str = "Europe/Sofia",
    country: str = "BG",
    cutoff_days_before: int = 1,
    cutoff_time: time = time(14, 0),
) -> Municipality:
    row = Municipality(
        name=name,
        timezone=timezone,
        country=country,
        cutoff_days_before=cutoff_days_before,
        cutoff_time=cutoff_time,
    )
    session.add(row)
    session.flush()
    return row


def _mid(row: Municipality) -> int:
    assert row.id is not None
    return row.id


def kitchen(session: Session, m: Municipality, ext: str = "K1", **kw: object) -> Kitchen:
    values: dict[str, object] = {"name": f"Kitchen {ext}", "lon": CENTRE[0], "lat": CENTRE[1]}
    values.update(kw)
    row = Kitchen(municipality_id=_mid(m), external_id=ext, **values)  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return row


def van(session: Session, m: Municipality, k: Kitchen, ext: str = "V1", **kw: object) -> Vehicle:
    values: dict[str, object] = {
        "name": f"Van {ext}",
        "capacity_portions": 40,
        "capacity_boxes": 5,
        "shift_start": time(10, 30),
        "shift_end": time(14, 30),
    }
    values.update(kw)
    assert k.id is not None
    row = Vehicle(municipality_id=_mid(m), kitchen_id=k.id, external_id=ext, **values)  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return row


def client(
    session: Session,
    m: Municipality,
    k: Kitchen | None,
    ext: str,
    *,
    offset: tuple[float, float] = (0.003, 0.002),
    diet: Diet = Diet.general,
    portions: int = 1,
    weekdays: str | None = "Mon-Fri",
    valid_from: date = date(2025, 1, 1),
    valid_until: date | None = None,
    point: PickupPoint | None = None,
    **kw: object,
) -> Client:
    """A client `offset` degrees from the centre, with a subscription unless weekdays is None.
    Like the product's client writes, "check on me" starts on for a person living alone."""
    kw.setdefault("check_on_me", bool(kw.get("lives_alone", False)))
    row = Client(
        municipality_id=_mid(m),
        external_id=ext,
        name=f"Client {ext}",
        address=f"ul. Rozova {ext}",
        lon=CENTRE[0] + offset[0],
        lat=CENTRE[1] + offset[1],
        diet=diet,
        portions=portions,
        kitchen_id=k.id if k is not None else None,
        pickup_point_id=point.id if point is not None else None,
        **kw,  # type: ignore[arg-type]
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    if weekdays is not None:
        session.add(
            MealSubscription(
                municipality_id=_mid(m),
                client_id=row.id,
                weekdays=weekdays,
                diet=diet,
                portions=portions,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        )
        session.flush()
    return row


def point(session: Session, m: Municipality, k: Kitchen, ext: str = "P1") -> PickupPoint:
    assert k.id is not None
    row = PickupPoint(
        municipality_id=_mid(m), kitchen_id=k.id, external_id=ext, name=f"Canteen {ext}"
    )
    session.add(row)
    session.flush()
    return row


def override(session: Session, m: Municipality, day: date, delivers: bool) -> None:
    session.add(DateOverride(municipality_id=_mid(m), day=day, delivers=delivers))
    session.flush()


def price(session: Session, m: Municipality, diet: Diet, cents: int) -> None:
    session.add(MealPrice(municipality_id=_mid(m), diet=diet.value, price_cents=cents))
    session.flush()
