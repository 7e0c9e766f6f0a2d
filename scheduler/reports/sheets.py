"""Printable and tabular outputs: CSV text and HTML pages (A4, with a print style sheet).

Templates live in `scheduler/reports/templates/`; the environment is built on first use. Every page
is a plain HTML document that prints on A4 from any browser, so a kitchen without special
software can print its sheets and labels. Every word goes through the reader's catalog (`_`,
`ngettext`) and dates, times and money take the reader's locale forms (`scheduler.wording`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from scheduler.wording import Wording


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("scheduler.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a typo in a template fails loudly, not as an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, words: Wording, **context: Any) -> str:
    return (
        environment()
        .get_template(template)
        .render(
            _=words.gettext,
            ngettext=words.ngettext,
            lang=words.language,
            date=words.short_day,
            day_name=words.day,
            wall=words.wall,
            month_name=words.month,
            money=words.money,
            number=words.number,
            **context,
        )
    )


CSV_COLUMN = "csv column"  # the catalogs' context of column names


def to_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], words: Wording | None = None
) -> str:
    """CSV text (UTF-8, comma, header row) as the import files are written. The header names
    the columns in the reader's words when `words` are given (a person opens the download in a
    spreadsheet), else by their keys; the values stay plain (dot decimals, ISO dates)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([words.pgettext(CSV_COLUMN, key) for key in header] if words else header)
    writer.writerows(rows)
    return out.getvalue()
