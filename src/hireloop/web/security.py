"""Security helpers of the server-rendered pages: the app secret, CSRF tokens, signed
values and response headers.

The secret: the ``secret_key`` setting when one exists (``HIRELOOP_SECRET_KEY``), else a
random 32-byte key generated once into ``<data_dir>/secret_key`` (mode 0600) and reused
by every process sharing that data dir. Several servers behind one load balancer must
share the data dir or set the same secret.

CSRF: signed double submit, bound to the server's nonce and, in the recruiter app, to the
session. The browser holds a nonce the server issued, signed, in an HttpOnly cookie
(``<nonce>.<HMAC(secret, "csrf-nonce:<scope>", nonce)>``); a cookie the server did not sign
is ignored and replaced. The form carries ``<timestamp>.<HMAC(secret, "csrf:<scope>",
nonce:binding:timestamp)>`` in a hidden field, where ``scope`` is ``app`` (the recruiter
app, ``/app``) or ``careers`` (the hosted career pages) — a token of one is worthless on
the other — and ``binding`` is, in the app, the SHA-256 of the session cookie (empty for
the signed-out pages). A post is accepted only when the cookie's signature holds, the
field's MAC matches that nonce and binding, and the token is younger than
``CSRF_MAX_AGE``. A site that can plant cookies (a sibling subdomain) can plant a nonce it
got from us, but cannot mint a field for the victim's session, which it cannot read. The
app also changes the nonce at sign-in and sign-out, and refuses posts whose ``Origin`` (or
``Referer``) names another site (:func:`same_origin`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from hireloop.domain.ids import is_ascii_digits

SECRET_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
CSRF_COOKIE = "hireloop_csrf"
CSRF_FIELD = "csrf_token"
CSRF_MAX_AGE = 24 * 3600  # seconds a rendered form stays valid
CSRF_COOKIE_PATH = "/careers"

# No script at all; styles and images only from here (and https images in descriptions);
# forms post only to this origin; the pages cannot be framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    "style-src 'self'; "
    "img-src 'self' https:; "
    "media-src 'self'; "  # the recruiter app's audio answers (<audio>), same origin only
    "form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

_lock = threading.Lock()
_cache: dict[Path, bytes] = {}


# --- The secret ---------------------------------------------------------------------------


def load_or_create_secret(data_dir: Path) -> bytes:
    """The app secret stored in ``<data_dir>/secret_key``, created (0600) on first use.

    Creation is ``O_EXCL``: when two processes start together, one writes the key and the
    other reads it.
    """
    path = (data_dir / SECRET_FILE).resolve()
    with _lock:
        cached = _cache.get(path)
        if cached is not None:
            return cached
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            secret = _read_secret(path)
        else:
            secret = secrets.token_hex(32)
            with os.fdopen(fd, "w") as fh:
                fh.write(secret + "\n")
        key = secret.encode()
        _cache[path] = key
        return key


def _read_secret(path: Path) -> str:
    # The writer may not have written yet: wait briefly for the content.
    for _ in range(50):
        text = path.read_text().strip()
        if text:
            return text
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty; delete it to have a new secret generated")


def app_secret(settings: Any) -> bytes:
    """The secret for signing: a ``secret_key`` setting if the Settings have one, else
    the generated file in the data dir."""
    configured = getattr(settings, "secret_key", None)
    if configured:
        value = (
            configured.get_secret_value()
            if hasattr(configured, "get_secret_value")
            else str(configured)
        )
        return value.encode()
    return load_or_create_secret(Path(settings.data_dir))


def request_secret(request: Request) -> bytes:
    return app_secret(request.app.state.settings)


# --- Signing ------------------------------------------------------------------------------


def _mac(secret: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(secret, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(secret: bytes, purpose: str, value: str) -> str:
    """``value.mac``: ``value`` (which must not need escaping in a URL) with its MAC."""
    return f"{value}.{_mac(secret, purpose, value)}"


def unsign(secret: bytes, purpose: str, signed: str | None) -> str | None:
    """The value of a ``sign()`` output, or None when it was altered or is malformed."""
    if not signed or "." not in signed or len(signed) > 2048:
        return None
    value, _, mac = signed.rpartition(".")
    if not hmac.compare_digest(mac, _mac(secret, purpose, value)):
        return None
    return value


# --- CSRF ---------------------------------------------------------------------------------


CSRF_APP = "app"  # the recruiter app's forms
CSRF_CAREERS = "careers"  # the hosted career pages' apply form
CSRF_SCOPES = (CSRF_APP, CSRF_CAREERS)


def new_csrf_nonce() -> str:
    return secrets.token_urlsafe(32)


def cookie_nonce(request: Request, secret: bytes, scope: str) -> str | None:
    """The nonce in the browser's CSRF cookie when the server signed it for ``scope``."""
    assert scope in CSRF_SCOPES
    nonce = unsign(secret, f"csrf-nonce:{scope}", request.cookies.get(CSRF_COOKIE))
    return nonce if nonce and 20 <= len(nonce) <= 64 and nonce.isascii() else None


