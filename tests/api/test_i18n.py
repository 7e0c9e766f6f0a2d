"""Languages: every message of the pages is translated; a page speaks the town's or user's."""

from __future__ import annotations

import re
from datetime import date

import pytest

from api import links
from api.i18n import HERE, load_catalogs
from api.links import DayLink
from api.templating import TEMPLATES
from scheduler.models import Role
from tests.api.conftest import PASSWORD, World, csrf_of

MESSAGE = re.compile(r"""_\((["'])(.+?)\1\)""")


def _messages() -> set[str]:
    found: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        found |= {m.group(2) for m in MESSAGE.finditer(template.read_text(encoding="utf-8"))}
    return found


@pytest.mark.parametrize("language", ["bg", "sl"])
def test_every_page_message_is_translated(language: str) -> None:
    catalog = load_catalogs()[language]
    missing = sorted(m for m in _messages() if catalog.gettext(m) == m)
    assert missing == []
    assert (HERE / language / "LC_MESSAGES" / "messages.po").exists()


def test_the_phone_speaks_the_towns_language_and_dates(world: World) -> None:
    token = links.sign(
        world.app.state.settings,
        DayLink(world.town_ids["Maribor"], "meals", date(2026, 1, 6), "V1"),
    )
    page = world.client().get(f"/d/{token}").text
    assert "Dostavljeno" in page and "Ni doma" in page
    assert "torek, 6. januar 2026" in page and 'lang="sl"' in page


def test_a_user_may_choose_another_language(world: World) -> None:
    client = world.client()
    client.post(
        "/login", data={"municipality": "Kazanlak", "username": "kitchen", "password": PASSWORD}
    )
    assert "Профил" in client.get("/account").text
    client.post("/account/language", data={"language": "en", "csrf": csrf_of(client)})
    assert ">Account<" in client.get("/account").text
    me = world.client("Kazanlak", Role.kitchen).get("/v1/me").json()
    assert me["locale"] == "en"
