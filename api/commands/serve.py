"""`patronage serve` (the API and pages), `patronage user add` and `patronage user link`
(accounts, and whose day a driver's or caregiver's account follows)."""

from __future__ import annotations

from typing import NoReturn

import typer
from sqlmodel import Session

from api.commands.planning import refusal_words
from api.console import console, said, speak_for
from api.personal import issue
from scheduler.audit import audit
from scheduler.db import session_scope
from scheduler.errors import DomainError, NotFoundError
from scheduler.models import Driver, Municipality, Role
from scheduler.refusals import Reason, refuse
from scheduler.repositories.care import get_caregiver_by_external_id
from scheduler.repositories.common import by_external_id
from scheduler.repositories.tenancy import find_municipality
from scheduler.repositories.users import create_user, find_user, link_user
from scheduler.settings import get_settings
from scheduler.views.my_days import holder_of_user

users = typer.Typer(help="Accounts of the pages and the API.", no_args_is_help=True)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Processes (each with its own connections)."),
) -> None:
    """Run the API and the pages (uvicorn, the `api.app:create_app` factory)."""
    import uvicorn

    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
    )


@users.command("add")
def add_user(
    municipality: str = typer.Option(..., help="The municipality's name."),
    username: str = typer.Option(..., help="Sign-in name, unique in the municipality."),
    role: Role = typer.Option(..., help="admin, dispatcher, kitchen, driver or caregiver."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8 characters."
    ),
    locale: str = typer.Option("", help="bg, sl or en; empty: the municipality's."),
    driver: str = typer.Option("", "--driver", help="External id of the driver they are."),
    caregiver: str = typer.Option("", "--caregiver", help="External id of the caregiver."),
) -> None:
    """Create a user in a municipality (a driver or caregiver linked to their own day)."""
    with session_scope() as session:
        town = _town(municipality, session)
        try:
            driver_id, caregiver_id = _follows(town, driver, caregiver, session)
            user = create_user(
                town.id or 0,
                session=session,
                username=username,
                password=password,
                role=role,
                locale=locale or None,
                driver_id=driver_id,
                caregiver_id=caregiver_id,
            )
        except DomainError as exc:
            _refused(exc)
        t = said()
        added = t.gettext("User %(name)s (%(role)s) added to %(town)s") % {
            "name": user.username,
            "role": t.gettext(role.value),
            "town": town.name,
        }
        console().print(f"[green]{added}[/green]", markup=True)


@users.command("link")
def link_user_command(
    username: str = typer.Argument(..., help="The user's sign-in name."),
    municipality: str = typer.Option(..., help="The municipality's name."),
    driver: str = typer.Option("", "--driver", help="External id of the driver they are."),
    caregiver: str = typer.Option("", "--caregiver", help="External id of the caregiver."),
) -> None:
    """Link a user to the driver or caregiver whose day they follow; with neither, unlink.
    Prints the personal link that opens that person's next working day."""
    settings = get_settings()
    with session_scope() as session:
        town = _town(municipality, session)
        mid = town.id or 0
        try:
            driver_id, caregiver_id = _follows(town, driver, caregiver, session)
            user = find_user(mid, username, session=session)
            if user is None or user.id is None:
                raise NotFoundError("user", username)
            link_user(mid, user.id, session=session, driver_id=driver_id,
                      caregiver_id=caregiver_id)  # fmt: skip
            audit(mid, session=session, actor="cli", entity="user", entity_id=user.id,
                  action="link" if driver or caregiver else "unlink",
                  detail={"driver_id": driver_id, "caregiver_id": caregiver_id})  # fmt: skip
            holder = holder_of_user(user)
            url = issue(settings, session, mid, *holder).url if holder else ""
        except DomainError as exc:
            _refused(exc)
    t = said()
    if driver:
        follows = t.gettext("%(user)s follows driver %(id)s")
    elif caregiver:
        follows = t.gettext("%(user)s follows caregiver %(id)s")
    else:
        follows = t.gettext("%(user)s follows no one")
    console().print(follows % {"user": username, "id": driver or caregiver}, style="green")
    if url:
        console().print(t.gettext("Personal link: %(url)s") % {"url": url}, markup=False)


def _refused(exc: DomainError) -> NoReturn:
    console().print(refusal_words(exc, said()), style="red", markup=False)
    raise typer.Exit(1) from exc


def _town(municipality: str, session: Session) -> Municipality:
    town = find_municipality(municipality, session=session)
    if town is None or town.id is None:
        unknown = said().gettext("no municipality named %(name)s") % {"name": repr(municipality)}
        console().print(unknown, style="red", markup=False)
        raise typer.Exit(1)
    speak_for(town.locale, town.timezone)
    return town


def _follows(
    town: Municipality, driver: str, caregiver: str, session: Session
) -> tuple[int | None, int | None]:
    """The ids of the named driver and caregiver (NotFoundError for an unknown one)."""
    mid = town.id or 0
    if driver and caregiver:
        raise refuse("--driver", Reason.one_not_both, first="--driver", second="--caregiver")
    driver_id = caregiver_id = None
    if driver:
        found = by_external_id(Driver, mid, driver, session=session)
        if found is None:
            raise NotFoundError("driver", driver)
        driver_id = found.id
    if caregiver:
        carer = get_caregiver_by_external_id(mid, caregiver, session=session)
        if carer is None:
            raise NotFoundError("caregiver", caregiver)
        caregiver_id = carer.id
    return driver_id, caregiver_id
