"""Every `/v1` endpoint with the roles allowed to call it and a body that passes validation.

The permission tests walk this table; a test checks that it names every route the app has,
so a new endpoint cannot be added without saying who may call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scheduler.models import Role

ALL = frozenset(Role)
STAFF = frozenset({Role.admin, Role.dispatcher})
KITCHEN = STAFF | {Role.kitchen}
ADMIN = frozenset({Role.admin})
CARE_READ = STAFF | {Role.caregiver}  # a caregiver: their own day only


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    roles: frozenset[Role]
    body: dict[str, Any] | None = None
    # Placeholders in `path` and the seeded row each stands for.
    ids: dict[str, str] = field(default_factory=dict)

    def url(self, ids: dict[str, int]) -> str:
        url = self.path.replace("{day}", "2026-01-06").replace("{service}", "meals")
        url = url.replace("{holder}", "caregiver")  # with holder_id, the seeded caregiver
        url = url.replace("{kind}", "clients")
        for placeholder, entity in self.ids.items():
            url = url.replace("{" + placeholder + "}", str(ids[entity]))
        return url


def _e(
    method: str, path: str, roles: frozenset[Role], body: dict[str, Any] | None = None
) -> Endpoint:
    names = {
        "kitchen_id": "kitchen",
        "vehicle_id": "vehicle",
        "driver_id": "driver",
        "client_id": "client",
        "caregiver_id": "caregiver",
        "visit_plan_id": "visit_plan",
        "plan_id": "plan",
        "user_id": "user",
        "token_id": "token",
        "visit_id": "visit",
        "route_id": "route",
        "stop_id": "stop",
        "order_id": "order",
        "event_id": "event",
        "alert_id": "alert",
        "pin_id": "pin",
        "absence_id": "absence",
        "driver_absence_id": "driver_absence",
        "holder_id": "caregiver",
        "point_id": "pickup_point",
        "webhook_id": "webhook",
        "price_id": "price",
        "reduction_id": "reduction",
        "pause_id": "pause",
        "upload_id": "upload",
    }
    ids = {k: v for k, v in names.items() if "{" + k + "}" in path}
    return Endpoint(method, path, roles, body, ids)


ENDPOINTS: list[Endpoint] = [
    _e("GET", "/v1/me", ALL),
    _e("DELETE", "/v1/me/sessions", ALL),
    _e("POST", "/v1/solve", STAFF, {"vehicles": []}),
    _e("GET", "/v1/users", ADMIN),
    _e("POST", "/v1/users", ADMIN, {"username": "", "password": "x", "role": "admin"}),
    _e("GET", "/v1/users/{user_id}", ADMIN),
    _e("PATCH", "/v1/users/{user_id}", ADMIN, {}),
    _e("PUT", "/v1/users/{user_id}/link", ADMIN, {}),
    _e("DELETE", "/v1/users/{user_id}/link", ADMIN),
    _e("DELETE", "/v1/users/{user_id}/sessions", ADMIN),
    _e("POST", "/v1/personal-links/{holder}/{holder_id}", STAFF),
    _e("PATCH", "/v1/personal-links/{holder}/{holder_id}", STAFF, {}),
    _e("DELETE", "/v1/personal-links/{holder}/{holder_id}", STAFF),
    _e("POST", "/v1/personal-links/{holder}/{holder_id}/send", STAFF, {"channel": "email"}),
    _e("GET", "/v1/personal-links/{holder}/{holder_id}/qr.svg", STAFF),
    _e("GET", "/v1/tokens", ADMIN),
    _e("POST", "/v1/tokens", ADMIN, {"user_id": 999999, "name": "x"}),
    _e("DELETE", "/v1/tokens/{token_id}", ADMIN),
    _e("GET", "/v1/kitchens", KITCHEN),
    _e("POST", "/v1/kitchens", STAFF, {"external_id": "K1", "name": "dup", "lon": 0, "lat": 0}),
    _e("GET", "/v1/kitchens/{kitchen_id}", KITCHEN),
    _e("PATCH", "/v1/kitchens/{kitchen_id}", STAFF, {}),
    _e("GET", "/v1/vehicles", KITCHEN),
    _e(
        "POST",
        "/v1/vehicles",
        STAFF,
        {
            "external_id": "V1",
            "name": "d",
            "capacity_portions": 1,
            "capacity_boxes": 1,
            "kitchen_id": 999999,
        },
    ),
    _e("GET", "/v1/vehicles/{vehicle_id}", KITCHEN),
    _e("PATCH", "/v1/vehicles/{vehicle_id}", STAFF, {}),
    _e("GET", "/v1/drivers", STAFF),
    _e("POST", "/v1/drivers", STAFF, {"external_id": "", "name": ""}),
    _e("GET", "/v1/drivers/{driver_id}", STAFF),
    _e("PATCH", "/v1/drivers/{driver_id}", STAFF, {}),
    _e("GET", "/v1/clients", STAFF),
    _e("POST", "/v1/clients", STAFF, {"external_id": "C1", "name": "dup", "lon": 0, "lat": 0}),
    _e("GET", "/v1/clients/addresses", STAFF),
    _e("POST", "/v1/clients/{client_id}/location", STAFF, {"lat": 42.6, "lon": 25.4}),
    _e("GET", "/v1/clients/{client_id}", STAFF),
    _e("PATCH", "/v1/clients/{client_id}", STAFF, {}),
    _e("GET", "/v1/clients/{client_id}/export", STAFF),
    _e("POST", "/v1/clients/{client_id}/erase", ADMIN),
    _e("GET", "/v1/subscriptions", STAFF),
    _e(
        "PUT",
        "/v1/clients/{client_id}/subscription",
        STAFF,
        {"weekdays": "Mon-Fri", "diet": "diabetic", "portions": 1, "start": "2026-01-05"},
    ),
    _e("POST", "/v1/clients/{client_id}/subscription/end", STAFF, {"last_day": "2099-01-01"}),
    _e("GET", "/v1/caregivers", STAFF),
    _e(
        "POST",
        "/v1/caregivers",
        STAFF,
        {"external_id": "CG1", "name": "d", "start_lon": 0, "start_lat": 0},
    ),
    _e("GET", "/v1/caregivers/{caregiver_id}", STAFF),
    _e("PATCH", "/v1/caregivers/{caregiver_id}", STAFF, {}),
    _e("GET", "/v1/visit-plans", STAFF),
    _e(
        "POST",
        "/v1/visit-plans",
        STAFF,
        {
            "external_id": "X",
            "client_id": 999999,
            "window_start": "09:00",
            "window_end": "10:00",
            "duration_min": 30,
        },
    ),
    _e("GET", "/v1/visit-plans/{visit_plan_id}", STAFF),
    _e("GET", "/v1/visits", STAFF),
    _e("GET", "/v1/visits/{visit_id}", STAFF),
    _e(
        "POST",
        "/v1/visits",
        STAFF,
        {
            "day": "2026-01-06",
            "external_id": "ONE-OFF",
            "client_id": 999999,
            "window_start": "09:00",
            "window_end": "10:00",
            "duration_min": 30,
        },
    ),
    _e("POST", "/v1/visits/{visit_id}/cancel", STAFF, {"reason": "matrix"}),
    _e("POST", "/v1/visits/{visit_id}/carry-meal", STAFF, {"carry": True}),
    _e("GET", "/v1/caregivers/{caregiver_id}/days/{day}", CARE_READ),
    _e("POST", "/v1/caregivers/{caregiver_id}/sick", STAFF, {"day": "2026-01-06"}),
    _e("GET", "/v1/caregivers/{caregiver_id}/sick/{day}", STAFF),
    _e("POST", "/v1/caregivers/{caregiver_id}/calendar-link", STAFF),
    _e("DELETE", "/v1/caregivers/{caregiver_id}/calendar-link", STAFF),
    _e("GET", "/v1/care-attendance/{day}", STAFF),
    _e("GET", "/v1/care-hours?month=2026-01", STAFF),
    _e("GET", "/v1/care-hours.csv?month=2026-01&of=clients", STAFF),
    _e("GET", "/v1/care-fairness", STAFF),
    _e("PUT", "/v1/care-fairness", STAFF, {"care_balance_weight": 0}),
    _e("GET", "/v1/care-workload/{day}", STAFF),
    _e("GET", "/v1/care-weeks/{day}", STAFF),
    _e("GET", "/v1/days/{day}/care/visit-pins", STAFF),
    _e("POST", "/v1/days/{day}/care/visit-pins", STAFF, {"visit_id": 999999, "caregiver_id": 9}),
    _e("DELETE", "/v1/visit-pins/{pin_id}", STAFF),
    _e("GET", "/v1/absences?from=2026-01-01&to=2026-02-28", STAFF),
    _e(
        "POST",
        "/v1/absences",
        STAFF,
        {"caregiver_id": 999999, "start": "2026-01-06", "end": "2026-01-06", "kind": "day_off"},
    ),
    _e("DELETE", "/v1/absences/{absence_id}", STAFF),
    _e("GET", "/v1/driver-absences?from=2026-01-01&to=2026-02-28", STAFF),
    _e(
        "POST",
        "/v1/driver-absences",
        STAFF,
        {"driver_id": 999999, "first_day": "2026-01-06", "last_day": "2026-01-06", "kind": "sick"},
    ),
    _e("DELETE", "/v1/driver-absences/{driver_absence_id}", STAFF),
    _e("GET", "/v1/audit", ADMIN),
    _e("GET", "/v1/kitchen-batches/{day}", KITCHEN),
    _e("GET", "/v1/kitchen-sheets/{day}?format=html", KITCHEN),
    _e("GET", "/v1/box-labels/{day}?format=html&size=99.1x38.1", KITCHEN),
    _e("GET", "/v1/route-sheets/{day}?format=html", KITCHEN),
    _e("GET", "/v1/caregivers/{caregiver_id}/days/{day}/sheet?format=html", CARE_READ),
    _e("GET", "/v1/care-days/{day}?format=html", STAFF),
    _e("GET", "/v1/statements/sheet?month=2026-01&format=html", STAFF),
    _e("GET", "/v1/month-report?month=2026-01&format=csv", STAFF),
    _e("GET", "/v1/orders", STAFF),
    _e("POST", "/v1/orders", STAFF, {"client_id": 999999, "day": "2026-01-06"}),
    _e("POST", "/v1/orders/cancel", STAFF, {"client_id": 999999, "day": "2026-01-06"}),
    _e("GET", "/v1/statements?month=2026-01", STAFF),
    _e("GET", "/v1/days/{day}/{service}", STAFF),
    _e("POST", "/v1/days/{day}/{service}/plan", STAFF, {"request_id": "matrix"}),
    _e("POST", "/v1/days/{day}/{service}/publish", STAFF, {"request_id": "matrix"}),
    _e("GET", "/v1/days/{day}/{service}/pins", STAFF),
    _e("GET", "/v1/days/{day}/{service}/shapes", STAFF),
    _e("GET", "/v1/days/{day}/fleet?budget=1&what_ifs=false", STAFF),
    _e("POST", "/v1/days/{day}/{service}/pins", STAFF, {"stop_id": 999999, "vehicle_id": 999999}),
    _e("DELETE", "/v1/pins/{pin_id}", STAFF),
    _e("GET", "/v1/days/{day}/meals/breakdowns", STAFF),
    _e("POST", "/v1/days/{day}/meals/breakdowns", STAFF, {"vehicle_id": 999999, "at": "11:30"}),
    _e("GET", "/v1/plans", STAFF),
    _e("GET", "/v1/plans/{plan_id}", STAFF),
    _e("GET", "/v1/routes", STAFF),
    _e("GET", "/v1/routes/{route_id}", STAFF),
    _e("GET", "/v1/stops", STAFF),
    _e("GET", "/v1/stops/{stop_id}", STAFF),
    _e("GET", "/v1/events", STAFF),
    _e("GET", "/v1/alerts", STAFF),
    _e("POST", "/v1/alerts/{alert_id}/ack", STAFF, {"note": "reached by phone"}),
    _e("GET", "/v1/clients/{client_id}/contacts", STAFF),
    _e(
        "PUT",
        "/v1/clients/{client_id}/contacts",
        STAFF,
        {"contacts": [{"name": "Maria", "relation": "daughter", "phone": "+359888000222"}]},
    ),
    _e("GET", "/v1/escalation", STAFF),
    _e("PUT", "/v1/escalation", ADMIN, {"minutes": 10, "user_ids": []}),
    _e("GET", "/v1/me/push-targets", STAFF),
    _e("GET", "/v1/me/push-key", STAFF),
    _e(
        "POST",
        "/v1/me/push-targets",
        STAFF,
        {"channel": "ntfy", "address": "https://ntfy.example/t"},
    ),
    _e("GET", "/v1/pickup-points", KITCHEN),
    _e("POST", "/v1/pickup-points", STAFF, {"external_id": "P1", "name": "dup", "kitchen_id": 1}),
    _e("PUT", "/v1/pickup-points/{point_id}/milk-days", STAFF, {"milk_weekdays": "Mon,Wed"}),
    _e("PATCH", "/v1/pickup-points/{point_id}", STAFF, {}),
    _e("GET", "/v1/canteen/days/{day}", KITCHEN),
    _e("POST", "/v1/canteen/days/{day}/check-ins", KITCHEN, {"client_id": 999999}),
    _e("GET", "/v1/milk-kitchen/children", STAFF),
    _e(
        "POST",
        "/v1/milk-kitchen/children",
        STAFF,
        {
            "external_id": "M1",
            "name": "d",
            "birth_date": "2025-06-01",
            "referral_number": "R1",
            "referral_date": "2025-06-10",
            "guardian_name": "g",
            "pickup_point_id": 999999,
        },
    ),
    _e("GET", "/v1/milk-kitchen/days/{day}", KITCHEN),
    _e("POST", "/v1/milk-kitchen/days/{day}/collections", KITCHEN, {"child_id": 999999}),
    _e("GET", "/v1/milk-kitchen/sheets/{day}", KITCHEN),
    _e("GET", "/v1/milk-kitchen/statements?month=2026-01", STAFF),
    _e("PUT", "/v1/service-prices/{service}", ADMIN, {"price_cents": 100}),
    _e("GET", "/v1/webhooks", STAFF),
    _e("POST", "/v1/webhooks", STAFF, {"url": "https://gateway.example/hook", "label": "sms"}),
    _e("DELETE", "/v1/webhooks/{webhook_id}", STAFF),
    _e("GET", "/v1/rules", STAFF),
    _e(
        "PUT",
        "/v1/rules",
        ADMIN,
        {
            "timezone": "Europe/Sofia",
            "locale": "bg",
            "cutoff_days_before": 1,
            "cutoff_time": "14:00",
        },
    ),
    _e("POST", "/v1/imports/{kind}", STAFF),  # no file: 422, but past the role check
    _e("GET", "/v1/imports/{upload_id}", STAFF),
    _e("POST", "/v1/imports/{upload_id}/apply", STAFF),
    _e("DELETE", "/v1/imports/{upload_id}", STAFF),
    _e("GET", "/v1/date-overrides", STAFF),
    _e("PUT", "/v1/date-overrides/{day}", STAFF, {"delivers": True, "note": "market day"}),
    _e("DELETE", "/v1/date-overrides/{day}", STAFF),
    _e("GET", "/v1/prices", STAFF),
    _e("POST", "/v1/prices", STAFF, {"kind": "soft", "valid_from": "2099-02-01", "price_cents": 1}),
    _e("DELETE", "/v1/prices/{price_id}", STAFF),
    _e("GET", "/v1/clients/{client_id}/reductions", STAFF),
    _e(
        "POST",
        "/v1/clients/{client_id}/reductions",
        STAFF,
        {"start": "2098-01-01", "end": "2098-01-31", "percent": 100},
    ),
    _e("DELETE", "/v1/reductions/{reduction_id}", STAFF),
    _e("GET", "/v1/clients/{client_id}/pauses", STAFF),
    _e(
        "POST",
        "/v1/clients/{client_id}/pauses",
        STAFF,
        {"start": "2098-03-02", "end": "2098-03-06", "reason": "hospital"},
    ),
    _e("PATCH", "/v1/clients/{client_id}/pauses/{pause_id}", STAFF, {"end": "2020-03-06"}),
    _e("DELETE", "/v1/clients/{client_id}/pauses/{pause_id}", STAFF),  # long past: 422
    _e("POST", "/v1/webhooks/{webhook_id}/test", STAFF),
    _e("GET", "/v1/webhooks/{webhook_id}/deliveries", STAFF),
]
