"""One candidate's chat history and profile (campaign view, issue 6 §3): the page of its
own, and the forms of the two panels — send a message or a quick reply, add a comment,
stop / resume the bot, move through folders, add and remove labels, make and revoke share
links — and the CV and audio answers, served only to users who may see the application.

Every route starts with ``signed_in`` (session + IP allow-list) and
``candidate_panels.visible_application`` (tenant + ``campaigns.can_see``: a 404
otherwise). Forms go back to the page they were posted from (``return_to``, an ``/app``
path only). A service's refusal is shown in the user's language
(``candidate_panels.domain_message``). See docs/candidate-panels.md.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from hireloop.api.deps import SessionDep
from hireloop.domain.actor import Actor
from hireloop.domain.applications import share
from hireloop.domain.applications.chatbot import set_bot_paused
from hireloop.domain.applications.labels import apply_labels
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.accounts import Current
from hireloop.domain.files.storage import local_storage
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.leads import service as leads
from hireloop.domain.messaging import library, tokens
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import CHANNELS, LAST_CHANNEL, queue_message, send_template
from hireloop.domain.messaging.sms import MAX_SMS_CHARACTERS
from hireloop.errors import DomainError, NotFound
from hireloop.web.app.candidate_panels import (
    FOLDER_ACTIONS,
    NEW_SHARE_COOKIE,
    NEW_SHARE_MAX_AGE,
    application_cv,
    application_file,
    domain_message,
    forget_new_share,
    label_to_add,
    panel_context,
    refusals_as_pages,
    return_target,
    visible_application,
)
from hireloop.web.app.i18n import N_, gettext_for
from hireloop.web.app.pages import (
    APP_PREFIX,
    AppRoute,
    CsrfForm,
    PageExit,
    error_page,
    redirect,
    render,
    request_secret,
    secure_cookies,
    settings_of,
    signed_in,
    text,
)
from hireloop.web.security import add_security_headers, sign

router = APIRouter(include_in_schema=False, route_class=AppRoute)

BASE = APP_PREFIX + "/applications/{application_id}"
MAX_TEXT = 5000
EMPTY_TEXT = N_("Write a message or choose a quick reply.")
SMS_TOO_LONG = N_(
    "An SMS has at most %(max)s characters and this one has %(n)s (tokens filled in). "
    "Nothing was sent: shorten it, or send it by email."
)
# As the campaign settings say it (same catalog entry).
UNKNOWN_TOKENS = N_("Unknown tokens: %(tokens)s. Use only the tokens listed.")
EMPTY_COMMENT = N_("Write a comment.")
FILE_MISSING = N_("The file is no longer available.")


def _int(raw: str) -> int | None:
    return int(raw) if is_ascii_digits(raw) and 0 < len(raw) < 19 else None


def _page(
    request: Request,
    session: Session,
    who: Current,
    application_id: int,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    mode: str = "message",
    return_to: str | None = None,
) -> Response:
    context = panel_context(
        request,
        session,
        who,
        application_id,
        errors=errors,
        values=values,
        mode=mode,
        return_to=return_to,
    )
    response = render(
        request,
        "app/candidate/page.html",
        context,
        user=who.user,
        company=who.company,
        status=status,
    )
    forget_new_share(request, response)
    return response


@router.get(BASE)
def candidate_page(application_id: int, request: Request, session: SessionDep) -> Response:
    """Both panels of one application on a page of their own."""
    who = signed_in(request, session)
    return _page(request, session, who, application_id)


# --- Chat ---------------------------------------------------------------------------------


@router.post(BASE + "/messages")
def send_message(
    application_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    """A message to the candidate: a quick reply from the library, or the text written
    (with the chosen token appended). Channel: SMS, email or the last one used. A message
    the service prepares ``failed`` (an SMS over 1,600 characters) is refused as the leads
    API refuses it: 400 with the reason, nothing kept (its savepoint is rolled back)."""
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    back = return_target(request, text(form, "return_to", 500), application.id)
    body = text(form, "text", MAX_TEXT).strip()
    token = text(form, "insert_token", 60)
    if token and token in {t.id for t in library.list_tokens()}:
        body = f"{body} @{token}".strip()
    channel = text(form, "channel", 10)
    if channel not in (*CHANNELS, LAST_CHANNEL):
        channel = LAST_CHANNEL
    quick_reply_id = _int(text(form, "quick_reply_id", 20))
    values = {"text": body, "channel": channel, "quick_reply_id": str(quick_reply_id or "")}
    _ = gettext_for(who.user.language)

    def refused(message: str, status: int = 400) -> Response:
        """The page again with the form as sent and why nothing went."""
        return _page(
            request,
            session,
            who,
            application.id,
            status=status,
            errors={"message": message},
            values=values,
            return_to=back,
        )

    try:
        with session.begin_nested():
            if quick_reply_id is not None:
                quick_reply = library.get_quick_reply(session, who.company.id, quick_reply_id)
                sent = send_template(
                    session,
                    application,
                    quick_reply,
                    channel,
                    author_type="user",
                    author_user_id=who.user.id,
                )
            elif body and (bad_tokens := tokens.unknown_tokens(body)):
                # Refused as a template or quick reply with them is: the candidate must not
                # get "@acces_code" or "{{candidate-name}}" as typed.
                return refused(_(UNKNOWN_TOKENS) % {"tokens": ", ".join(bad_tokens)})
            elif body:
                sent = queue_message(
                    session,
                    application=application,
                    channel=channel,
                    kind="manual",
                    text=body,
                    author_type="user",
                    author_user_id=who.user.id,
                )
            else:
                return refused(_(EMPTY_TEXT))
            if sent.status == "failed":
                raise _NotSent(sent)
    except _NotSent as not_sent:
        return refused(_(SMS_TOO_LONG) % not_sent.sizes)
    except DomainError as exc:
        return refused(
            domain_message(who.user.language, exc), 404 if isinstance(exc, NotFound) else 400
        )
    return redirect(request, back, flash="message_queued")


class _NotSent(Exception):
    """A message the service prepared ``failed``: raised to roll its savepoint back."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.error)
        self.sizes = {"n": len(message.body_text or ""), "max": MAX_SMS_CHARACTERS}


