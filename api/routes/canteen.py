"""The canteen and the milk kitchen over REST: the counter's lists and one-tap records
(kitchen staff and dispatchers), children and prices (staff), the milk kitchen's day sheet.

Every write is audited; a check-in or collection sent twice answers 200 with the first record
(201 only when it was new), so a tablet may resend after losing its connection.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status
from sqlmodel import Session

from api.deps import Admin, DbSession, KitchenReader, Now, PageParams, RowId, Staff
from api.listing import page_list
from api.problems import PROBLEM_RESPONSES
from api.routes._write import Who, audited, merged
from api.schemas.canteen import (
    CanteenDayPublic,
    CanteenRowPublic,
    CheckInCreate,
    CheckInPublic,
    CollectionCreate,
    CollectionPublic,
    MilkChildCreate,
    MilkChildPublic,
    MilkDayPublic,
    MilkDaysSet,
    MilkRowPublic,
    MilkSheetPublic,
    PickupPointCreate,
    PickupPointPublic,
    PickupPointUpdate,
    ServicePricePublic,
    ServicePriceSet,
)
from api.schemas.common import Page
from api.schemas.kitchen import StatementPublic
from scheduler.intake.counter import check_in_canteen, collect_milk
from scheduler.models import PickupPoint
from scheduler.models.fields import Day
from scheduler.refusals import Reason, refuse
from scheduler.reports.milk_kitchen import milk_sheet
from scheduler.reports.milk_statements import milk_statements
from scheduler.reports.statement_sheets import statement_dict
from scheduler.repositories import canteen
from scheduler.repositories.common import Change
from scheduler.repositories.fleet import PickupPointIn, list_pickup_points, upsert_pickup_point
from scheduler.views.counter import canteen_counter, milk_counter

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["canteen"])
PointQuery = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
NameQuery = Annotated[str, Query(max_length=120, description="Part of a name, any script.")]


def _created(response: Response, is_new: bool) -> None:
    response.status_code = status.HTTP_201_CREATED if is_new else status.HTTP_200_OK


@router.get("/pickup-points", response_model=Page[PickupPointPublic])
def pickup_points(
    caller: KitchenReader, session: DbSession, paging: PageParams
) -> Page[PickupPointPublic]:
    rows = list_pickup_points(caller.municipality_id, session=session)
    return page_list(rows, paging, PickupPointPublic)


@router.post(
    "/pickup-points", response_model=PickupPointPublic, status_code=status.HTTP_201_CREATED
)
def create_pickup_point(
    body: PickupPointCreate, caller: Staff, session: DbSession
) -> PickupPointPublic:
    point = create_pickup_point_and_audit(caller, body, session=session)
    return PickupPointPublic.model_validate(point, from_attributes=True)


def create_pickup_point_and_audit(
    who: Who, body: PickupPointCreate, *, session: Session
) -> PickupPoint:
    """A new point (an external id already taken is refused); the pick-up points screen
    (api/routes/pages_points.py) calls this too."""
    mid = who.municipality_id
    if any(p.external_id == body.external_id for p in list_pickup_points(mid, session=session)):
        raise refuse("external_id", Reason.already_exists, value=repr(body.external_id))
    data = PickupPointIn.model_validate(body.model_dump(exclude={"milk_weekdays"}))
    point, _ = upsert_pickup_point(mid, data, session=session)
    assert point.id is not None
    point = canteen.set_milk_weekdays(mid, point.id, body.milk_weekdays, session=session)
    audited(session, who, "create", "pickup_point", point.id)
    return point


@router.patch("/pickup-points/{point_id}", response_model=PickupPointPublic)
def update_pickup_point(
    point_id: RowId, body: PickupPointUpdate, caller: Staff, session: DbSession
) -> PickupPointPublic:
    """Rename a point, move it, or have another kitchen cook for it."""
    point = update_pickup_point_and_audit(caller, point_id, body, session=session)
    return PickupPointPublic.model_validate(point, from_attributes=True)


def update_pickup_point_and_audit(
    who: Who, point_id: int, body: PickupPointUpdate, *, session: Session
) -> PickupPoint:
    mid = who.municipality_id
    row = canteen.get_pickup_point(mid, point_id, session=session)
    point, _ = upsert_pickup_point(mid, merged(row, PickupPointIn, body), session=session)
    audited(session, who, "update", "pickup_point", point_id, fields=sorted(body.model_fields_set))
    return point


@router.put("/pickup-points/{point_id}/milk-days", response_model=PickupPointPublic)
def set_milk_days(
    point_id: RowId, body: MilkDaysSet, caller: Staff, session: DbSession
) -> PickupPointPublic:
    point = canteen.set_milk_weekdays(
        caller.municipality_id, point_id, body.milk_weekdays, session=session
    )
    audited(session, caller, "update", "pickup_point", point.id, milk_weekdays=point.milk_weekdays)
    return PickupPointPublic.model_validate(point, from_attributes=True)


@router.get("/canteen/days/{day}", response_model=CanteenDayPublic)
def canteen_day(
    day: Day,
    caller: KitchenReader,
    session: DbSession,
    pickup_point_id: PointQuery = None,
    q: NameQuery = "",
) -> CanteenDayPublic:
    """Canteen clients with a meal that day, and whether they collected it."""
    rows = canteen_counter(
        caller.municipality_id, day, session=session, pickup_point_id=pickup_point_id, query=q
    )
    clients = [CanteenRowPublic.model_validate(r, from_attributes=True) for r in rows]
    return CanteenDayPublic(date=day, clients=clients)


@router.post(
    "/canteen/days/{day}/check-ins",
    response_model=CheckInPublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already checked in: the first record."}},
)
def check_in(
    day: Day,
    body: CheckInCreate,
    caller: KitchenReader,
    session: DbSession,
    response: Response,
    now: Now,
) -> CheckInPublic:
    """The client collected the meal of `day` (today or earlier, never ahead)."""
    row, is_new = check_in_canteen(
        caller.municipality_id, body.client_id, day, actor=caller.actor, now=now, session=session
    )
    if is_new:
        audited(session, caller, "create", "canteen_check_in", row.id, client_id=row.client_id)
    _created(response, is_new)
    return CheckInPublic.model_validate(row, from_attributes=True)


@router.get("/milk-kitchen/children", response_model=Page[MilkChildPublic])
def list_children(
    caller: Staff, session: DbSession, paging: PageParams, pickup_point_id: PointQuery = None
) -> Page[MilkChildPublic]:
    rows = canteen.list_children(
        caller.municipality_id, session=session, pickup_point_id=pickup_point_id
    )
    return page_list(rows, paging, MilkChildPublic)


@router.post(
    "/milk-kitchen/children",
    response_model=MilkChildPublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "The child was registered already: updated."}},
)
def register_child(
    body: MilkChildCreate, caller: Staff, session: DbSession, response: Response
) -> MilkChildPublic:
    data = canteen.MilkChildIn.model_validate(body.model_dump())
    row, change = canteen.upsert_child(caller.municipality_id, data, session=session)
    audited(session, caller, change.value, "milk_child", row.id)
    _created(response, change == Change.created)
    return MilkChildPublic.model_validate(row, from_attributes=True)


@router.get("/milk-kitchen/days/{day}", response_model=MilkDayPublic)
def milk_day(
    day: Day,
    caller: KitchenReader,
    session: DbSession,
    pickup_point_id: PointQuery = None,
    q: NameQuery = "",
) -> MilkDayPublic:
    """Children due that day with their age group, and whether they were collected for."""
    rows = milk_counter(
        caller.municipality_id, day, session=session, pickup_point_id=pickup_point_id, query=q
    )
    children = [MilkRowPublic.model_validate(r, from_attributes=True) for r in rows]
    return MilkDayPublic(date=day, children=children)


@router.post(
    "/milk-kitchen/days/{day}/collections",
    response_model=CollectionPublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already collected: the first record."}},
)
def collect(
    day: Day,
    body: CollectionCreate,
    caller: KitchenReader,
    session: DbSession,
    response: Response,
    now: Now,
) -> CollectionPublic:
    """The guardian collected the child's portions of `day` (today or earlier)."""
    row, is_new = collect_milk(
        caller.municipality_id, body.child_id, day, actor=caller.actor, now=now, session=session
    )
    if is_new:
        audited(session, caller, "create", "milk_collection", row.id, child_id=row.child_id)
    _created(response, is_new)
    return CollectionPublic.model_validate(row, from_attributes=True)


