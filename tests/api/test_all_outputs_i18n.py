"""Every output a person reads is in Bulgarian and Slovenian: no English left anywhere.

Two checks. Every catalog message the code uses (extracted with Babel from api/, scheduler/
and workers/, Python and templates alike) has a Bulgarian and a Slovenian translation. And
each output rendered in bg and sl (the printed kitchen sheet with its packing lists and labels,
the statement, the care hours, each alert kind's text and push, a route push, the caregiver's
calendar, the pages) contains no English message of the catalogs.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from api.i18n import HERE, Translator
from api.problems import cutoff_words
from api.schemas.care_day import CareChangesPublic
from scheduler.alerts import AlertKind, alert_words
from scheduler.errors import CutoffPassedError
from scheduler.intake.importing.rows import COLUMNS as IMPORT_COLUMNS
from scheduler.models import Alert, AlertNotice, Municipality, Role, User
from scheduler.planning.care_changes import NOT_IN_PLAN, CareChanges, VisitChange
from scheduler.reports.attendance import HoursLine, MonthlyHours
from scheduler.reports.attendance_sheets import CAREGIVER_HEADER as CAREGIVER_HOURS_CSV
from scheduler.reports.attendance_sheets import CLIENT_HEADER as CLIENT_HOURS_CSV
from scheduler.reports.attendance_sheets import caregiver_hours_csv, hours_html
from scheduler.reports.kitchen import (
    KitchenBatch,
    KitchenDay,
    PackLine,
    PointCount,
    VanLoad,
    Wave,
)
from scheduler.reports.kitchen_sheets import CSV_HEADER as KITCHEN_CSV
from scheduler.reports.kitchen_sheets import kitchen_html
from scheduler.reports.month import (
    AlertLine,
    CareLine,
    ClientCounts,
    MonthReport,
    Outcomes,
    ServiceSection,
)
from scheduler.reports.month_counters import Collections
from scheduler.reports.month_sheets import month_html
from scheduler.reports.sheets import CSV_COLUMN
from scheduler.reports.statement_sheets import CSV_HEADER as STATEMENT_CSV
from scheduler.reports.statement_sheets import statements_csv, statements_html
from scheduler.reports.statements import Statement, StatementLine
from tests.api.conftest import PASSWORD, World, csrf_of
from workers.alerting import alert_message

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("bg", "sl")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [
    ("**/lab/**", "ignore"),  # benchmarks and the demo's generator: not read by the office
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
]
Message = str | tuple[str, str]


@lru_cache(maxsize=1)
def used_messages() -> frozenset[Message]:
    """Every message the code and templates pass to the catalogs."""
    found: set[Message] = set()
    for folder in ("api", "scheduler", "workers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS, strip_comment_tags=True
        ):
            if isinstance(message, tuple):
                found.add((message[0], message[1]))
            elif message:
                found.add(message)
    return frozenset(found)


@lru_cache(maxsize=4)
def po(language: str) -> Catalog:
    with (HERE / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh)


def _untranslated(language: str) -> list[str]:
    catalog = po(language)
    missing = []
    for message in sorted(used_messages(), key=str):
        entry = catalog.get(message[0] if isinstance(message, tuple) else message)
        forms = entry.string if entry is not None else None
        if isinstance(forms, tuple | list):
            ok = len(forms) == catalog.num_plurals and all(forms)
        else:
            ok = bool(forms)
        if not ok:
            missing.append(str(message))
    return missing


def test_the_code_uses_hundreds_of_messages_from_pages_sheets_and_workers() -> None:
    messages = used_messages()
    assert len(messages) > 250
    for sample in ("Total due", "Departure waves", "Welfare alert", "Sign in"):
        assert sample in messages
    assert ("%(n)s box", "%(n)s boxes") in messages
    assert "Route %(route)s was not delivered to %(target)s: %(why)s" in messages  # N_ too


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_used_has_a_translation(language: str) -> None:
    assert _untranslated(language) == []


def test_no_catalog_holds_a_message_twice() -> None:
    for language in (*LANGUAGES, "en"):
        text = (HERE / language / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
        ids = re.findall(r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"$', text, flags=re.M)
        assert sorted({i for i in ids if ids.count(i) > 1}) == [], language


HEADERS = {*KITCHEN_CSV, *STATEMENT_CSV, *CLIENT_HOURS_CSV, *CAREGIVER_HOURS_CSV}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_csv_column_has_a_name_in_the_language(language: str) -> None:
    catalog = po(language)
    missing = [k for k in sorted(HEADERS) if not getattr(catalog.get(k, context=CSV_COLUMN),
                                                         "string", "")]  # fmt: skip
    assert missing == []
    t = Translator(language, "UTC")
    header = next(csv.reader(io.StringIO(statements_csv([_statement()], t))))
    assert not set(header) & HEADERS and len(header) == len(STATEMENT_CSV)
    assert all(re.fullmatch(r"[\w ]+", name) for name in header)  # no commas or quotes
    hours = list(csv.reader(io.StringIO(caregiver_hours_csv(_hours(), t))))
    assert not set(hours[0]) & HEADERS and hours[1][-4:] == ["2.50", "0", "1", "0"]


# --- the outputs, rendered -------------------------------------------------------------------


def _english_words() -> tuple[set[str], set[str]]:
    """Whole texts (a cell, a button) and longer fragments (between parameters) that would be
    left English: messages whose Bulgarian or Slovenian words differ from the English."""
    whole: set[str] = set()
    fragments: set[str] = set()
    for message in used_messages():
        for text in message if isinstance(message, tuple) else (message,):
            if not re.search(r"[A-Za-z]{3}", text):
                continue
            whole.add(text)
            for part in re.split(r"%\(\w+\)[sd]|%[sd]", text):
                part = part.strip(" .,:;()·-")
                if len(part) >= 12 and " " in part:
                    fragments.add(part)
    return whole, fragments


def _texts(html: str) -> list[str]:
    """The texts a reader sees: element contents and attributes shown to people."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S)
    cells = [t.strip() for t in re.findall(r">([^<]+)<", body)]
    cells += re.findall(r'(?:title|placeholder|aria-label)="([^"]+)"', body)
    return [c for c in cells if c]


