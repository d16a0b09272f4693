"""What every page of the recruiter app shares: templates in the reader's language, the
session cookie, CSRF on every form, flash messages, and the signed-in user (with the
company's IP allow-list checked on every request).

A route ends early by raising :class:`PageExit` with the response to send (the sign-in
redirect, the 403 page); :class:`AppRoute` turns it, and the services' ``DomainError``s
that a route does not handle itself, into that response. ``AppRoute`` also answers the
404 page, before the route runs, for an ``int`` path parameter that is no id (not ASCII
digits, or outside 1 .. 2**63 - 1: domain/ids.py), whatever the route.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.convertors import IntegerConvertor
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse, Response

from hireloop.config import Settings
from hireloop.domain.companies import accounts
from hireloop.domain.companies.access import IP_REFUSED, LoginLimiter, ip_allowed
from hireloop.domain.companies.models import Company, User
from hireloop.domain.ids import MAX_ID, is_ascii_digits, parse_id
from hireloop.errors import DomainError, Unprocessable
from hireloop.web.app import form_once
from hireloop.web.app.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    N_,
    gettext_for,
    negotiate,
    translations,
)
from hireloop.web.careers import TEMPLATES_DIR, static_url
from hireloop.web.security import (
    CSRF_APP,
    CSRF_FIELD,
    add_security_headers,
    cookie_nonce,
    csrf_nonce,
    csrf_token,
    csrf_valid,
    new_csrf_nonce,
    request_secret,
    same_origin,
    session_binding,
    set_csrf_cookie,
    sign,
    unsign,
)

APP_PREFIX = "/app"
SESSION_COOKIE = "hireloop_session"
FLASH_COOKIE = "hireloop_flash"
MAX_FORM_BYTES = 64 * 1024

# Flash messages by code: the cookie carries only a code, never text.
FLASHES = {
    "signed_out": N_("You are signed out."),
    "password_reset": N_("Your password was changed. Please sign in with it."),
    "welcome": N_("Welcome! Your account is ready."),
    "profile_saved": N_("Your account was saved."),
    "password_changed": N_("Your password was changed. Your other sessions were signed out."),
    "invited": N_("The invitation was sent."),
    "deactivated": N_("The account was deactivated."),
    "reactivated": N_("The account was reactivated."),
    "settings_saved": N_("The company settings were saved."),
}
CSRF_EXPIRED = N_(
    "For your security this form has expired. Please try again. "
    "(Cookies must be enabled for this site.)"
)
BAD_FORM = N_("We could not read the form you sent. Please try again.")


class PageExit(Exception):
    """Ends a route with ``response``."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


