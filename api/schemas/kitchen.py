"""Kitchen batches of a date and monthly statements, as the scheduler lays them out."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class KitchenDayPublic(BaseModel):
    date: str
    municipality: str
    freeze_version: int
    plan_version: int | None
    plan_is_current: bool = Field(description="False when orders changed after the plan.")
    kitchens: list[dict[str, Any]] = Field(
        description="Per kitchen: portions, spare, cook, unrouted per diet; waves with vans and "
        "packing lines (client, address, diet, portions, box, label; no phone numbers)."
    )
    points: list[dict[str, Any]]


class StatementTotals(BaseModel):
    delivered_days: int
    not_home_days: int
    refused_days: int
    cancelled_days: int
    cancelled_late_days: int
    delivered_portions: int
    collected_days: int = Field(0, description="Canteen or milk-kitchen days collected.")
    collected_portions: int = 0
    fee_cents: int


class StatementLinePublic(BaseModel):
    day: str
    outcome: str
    diet: str
    portions: int
    price_cents: int
    amount_cents: int


class StatementPublic(BaseModel):
    client_id: str
    name: str
    month: str
    currency: str
    totals: StatementTotals
    lines: list[StatementLinePublic]
    warnings: list[str] = Field(
        default_factory=list, description="E.g. a collected service without a price."
    )
