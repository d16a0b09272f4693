"""Signed-out pages of the recruiter app: sign-in, sign-out, password reset and the
acceptance of an invitation. See docs/web-app.md."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from hireloop.api.deps import SessionDep
from hireloop.domain.companies import accounts
from hireloop.domain.companies.models import Company, User
from hireloop.domain.messaging.account_emails import queue_account_email
from hireloop.errors import Forbidden, Invalid, Unauthorized
from hireloop.web.app.i18n import N_, gettext_for
from hireloop.web.app.pages import (
    APP_PREFIX,
    SESSION_COOKIE,
    AppRoute,
    CsrfForm,
    clear_session_cookie,
    client_ip,
    error_text,
    login_limiter,
    page_language,
    redirect,
    render,
    rotate_csrf_nonce,
    safe_next,
    set_session_cookie,
    settings_of,
    templates,
    text,
)

router = APIRouter(include_in_schema=False, route_class=AppRoute)

TOO_MANY = N_("Too many attempts. Please wait a few minutes and try again.")
RESET_SENT = N_(
    "If an account exists for this address, we have sent it an email with a link to "
    "choose a new password. The link works once, within an hour."
)
PASSWORDS_DIFFER = N_("The two passwords are not the same.")


def _render_login(
    request: Request, *, email: str = "", error: str | None = None, status: int = 200
) -> Response:
    return render(
        request,
        "app/login.html",
        {
            "email": email,
            "error": error,
            "next": safe_next(request.query_params.get("next")),
        },
        status=status,
    )


@router.get(APP_PREFIX + "/login")
def login_page(request: Request, session: SessionDep) -> Response:
    if accounts.current_session(session, request.cookies.get(SESSION_COOKIE)) is not None:
        return redirect(request, safe_next(request.query_params.get("next")))
    return _render_login(request)


@router.post(APP_PREFIX + "/login")
def login(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    email = text(form, "email", 320).strip()
    password = text(form, "password", accounts.PASSWORD_MAX + 1)
    language = page_language(request, None)
    _ = gettext_for(language)
    ip = client_ip(request)
    limiter = login_limiter(request)
    if not limiter.allowed("login", ip, email):
        return _render_login(request, email=email, error=_(TOO_MANY), status=429)
    try:
        signed = accounts.sign_in(
            session, email, password, ip=ip, user_agent=request.headers.get("user-agent")
        )
    except Unauthorized as exc:
        limiter.hit("login", ip, email)
        return _render_login(request, email=email, error=_(exc.message), status=401)
    except Forbidden as exc:
        return _render_login(request, email=email, error=_(exc.message), status=403)
    limiter.clear("login", ip, email)
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))  # no fixation
    response = redirect(request, safe_next(text(form, "next", 500)))
    set_session_cookie(response, request, signed.token)
    return response


@router.post(APP_PREFIX + "/logout")
def logout(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = redirect(request, APP_PREFIX + "/login", flash="signed_out")
    clear_session_cookie(response)
    rotate_csrf_nonce(response, request)
    return response


# --- Password reset -----------------------------------------------------------------------


def _email_text(language: str, name: str, values: dict[str, str]) -> tuple[str, str]:
    """(subject, body) of an account email in ``language`` (web/templates/app/email/)."""
    template = templates(language).get_template(f"app/email/{name}.txt")
    module = template.make_module(values)
    subject = " ".join(str(module.subject).split())  # type: ignore[attr-defined]
    return subject, str(module).strip() + "\n"


def _queue_reset_email(session: Session, user: User, token: str, base_url: str) -> None:
    company = session.get(Company, user.company_id)
    assert company is not None
    subject, body = _email_text(
        user.language,
        "password_reset",
        {
            "name": user.name or user.email,
            "company": company.name,
            "link": f"{base_url.rstrip('/')}{APP_PREFIX}/password/reset?token={token}",
        },
    )
    queue_account_email(
        session,
        company=company,
        kind="password_reset",
        to_address=user.email,
        subject=subject,
        text=body,
    )


@router.get(APP_PREFIX + "/password/forgot")
def forgot_page(request: Request) -> Response:
    return render(request, "app/forgot.html", {"email": "", "sent": False})


@router.post(APP_PREFIX + "/password/forgot")
def forgot(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    email = text(form, "email", 320).strip()
    _ = gettext_for(page_language(request, None))
    ip = client_ip(request)
    limiter = login_limiter(request)
    if not limiter.allowed("reset", ip, email):
        return render(
            request,
            "app/forgot.html",
            {"email": email, "sent": False, "error": _(TOO_MANY)},
            status=429,
        )
    limiter.hit("reset", ip, email)
    found = accounts.request_password_reset(session, email)
    if found is not None:
        user, token = found
        _queue_reset_email(session, user, token, settings_of(request).base_url)
    return render(request, "app/forgot.html", {"email": "", "sent": True, "message": _(RESET_SENT)})


@router.get(APP_PREFIX + "/password/reset")
def reset_page(request: Request, session: SessionDep) -> Response:
    token = request.query_params.get("token", "")
    user = accounts.reset_link_user(session, token)
    if user is None:
        return render(request, "app/reset.html", {"valid": False}, status=404)
    return render(
        request, "app/reset.html", {"valid": True, "token": token}, language=user.language
    )


@router.post(APP_PREFIX + "/password/reset")
def reset(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    token = text(form, "token", 200)
    user = accounts.reset_link_user(session, token)
    if user is None:
        return render(request, "app/reset.html", {"valid": False}, status=404)
    _ = gettext_for(user.language)
    password = text(form, "password", accounts.PASSWORD_MAX + 1)
    error: str | None = None
    status = 400
    if password != text(form, "password_confirm", accounts.PASSWORD_MAX + 1):
        error = _(PASSWORDS_DIFFER)
    else:
        try:
            accounts.reset_password(session, token, password, ip=client_ip(request))
        except Invalid as exc:
            error = error_text(user.language, exc)
        except Forbidden as exc:
            error, status = _(exc.message), 403
    if error is not None:
        return render(
            request,
            "app/reset.html",
            {"valid": True, "token": token, "error": error},
            language=user.language,
            status=status,
        )
    return redirect(request, APP_PREFIX + "/login", flash="password_reset")


# --- Invitations --------------------------------------------------------------------------


@router.get(APP_PREFIX + "/invitation")
def invitation_page(request: Request, session: SessionDep) -> Response:
    token = request.query_params.get("token", "")
    invitation = accounts.pending_invitation(session, token)
    if invitation is None:
        return render(request, "app/invitation.html", {"valid": False}, status=404)
    company = session.get(Company, invitation.company_id)
    return render(
        request,
        "app/invitation.html",
        {"valid": True, "token": token, "invitation": invitation, "inviting": company, "name": ""},
    )


@router.post(APP_PREFIX + "/invitation")
def accept_invitation(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    token = text(form, "token", 200)
    invitation = accounts.pending_invitation(session, token)
    if invitation is None:
        return render(request, "app/invitation.html", {"valid": False}, status=404)
    company = session.get(Company, invitation.company_id)
    language = page_language(request, None)
    _ = gettext_for(language)
    name = text(form, "name", 500)
    password = text(form, "password", accounts.PASSWORD_MAX + 1)
    error: str | None = None
    status = 400
    ip = client_ip(request)
    user: User | None = None
    if password != text(form, "password_confirm", accounts.PASSWORD_MAX + 1):
        error = _(PASSWORDS_DIFFER)
    else:
        try:
            user = accounts.accept_invitation(session, token, name=name, password=password, ip=ip)
        except Invalid as exc:
            error = error_text(language, exc)
        except Forbidden as exc:
            error, status = _(exc.message), 403
    if error is not None or user is None:
        return render(
            request,
            "app/invitation.html",
            {
                "valid": True,
                "token": token,
                "invitation": invitation,
                "inviting": company,
                "name": name,
                "error": error,
            },
            status=status,
        )
    signed = accounts.start_session(
        session, user, ip=ip, user_agent=request.headers.get("user-agent")
    )
    response = redirect(request, APP_PREFIX, flash="welcome")
    set_session_cookie(response, request, signed.token)
    return response
