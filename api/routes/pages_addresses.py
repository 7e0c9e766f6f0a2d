"""Clients' addresses to check (dispatcher and admin): every client the geocoder did not place
(ambiguous, not found, or not asked yet), the places it gave to choose from, and a map to
place the pin by hand. The forms do what `POST /v1/clients/{id}/location` does (the same
function, the same audit row); bad input redraws the page with 422 and the field named.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.csrf import form_token
from api.deps import DbSession, RowId
from api.pages import BoardUser, PageUser
from api.routes.clients import place_and_audit, to_check
from api.schemas.clients import LocationSet
from api.templating import render
from scheduler.errors import InvalidInputError
from scheduler.repositories.fleet import list_kitchens

router = APIRouter(include_in_schema=False)
Number = Annotated[str, Form(max_length=32)]
FALLBACK_CENTRE = (42.7, 25.3)  # lat, lon: the middle of Bulgaria, for a town without kitchens


@router.get("/clients/addresses", response_class=HTMLResponse)
def addresses_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _page(request, page, session)


def _page(
    request: Request, page: PageUser, session: DbSession, problem: str = "", client_id: int = 0
) -> Response:
    kitchens = list_kitchens(page.municipality_id, session=session)
    centre = (
        (sum(k.lat for k in kitchens) / len(kitchens), sum(k.lon for k in kitchens) / len(kitchens))
        if kitchens
        else FALLBACK_CENTRE
    )
    context = {
        "page": page,
        "clients": to_check(page.municipality_id, session=session),
        "centre": centre,
        "tile_url": request.app.state.settings.map_tiles_url,
        "problem": problem,
        "problem_client": client_id,
    }
    return render(
        request, "client_addresses.html", page.t, context, status_code=422 if problem else 200
    )


@router.post(
    "/clients/{client_id}/location",
    response_class=HTMLResponse,
    dependencies=[Depends(form_token)],
)
def location_form(
    request: Request,
    client_id: RowId,
    page: BoardUser,
    session: DbSession,
    candidate: Number = "",
    lat: Number = "",
    lon: Number = "",
) -> Response:
    given = {"candidate": candidate, "lat": lat, "lon": lon}
    try:
        body = LocationSet.model_validate({k: v.strip() for k, v in given.items() if v.strip()})
        place_and_audit(page.municipality_id, page.actor, client_id, body, session=session)
    except (InvalidInputError, ValidationError) as exc:
        session.rollback()
        fields = (
            [p.field for p in exc.problems]
            if isinstance(exc, InvalidInputError)
            else [str(e["loc"][-1]) for e in exc.errors()]
        )
        labels = ", ".join(dict.fromkeys(page.t.gettext(_LABELS.get(f, f)) for f in fields))
        problem = page.t.gettext("Not saved: check %(fields)s.") % {"fields": labels}
        return _page(request, page, session, problem, client_id)
    return RedirectResponse("/clients/addresses", status_code=303)


_LABELS = {"candidate": "Candidate", "lat": "Pin on the map", "lon": "Pin on the map"}
