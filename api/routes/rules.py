"""The municipality's rules (time zone, language, cut-off: admin writes, staff reads) and its
own calendar (dates it delivers on a holiday, closes, or closes with the meals delivered the day
before: staff). Every change is audited.

The forms of the rules page call the same functions (`set_rules_and_audit`,
`set_override_and_audit`, `remove_override_and_audit`).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response, status
from sqlmodel import Session

from api.deps import Admin, DbSession, Staff
from api.problems import PROBLEM_RESPONSES
from api.schemas.rules import DateOverridePublic, DateOverrideSet, RulesPublic, RulesSet
from scheduler.audit import audit
from scheduler.intake import date_overrides as own_dates
from scheduler.intake.cutoff import utc_now
from scheduler.models import DateOverride, Municipality
from scheduler.models.fields import Day
from scheduler.repositories.calendar import date_overrides
from scheduler.repositories.tenancy import get_municipality, set_rules

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["rules"])


def _public(town: Municipality) -> RulesPublic:
    return RulesPublic.model_validate(town, from_attributes=True)


@router.get("/rules", response_model=RulesPublic)
def get_rules(caller: Staff, session: DbSession) -> RulesPublic:
    return _public(get_municipality(caller.municipality_id, session=session))


@router.put("/rules", response_model=RulesPublic)
def put_rules(body: RulesSet, caller: Admin, session: DbSession) -> RulesPublic:
    """A new cut-off applies to the days not yet frozen; frozen days keep theirs."""
    return _public(set_rules_and_audit(caller.municipality_id, caller.actor, body, session=session))


def set_rules_and_audit(
    municipality_id: int, actor: str, body: RulesSet, *, session: Session
) -> Municipality:
    town, changed = set_rules(municipality_id, session=session, **body.model_dump())
    if changed:
        audit(municipality_id, session=session, actor=actor, action="update",
              entity="municipality", entity_id=municipality_id, detail=changed)  # fmt: skip
    return town


@router.get("/date-overrides", response_model=list[DateOverridePublic])
def list_overrides(caller: Staff, session: DbSession) -> list[DateOverridePublic]:
    rows = date_overrides(caller.municipality_id, session=session)
    return [DateOverridePublic.model_validate(r, from_attributes=True) for r in rows]


@router.put("/date-overrides/{day}", response_model=DateOverridePublic)
def put_override(
    day: Day, body: DateOverrideSet, caller: Staff, session: DbSession
) -> DateOverridePublic:
    """`deliver_before` (with `delivers` false) brings the date's meals on its eve; it is
    refused with 422 naming `deliver_before` together with `delivers` true or after the eve's
    cut-off."""
    row = set_override_and_audit(caller.municipality_id, caller.actor, day, body, session=session)
    return DateOverridePublic.model_validate(row, from_attributes=True)


def set_override_and_audit(
    municipality_id: int, actor: str, day: date, body: DateOverrideSet, *, session: Session
) -> DateOverride:
    row = own_dates.set_override(municipality_id, day, delivers=body.delivers, note=body.note,
                       deliver_before=body.deliver_before, session=session, now=utc_now(),
                       actor=actor)  # fmt: skip
    detail = {"delivers": body.delivers, "note": body.note, "deliver_before": body.deliver_before}
    audit(municipality_id, session=session, actor=actor, action="set", entity="date_override",
          entity_id=day.isoformat(), detail=detail)  # fmt: skip
    return row


@router.delete("/date-overrides/{day}", status_code=status.HTTP_204_NO_CONTENT)
def remove_override(day: Day, caller: Staff, session: DbSession) -> Response:
    """A `deliver_before` date is only removed before its eve's cut-off (422 after)."""
    remove_override_and_audit(caller.municipality_id, caller.actor, day, session=session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def remove_override_and_audit(
    municipality_id: int, actor: str, day: date, *, session: Session
) -> None:
    own_dates.remove_override(municipality_id, day, session=session, now=utc_now(), actor=actor)
    audit(municipality_id, session=session, actor=actor, action="delete",
          entity="date_override", entity_id=day.isoformat())  # fmt: skip
