"""Routers of the API: one module per resource or page family, all listed in ROUTERS."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    audit,
    breakdowns,
    care,
    care_day,
    clients,
    days,
    fleet,
    health,
    ical,
    kitchen,
    my_days,
    orders,
    pages_auth,
    pages_board,
    pages_users,
    pages_webhooks,
    pages_welfare,
    personal_links,
    phone,
    pins,
    plans,
    solve,
    users,
    webhooks,
    welfare,
)

ROUTERS: list[APIRouter] = [
    health.router,
    users.router,
    personal_links.router,
    fleet.router,
    clients.router,
    welfare.router,
    webhooks.router,
    care.router,
    care_day.router,
    ical.router,
    audit.router,
    days.router,
    pins.router,
    breakdowns.router,
    plans.router,
    solve.router,
    kitchen.router,
    orders.router,
    my_days.router,  # before phone: /d/me/... is not a day token
    phone.router,
    pages_board.router,
    pages_auth.router,
    pages_users.router,
    pages_webhooks.router,
    pages_welfare.router,
]
