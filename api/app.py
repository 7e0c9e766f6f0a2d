"""The FastAPI application: the only door into the system, REST under `/v1` and the pages.

`create_app(settings)` builds everything (engine, templates, signer) at call time, never at
import, so tests and `patronage serve` each decide their own configuration.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.i18n import catalog_of, load_catalogs
from api.middleware import BodyLimit, SecurityHeaders
from api.pages import SignInRequired
from api.problems import install_problem_handlers
from api.routes import ROUTERS
from api.templating import make_templates
from scheduler.db import make_engine
from scheduler.models.base import utcnow
from scheduler.settings import Settings, get_settings
from scheduler.wording import use_catalogs

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Patronage",
        version="1",
        summary="Meal-van routes and home-care visits for municipal home patronage.",
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = utcnow  # sessions, sign-in pauses and token expiry; tests replace it
    app.state.engine = make_engine(settings.effective_database_url)
    app.state.catalogs = load_catalogs()
    use_catalogs(catalog_of)  # alerts and pushes made in-process speak the reader's language
    app.state.templates = make_templates()
    install_problem_handlers(app)
    app.add_exception_handler(SignInRequired, _to_sign_in)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/vendor/leaflet", StaticFiles(directory=_leaflet_dir()), name="leaflet")
    _add_middleware(app, settings)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    # Added last runs first: the body limit sees the request before anything reads it.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="patronage_session",
        max_age=settings.session_max_age_s,
        same_site="lax",  # a form on another site cannot post with this cookie
        https_only=settings.cookie_secure,
    )
    app.add_middleware(SecurityHeaders, tile_origin=_origin(settings.map_tiles_url))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)


def _origin(url: str) -> str:
    """The scheme and host of the tile URL template, for the page's image policy."""
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
    return f"{parts.scheme}://{host}"


def _leaflet_dir() -> str:
    """Leaflet from its PyPI package (xstatic-leaflet), never copied into the repository."""
    import xstatic.pkg.leaflet as leaflet

    return str(leaflet.BASE_DIR)


async def _to_sign_in(_request: Request, _exc: Exception) -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)
