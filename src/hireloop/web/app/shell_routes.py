"""The signed-in shell of the recruiter app: the welcome screen (campaigns with their
folder counts), My account, and the company profile (team, invitations, allow-lists).
Every route starts with ``signed_in`` (session + IP allow-list). See docs/web-app.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from hireloop.api.deps import SessionDep
from hireloop.domain.companies import access, accounts
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.onboarding import career_page_url
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs.models import JOB_OFFER_TYPE, Job
from hireloop.domain.messaging.account_emails import queue_account_email
from hireloop.errors import Invalid
from hireloop.web.app.auth_routes import PASSWORDS_DIFFER, _email_text
from hireloop.web.app.i18n import N_, gettext_for
from hireloop.web.app.pages import (
    APP_PREFIX,
    AppRoute,
    CsrfForm,
    PageExit,
    client_ip,
    error_page,
    error_text,
    redirect,
    render,
    settings_of,
    signed_in,
    text,
)
from hireloop.web.app.queries import WELCOME_FOLDERS, campaigns_for
from hireloop.web.queries import is_public

router = APIRouter(include_in_schema=False, route_class=AppRoute)

FOLDER_NAMES = {
    "inbox": N_("Inbox"),
    "completed": N_("Completed"),
    "shortlisted": N_("Shortlisted"),
    "on_hold": N_("On hold"),
    "rejected": N_("Rejected"),
    "hired": N_("Hired"),
}
STATUS_NAMES = {
    "draft": N_("Draft"),
    "open": N_("Open"),
    "paused": N_("Paused"),
    "closed": N_("Closed"),
    "archived": N_("Archived"),
}
PER_PAGE = 50


def career_page(request: Request, company: Company) -> str:
    """The company's hosted career page (docs/career-pages.md), from ``base_url``."""
    return career_page_url(settings_of(request).base_url, company.slug)


@dataclass(frozen=True)
class JobLink:
    """A campaign's shareable job page, and whether candidates can open it now (a draft,
    a job scheduled for later or a closed one is not public)."""

    url: str
    public: bool


def job_link(request: Request, company: Company, job: Job) -> JobLink | None:
    """None for a campaign that is no job offer (an exit interview…): never public."""
    if job.campaign_type != JOB_OFFER_TYPE:
        return None
    return JobLink(f"{career_page(request, company)}/jobs/{job.public_id}", is_public(job))


def _page_number(raw: str | None) -> int:
    return max(int(raw), 1) if raw and is_ascii_digits(raw) and len(raw) < 7 else 1


@router.get(APP_PREFIX)
def welcome(request: Request, session: SessionDep) -> Response:
    who = signed_in(request, session)
    page = campaigns_for(
        session, who.user, _page_number(request.query_params.get("page")), PER_PAGE
    )
    return render(
        request,
        "app/welcome.html",
        {
            "page": page,
            "folders": WELCOME_FOLDERS,
            "folder_names": FOLDER_NAMES,
            "status_names": STATUS_NAMES,
        },
        user=who.user,
        company=who.company,
    )


# --- My account ---------------------------------------------------------------------------


def _account(
    request: Request,
    user: User,
    company: Company,
    *,
    errors: dict[str, str] | None = None,
    name: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "app/account.html",
        {
            "errors": errors or {},
            "name": user.name if name is None else name,
            "languages": accounts.LANGUAGES,
            "min_password": accounts.PASSWORD_MIN,
        },
        user=user,
        company=company,
        status=status,
    )


@router.get(APP_PREFIX + "/account")
def account_page(request: Request, session: SessionDep) -> Response:
    who = signed_in(request, session)
    return _account(request, who.user, who.company)


