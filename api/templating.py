"""Jinja2 templates with the page's language: every render gets `_`, `ngettext` and formatters."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.csrf import csrf_token
from api.i18n import Translator, clock

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["clock"] = clock
    return templates


def render(
    request: Request,
    name: str,
    translator: Translator,
    context: Mapping[str, object] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    full = {
        "_": translator.gettext,
        "ngettext": translator.ngettext,
        "t": translator,
        "lang": translator.language,
        # The page session's CSRF token (api/csrf.py), for its forms and scripts.
        "csrf": csrf_token(request),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # pages show personal data
    return response
