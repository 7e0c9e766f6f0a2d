"""Cross-site request forgery: a secret per page session, sent back with every change.

The page session is a cookie, and a browser sends cookies with requests another site makes
it send. SameSite=Lax keeps cross-site form posts out in current browsers, but not a request
from a sibling subdomain (the same "site") or a browser that ignores the attribute. So every
change made on the strength of the session cookie must also carry the session's token, which
only the app's own pages know: the forms as a hidden `csrf` field, the page scripts as an
`X-CSRF-Token` header (they read it from the page's `csrf-token` meta tag).

Not covered, on purpose: bearer-token calls (a browser never adds that header by itself),
the day-link pages (their secret is in the path), and signing in (there is no session to
ride yet; signing in gives a new session and token).
"""

from __future__ import annotations

import secrets

from fastapi import Request

from api.problems import ProblemError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "x-csrf-token"
FIELD = "csrf"
KEY = "csrf"  # in the session


def csrf_token(request: Request) -> str:
    """The session's token, made on first use (sessions from before tokens get one too)."""
    token = request.session.get(KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[KEY] = token
    return token


def new_token(request: Request) -> None:
    """A fresh token for a fresh session (signing in)."""
    request.session[KEY] = secrets.token_urlsafe(32)


def check(request: Request, given: object) -> None:
    """Refuse a change whose token is missing or is not the session's."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(KEY)
    if not (isinstance(given, str) and isinstance(expected, str) and expected) or not (
        secrets.compare_digest(given.encode(), expected.encode())
    ):
        raise ProblemError(
            403, "Missing or wrong CSRF token", "reload the page and try again (it may be old)"
        )


async def form_token(request: Request) -> None:
    """A dependency for the pages' own form posts: the hidden field, or the header. Without
    a signed-in session there is nothing to ride on (signing out twice)."""
    if "uid" not in request.session:
        return
    given: object = request.headers.get(HEADER)
    if given is None:
        given = (await request.form()).get(FIELD)
    check(request, given)