def assert_no_english(output: str, *, html: bool = True) -> None:
    whole, fragments = _english_words()
    texts = _texts(output) if html else [line.strip() for line in output.splitlines()]
    left = sorted({t for t in texts if t in whole})
    left += sorted(f for f in fragments if f in output)
    assert left == []


def _kitchen_day(locale: str) -> KitchenDay:
    line = PackLine(
        stop=1, client_id="C1", client="Иван Петров", address="Roza 1", diet="diabetic",
        portions=2, box="1", eta="11:20", notes="", label="Иван Петров\nRoza 1\nV1 · T1 · #1",
    )  # fmt: skip
    van = VanLoad(vehicle="V1", name="Бус 1", trip=1, departure="10:45",
                  portions={"diabetic": 2}, lines=[line], boxes=1)  # fmt: skip
    wave = Wave(departure="10:45", portions={"diabetic": 2}, vans=[van])
    batch = KitchenBatch(
        kitchen="K1", name="Кухня 1", portions={"diabetic": 2, "general": 3},
        spare={"general": 1}, cook={"diabetic": 2, "general": 4}, unrouted={"general": 3},
        on_visits={"general": 1}, waves=[wave],
    )  # fmt: skip
    point = PointCount(point="P1", name="Клуб", kitchen="K1", portions={"general": 3})
    return KitchenDay(
        date=date(2026, 1, 6), municipality="Казанлък", locale=locale, freeze_version=1,
        plan_version=2, plan_is_current=False, kitchens=[batch], points=[point],
    )  # fmt: skip


def _statement() -> Statement:
    outcomes = ("delivered", "not_home", "refused", "cancelled", "cancelled_late", "not_confirmed")
    lines = [
        StatementLine(
            day=date(2026, 1, 5 + i),
            outcome=o,
            diet="general",
            portions=1,
            price_cents=350,
            amount_cents=350 if o == "delivered" else 0,
        )
        for i, o in enumerate(outcomes)
    ]
    return Statement(client_id="C1", name="Иван Петров", address="Roza 1",
                     month="2026-01", currency="EUR", lines=lines)  # fmt: skip


def _hours() -> MonthlyHours:
    client = HoursLine(external_id="C1", name="Иван", visits=3, minutes=150, late=1, missed=1)
    carer = HoursLine(external_id="G1", name="Мария", visits=3, minutes=150, too_short=1)
    return MonthlyHours(month="2026-01", clients=[client], caregivers=[carer])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_printed_sheets_have_no_english(language: str) -> None:
    t = Translator(language, "Europe/Sofia")
    kitchen = kitchen_html(_kitchen_day("en"), t)  # the reader's language, not the town's
    assert_no_english(kitchen)
    assert f'lang="{language}"' in kitchen
    statement = statements_html([_statement()], municipality="Казанлък", locale="en", words=t)
    assert_no_english(statement)
    assert "3,50\xa0€" in statement  # money in the locale's form
    assert_no_english(hours_html(_hours(), municipality="Казанлък", locale="en", words=t))
    nothing = replace(_kitchen_day(language), kitchens=[], points=[])
    assert_no_english(kitchen_html(nothing))  # the town's language when no reader is given


