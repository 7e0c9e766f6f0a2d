"""The admin's webhooks page: the municipality's webhooks, one form to add one, a button to
delete each. It calls what `/v1/webhooks` calls (the same checks, the same audit rows); the
new secret is shown on the page that answers the form, once, and never again. "Send a
test" answers with the same page, the test's outcome on top and in the webhook's last
deliveries.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.csrf import form_token
from api.deps import DbSession, RowId
from api.forms import refusal_words
from api.pages import PageUser, page_user_for
from api.routes.webhooks import (
    SHOWN_DELIVERIES,
    WEBHOOK,
    create_and_audit,
    delete_and_audit,
    send_test_and_audit,
)
from api.schemas.webhooks import WebhookCreate, WebhookCreated, WebhookDeliveryPublic
from api.templating import render
from scheduler.errors import DomainError
from scheduler.models import Role
from scheduler.repositories.publications import list_push_targets
from scheduler.repositories.webhook_deliveries import recent_deliveries

router = APIRouter(include_in_schema=False)
AdminPage = Annotated[PageUser, Depends(page_user_for((Role.admin,)))]


@router.get("/admin/webhooks", response_class=HTMLResponse)
def webhooks_page(request: Request, page: AdminPage, session: DbSession) -> Response:
    return _page(request, page, session)


def _page(
    request: Request,
    page: PageUser,
    session: DbSession,
    *,
    created: WebhookCreated | None = None,
    tested: tuple[int, WebhookDeliveryPublic] | None = None,
    problem: str = "",
) -> Response:
    mid = page.municipality_id
    webhooks = list_push_targets(mid, WEBHOOK, session=session)
    ids = [w.id for w in webhooks if w.id is not None]
    context = {
        "page": page,
        "webhooks": webhooks,
        "deliveries": recent_deliveries(mid, ids, session=session, limit=SHOWN_DELIVERIES),
        "created": created,
        "tested": tested,
        "problem": problem,
    }
    code = 422 if problem else 200
    return render(request, "admin_webhooks.html", page.t, context, status_code=code)


@router.post("/admin/webhooks", response_class=HTMLResponse, dependencies=[Depends(form_token)])
def create_form(
    request: Request,
    page: AdminPage,
    session: DbSession,
    url: Annotated[str, Form(max_length=1000)],
    label: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    try:
        body = WebhookCreate(url=url.strip(), label=label.strip())
        created = create_and_audit(page.municipality_id, page.actor, body, session=session)
    except ValidationError:
        return _page(request, page, session, problem=page.t.gettext("Expected an http(s) URL."))
    except DomainError as exc:
        session.rollback()
        return _page(request, page, session, problem=refusal_words(page.t, exc))
    return _page(request, page, session, created=created)


@router.post(
    "/admin/webhooks/{webhook_id}/delete",
    response_class=HTMLResponse,
    dependencies=[Depends(form_token)],
)
def delete_form(
    request: Request, webhook_id: RowId, page: AdminPage, session: DbSession
) -> Response:
    try:
        delete_and_audit(page.municipality_id, page.actor, webhook_id, session=session)
    except DomainError as exc:
        session.rollback()
        return _page(request, page, session, problem=refusal_words(page.t, exc))
    return RedirectResponse("/admin/webhooks", status_code=303)


@router.post(
    "/admin/webhooks/{webhook_id}/test",
    response_class=HTMLResponse,
    dependencies=[Depends(form_token)],
)
def test_form(request: Request, webhook_id: RowId, page: AdminPage, session: DbSession) -> Response:
    try:
        sent = send_test_and_audit(page.municipality_id, page.actor, webhook_id, session=session)
    except DomainError as exc:
        session.rollback()
        return _page(request, page, session, problem=refusal_words(page.t, exc))
    return _page(request, page, session, tested=(webhook_id, sent))
