"""Per kind of file: turn checked rows into repository calls, resolving external ids.

Each loader keeps going after a refused row so that one run lists every bad row; whatever it
wrote before is undone by the caller, which raises and rolls back when any row was refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlmodel import Session

from scheduler.errors import FieldProblem, InvalidInputError
from scheduler.intake import addresses
from scheduler.intake.importing.rows import CaregiverRow, ClientRow, KitchenRow, Row, VehicleRow
from scheduler.models.fleet import KitchenBase
from scheduler.refusals import Reason, checked_problem, problem, refuse
from scheduler.repositories import care, clients, fleet
from scheduler.repositories.common import Change

R = TypeVar("R", bound=Row)

# Repository fields named differently in the file.
_FILE_COLUMN = {"kitchen_id": "kitchen", "client_id": "client", "after_visit_id": "after_visit"}


@dataclass
class Load:
    """What a loader did: changes per kind of change, and the refused rows' problems."""

    municipality_id: int
    today: date
    session: Session
    on_row: Callable[[], None] = lambda: None
    counts: Counter[Change] = field(default_factory=Counter)
    outcomes: dict[int, Change] = field(default_factory=dict)  # row number -> its change
    problems: list[FieldProblem] = field(default_factory=list)

    def refuse(self, row: int, column: str, reason: Reason, **values: object) -> None:
        self.problems.append(problem(column, reason, row, **values))

    def _refused(self, row: int, column: str, found: FieldProblem) -> None:
        """A repository's refusal of the row, named by the file's column (its code kept)."""
        self.problems.append(replace(found, field=column, row=row))

    def attempt(self, row: int, write: Callable[[], Change]) -> bool:
        """Run one row's write; a refusal is recorded against the row's file columns."""
        try:
            change = write()
            self.counts[change] += 1
            self.outcomes[row] = change
            return True
        except InvalidInputError as exc:
            for p in exc.problems:
                self._refused(row, _FILE_COLUMN.get(p.field, p.field), p)
        except ValidationError as exc:  # a repository input the row schema let through
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "row"
                column = _FILE_COLUMN.get(name, name)
                self._refused(
                    row, column, replace(checked_problem(column, err), message=err["msg"])
                )
        finally:
            self.on_row()
        return False


def load_kitchens(load: Load, rows: Iterable[tuple[int, KitchenRow]]) -> None:
    for number, row in rows:
        load.attempt(number, partial(_write_kitchen, load, row))


def _write_kitchen(load: Load, row: KitchenRow) -> Change:
    data = KitchenBase(
        external_id=row.external_id,
        name=row.name,
        address=row.address,
        lon=row.lon,
        lat=row.lat,
        hot_meal_minutes=row.hot_meal_minutes or _default(KitchenBase, "hot_meal_minutes"),
    )
    return _change(fleet.upsert_kitchen, load, data)


def load_vehicles(load: Load, rows: Iterable[tuple[int, VehicleRow]]) -> None:
    kitchens = fleet.kitchens_by_external_id(load.municipality_id, session=load.session)
    for number, row in rows:
        kitchen = kitchens.get(row.kitchen)
        if kitchen is None or kitchen.id is None:
            load.refuse(number, "kitchen", Reason.no_kitchen, value=repr(row.kitchen))
            load.on_row()
            continue
        load.attempt(number, partial(_write_vehicle, load, row, kitchen.id))


def _write_vehicle(load: Load, row: VehicleRow, kitchen_id: int) -> Change:
    data = fleet.VehicleIn(
        external_id=row.external_id,
        kitchen_id=kitchen_id,
        name=row.name,
        capacity_portions=row.capacity_portions,
        capacity_boxes=row.capacity_boxes,
        shift_start=row.shift_start,
        shift_end=row.shift_end,
        max_trips=row.max_trips or _default(fleet.VehicleIn, "max_trips"),
    )
    return _change(fleet.upsert_vehicle, load, data)