def _month_report() -> MonthReport:
    """A month of every service: meals, the canteen, the milk kitchen, care and alerts."""
    meals = Outcomes(delivered=8, not_home=1, refused=1, cancelled=1, fee_cents=2700)
    served = ClientCounts(served=2, new=1, ended=1, paused=1)
    collected = Collections(collections=3, portions=3, fee_cents=750)
    milk = Collections(collections=3, portions=3, fee_cents=360, missed=1)
    sections = [
        ServiceSection("meals", served, by_diet={"diabetic": meals}, by_kitchen={"Кухня 1": meals},
                       total=meals),
        ServiceSection("canteen", ClientCounts(served=2), measures=("served",),
                       by_group={"general": collected}, by_point={"Клуб": collected},
                       collected=collected),
        ServiceSection("milk_kitchen", ClientCounts(served=2, new=1, ended=1),
                       measures=("served", "new", "ended"), by_group={"0-6": milk},
                       by_point={"Клуб": milk}, collected=milk),
        ServiceSection("care", served, by_kind=[CareLine("general", 3, 150)],
                       by_caregiver=[CareLine("Мария", 3, 150)], missed_visits=1),
    ]  # fmt: skip
    alert = AlertLine(datetime(2026, 1, 6, 9, tzinfo=UTC), "Иван", "taken", "ana", "")
    return MonthReport("Казанлък", "en", "EUR", "2026-01", sections, [alert])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_month_report_has_no_english_in_any_section(language: str) -> None:
    page = month_html(_month_report(), Translator(language, "Europe/Sofia"))
    assert_no_english(page)
    expected = {
        "bg": ("Млечна кухня", "Пропуснати получавания", "Получени обеди по диети"),
        "sl": ("Mlečna kuhinja", "Neopravljeni prevzemi", "Prevzeti obroki po dietah"),
    }
    assert all(words in page for words in expected[language])
    assert "3,60\xa0€" in page and "7,50\xa0€" in page


def test_the_sheets_speak_each_language() -> None:
    bg = Translator("bg", "Europe/Sofia")
    sl = Translator("sl", "Europe/Ljubljana")
    statement = _statement()
    page_bg = statements_html([statement], municipality="K", locale="bg", words=bg)
    page_sl = statements_html([statement], municipality="K", locale="sl", words=sl)
    assert "Общо за плащане" in page_bg and "януари 2026" in page_bg
    assert "Skupaj za plačilo" in page_sl and "januar 2026" in page_sl
    kitchen_bg = kitchen_html(_kitchen_day("bg"))  # default: the municipality's language
    assert "Кухня 1: за готвене" in kitchen_bg and "6.01.2026\u202fг." in kitchen_bg  # noqa: RUF001


ALERTS: list[tuple[AlertKind, str, dict[str, str]]] = [
    (AlertKind.problem, "%(who)s: problem reported", {"who": "Иван"}),
    (AlertKind.plan_failed,
     "Planning %(service)s for %(day)s ran over its time limit; the last plan stands",
     {"service": "meals", "day": "2026-01-06"}),
    (AlertKind.plan_failed, "Planning %(service)s for %(day)s failed: %(why)s",
     {"service": "care", "day": "2026-01-06", "why": "x"}),
    (AlertKind.publish_skipped, "Nothing to publish: no %(service)s plan for %(day)s yet",
     {"service": "meals", "day": "2026-01-06"}),
    (AlertKind.publication_failed, "Route %(route)s was not delivered to %(target)s: %(why)s",
     {"route": "7", "target": "ntfy #1", "why": "x"}),
    (AlertKind.report_conflict,
     "%(resource)s reported %(outcome)s for %(who)s, but the order was cancelled; "
     "check whether the meal was left",
     {"resource": "V1", "outcome": "delivered", "who": "Иван"}),
    (AlertKind.report_conflict,
     "%(resource)s reported %(outcome)s for %(who)s, but the stop is now on route %(van)s; "
     "tell %(van)s before it goes there",
     {"resource": "V1", "outcome": "not_home", "who": "Иван", "van": "V2"}),
    (AlertKind.clock_failed,
     "The clock's %(action)s of %(day)s failed %(failures)s times: %(error)s",
     {"action": "cutoff meals", "day": "2026-01-06", "failures": "2", "error": "x"}),
]  # fmt: skip


