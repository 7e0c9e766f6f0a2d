"""Routers of the API: one module per resource or page family, all listed in ROUTERS."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    audit,
    breakdowns,
    canteen,
    care,
    care_day,
    care_week,
    clients,
    days,
    fleet,
    fleet_size,
    health,
    ical,
    kitchen,
    my_days,
    orders,
    pages_auth,
    pages_board,
    pages_counter,
    pages_users,
    pages_welfare,
    personal_links,
    phone,
    pins,
    plans,
    reports,
    solve,
    users,
    visit_pins,
    welfare,
)

ROUTERS: list[APIRouter] = [
    health.router,
    users.router,
    personal_links.router,
    fleet.router,
    clients.router,
    welfare.router,
    care.router,
    care_week.router,
    visit_pins.router,
    care_day.router,
    ical.router,
    audit.router,
    fleet_size.router,  # before days: /days/{day}/fleet is not a service
    days.router,
    pins.router,
    breakdowns.router,
    plans.router,
    solve.router,
    kitchen.router,
    canteen.router,
    reports.router,
    orders.router,
    my_days.router,  # before phone: /d/me/... is not a day token
    phone.router,
    pages_board.router,
    pages_counter.router,
    pages_auth.router,
    pages_users.router,
    pages_welfare.router,
]
