"""The municipality's own rules, changed by a dispatcher or an admin, each change audited.

Today: the fairness weight between caregivers' days. The planner reads it at the next plan
(planning/care.py); a day already planned keeps its routes until it is re-planned.
"""

from __future__ import annotations

from sqlmodel import Session

from scheduler.audit import audit
from scheduler.models import Municipality
from scheduler.models.tenancy import CARE_BALANCE_WEIGHT_MAX
from scheduler.refusals import Reason, refuse
from scheduler.repositories.tenancy import get_municipality


def set_care_balance_weight(
    municipality_id: int, weight: int, *, session: Session, actor: str
) -> Municipality:
    """Set the weight of the longest caregiver's day (0 to CARE_BALANCE_WEIGHT_MAX); an
    InvalidInputError names the field for a weight outside that range, and nothing changes."""
    if not 0 <= weight <= CARE_BALANCE_WEIGHT_MAX:
        raise refuse("care_balance_weight", Reason.between, n=CARE_BALANCE_WEIGHT_MAX, value=weight)
    row = get_municipality(municipality_id, session=session)
    before = row.care_balance_weight
    row.care_balance_weight = weight
    session.add(row)
    audit(municipality_id, session=session, actor=actor, action="update",
          entity="municipality", entity_id=municipality_id,
          detail={"care_balance_weight": [before, weight]})  # fmt: skip
    return row
