"""Company administration (Company profile, owner pages): the weekly statistics toggle,
deleting a user, transferring the ownership, API keys (shown once) and the stored mailbox
of outgoing messages. The team, invitations and allow-lists are in ``shell_routes``.

Every route starts with ``signed_in`` (session + IP allow-list); the owner pages answer
403 to managers; another company's ids answer 404. See docs/web-app.md.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from hireloop.api.deps import SessionDep
from hireloop.domain.companies import accounts
from hireloop.domain.companies import service as companies
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.messaging.account_emails import ACCOUNT_EMAIL_KINDS
from hireloop.domain.messaging.delivery import list_mailbox
from hireloop.domain.messaging.sanitize import html_to_text
from hireloop.errors import DomainError, Forbidden, NotFound
from hireloop.web.app import intake_routes
from hireloop.web.app.admin_queries import mailbox_message, team_member, user_names
from hireloop.web.app.i18n import N_, gettext_for
from hireloop.web.app.pages import (
    APP_PREFIX,
    FLASHES,
    AppRoute,
    CsrfForm,
    PageExit,
    error_page,
    error_text,
    redirect,
    render,
    settings_of,
    signed_in,
    text,
)

router = APIRouter(include_in_schema=False, route_class=AppRoute)

COMPANY = APP_PREFIX + "/company"
MAILBOX_PER_PAGE = 25

FLASHES.update(
    {
        "weekly_stats_on": N_("The weekly statistics email is on."),
        "weekly_stats_off": N_("The weekly statistics email is off."),
        "user_deleted": N_("The user was deleted. What they did stays in the company."),
        "ownership_transferred": N_(
            "The ownership was transferred. You are now a manager of the company."
        ),
        "api_key_revoked": N_("The API key was revoked. It no longer works."),
    }
)

SCOPE_NAMES = {
    "all": N_("Every API"),
    "partner": N_("Partner API (jobs and applications)"),
    "career": N_("Career site API"),
    "leads": N_("Leads API (Talkpush format)"),
    "profiles": N_("Profiles API (Talemetry format)"),
}
MESSAGE_STATUS_NAMES = {
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "stored": N_("Stored"),
    "failed": N_("Failed"),
    "delivered": N_("Delivered"),
}
MAILBOX_FILTERS = ("stored", "all")
API_KEY_NAME_MAX = 200
NAME_REQUIRED = N_("Please give the key a name.")
HIDDEN_BODY = N_(
    "This email holds a personal link to the recipient's account (a password reset or an "
    "invitation), so its text is not shown here."
)


def _owner(request: Request, session: Session) -> accounts.Current:
    who = signed_in(request, session)
    if who.user.role != "owner":
        message = gettext_for(who.user.language)(accounts.OWNER_ONLY)
        raise PageExit(error_page(request, 403, message, user=who.user, company=who.company))
    return who


def _not_found(request: Request, who: accounts.Current) -> PageExit:
    return PageExit(error_page(request, 404, user=who.user, company=who.company))


def _failed(request: Request, who: accounts.Current, exc: DomainError) -> Response:
    status = {"forbidden": 403, "not_found": 404}.get(exc.kind, 400)
    return error_page(
        request, status, error_text(who.user.language, exc), user=who.user, company=who.company
    )


# --- The team: weekly statistics, deletion, ownership --------------------------------------


@router.post(COMPANY + "/users/{user_id}/weekly-stats")
def weekly_stats(user_id: int, request: Request, session: SessionDep, form: CsrfForm) -> Response:
    """The owner turns anyone's weekly statistics email on or off; a manager their own."""
    who = signed_in(request, session)
    enabled = text(form, "enabled", 5) == "1"
    try:
        accounts.set_weekly_stats(session, who.user, user_id, enabled=enabled)
    except (Forbidden, NotFound) as exc:
        return _failed(request, who, exc)
    return redirect(request, COMPANY, flash="weekly_stats_on" if enabled else "weekly_stats_off")


def _confirm(
    request: Request, who: accounts.Current, member: Any, action: str, status: int = 200
) -> Response:
    return render(
        request,
        "app/admin/confirm_user.html",
        {"member": member, "action": action},
        user=who.user,
        company=who.company,
        status=status,
    )


@router.get(COMPANY + "/users/{user_id}/delete")
def confirm_delete(user_id: int, request: Request, session: SessionDep) -> Response:
    who = _owner(request, session)
    try:
        member = team_member(session, who.company.id, user_id)
    except NotFound:
        raise _not_found(request, who) from None
    return _confirm(request, who, member, "delete")


