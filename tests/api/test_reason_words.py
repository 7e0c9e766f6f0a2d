"""A left-out job's cause reads in every language with the same numbers."""

from __future__ import annotations

import re

import pytest

from api.i18n import Translator, load_catalogs
from api.reasons import why_text
from routing.problem import Job, Sync
from routing.solution import Cause, Reason, why
from routing.wording import TEMPLATES
from scheduler.planning.explain import explain
from scheduler.planning.registry import JobRef
from scheduler.wording import Said

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


def test_a_stored_explanation_reads_in_each_readers_language() -> None:
    """What a plan stores (the English for logs, the messages for people) gives the board the
    sentence in the reader's language, with the same client, numbers and the action to take."""
    ref = JobRef(1, label="Иван Петров", home="Кухня 1", window=(39600, 41400))
    cause = why(Cause.boxes_full, demand=3, free=1, trips=2, capacity=48)
    said = explain(Reason.capacity, None, ref, cause)
    stored = Said.from_json(said.to_json())
    assert stored == said
    english = said.words()
    assert english.startswith("Иван Петров (Кухня 1): The boxes are full")
    assert english.endswith("serve the client from another kitchen.")
    bg = said.words(Translator("bg", "Europe/Sofia"))
    assert bg.startswith("Иван Петров (Кухня 1): ") and "Разрешете още един курс" in bg
    assert "3" in bg and "48" in bg and "The boxes" not in bg
    sl = said.words(Translator("sl", "Europe/Ljubljana"))
    assert "Dovolite še eno vožnjo" in sl and "The boxes" not in sl
    linked = explain(Reason.sync, _sequential(), JobRef(2, visit_id=9, label="Ana"))
    assert "30-60 minut" in linked.words(Translator("sl", "Europe/Ljubljana"))


def _sequential() -> Job:
    gap = Sync(group="med", type="sequential", order=2, min_gap=1800, max_gap=3600)
    return Job(id="MEAL", location=(25.0, 42.0), sync=gap)


def test_a_refusal_says_a_status_in_the_readers_language_too() -> None:
    """A client's status inside a refusal is a word of the catalogs, not a name: the Bulgarian
    reader reads it in Bulgarian, the English sentence keeps the plain word, and a stored
    refusal keeps the mark that says so."""
    from scheduler.models import ClientStatus
    from scheduler.refusals import WORDS
    from scheduler.refusals import Reason as Refusal
    from scheduler.wording import term

    values = {"client": "C7", "status": term(ClientStatus.ended)}
    said = Said.of((WORDS[Refusal.client_not_active], values))
    assert "ended" in said.words() and "\x1f" not in said.words()
    bg = Said.from_json(said.to_json())
    assert bg is not None
    words = bg.words(Translator("bg", "Europe/Sofia"))
    assert "прекратен" in words and "ended" not in words and "C7" in words
