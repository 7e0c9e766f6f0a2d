"""The kitchen's day as CSV (one tidy table) and as printable A4 pages with labels."""

from __future__ import annotations

from importlib import resources

from markupsafe import Markup

from scheduler.reports.kitchen import KitchenDay, diet_name
from scheduler.reports.sheets import render, to_csv
from scheduler.wording import Wording, wording

CSV_HEADER = (
    "kind", "kitchen", "departure", "vehicle", "trip", "stop", "client_id", "client",
    "address", "diet", "portions", "box", "eta", "label",
)  # fmt: skip


def kitchen_rows(day: KitchenDay) -> list[list[object]]:
    """One row per count: `cook` and `spare` per kitchen and diet, `delivery` per packed
    client and diet (in stop order), `point` per pick-up point and diet, `unrouted` per
    kitchen and diet for meals the plan left off the vans, `on_visit` for lunches caregivers
    take on their visits."""
    rows: list[list[object]] = []
    blank = ["", "", "", "", "", "", ""]
    for k in day.kitchens:
        kinds = (("cook", k.cook), ("spare", k.spare), ("unrouted", k.unrouted),
                 ("on_visit", k.on_visits))  # fmt: skip
        for kind, counts in kinds:
            rows.extend(
                [kind, k.kitchen, "", "", "", *blank[:4], d, n, "", "", ""]
                for d, n in counts.items()
            )
        for wave in k.waves:
            for van in wave.vans:
                rows.extend(
                    [
                        "delivery",
                        k.kitchen,
                        van.departure,
                        van.vehicle,
                        van.trip,
                        line.stop,
                        line.client_id,
                        line.client,
                        line.address,
                        line.diet,
                        line.portions,
                        line.box,
                        line.eta,
                        line.label.replace("\n", " / "),
                    ]
                    for line in van.lines
                )
    for p in day.points:
        rows.extend(
            ["point", p.kitchen, "", "", "", "", p.point, p.name, "", d, n, "", "", ""]
            for d, n in p.portions.items()
        )
    return rows


def kitchen_csv(day: KitchenDay, words: Wording | None = None) -> str:
    return to_csv(CSV_HEADER, kitchen_rows(day), words)


def print_css() -> str:
    # Markup: the style sheet is ours and goes into <style> as it is; escaped, its quoted font
    # names would become `&#34;` and the font rule would be dropped.
    css = resources.files("scheduler.reports").joinpath("templates/print.css").read_text("utf-8")
    return Markup(css)


def kitchen_html(day: KitchenDay, words: Wording | None = None) -> str:
    """Per kitchen: what to cook, the waves, then per van and trip a packing list and labels;
    in the reader's words (default: the municipality's language)."""
    words = words or wording(day.locale)
    return render(
        "kitchen.html",
        words,
        day=day,
        css=print_css(),
        diet_name=lambda d: diet_name(d, words.language),
    )