class AppRoute(APIRoute):
    """Routes of the recruiter app: a ``PageExit`` becomes its response, and a
    ``DomainError`` the route left unhandled an error page (403, 404 or 400).

    Every ``int`` path parameter (``{x}`` typed ``int``, or ``{x:int}``) must be an id the
    database can hold: any other value (``abc``, ``99999999999999999999``, ``0``) is the
    app's 404 page (:func:`not_found_page`), never FastAPI's 422 nor a database error."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        id_params = id_path_params(self)

        async def handle(request: Request) -> Response:
            if id_params and not path_ids_valid(request, id_params):
                return await run_in_threadpool(not_found_page, request)
            try:
                return await handler(request)
            except PageExit as exc:
                return exc.response
            except DomainError as exc:
                status = {"forbidden": 403, "not_found": 404}.get(exc.kind, 400)
                language = getattr(request.state, "language", None) or page_language(request, None)
                return error_page(request, status, domain_message(language, exc))

        return handle


def id_path_params(route: APIRoute) -> frozenset[str]:
    """The path parameters of ``route`` that are ids: typed ``int``, or with the ``:int``
    convertor."""
    names = {p.name for p in route.dependant.path_params if p.field_info.annotation is int}
    names.update(
        name
        for name, convertor in route.param_convertors.items()
        if isinstance(convertor, IntegerConvertor)
    )
    return frozenset(names)


def is_path_id(value: object) -> bool:
    """True for a path value that names an id (domain/ids.py): ASCII digits (an ``int``
    from the ``:int`` convertor) in 1 .. 2**63 - 1."""
    if isinstance(value, int) and not isinstance(value, bool):
        return 1 <= value <= MAX_ID
    return isinstance(value, str) and value == value.strip() and parse_id(value) is not None


def path_ids_valid(request: Request, names: frozenset[str]) -> bool:
    params = request.path_params
    return all(is_path_id(params.get(name)) for name in names)


def not_found_page(request: Request) -> Response:
    """The 404 page of an ``/app`` address no route serves (an id that cannot exist): as
    for any unknown ``/app`` address, the sign-in page for a visitor who is not signed in,
    else the page with the user's menus, in the user's language. Runs outside a route, so
    with its own session (committed: the session's last-seen time)."""
    session: Session = request.app.state.session_factory()
    try:
        try:
            who = signed_in(request, session)
        except PageExit as exc:
            response = exc.response
        else:
            response = error_page(request, 404, user=who.user, company=who.company)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    return response


# --- Templates ----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def templates(language: str) -> Environment:
    """One template environment per language, with gettext installed (``_()`` and
    ``{% trans %}`` in templates; newstyle, so ``%(name)s`` values are escaped)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        # HTML escaped; the plain-text emails (app/email/*.txt) are not.
        autoescape=select_autoescape(
            enabled_extensions=("html",), default_for_string=True, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["static_url"] = static_url
    env.globals["language_names"] = LANGUAGE_NAMES
    return env


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def client_ip(request: Request) -> str | None:
    """The address api/client_ip.py read (X-Forwarded-For from trusted proxies)."""
    ip = getattr(request.state, "client_ip", None)
    if ip:
        return str(ip)
    return request.client.host if request.client else None


def login_limiter(request: Request) -> LoginLimiter:
    limiter = getattr(request.app.state, "login_limiter", None)
    if limiter is None:
        limiter = LoginLimiter(settings_of(request).resolved_rate_limit_storage_url)
        request.app.state.login_limiter = limiter
    return limiter


def secure_cookies(request: Request) -> bool:
    """Secure cookies when the public URL is https (behind a TLS proxy the request itself
    may arrive over http) or the request came over https."""
    return settings_of(request).base_url.startswith("https://") or request.url.scheme == "https"


def page_language(request: Request, user: User | None) -> str:
    if user is not None:
        return user.language if user.language in LANGUAGE_NAMES else DEFAULT_LANGUAGE
    return negotiate(request.headers.get("accept-language"))


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    user: User | None = None,
    company: Company | None = None,
    language: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render an app template: no-store, security headers, a CSRF token for its forms
    (and the CSRF cookie), and the pending flash message (then cleared)."""
    language = language or page_language(request, user)
    secret = request_secret(request)
    nonce = csrf_nonce(request, secret, CSRF_APP)
    flash_code = unsign(secret, "flash", request.cookies.get(FLASH_COOKIE))
    flash = FLASHES.get(flash_code or "")
    full = {
        "request": request,
        "lang": language,
        "user": user,
        "company": company,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(
            secret,
            nonce,
            scope=CSRF_APP,
            binding=session_binding(request.cookies.get(SESSION_COOKIE)),
        ),
        # A one-time nonce for the forms that create or send something (form_once).
        "form_nonce_field": form_once.FIELD,
        "form_nonce": form_once.new_nonce(),
        "flash": gettext_for(language)(flash) if flash else None,
        **context,
    }
    html = templates(language).get_template(name).render(**full)
    response = HTMLResponse(html, status_code=status)
    add_security_headers(response, no_store=True)
    set_app_csrf_cookie(response, request, nonce)
    if flash_code is not None:
        response.delete_cookie(FLASH_COOKIE, path=APP_PREFIX)
    return response


def redirect(request: Request, url: str, *, flash: str | None = None) -> RedirectResponse:
    """A 303 to ``url`` (after a post), with a flash message code for the next page."""
    response = RedirectResponse(url, status_code=303)
    add_security_headers(response, no_store=True)
    response.flash_code = flash  # type: ignore[attr-defined]  # for form_once
    if flash is not None:
        assert flash in FLASHES
        response.set_cookie(
            FLASH_COOKIE,
            sign(request_secret(request), "flash", flash),
            max_age=300,
            path=APP_PREFIX,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request),
        )
    return response


def error_page(
    request: Request,
    status: int,
    message: str | None = None,
    *,
    user: User | None = None,
    company: Company | None = None,
    language: str | None = None,
) -> HTMLResponse:
    titles = {
        400: N_("Something is not right"),
        403: N_("Access refused"),
        404: N_("Page not found"),
        429: N_("Too many attempts"),
        500: N_("Something went wrong"),
    }
    return render(
        request,
        "app/error.html",
        {"status": status, "title": titles.get(status, titles[400]), "message": message},
        user=user,
        company=company,
        language=language,
        status=status,
    )


def server_error_page(request: Request) -> HTMLResponse:
    """The 500 page of an ``/app`` request that failed unexpectedly (the app's
    ``UnexpectedErrorMiddleware``, once the request's transaction was rolled back): the
    app's page in the reader's language instead of a JSON body, without the user's menus
    (the failure may be the database's)."""
    language = getattr(request.state, "language", None) or page_language(request, None)
    _ = gettext_for(language)
    message = _(
        "An unexpected error stopped this page, and what it was doing was not saved. "
        "Please try again in a moment; if it happens again, tell your administrator."
    )
    return error_page(request, 500, message, language=language)


# --- Sessions -----------------------------------------------------------------------------