@router.post(COMPANY + "/users/{user_id}/delete")
def delete_user(user_id: int, request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = _owner(request, session)
    try:
        accounts.delete_user(session, who.user, user_id)
    except DomainError as exc:
        return _failed(request, who, exc)
    return redirect(request, COMPANY, flash="user_deleted")


@router.get(COMPANY + "/users/{user_id}/transfer")
def confirm_transfer(user_id: int, request: Request, session: SessionDep) -> Response:
    who = _owner(request, session)
    try:
        member = team_member(session, who.company.id, user_id)
    except NotFound:
        raise _not_found(request, who) from None
    return _confirm(request, who, member, "transfer")


@router.post(COMPANY + "/users/{user_id}/transfer")
def transfer(user_id: int, request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = _owner(request, session)
    try:
        accounts.transfer_ownership(session, who.user, user_id)
    except DomainError as exc:
        return _failed(request, who, exc)
    return redirect(request, COMPANY, flash="ownership_transferred")


# --- API keys -----------------------------------------------------------------------------


def _api_keys(
    request: Request,
    session: Session,
    who: accounts.Current,
    *,
    issued: companies.IssuedKey | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    keys = companies.list_api_keys(session, who.company.id)
    creators = user_names(
        session, who.company.id, {k.created_by_user_id for k in keys if k.created_by_user_id}
    )
    return render(
        request,
        "app/admin/api_keys.html",
        {
            "keys": sorted(keys, key=lambda k: (not k.active, -k.id)),
            "creators": creators,
            "scopes": companies.KEY_SCOPES,
            "scope_names": SCOPE_NAMES,
            "issued": issued,
            "errors": errors or {},
            "values": values or {},
            "base_url": settings_of(request).base_url.rstrip("/"),
        },
        user=who.user,
        company=who.company,
        status=status,
    )


@router.get(COMPANY + "/api-keys")
def api_keys(request: Request, session: SessionDep) -> Response:
    who = _owner(request, session)
    return _api_keys(request, session, who)


@router.post(COMPANY + "/api-keys")
def create_api_key(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    """The new key (and secret) is in this response only: it is stored hashed."""
    who = _owner(request, session)
    name = " ".join(text(form, "name", API_KEY_NAME_MAX + 1).split())
    scope = text(form, "scope", 20)
    with_secret = text(form, "with_secret", 5) == "1"
    values = {"name": name, "scope": scope, "with_secret": with_secret}
    _ = gettext_for(who.user.language)
    if not name or len(name) > API_KEY_NAME_MAX:
        return _api_keys(
            request, session, who, errors={"name": _(NAME_REQUIRED)}, values=values, status=400
        )
    if scope not in companies.KEY_SCOPES:
        return _api_keys(request, session, who, values=values, status=400)
    issued = companies.create_api_key(
        session,
        who.company.id,
        name=name,
        scope=scope,
        with_secret=with_secret,
        created_by_user_id=who.user.id,
    )
    return _api_keys(request, session, who, issued=issued)


@router.post(COMPANY + "/api-keys/{key_id}/revoke")
def revoke_api_key(key_id: int, request: Request, session: SessionDep, form: CsrfForm) -> Response:
    who = _owner(request, session)
    try:
        companies.revoke_api_key(session, who.company.id, key_id)
    except NotFound:
        raise _not_found(request, who) from None
    return redirect(request, COMPANY + "/api-keys", flash="api_key_revoked")


# --- The stored mailbox -------------------------------------------------------------------


def _page_number(raw: str | None) -> int:
    return max(int(raw), 1) if raw and is_ascii_digits(raw) and len(raw) < 7 else 1


@router.get(COMPANY + "/mailbox")
def mailbox(request: Request, session: SessionDep) -> Response:
    """The company's outgoing messages, newest first: those kept because no SMTP server
    is configured (``stored``), or all of them."""
    who = _owner(request, session)
    show = request.query_params.get("show")
    show = show if show in MAILBOX_FILTERS else "stored"
    page = list_mailbox(
        session,
        who.company.id,
        _page_number(request.query_params.get("page")),
        MAILBOX_PER_PAGE,
        status="stored" if show == "stored" else None,
    )
    return render(
        request,
        "app/admin/mailbox.html",
        {
            "page": page,
            "show": show,
            "status_names": MESSAGE_STATUS_NAMES,
            "smtp_configured": bool(settings_of(request).smtp_url),
        },
        user=who.user,
        company=who.company,
    )


@router.get(COMPANY + "/mailbox/{message_id}")
def mailbox_detail(message_id: int, request: Request, session: SessionDep) -> Response:
    """One message. Its HTML is shown as escaped source, never as markup; the bodies of
    account emails (reset and invitation links) are not shown at all."""
    who = _owner(request, session)
    try:
        message = mailbox_message(session, who.company.id, message_id)
    except NotFound:
        raise _not_found(request, who) from None
    hidden = message.kind in ACCOUNT_EMAIL_KINDS
    body = "" if hidden else (message.body_text or html_to_text(message.body_html or ""))
    return render(
        request,
        "app/admin/message.html",
        {
            "message": message,
            "hidden": hidden,
            "hidden_text": gettext_for(who.user.language)(HIDDEN_BODY),
            "body": body,
            "html_source": None if hidden else message.body_html,
            "status_names": MESSAGE_STATUS_NAMES,
        },
        user=who.user,
        company=who.company,
    )


router.include_router(intake_routes.router)