@router.post(BASE + "/comments")
def add_comment(
    application_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    """A comment for the team (never sent): through the leads service, as the API's."""
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    back = return_target(request, text(form, "return_to", 500), application.id)
    body = text(form, "text", MAX_TEXT).strip()
    if not body:
        return _page(
            request,
            session,
            who,
            application.id,
            status=400,
            errors={"comment": gettext_for(who.user.language)(EMPTY_COMMENT)},
            mode="comment",
            return_to=back,
        )
    # The service keeps sanitized HTML; what a recruiter types here is text.
    html = escape(body).replace("\r\n", "\n").replace("\n", "<br>")
    with refusals_as_pages(request, who):
        leads.add_comment(session, who.company.id, application.id, who.user.email, html)
    return redirect(request, back, flash="comment_added")


@router.post(BASE + "/bot")
def toggle_bot(
    application_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    """Stop (``action=pause``) or resume (``action=resume``) the bot for this candidate."""
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    back = return_target(request, text(form, "return_to", 500), application.id)
    paused = text(form, "action", 10) != "resume"
    set_bot_paused(session, application, paused, Actor("user", who.user.id))
    return redirect(request, back, flash="bot_paused" if paused else "bot_resumed")


# --- Profile ------------------------------------------------------------------------------


@router.post(BASE + "/folder")
def move(application_id: int, request: Request, session: SessionDep, form: CsrfForm) -> Response:
    """Shortlist, reject, put on hold or hire, through the leads service (``notify``: the
    campaign's shortlisted / rejection message, when enabled; an optional reason)."""
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    back = return_target(request, text(form, "return_to", 500), application.id)
    action = text(form, "action", 20)
    reason_types = {a: reason_type for a, _, _, reason_type, _ in FOLDER_ACTIONS}
    if action not in reason_types:
        raise PageExit(error_page(request, 400, user=who.user, company=who.company))
    reason = None
    picked = text(form, "reason", 300)
    kind, _, name = picked.partition(":")
    if name and kind == reason_types[action]:
        reason = name
    with refusals_as_pages(request, who):
        leads.change_status(
            session,
            who.company.id,
            application.id,
            action,
            Actor("user", who.user.id),
            reason=reason,
            notify=form.get("notify") == "1",
        )
    return redirect(request, back, flash="candidate_moved")


@router.post(BASE + "/labels")
def edit_labels(
    application_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    """Add a label (``label``: one of the company's, whatever its case, or a new name) or
    remove one (``remove``: its name), through the label service (an application event)."""
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    back = return_target(request, text(form, "return_to", 500), application.id)
    actor = Actor("user", who.user.id)
    removed = text(form, "remove", 200)
    try:
        if removed:
            apply_labels(session, application, actor, remove=[removed])
        else:
            name = label_to_add(session, who.company.id, text(form, "label", 200))
            apply_labels(session, application, actor, add=[name])
    except DomainError as exc:
        return _page(
            request,
            session,
            who,
            application.id,
            status=400,
            errors={"labels": domain_message(who.user.language, exc)},
            values={"label": text(form, "label", 200)},
            return_to=back,
        )
    return redirect(request, back, flash="label_removed" if removed else "label_added")


@router.post(BASE + "/share")
def create_share(
    application_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    """A share link showing the chosen fields; shown once, on the page it returns to."""
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    back = return_target(request, text(form, "return_to", 500), application.id)
    days = _int(text(form, "days", 5)) or share.DEFAULT_EXPIRY_DAYS
    fields = [v for v in form.getlist("fields") if isinstance(v, str)]
    try:
        made = share.create_link(
            session, who.company.id, application.id, fields=fields, days=days, user_id=who.user.id
        )
    except DomainError as exc:
        return _page(
            request,
            session,
            who,
            application.id,
            status=400,
            errors={"share": domain_message(who.user.language, exc)},
            return_to=back,
        )
    response = redirect(request, back, flash="share_created")
    response.set_cookie(
        NEW_SHARE_COOKIE,
        sign(request_secret(request), "new_share", f"{application.id}:{made.token}"),
        max_age=NEW_SHARE_MAX_AGE,
        path=APP_PREFIX,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    return response


@router.post(BASE + "/share/{link_id}/revoke")
def revoke_share(
    application_id: int, link_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    back = return_target(request, text(form, "return_to", 500), application.id)
    with refusals_as_pages(request, who):
        share.revoke_link(session, who.company.id, application.id, link_id)
    response = redirect(request, back, flash="share_revoked")
    response.delete_cookie(NEW_SHARE_COOKIE, path=APP_PREFIX)
    return response


def _file_response(
    request: Request, file_name: str, data: bytes, media_type: str, *, inline: bool
) -> Response:
    disposition = "inline" if inline else "attachment"
    response = Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(file_name)}"},
    )
    add_security_headers(response, no_store=True)
    return response


@router.get(BASE + "/cv")
def download_cv(application_id: int, request: Request, session: SessionDep) -> Response:
    """The CV file, as an attachment (never rendered by the browser: nosniff)."""
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    candidate = session.get(Candidate, application.candidate_id)
    assert candidate is not None
    file = application_cv(session, application, candidate)
    if file is None:
        raise PageExit(error_page(request, 404, user=who.user, company=who.company))
    try:
        data = local_storage(settings_of(request).files_dir).get(file.storage_key)
    except (FileNotFoundError, ValueError):
        message = gettext_for(who.user.language)(FILE_MISSING)
        raise PageExit(
            error_page(request, 404, message, user=who.user, company=who.company)
        ) from None
    return _file_response(
        request, file.name, data, file.media_type or "application/octet-stream", inline=False
    )


@router.get(BASE + "/audio/{file_id}")
def answer_audio(
    application_id: int, file_id: int, request: Request, session: SessionDep
) -> Response:
    """An audio answer of this application, for the panel's ``<audio>`` player."""
    who = signed_in(request, session)
    application, _ = visible_application(request, session, who, application_id)
    file = application_file(session, application, file_id)
    if file is None or not file.media_type.startswith("audio/"):
        raise PageExit(error_page(request, 404, user=who.user, company=who.company))
    try:
        data = local_storage(settings_of(request).files_dir).get(file.storage_key)
    except (FileNotFoundError, ValueError):
        raise PageExit(error_page(request, 404, user=who.user, company=who.company)) from None
    return _file_response(request, file.name, data, file.media_type, inline=True)