def _alert(kind: AlertKind, msgid: str, params: dict[str, Any]) -> Alert:
    return Alert(id=1, municipality_id=1, kind=kind.value, severity="error",
                 message=msgid % params, detail={"msgid": msgid, "params": params})  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_alert_kind_and_its_push_are_in_the_readers_language(language: str) -> None:
    assert {kind for kind, _m, _p in ALERTS} == set(AlertKind) - {AlertKind.welfare}
    t = Translator(language, "Europe/Sofia")
    town = Municipality(id=1, name="K", locale="en", timezone="Europe/Sofia")
    for kind, msgid, params in ALERTS:
        alert = _alert(kind, msgid, params)
        text = alert_words(alert, t)
        assert text != alert.message and "2026-01-06" not in text
        assert_no_english(text, html=False)
        notice = AlertNotice(
            municipality_id=1, alert_id=1, step=1, push_target_id=3, channel="ntfy"
        )
        reader = _reader(language)
        push = alert_message(alert, 1, town, reader, "https://p.example", notice)
        assert_no_english(push.title, html=False)
        assert_no_english(push.body, html=False)
    welfare = Alert(id=2, municipality_id=1, kind="welfare", severity="critical", message="",
                    detail={"at": datetime(2026, 1, 6, 9, 42, tzinfo=UTC).isoformat(),
                            "client": "Иван", "van": "V1", "driver": "Петър"})  # fmt: skip
    notice = AlertNotice(municipality_id=1, alert_id=2, step=0, push_target_id=3, channel="ntfy")
    push = alert_message(welfare, 0, town, _reader(language), "https://p.example", notice)
    assert "11:42" in push.body
    assert_no_english(push.title + " " + push.body, html=False)


def _reader(language: str) -> User:
    return User(id=1, municipality_id=1, username="d", password_hash="x", role=Role.dispatcher,
                locale=language)  # fmt: skip


# --- the pages, as each town's people see them ----------------------------------------------