def set_app_csrf_cookie(response: Response, request: Request, nonce: str) -> None:
    set_csrf_cookie(
        response, request, nonce, scope=CSRF_APP, path=APP_PREFIX, secure=secure_cookies(request)
    )


def rotate_csrf_nonce(response: Response, request: Request) -> None:
    """A new CSRF nonce for the app (at sign-in and sign-out): forms rendered before no
    longer post, whatever nonce a third party may have planted is dropped."""
    set_app_csrf_cookie(response, request, new_csrf_nonce())


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """The new session's cookie, and a new CSRF nonce with it."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts.SESSION_MAX_AGE.total_seconds()),
        path=APP_PREFIX,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    rotate_csrf_nonce(response, request)


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=APP_PREFIX)


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: a path of the app only (never another site)."""
    if (
        target
        and target.startswith(APP_PREFIX)
        and not target.startswith("//")
        and "\\" not in target
        and len(target) < 500
        and all(32 < ord(ch) < 127 for ch in target)
    ):
        return target
    return APP_PREFIX


def signed_in(request: Request, session: Session) -> accounts.Current:
    """The signed-in user of this request, or a ``PageExit``: to the sign-in page when
    there is no live session, the 403 page when the company's IP allow-list refuses the
    request's address."""
    current = accounts.current_session(session, request.cookies.get(SESSION_COOKIE))
    if current is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(
            f"{APP_PREFIX}/login?next={quote(target, safe='/')}", status_code=303
        )
        add_security_headers(response, no_store=True)
        if SESSION_COOKIE in request.cookies:
            clear_session_cookie(response)
        raise PageExit(response)
    if not ip_allowed(current.company, client_ip(request)):
        language = page_language(request, current.user)
        raise PageExit(
            error_page(
                request,
                403,
                gettext_for(language)(IP_REFUSED),
            )
        )
    # For a service error the route leaves to AppRoute: its page in the user's language.
    request.state.language = page_language(request, current.user)
    return current


# --- Forms --------------------------------------------------------------------------------


async def read_form(request: Request) -> FormData:
    """The posted form (at most ``MAX_FORM_BYTES``), its CSRF token checked; a
    ``PageExit`` with the 403 page when the token is missing, stale or forged."""
    declared = request.headers.get("content-length", "")
    if is_ascii_digits(declared) and int(declared) > MAX_FORM_BYTES:
        raise PageExit(error_page(request, 400, BAD_FORM))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PageExit(error_page(request, 400, BAD_FORM))
    request._body = body  # request.form() parses the body already read
    try:
        form = await request.form(max_files=0, max_fields=50)
    except Exception:  # a broken body, too many fields
        raise PageExit(error_page(request, 400, BAD_FORM)) from None
    if not app_csrf_ok(request, form.get(CSRF_FIELD)):
        raise PageExit(error_page(request, 403, CSRF_EXPIRED))
    return form


def app_csrf_ok(request: Request, token: object) -> bool:
    """The CSRF check of every post of the app: the form's token was made for this
    browser's (server-signed) nonce and its session, and the post does not come from
    another site (``Origin``/``Referer``, when sent)."""
    secret = request_secret(request)
    return same_origin(request) and csrf_valid(
        secret,
        cookie_nonce(request, secret, CSRF_APP),
        token if isinstance(token, str) else None,
        scope=CSRF_APP,
        binding=session_binding(request.cookies.get(SESSION_COOKIE)),
    )


CsrfForm = Annotated[FormData, Depends(read_form)]


def text(form: FormData, name: str, limit: int = 1000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def error_text(language: str, exc: DomainError) -> str:
    """A service error in the reader's language (``%(value)s`` from its details)."""
    message = gettext_for(language)(exc.message)
    if "%(value)s" in message:
        value = next(iter(exc.details.values()), "") if exc.details else ""
        message = message % {"value": value}
    return message


UNKNOWN_LABELS = N_("This label does not exist: %(labels)s")
# A service text no catalog has (one with a name or a number in it): a general sentence.
GENERAL_ERRORS = {
    "not_found": N_("What you asked for no longer exists."),
    "conflict": N_("This conflicts with what is already there."),
}
GENERAL_ERROR = N_("This could not be done. Check what you entered and try again.")


def domain_message(language: str, exc: DomainError) -> str:
    """A service's refusal in the reader's language. The services speak English (their
    texts are the API faces' too, which must not change); a text with a catalog entry is
    translated, an unknown label is named, any other text becomes a general sentence
    (English readers get the service's text as it is)."""
    _ = gettext_for(language)
    unknown = exc.data.get("unknown_labels") if isinstance(exc, Unprocessable) else None
    if isinstance(unknown, list) and unknown:
        return _(UNKNOWN_LABELS) % {"labels": ", ".join(str(name) for name in unknown)}
    if language == DEFAULT_LANGUAGE or _(exc.message) != exc.message:
        return error_text(language, exc)
    return _(GENERAL_ERRORS.get(exc.kind, GENERAL_ERROR))
