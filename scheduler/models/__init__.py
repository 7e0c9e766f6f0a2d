"""All tables, imported here so that `SQLModel.metadata` knows every one (Alembic reads it)."""

from scheduler.models.access import ApiToken, PersonalLink
from scheduler.models.base import (
    AbsenceKind,
    ClientStatus,
    Diet,
    OrderSource,
    OrderStatus,
    Role,
    Service,
    StopStatus,
    TravelMode,
    VisitStatus,
)
from scheduler.models.care import (
    Caregiver,
    CaregiverAbsence,
    FrozenVisit,
    Visit,
    VisitCheck,
    VisitPlan,
)
from scheduler.models.clients import Client, EmergencyContact
from scheduler.models.events import Alert, AlertNotice, AuditEntry, Event, Outbox, Publication
from scheduler.models.fleet import Driver, Kitchen, PickupPoint, Vehicle
from scheduler.models.meals import (
    DayFreeze,
    FrozenOrder,
    MealOrder,
    MealSubscription,
    SubscriptionPause,
)
from scheduler.models.plans import Plan, PlanVersion, Route, RoutePin, Stop, Unassigned
from scheduler.models.push import PushTarget
from scheduler.models.tenancy import (
    DateOverride,
    EscalationMember,
    MealPrice,
    Municipality,
    User,
)

__all__ = [
    "AbsenceKind",
    "Alert",
    "AlertNotice",
    "ApiToken",
    "AuditEntry",
    "Caregiver",
    "CaregiverAbsence",
    "Client",
    "ClientStatus",
    "DateOverride",
    "DayFreeze",
    "Diet",
    "Driver",
    "EmergencyContact",
    "EscalationMember",
    "Event",
    "FrozenOrder",
    "FrozenVisit",
    "Kitchen",
    "MealOrder",
    "MealPrice",
    "MealSubscription",
    "Municipality",
    "OrderSource",
    "OrderStatus",
    "Outbox",
    "PersonalLink",
    "PickupPoint",
    "Plan",
    "PlanVersion",
    "Publication",
    "PushTarget",
    "Role",
    "Route",
    "RoutePin",
    "Service",
    "Stop",
    "StopStatus",
    "SubscriptionPause",
    "TravelMode",
    "Unassigned",
    "User",
    "Vehicle",
    "Visit",
    "VisitCheck",
    "VisitPlan",
    "VisitStatus",
]
