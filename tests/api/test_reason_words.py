"""A left-out job's cause reads in every language with the same numbers."""

from __future__ import annotations

import re

import pytest

from api.i18n import Translator, load_catalogs
from api.reasons import why_text
from routing.solution import Cause, why
from routing.wording import TEMPLATES

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("language", ["bg", "sl"])
@pytest.mark.parametrize("code", list(Cause))
def test_every_cause_is_translated_with_the_same_numbers(language: str, code: Cause) -> None:
    template = TEMPLATES[code]
    translated = load_catalogs()[language].gettext(template)
    assert translated != template
    assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(template))


def test_the_numbers_are_filled_in_the_readers_language() -> None:
    cause = why(Cause.unreachable, earliest_at=43200, window_start=39600, window_end=41400,
                travel_s=3600)  # fmt: skip
    bg = why_text(cause, Translator("bg", "Europe/Sofia"))
    assert bg.startswith("Никой не може да стигне") and "12:00 (60 мин" in bg
    assert "11:00-11:30" in bg
    en = why_text(cause, Translator("en", "UTC"))
    assert "the earliest arrival is 12:00 (60 min from the start)" in en