def csrf_nonce(request: Request, secret: bytes, scope: str) -> str:
    """The browser's CSRF nonce for ``scope`` (from its signed cookie), or a new one to
    set (:func:`set_csrf_cookie`)."""
    return cookie_nonce(request, secret, scope) or new_csrf_nonce()


def _csrf_mac(secret: bytes, scope: str, nonce: str, binding: str, stamp: str) -> str:
    assert scope in CSRF_SCOPES
    return _mac(secret, f"csrf:{scope}", f"{nonce}:{binding}:{stamp}")


def csrf_token(
    secret: bytes, nonce: str, *, scope: str, binding: str = "", now: float | None = None
) -> str:
    """The hidden-field value for ``nonce`` in ``scope``, bound to ``binding`` (the app:
    :func:`session_binding`)."""
    stamp = str(int(now if now is not None else time.time()))
    return f"{stamp}.{_csrf_mac(secret, scope, nonce, binding, stamp)}"


def csrf_valid(
    secret: bytes, nonce: str | None, token: str | None, *, scope: str, binding: str = ""
) -> bool:
    """Whether a posted ``token`` was made for the cookie's ``nonce``, ``scope`` and
    ``binding``, and is fresh. ``nonce``: from :func:`cookie_nonce` (signature checked)."""
    if not nonce or not token or len(token) > 200:
        return False
    stamp, _, mac = token.partition(".")
    if not is_ascii_digits(stamp) or len(stamp) > 12:
        return False
    age = time.time() - int(stamp)
    if age < -300 or age > CSRF_MAX_AGE:  # a little clock skew between servers is fine
        return False
    return hmac.compare_digest(mac, _csrf_mac(secret, scope, nonce, binding, stamp))


def session_binding(session_token: str | None) -> str:
    """What an app token is bound to: the SHA-256 of the session cookie ("" without one).
    The cookie is HttpOnly, so another site cannot compute it."""
    if not session_token:
        return ""
    return hashlib.sha256(session_token.encode()).hexdigest()


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request) -> bool:
    """Whether a post comes from this site, judged by its ``Origin`` header, else its
    ``Referer``; True when it has neither (some clients send none: the token decides).
    This site: the public URL (``base_url``) or the request's own ``Host``, http or
    https. ``Origin: null`` (a sandboxed or privacy-stripped context) is refused."""
    header = request.headers.get("origin")
    if header is None:
        referer = request.headers.get("referer")
        if not referer:
            return True
        header = referer
    origin = _origin(header.strip())
    if origin is None:
        return False
    allowed = set()
    base_url = getattr(getattr(request.app.state, "settings", None), "base_url", "") or ""
    if base_origin := _origin(str(base_url)):
        allowed.add(base_origin)
    host = (request.headers.get("host") or "").lower()
    if host:
        allowed |= {f"http://{host}", f"https://{host}"}
    return origin in allowed


def set_csrf_cookie(
    response: Response,
    request: Request,
    nonce: str,
    *,
    scope: str,
    path: str = CSRF_COOKIE_PATH,
    secure: bool | None = None,
) -> None:
    """The nonce cookie (signed for ``scope``) for the forms under ``path`` (the career
    pages by default; the recruiter app passes ``/app``). ``secure``: by default when the
    site is https (``https_site``). No ``__Host-`` prefix: it requires ``Path=/``, and the
    two scopes keep their cookies apart by path."""
    assert scope in CSRF_SCOPES
    response.set_cookie(
        CSRF_COOKIE,
        sign(request_secret(request), f"csrf-nonce:{scope}", nonce),
        max_age=CSRF_MAX_AGE,
        path=path,
        httponly=True,
        samesite="lax",
        secure=https_site(request) if secure is None else secure,
    )


def https_site(request: Request) -> bool:
    """Whether the site is served over https: its public URL (the ``base_url`` setting)
    is — behind a TLS-terminating proxy the request itself arrives over http — or the
    request came over https. The rule of the recruiter app's ``secure_cookies``."""
    base_url = getattr(getattr(request.app.state, "settings", None), "base_url", "") or ""
    return str(base_url).startswith("https://") or request.url.scheme == "https"


# --- Headers ------------------------------------------------------------------------------


def add_security_headers(response: Response, *, no_store: bool = False) -> Response:
    """The page headers; ``no_store`` for pages with personal data or a form token."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response
