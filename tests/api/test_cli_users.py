"""`patronage user add --driver/--caregiver` and `patronage user link`: accounts that open
their own day, made and changed from the command line."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app
from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.models import Driver, User
from scheduler.settings import get_settings
from tests.scheduler import care_town
from tests.scheduler.meal_town import town


def _town() -> None:
    url = get_settings().effective_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        kazanlak = town(session, "Kazanlak")
        care_town.caregiver(session, kazanlak, "G1")
        session.add(Driver(municipality_id=kazanlak.id or 0, external_id="D1", name="Petar"))
        session.commit()
    engine.dispose()


def _users() -> dict[str, tuple[int | None, int | None]]:
    engine = make_engine(get_settings().effective_database_url)
    with Session(engine) as session:
        rows = session.exec(select(User)).all()
        found = {u.username: (u.driver_id, u.caregiver_id) for u in rows}
    engine.dispose()
    return found


def test_users_are_linked_to_drivers_and_caregivers_from_the_cli() -> None:
    _town()
    runner = CliRunner()
    add = ["user", "add", "--municipality", "казанлък", "--username", "petar", "--role", "driver"]
    made = runner.invoke(app, [*add, "--password", "long-enough-1", "--driver", "D1"])
    assert made.exit_code == 0, made.output
    assert _users()["petar"][0] is not None
    relinked = runner.invoke(app, ["user", "link", "petar", "--municipality", "Kazanlak",
                                   "--caregiver", "G1"])  # fmt: skip
    assert relinked.exit_code == 0, relinked.output
    assert "/d/me/" in relinked.output
    driver_id, caregiver_id = _users()["petar"]
    assert driver_id is None and caregiver_id is not None
    unlinked = runner.invoke(app, ["user", "link", "petar", "--municipality", "Kazanlak"])
    assert unlinked.exit_code == 0 and _users()["petar"] == (None, None)
    unknown = runner.invoke(app, ["user", "link", "petar", "--municipality", "Kazanlak",
                                  "--driver", "nobody"])  # fmt: skip
    assert unknown.exit_code == 1 and "nobody" in unknown.output


def test_an_operator_adds_a_municipality_and_its_first_admin_from_the_cli() -> None:
    upgrade(get_settings().effective_database_url)
    runner = CliRunner()
    made = runner.invoke(app, ["municipality", "add", "Павел баня"])
    assert made.exit_code == 0, made.output
    assert "Община Павел баня е добавена (Europe/Sofia, bg)" in made.output  # noqa: RUF001
    again = runner.invoke(app, ["municipality", "add", "Павел баня"])
    assert again.exit_code == 1 and "already exists" in again.output
    bad = runner.invoke(app, ["municipality", "add", "Bovec", "--timezone", "Europe/Nowhere"])
    assert bad.exit_code == 1 and "Europe/Nowhere" in bad.output
    slovene = runner.invoke(app, ["municipality", "add", "Bovec", "--timezone",
                                  "Europe/Ljubljana", "--locale", "sl"])  # fmt: skip
    assert slovene.exit_code == 0 and "Občina Bovec je dodana" in slovene.output
    listed = runner.invoke(app, ["municipality", "list"])
    assert "Павел баня" in listed.output and "Europe/Ljubljana" in listed.output
    admin = ["user", "add", "--municipality", "pavel banya", "--username", "office",
             "--role", "admin", "--password", "long-enough-1"]  # fmt: skip
    assert runner.invoke(app, admin).exit_code == 0
    assert "office" in _users()
