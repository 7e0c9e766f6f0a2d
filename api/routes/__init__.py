"""Routers of the API: one module per resource or page family, all listed in ROUTERS."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    audit,
    care,
    care_day,
    clients,
    days,
    fleet,
    health,
    ical,
    kitchen,
    orders,
    pages_auth,
    pages_board,
    phone,
    pins,
    plans,
    solve,
    users,
    welfare,
)

ROUTERS: list[APIRouter] = [
    health.router,
    users.router,
    fleet.router,
    clients.router,
    welfare.router,
    care.router,
    care_day.router,
    ical.router,
    audit.router,
    days.router,
    pins.router,
    plans.router,
    solve.router,
    kitchen.router,
    orders.router,
    phone.router,
    pages_board.router,
    pages_auth.router,
]