def load_clients(load: Load, rows: Iterable[tuple[int, ClientRow]]) -> None:
    kitchens = fleet.kitchens_by_external_id(load.municipality_id, session=load.session)
    for number, row in rows:
        kitchen_id, refused = _client_kitchen(row.kitchen, kitchens)
        if refused is not None:
            load.refuse(number, "kitchen", refused, value=repr(row.kitchen))
            load.on_row()
            continue
        load.attempt(number, partial(_write_client, load, row, kitchen_id))


def _client_kitchen(ext: str | None, kitchens: dict[str, Any]) -> tuple[int | None, Reason | None]:
    """The kitchen id for a client's `kitchen` cell; an empty cell is fine with one kitchen."""
    if ext is not None:
        found = kitchens.get(ext)
        return (found.id, None) if found else (None, Reason.no_kitchen)
    if len(kitchens) == 1:
        return next(iter(kitchens.values())).id, None
    if not kitchens:
        return None, Reason.no_kitchens_yet
    return None, Reason.kitchen_needed


def _write_client(load: Load, row: ClientRow, kitchen_id: int | None) -> Change:
    given = None if row.lon is None or row.lat is None else (row.lon, row.lat)
    if given is None and (row.lon, row.lat) != (None, None):
        raise refuse("lat" if row.lat is None else "lon", Reason.coordinates_needed)
    if given is None and not row.address:
        raise refuse("address", Reason.address_or_place)
    known = given or addresses.coordinates_for(
        load.municipality_id, row.external_id, row.address, session=load.session
    )
    lon, lat = known or addresses.NO_PLACE
    data = clients.ClientIn(
        external_id=row.external_id,
        name=row.name,
        address=row.address,
        lon=lon,
        lat=lat,
        phone=row.phone,
        diet=row.diet,
        portions=row.portions,
        window_start=row.window_start,
        window_end=row.window_end,
        kitchen_id=kitchen_id,
        notes=row.notes,
    )
    client, change = clients.upsert_client(load.municipality_id, data, session=load.session)
    assert client.id is not None
    if given is not None:
        addresses.mark_given(client, session=load.session)
    elif known is None:  # looked up once the file is in (importing.import_table)
        addresses.mark_pending(client, session=load.session)
    if row.weekdays is None:  # a care client: no meals from today on
        ended = clients.end_meal_subscription(
            load.municipality_id, client.id, last_day=load.today - timedelta(days=1),
            session=load.session,
        )  # fmt: skip
        meals_change = Change.updated if ended else Change.unchanged
    else:
        _, meals_change = clients.set_meal_subscription(
            load.municipality_id, client.id, weekdays=row.weekdays, diet=row.diet,
            portions=row.portions, start=load.today, session=load.session,
        )  # fmt: skip
    if change is Change.unchanged and meals_change is not Change.unchanged:
        return Change.updated
    return change


def load_caregivers(load: Load, rows: Iterable[tuple[int, CaregiverRow]]) -> None:
    for number, row in rows:
        load.attempt(number, partial(_write_caregiver, load, row))


def _write_caregiver(load: Load, row: CaregiverRow) -> Change:
    data = care.CaregiverIn(
        external_id=row.external_id,
        name=row.name,
        skills=row.skills,
        mode=row.mode,
        shift_start=row.shift_start,
        shift_end=row.shift_end,
        max_minutes=row.max_minutes or _default(care.CaregiverIn, "max_minutes"),
        start_lon=row.start_lon,
        start_lat=row.start_lat,
    )
    return _change(care.upsert_caregiver, load, data)


def _change(upsert: Callable[..., tuple[Any, Change]], load: Load, data: Any) -> Change:
    return upsert(load.municipality_id, data, session=load.session)[1]


def _default(model: type[Any], name: str) -> Any:
    """The product's default for a column left empty in the file."""
    return model.model_fields[name].default
