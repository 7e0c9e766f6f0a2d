"""Cross-site request forgery: a secret per page session, sent back with every change.

The page session is a cookie, and a browser sends cookies with requests another site makes
it send. SameSite=Lax keeps cross-site form posts out in current browsers, but not a request
from a sibling subdomain (the same "site") or a browser that ignores the attribute. So every
change made on the strength of the session cookie must also carry the session's token, which
only the app's own pages know: the forms as a hidden `csrf` field, the page scripts as an
`X-CSRF-Token` header (they read it from the page's `csrf-token` meta tag).

The token is never in the cookie (whose payload is signed, not encrypted: anyone holding the
cookie can read it). It is an HMAC, under the server's secret, of the session's random key,
which the server keeps (api/deps.py, scheduler/repositories/sessions.py): a copy of the
cookie does not give the token, a token of one session does not fit another, and a session
that has ended takes its token with it.

Not covered, on purpose: bearer-token calls (a browser never adds that header by itself),
the day-link pages (their secret is in the path), and signing in (there is no session to
ride yet; signing in gives a new session and token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from fastapi import Request

from api.problems import ProblemError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "x-csrf-token"
FIELD = "csrf"
SESSION_KEY = "sid"  # the page session's random key, in the signed cookie


def token_for(secret_key: str, session_key: str) -> str:
    """The CSRF token of the session with this key."""
    mac = hmac.new(secret_key.encode(), b"csrf\0" + session_key.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def csrf_token(request: Request) -> str:
    """The token of the request's page session; empty without one."""
    key = request.session.get(SESSION_KEY) if "session" in request.scope else None
    if not isinstance(key, str) or not key:
        return ""
    return token_for(request.app.state.settings.secret_key, key)


def check(request: Request, given: object) -> None:
    """Refuse a change whose token is missing or is not the session's."""
    if request.method in SAFE_METHODS:
        return
    expected = csrf_token(request)
    if not (isinstance(given, str) and expected) or not (
        secrets.compare_digest(given.encode(), expected.encode())
    ):
        raise ProblemError(
            403, "Missing or wrong CSRF token", "reload the page and try again (it may be old)"
        )


async def form_token(request: Request) -> None:
    """A dependency for the pages' own form posts: the hidden field, or the header. Without
    a signed-in session there is nothing to ride on (signing out twice)."""
    if SESSION_KEY not in request.session:
        return
    given: object = request.headers.get(HEADER)
    if given is None:
        given = (await request.form()).get(FIELD)
    check(request, given)