@router.post(APP_PREFIX + "/account")
def save_account(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = signed_in(request, session)
    name = text(form, "name", 500)
    try:
        accounts.update_profile(session, who.user, name=name, language=text(form, "language", 10))
    except Invalid as exc:
        message = error_text(who.user.language, exc)
        return _account(
            request, who.user, who.company, errors={"profile": message}, name=name, status=400
        )
    return redirect(request, APP_PREFIX + "/account", flash="profile_saved")


@router.post(APP_PREFIX + "/account/password")
def change_password(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = signed_in(request, session)
    _ = gettext_for(who.user.language)
    new = text(form, "new_password", accounts.PASSWORD_MAX + 1)
    if new != text(form, "new_password_confirm", accounts.PASSWORD_MAX + 1):
        return _account(
            request, who.user, who.company, errors={"password": _(PASSWORDS_DIFFER)}, status=400
        )
    try:
        accounts.change_password(
            session,
            who.user,
            current=text(form, "current_password", accounts.PASSWORD_MAX + 1),
            new=new,
            keep_session_id=who.session.id,
        )
    except Invalid as exc:
        message = error_text(who.user.language, exc)
        return _account(request, who.user, who.company, errors={"password": message}, status=400)
    return redirect(request, APP_PREFIX + "/account", flash="password_changed")


# --- Company profile ----------------------------------------------------------------------


def _company(
    request: Request,
    session: Session,
    user: User,
    company: Company,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    is_owner = user.role == "owner"
    values = values or {}
    return render(
        request,
        "app/company.html",
        {
            "team": accounts.list_team(session, company.id),
            "invitations": accounts.list_pending_invitations(session, company.id)
            if is_owner
            else [],
            "is_owner": is_owner,
            "errors": errors or {},
            "invite_email": values.get("invite_email", ""),
            "domain_text": values.get("domain_text", "\n".join(access.domain_allowlist(company))),
            "ip_text": values.get("ip_text", "\n".join(access.ip_allowlist(company))),
            "your_ip": client_ip(request) or "",
            "career_page_url": career_page(request, company),
        },
        user=user,
        company=company,
        status=status,
    )


@router.get(APP_PREFIX + "/company")
def company_page(request: Request, session: SessionDep) -> Response:
    who = signed_in(request, session)
    return _company(request, session, who.user, who.company)


def _owner(request: Request, session: Session) -> accounts.Current:
    who = signed_in(request, session)
    if who.user.role != "owner":
        message = gettext_for(who.user.language)(accounts.OWNER_ONLY)
        raise PageExit(error_page(request, 403, message, user=who.user, company=who.company))
    return who


@router.post(APP_PREFIX + "/company/invitations")
def invite(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = _owner(request, session)
    email = text(form, "email", 320).strip()
    try:
        invitation, token = accounts.invite_manager(session, who.user, email)
    except Invalid as exc:
        message = error_text(who.user.language, exc)
        return _company(
            request,
            session,
            who.user,
            who.company,
            errors={"invite": message},
            values={"invite_email": email},
            status=400,
        )
    subject, body = _email_text(
        who.user.language,
        "invitation",
        {
            "inviter": who.user.name or who.user.email,
            "company": who.company.name,
            "link": f"{settings_of(request).base_url.rstrip('/')}{APP_PREFIX}/invitation"
            f"?token={token}",
            "days": str(accounts.INVITATION_TTL.days),
        },
    )
    queue_account_email(
        session,
        company=who.company,
        kind="user_invitation",
        to_address=invitation.email,
        subject=subject,
        text=body,
    )
    return redirect(request, APP_PREFIX + "/company", flash="invited")


@router.post(APP_PREFIX + "/company/users/{user_id}/deactivate")
def deactivate(user_id: int, request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = _owner(request, session)
    try:
        accounts.set_user_active(session, who.user, user_id, active=False)
    except Invalid as exc:
        message = error_text(who.user.language, exc)
        return _company(
            request, session, who.user, who.company, errors={"team": message}, status=400
        )
    return redirect(request, APP_PREFIX + "/company", flash="deactivated")


@router.post(APP_PREFIX + "/company/users/{user_id}/reactivate")
def reactivate(user_id: int, request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = _owner(request, session)
    accounts.set_user_active(session, who.user, user_id, active=True)
    return redirect(request, APP_PREFIX + "/company", flash="reactivated")


@router.post(APP_PREFIX + "/company/settings")
def save_settings(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = _owner(request, session)
    domain_text = text(form, "domain_allowlist", 20_000)
    ip_text = text(form, "ip_allowlist", 20_000)
    try:
        access.set_allowlists(
            who.company,
            domains=access.parse_domain_allowlist(domain_text),
            ips=access.parse_ip_allowlist(ip_text),
            current_ip=client_ip(request),
        )
    except Invalid as exc:
        message = error_text(who.user.language, exc)
        return _company(
            request,
            session,
            who.user,
            who.company,
            errors={"settings": message},
            values={"domain_text": domain_text, "ip_text": ip_text},
            status=400,
        )
    return redirect(request, APP_PREFIX + "/company", flash="settings_saved")


@router.api_route(APP_PREFIX + "/{rest:path}", methods=["GET", "POST"])
def not_found(rest: str, request: Request, session: SessionDep) -> Response:
    """Any other address of the app: the 404 page (signed out, the sign-in page first). A
    post too (``/app/campaigns/abc/bulk``: no route's ``{campaign_id:int}`` matches it),
    which then does nothing: no CSRF token is needed to be told a page does not exist."""
    who = signed_in(request, session)
    if rest == "":
        return redirect(request, APP_PREFIX)
    return error_page(request, 404, user=who.user, company=who.company)