@router.get("/milk-kitchen/sheets/{day}", response_model=MilkSheetPublic)
def milk_kitchen_sheet(day: Day, caller: KitchenReader, session: DbSession) -> MilkSheetPublic:
    """Portions to prepare per age group per pick-up point."""
    sheet = milk_sheet(caller.municipality_id, day, session=session)
    return MilkSheetPublic.model_validate(sheet.to_dict())


@router.get("/milk-kitchen/statements", response_model=Page[StatementPublic])
def milk_kitchen_statements(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")],
) -> Page[StatementPublic]:
    """Per child (to the guardian): portions collected per age group, and the fee."""
    rows = milk_statements(caller.municipality_id, month, session=session)
    audited(session, caller, "export", "milk_statements", month, children=len(rows))
    items = [StatementPublic.model_validate(statement_dict(s)) for s in rows]
    return page_list(items, paging, StatementPublic)


@router.put("/service-prices/{service}", response_model=ServicePricePublic)
def set_price(
    service: Annotated[Literal["canteen", "milk_kitchen"], Path()],
    body: ServicePriceSet,
    caller: Admin,
    session: DbSession,
) -> ServicePricePublic:
    row = canteen.set_service_price(
        caller.municipality_id, service, body.price_cents, session=session
    )
    audited(session, caller, "update", "service_price", service, price_cents=row.price_cents)
    return ServicePricePublic(service=row.service, price_cents=row.price_cents)
