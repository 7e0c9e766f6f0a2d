"""Monthly statements as CSV (one row per client) and as printable pages (one per client)."""

from __future__ import annotations

from scheduler.reports.kitchen import diet_name
from scheduler.reports.kitchen_sheets import print_css
from scheduler.reports.sheets import render, to_csv
from scheduler.reports.statements import Statement
from scheduler.wording import Wording, wording

CSV_HEADER = (
    "client_id", "name", "month", "delivered_days", "delivered_portions", "not_home_days",
    "refused_days", "cancelled_days", "cancelled_late_days", "fee", "currency",
)  # fmt: skip


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def statements_csv(statements: list[Statement], words: Wording | None = None) -> str:
    rows = []
    for s in statements:
        t = s.totals()
        rows.append([
            s.client_id, s.name, s.month, t["delivered_days"], t["delivered_portions"],
            t["not_home_days"], t["refused_days"], t["cancelled_days"],
            t["cancelled_late_days"], money(t["fee_cents"]), s.currency,
        ])  # fmt: skip
    return to_csv(CSV_HEADER, rows, words)


def statements_html(
    statements: list[Statement], *, municipality: str, locale: str, words: Wording | None = None
) -> str:
    """One A4 page per client, in the reader's words (default: the municipality's language)."""
    words = words or wording(locale)
    return render(
        "statement.html",
        words,
        statements=statements,
        municipality=municipality,
        css=print_css(),
        diet_name=lambda d: diet_name(d, words.language),
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
