"""`patronage serve` (the API and pages) and `patronage user add` (accounts)."""

from __future__ import annotations

import typer

from api.console import console
from scheduler.db import session_scope
from scheduler.errors import DomainError
from scheduler.models import Role
from scheduler.repositories.tenancy import get_municipality_by_name
from scheduler.repositories.users import create_user

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
) -> None:
    """Create a user in a municipality."""
    with session_scope() as session:
        town = get_municipality_by_name(municipality, session=session)
        if town is None or town.id is None:
            console().print(f"[red]No municipality named {municipality!r}[/red]")
            raise typer.Exit(1)
        try:
            user = create_user(
                town.id,
                session=session,
                username=username,
                password=password,
                role=role,
                locale=locale or None,
            )
        except DomainError as exc:
            console().print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        console().print(f"[green]User {user.username} ({role.value}) added to {town.name}[/green]")
