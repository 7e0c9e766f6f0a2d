"""Monthly statements as CSV (one row per client) and as printable pages (one per client)."""

from __future__ import annotations

from scheduler.reports.kitchen import diet_name
from scheduler.reports.kitchen_sheets import print_css
from scheduler.reports.sheets import render, to_csv
from scheduler.reports.statements import Statement

CSV_HEADER = (
    "client_id", "name", "month", "delivered_days", "delivered_portions", "not_home_days",
    "refused_days", "cancelled_days", "cancelled_late_days", "fee", "currency",
)  # fmt: skip


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def statements_csv(statements: list[Statement]) -> str:
    rows = []
    for s in statements:
        t = s.totals()
        rows.append([
            s.client_id, s.name, s.month, t["delivered_days"], t["delivered_portions"],
            t["not_home_days"], t["refused_days"], t["cancelled_days"],
            t["cancelled_late_days"], money(t["fee_cents"]), s.currency,
        ])  # fmt: skip
    return to_csv(CSV_HEADER, rows)


def statements_html(statements: list[Statement], *, municipality: str, locale: str) -> str:
    return render(
        "statement.html",
        statements=statements,
        municipality=municipality,
        locale=locale,
        css=print_css(),
        money=money,
        diet_name=lambda d: diet_name(d, locale),
    )


def statement_dict(s: Statement) -> dict[str, object]:
    return {
        "client_id": s.client_id,
        "name": s.name,
        "month": s.month,
        "currency": s.currency,
        "totals": s.totals(),
        "warnings": list(s.warnings),
        "lines": [
            {
                "day": line.day.isoformat(),
                "outcome": line.outcome,
                "diet": line.diet,
                "portions": line.portions,
                "price_cents": line.price_cents,
                "amount_cents": line.amount_cents,
            }
            for line in s.lines
        ],
    }
