"""Routers of the API: one module per resource or page family, all listed in ROUTERS."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import health, pages_auth, users

ROUTERS: list[APIRouter] = [
    health.router,
    users.router,
    pages_auth.router,
]
