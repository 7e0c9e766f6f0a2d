"""Liveness, readiness and Prometheus metrics (unauthenticated, no personal data).

The checks themselves are the pipeline's (`workers.health`, `workers.metrics`), so the API,
the workers and the clock report the same way.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from workers.health import Liveness, liveness, readiness
from workers.metrics import exposition

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> Liveness:
    """The process answers."""
    return liveness()


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """503 until the database answers; Redis and the outbox backlog are shown for operators."""
    state = request.app.state
    report = readiness(state.engine, state.settings.redis_url)
    return JSONResponse(report, status_code=200 if report["ready"] else 503)


@router.get("/metrics", response_class=Response)
def metrics() -> Response:
    body, content_type = exposition()
    return Response(body, media_type=content_type)