def _signed_in(world: World, town: str, role: Role) -> TestClient:
    client = world.client()
    who = {"municipality": town, "username": role.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


PAGES = {
    Role.admin: ("/board", "/board?service=care", "/account", "/admin/users", "/clients",
                 "/admin/escalation", "/clients/addresses"),
    Role.kitchen: ("/kitchen",),
    Role.caregiver: ("/my-day/days",),
}  # fmt: skip


@pytest.mark.parametrize(("town", "language"), [("Kazanlak", "bg"), ("Maribor", "sl")])
def test_every_page_speaks_the_towns_language(world: World, town: str, language: str) -> None:
    for role, paths in PAGES.items():
        client = _signed_in(world, town, role)
        for path in paths:
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert f'lang="{language}"' in answer.text, path
            assert_no_english(answer.text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_refusal_and_a_dead_link_follow_the_browser(world: World, language: str) -> None:
    browser = world.client()
    browser.headers["Accept-Language"] = f"{language}-{language.upper()},{language};q=0.9,en;q=0.5"
    page = browser.get("/login")
    assert f'lang="{language}"' in page.text
    assert_no_english(page.text)
    who = {"municipality": "Kazanlak", "username": "admin", "password": "wrong", "lang": ""}
    refused = browser.post("/login", data=who)
    assert refused.status_code == 401 and f'lang="{language}"' in refused.text
    assert_no_english(refused.text)
    gone = browser.get("/d/not-a-link", headers={"Accept": "text/html"})
    assert gone.status_code == 404 and f'lang="{language}"' in gone.text
    assert_no_english(gone.text)
    script = world.client().get("/d/not-a-link", headers={"Accept": "application/json"})
    assert script.headers["content-type"].startswith("application/problem+json")


# --- refusals of bad input: the caller's language, with a code for programs -----------------


def _problem_texts(answer: Any) -> str:
    body = answer.json()
    return "\n".join([body["detail"], *(e["message"] for e in body["errors"])])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_subscription_speaks_the_callers_language_with_reasons(
    world: World, language: str
) -> None:
    client_id = world.ids[("Kazanlak", "client")]
    caller = world.client("Kazanlak", Role.dispatcher)  # a Bulgarian town: the caller decides
    caller.headers["Accept-Language"] = f"{language},en;q=0.5"
    url = f"/v1/clients/{client_id}/subscription"
    bad_day = caller.put(url, json={"weekdays": "Mon-Fry", "start": "2026-03-02"})
    assert bad_day.status_code == 422, bad_day.text
    (error,) = bad_day.json()["errors"]
    assert (error["field"], error["reason"]) == ("weekdays", "unknown_day")
    assert "'Fry'" in error["message"] and error["message"] in bad_day.json()["detail"]
    too_many = caller.put(url, json={"portions": 11, "start": "2026-03-02"})
    assert too_many.status_code == 422, too_many.text
    (error,) = too_many.json()["errors"]
    assert (error["field"], error["reason"]) == ("body.portions", "above_maximum")
    assert "10" in error["message"]
    for answer in (bad_day, too_many):
        assert_no_english(_problem_texts(answer), html=False)
        assert_no_english(answer.json()["title"], html=False)


def test_a_refusal_speaks_english_without_a_language_and_the_users_own_first(
    world: World,
) -> None:
    client_id = world.ids[("Maribor", "client")]
    url = f"/v1/clients/{client_id}/subscription"
    caller = world.client("Maribor", Role.dispatcher)
    english = caller.put(url, json={"weekdays": "Fri-Mon", "start": "2026-03-02"})
    assert english.json()["errors"] == [{
        "field": "weekdays", "reason": "backwards_days",
        "message": "range 'Fri-Mon' runs backwards; write it Monday first",
    }]  # fmt: skip
    user_id = world.user_ids[("Maribor", Role.dispatcher)]
    with world.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        user.locale = "bg"  # their own choice wins over the browser's
        session.add(user)
        session.commit()
    try:
        caller.headers["Accept-Language"] = "sl"
        own = caller.put(url, json={"weekdays": "Fri-Mon", "start": "2026-03-02"})
    finally:
        with world.session() as session:
            user = session.get(User, user_id)
            assert user is not None
            user.locale = None
            session.add(user)
            session.commit()
    (error,) = own.json()["errors"]
    assert error["reason"] == "backwards_days" and "'Fri-Mon'" in error["message"]
    assert "понеделник" in error["message"], error


def test_the_import_preview_of_a_bad_file_names_every_problem_in_slovenian(world: World) -> None:
    office = _signed_in(world, "Maribor", Role.dispatcher)
    rows = [
        "SLO1,Janez Kovačič,,15.64,46.55,,ribe,1,Pon-Pet,11:00,13:00,K1,",
        "SLO2,Ana Novak,,15.64,sever,,general,1,Pon-Fry,11:00,13:00,K1,",
        "SLO3,Marko Horvat,,15.64,46.55,,general,1,Pon-Pet,14:00,11:00,K1,",
        "SLO4,Eva Zupan,,15.64,46.55,,general,1,Pon-Pet,11:00,13:00,K9,",
        "SLO1,Janez Kovačič,,15.64,46.55,,general,1,Pon-Pet,11:00,13:00,K1,",
    ]
    data = "\n".join([",".join(IMPORT_COLUMNS["clients"]), *rows]).encode("utf-8")
    answer = office.post(
        "/imports",
        data={"csrf": csrf_of(office), "kind": "clients"},
        files={"file": ("c.csv", data, "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = office.get(answer.headers["location"]).text
    expected = (
        "&#39;ribe&#39;", "neznan dan &#39;Fry&#39;", "mora biti število",
        "mora biti po window_start", "kuhinje &#39;K9&#39; ni", "je že v vrstici 1",
    )  # fmt: skip
    for said in expected:
        assert said in page, said
    assert_no_english(page)
    unreadable = office.post(
        "/imports",
        data={"csrf": csrf_of(office), "kind": "clients"},
        files={"file": ("c.txt", b"\x98\x98,\x98\n", "text/csv")},
    )
    assert unreadable.status_code == 422 and "ni besedilo v UTF-8" in unreadable.text
    assert_no_english(unreadable.text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_a_re_plan_changed_in_care_is_said_in_the_readers_language(language: str) -> None:
    t = Translator(language, "Europe/Sofia")
    moved = VisitChange(1, "B", "Иван", ("Мария",), ("Елена",), "10:00")
    gone = VisitChange(2, "E", "Иван", ("Мария",), (), None, NOT_IN_PLAN)
    public = CareChangesPublic.of(
        CareChanges(date(2026, 1, 6), 1, 2, moved=[moved], uncovered=[gone]), t
    )
    said = [public.moved[0].sentence, public.not_covered[0].sentence, public.not_covered[0].why]
    assert public.not_covered[0].why != NOT_IN_PLAN
    assert_no_english("\n".join(said), html=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_passed_cut_off_is_said_in_the_readers_language_at_the_towns_time(
    language: str,
) -> None:
    cutoff = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Europe/Sofia"))
    late = CutoffPassedError(date(2026, 1, 6), cutoff, date(2026, 1, 7))
    said = cutoff_words(late, Translator(language, "UTC"))
    assert "12:00" in said and "7" in said
    assert_no_english(said, html=False)
