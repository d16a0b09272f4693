"""The chat history and profile panels of one candidate (campaign view, issue 6 §3).

:func:`panel_context` gathers what ``templates/app/candidate/_chat.html`` and
``_profile.html`` show, under one ``panel`` key so it never clashes with the including
page's names. The campaign view includes both partials with ``?selected=<application
id>``; ``/app/applications/{id}`` (candidate_routes.py) shows them on a page of their own.
The forms of the panels post to candidate_routes.py and come back to ``panel.return_to``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from fastapi import Request
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from hireloop.domain.applications import labels as label_service
from hireloop.domain.applications import reasons as reason_service
from hireloop.domain.applications import share
from hireloop.domain.applications.labels import labels_for
from hireloop.domain.applications.models import Application, Label
from hireloop.domain.applications.service import get_application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies import accounts
from hireloop.domain.companies.models import User
from hireloop.domain.files.models import File
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs.campaigns import can_see
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging import automatic, library
from hireloop.domain.messaging.conversation import ConversationEntry, conversation
from hireloop.domain.messaging.sanitize import clean_comment_html
from hireloop.domain.messaging.service import last_channel
from hireloop.domain.messaging.tokens import Token
from hireloop.domain.screening.criteria import BONUS, MUST, NICE
from hireloop.errors import DomainError, NotFound
from hireloop.web.app.campaign_settings_routes import CATEGORY_NAMES, TOKEN_HELP
from hireloop.web.app.i18n import N_, gettext_for
from hireloop.web.app.pages import (
    APP_PREFIX,
    FLASHES,
    PageExit,
    domain_message,
    error_page,
    page_language,
    request_secret,
    safe_next,
)
from hireloop.web.security import unsign

# Flash messages of these panels (codes only travel in the cookie; see pages.FLASHES).
FLASHES.update(
    {
        "message_queued": N_("The message is on its way."),
        "comment_added": N_("The comment was added. Only your team sees it."),
        "bot_paused": N_("The bot is stopped for this candidate."),
        "bot_resumed": N_("The bot is running again for this candidate."),
        "candidate_moved": N_("The candidate was moved."),
        "share_created": N_("The share link was created. Copy it now: it is shown only once."),
        "share_revoked": N_("The share link was revoked."),
        "label_added": N_("The label was added."),
        "label_removed": N_("The label was removed."),
    }
)

# What the domain services raise, in English, when a recruiter's action on these pages is
# refused. The API faces show these texts as they are (the vendors' formats); the web shows
# them in the reader's language: the msgids are the services' exact texts (see
# ``domain_message``).
DOMAIN_MESSAGES = (
    N_("The candidate asked not to be contacted."),
    N_("The candidate has no valid mobile phone number."),
    N_("The candidate has no email address."),
    N_("The message is empty."),
    N_("The message must not contain null characters."),
    N_("Quick Reply not found"),
    N_("Template not found."),
    N_("Name can't be blank"),
    N_("Name is invalid"),
    N_("Choose at least one part of the profile to share."),
    N_("Choose how long the link stays valid."),
    N_("This profile has too many active links: revoke one first."),
    N_("Share link not found."),
    N_("Application not found."),
    N_("Campaign Invitation not found for this company"),
    N_("Unknown folder."),
    N_("Folder not found."),
    N_("Manager not found."),
)

# The cookie that carries a link just made back to the page, once (signed, 2 minutes).
NEW_SHARE_COOKIE = "hireloop_new_share"
NEW_SHARE_MAX_AGE = 120

CHANNEL_NAMES = {"last": N_("Last channel"), "sms": N_("Text message (SMS)"), "email": N_("Email")}
AUTHOR_NAMES = {
    "user": N_("Recruiter"),
    "bot": N_("Chatbot"),
    "system": N_("Automatic message"),
    "candidate": N_("Candidate"),
}
STATUS_NAMES = {
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "stored": N_("Stored"),
    "delivered": N_("Delivered"),
    "received": N_("Received"),
    "failed": N_("Failed"),
}
FOLDER_NAMES = {
    "inbox": N_("Inbox"),
    "completed": N_("Completed"),
    "shortlisted": N_("Shortlisted"),
    "on_hold": N_("On hold"),
    "rejected": N_("Rejected"),
    "hired": N_("Hired"),
    "no_campaign_invitation": N_("No campaign invitation"),
    "no_response": N_("No response"),
    "custom": N_("Custom folder"),
}
# The folder buttons: (leads-service action, folder, label, reason type, notify message).
FOLDER_ACTIONS = (
    ("shortlist", "shortlisted", N_("Shortlist"), "shortlisted", "shortlisted"),
    ("reject", "rejected", N_("Reject"), "rejected", "rejection"),
    ("on_hold", "on_hold", N_("On hold"), None, None),
    ("hire", "hired", N_("Hired"), None, None),
)
SHARE_FIELD_NAMES = {
    "contact": N_("Contact details"),
    "resume": N_("Résumé"),
    "answers": N_("Interview responses"),
    "score": N_("AI score"),
}
COMPONENT_NAMES = {
    "skills": N_("Skills"),
    "experience": N_("Experience"),
    "education": N_("Education"),
    "location": N_("Location"),
    "languages": N_("Languages"),
    "title": N_("Job title"),
    "semantic": N_("Overall fit"),
    # The campaign's AI criteria (its settings page names them the same way).
    MUST: CATEGORY_NAMES[MUST],
    NICE: CATEGORY_NAMES[NICE],
    BONUS: CATEGORY_NAMES[BONUS],
}
# The standard movement reasons every company starts with (domain/applications/reasons.py
# DEFAULT_REASONS), by stored name: shown in the reader's language. A reason the company
# added itself is shown as it was named.
REASON_NAMES = {
    "not_qualified": N_("Not Qualified"),
    "insufficient_experience": N_("Insufficient Experience"),
    "failed_assessment": N_("Failed Assessment"),
    "failed_background_check": N_("Failed Background Check"),
    "poor_communication_skills": N_("Poor Communication Skills"),
    "salary_expectations": N_("Salary Expectations"),
    "no_show": N_("No Show"),
    "withdrew_application": N_("Withdrew Application"),
    "position_filled": N_("Position Filled"),
    "meets_requirements": N_("Meets Requirements"),
    "relevant_experience": N_("Relevant Experience"),
    "strong_communication_skills": N_("Strong Communication Skills"),
    "passed_assessment": N_("Passed Assessment"),
    "referred_candidate": N_("Referred Candidate"),
}


def reason_name(name: str, language: str) -> str:
    """A movement reason as the reader sees it: a standard one translated, another (the
    company's own) as stored, in Title Case."""
    standard = REASON_NAMES.get(name)
    return gettext_for(language)(standard) if standard else reason_service.display_name(name)


def token_help() -> list[Token]:
    """The tokens of the message composer, with the help texts of the settings page (its
    msgids, translated by the template)."""
    return [
        replace(t, description=TOKEN_HELP.get(t.id, t.description)) for t in library.list_tokens()
    ]


@dataclass
class ChatLine:
    entry: ConversationEntry
    author: str  # a name, or "" for the generic author label
    body_html: Markup | None = None  # comments: their sanitized HTML


@dataclass
class Answer:
    question: str
    text: str | None
    transcript: str | None
    audio_file_id: int | None


@dataclass
class FolderAction:
    action: str
    folder: str
    label: str
    current: bool
    notify_available: bool


@dataclass
class Panel:
    application: Application
    candidate: Candidate
    job: Job
    return_to: str
    chat: list[ChatLine]
    quick_replies: list[Any]
    tokens: list[Any]
    channels: dict[str, str]
    default_channel: str
    last_channel: str
    folder_actions: list[FolderAction]
    notify_available: bool
    reasons: dict[str, list[tuple[str, str]]]
    labels: list[str]
    ai_reasons: list[str]
    ai_components: list[tuple[str, int, str]]
    resume: dict[str, Any]
    cv_file: File | None
    answers: list[Answer]
    company_labels: list[str]
    share_links: list[Any]
    share_fields: dict[str, str]
    share_days: tuple[int, ...]
    share_default_days: int
    new_share_url: str | None
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    mode: str = "message"

    # Display names (msgids, translated in the templates).
    folder_names = FOLDER_NAMES
    author_names = AUTHOR_NAMES
    status_names = STATUS_NAMES
    component_names = COMPONENT_NAMES

    @property
    def base(self) -> str:
        """The path the panels' forms post under."""
        return f"{APP_PREFIX}/applications/{self.application.id}"

    @staticmethod
    def when(value: datetime | None) -> str:
        """A timestamp as the panels show it (UTC, to the minute)."""
        return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


# --- Access -------------------------------------------------------------------------------


def visible_application(
    request: Request, session: Session, current: accounts.Current, application_id: int
) -> tuple[Application, Job]:
    """The application when it is the signed-in company's and the user may see its
    campaign (``campaigns.can_see``); else a ``PageExit`` with the app's 404 page (the
    same answer for another company's id and a campaign the manager is not permitted to,
    so ids tell nothing)."""
    try:
        application = get_application(session, current.company.id, application_id)
    except NotFound:
        application = None
    job = session.get(Job, application.job_id) if application is not None else None
    if application is None or job is None or not can_see(current.user, job):
        raise PageExit(error_page(request, 404, user=current.user, company=current.company))
    return application, job


def return_target(request: Request, raw: str | None, application_id: int) -> str:
    """Where a panel form goes back to: the page it was posted from (an ``/app`` path
    only), else the candidate's own page."""
    target = safe_next(raw)
    return target if target != APP_PREFIX else f"{APP_PREFIX}/applications/{application_id}"


# --- Errors of the services ---------------------------------------------------------------


@contextmanager
def refusals_as_pages(request: Request, current: accounts.Current) -> Iterator[None]:
    """A service error inside becomes the app's error page (403, 404 or 400) with its
    message in the user's language (instead of AppRoute's page with the English text)."""
    try:
        yield
    except DomainError as exc:
        status = {"forbidden": 403, "not_found": 404}.get(exc.kind, 400)
        message = domain_message(current.user.language, exc)
        page = error_page(request, status, message, user=current.user, company=current.company)
        raise PageExit(page) from None


# --- Read queries -------------------------------------------------------------------------


def _author_names(session: Session, company_id: int, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(User.id, User.name, User.email).where(
            User.company_id == company_id, User.id.in_(ids)
        )
    )
    return {uid: name or email for uid, name, email in rows}


def company_label_names(session: Session, company_id: int) -> list[str]:
    """The company's labels by name (the profile's add-a-label choices)."""
    return list(
        session.scalars(
            select(Label.name).where(Label.company_id == company_id).order_by(Label.name).limit(500)
        )
    )


def label_to_add(session: Session, company_id: int, raw: str) -> str:
    """The label a recruiter typed: the company's label of that name whatever its case,
    else a new one (Unprocessable for an empty or invalid name)."""
    name = label_service.clean_label_name(raw)
    existing = session.scalar(
        select(Label.name)
        .where(Label.company_id == company_id, func.lower(Label.name) == name.lower())
        .order_by(Label.id)
        .limit(1)
    )
    return existing or label_service.ensure_label(session, company_id, name).name


def application_cv(session: Session, application: Application, candidate: Candidate) -> File | None:
    """The CV sent with the application, else the candidate's current CV (the company's
    file only)."""
    for file_id in (application.cv_file_id, candidate.resume_file_id):
        if file_id is None:
            continue
        file = session.scalar(
            select(File).where(File.id == file_id, File.company_id == application.company_id)
        )
        if file is not None:
            return file
    return None


def application_file(session: Session, application: Application, file_id: int) -> File | None:
    """A file attached to this application (an audio answer), or None."""
    return session.scalar(
        select(File).where(
            File.id == file_id,
            File.company_id == application.company_id,
            File.application_id == application.id,
        )
    )


# --- Shaping ------------------------------------------------------------------------------


def _file_id(value: Any) -> int | None:
    if isinstance(value, dict):
        value = value.get("id") or value.get("file_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and is_ascii_digits(value) and len(value) < 19:
        return int(value)
    return None


def interview_answers(application: Application, job: Job) -> list[Answer]:
    """``application.answers`` (question id -> a text, or ``{question, answer|text,
    transcript, file|audio_file_id}``) with the question texts of the campaign's script,
    in the script's order first."""
    questions = {
        str(q.get("id")): str(q.get("text") or "")
        for q in (job.interview_settings or {}).get("questions", [])
        if isinstance(q, dict)
    }
    order = {key: index for index, key in enumerate(questions)}
    items = [
        (key, value)
        for key, value in (application.answers or {}).items()
        if key != "completion_method"
    ]
    items.sort(key=lambda kv: (order.get(str(kv[0]), len(order)), str(kv[0])))
    out = []
    for key, value in items:
        if isinstance(value, dict):
            question = value.get("question") or questions.get(str(key)) or str(key)
            text = value.get("answer") or value.get("text")
            transcript = value.get("transcript")
            audio = _file_id(value.get("audio_file_id") or value.get("file"))
        else:
            question = questions.get(str(key)) or str(key)
            text, transcript, audio = (None if value is None else str(value)), None, None
        out.append(
            Answer(
                question=str(question),
                text=None if text is None else str(text),
                transcript=None if transcript is None else str(transcript),
                audio_file_id=audio,
            )
        )
    return out


def parsed_resume(candidate: Candidate) -> dict[str, Any]:
    """Experience, education, skills (and summary) of the parsed résumé, falling back to
    the candidate's own columns."""
    parsed = candidate.parsed_resume if isinstance(candidate.parsed_resume, dict) else {}

    def rows(value: Any) -> list[dict[str, Any]]:
        return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []

    def words(value: Any) -> list[str]:
        return [str(s) for s in value if s] if isinstance(value, list) else []

    return {
        "summary": parsed.get("summary") or candidate.summary,
        "employment": rows(parsed.get("employment")) or rows(candidate.employment),
        "education": rows(parsed.get("education")) or rows(candidate.education),
        "skills": words(parsed.get("skills")) or words(candidate.skills),
        "languages": words(parsed.get("languages")) or words(candidate.languages),
    }


def ai_details(application: Application) -> tuple[list[str], list[tuple[str, int, str]]]:
    """The AI score's reasons and its components (name, score, detail)."""
    breakdown = application.ai_breakdown if isinstance(application.ai_breakdown, dict) else {}
    reasons = (
        [str(r) for r in breakdown.get("reasons", []) if r]
        if isinstance(breakdown.get("reasons"), list)
        else []
    )
    components = []
    raw = breakdown.get("components")
    for name, value in raw.items() if isinstance(raw, dict) else []:
        if not isinstance(value, dict) or not value.get("weight"):
            continue
        score = value.get("score")
        components.append(
            (
                str(name),
                int(score) if isinstance(score, int | float) else 0,
                str(value.get("detail") or ""),
            )
        )
    return reasons, components


def _chat(session: Session, company_id: int, application_id: int) -> list[ChatLine]:
    entries = conversation(session, company_id, application_id)
    names = _author_names(
        session, company_id, {e.author_user_id for e in entries if e.author_user_id is not None}
    )
    lines = []
    for entry in entries:
        author = entry.author_name or ""
        if entry.author_user_id is not None:
            author = names.get(entry.author_user_id, author)
        body = None
        if entry.type == "comment":
            # Stored sanitized by the leads service; cleaned again on the way out, with
            # the comments' stricter rules (no remote images, no styles).
            body = Markup(clean_comment_html(entry.body))  # noqa: S704 - nh3-sanitized HTML
        lines.append(ChatLine(entry=entry, author=author, body_html=body))
    return lines


def new_share_url(request: Request, session: Session, application_id: int) -> str | None:
    """The link made a moment ago by this browser (signed cookie), while still active."""
    value = unsign(request_secret(request), "new_share", request.cookies.get(NEW_SHARE_COOKIE))
    if not value or ":" not in value:
        return None
    app_id, _, token = value.partition(":")
    if app_id != str(application_id):
        return None
    if share.find_active_by_token(session, application_id, token) is None:
        return None
    base = str(request.app.state.settings.base_url).rstrip("/")
    return f"{base}/share/{token}"


def forget_new_share(request: Request, response: Response) -> None:
    """Clear the cookie of a link just made, once the page showing it is rendered (so the
    link is shown once). Pages that include the profile partial call it on their
    response."""
    if NEW_SHARE_COOKIE in request.cookies:
        response.delete_cookie(NEW_SHARE_COOKIE, path=APP_PREFIX)


def panel_context(
    request: Request,
    session: Session,
    current: accounts.Current,
    application_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    mode: str = "message",
    return_to: str | None = None,
) -> dict[str, Any]:
    """``{"panel": Panel}`` for the chat and profile partials of one application. A
    ``PageExit`` with the app's 404 for another company's application or one whose
    campaign the user may not see."""
    application, job = visible_application(request, session, current, application_id)
    candidate = session.get(Candidate, application.candidate_id)
    assert candidate is not None
    company_id = current.company.id
    target = return_to or (
        request.url.path + (f"?{request.url.query}" if request.url.query else "")
    )
    folder_actions = [
        FolderAction(
            action=action,
            folder=folder,
            label=label,
            current=application.folder == folder,
            notify_available=bool(kind and automatic.message_settings(job, kind) is not None),
        )
        for action, folder, label, _, kind in FOLDER_ACTIONS
    ]
    language = page_language(request, current.user)
    reasons: dict[str, list[tuple[str, str]]] = {"shortlisted": [], "rejected": []}
    for reason in reason_service.list_reasons(session, company_id, per_page=200).items:
        reasons.setdefault(reason.type, []).append(
            (f"{reason.type}:{reason.name}", reason_name(reason.name, language))
        )
    ai_reasons, ai_components = ai_details(application)
    last = last_channel(session, application, candidate)
    panel = Panel(
        application=application,
        candidate=candidate,
        job=job,
        return_to=safe_next(target),
        chat=_chat(session, company_id, application.id),
        quick_replies=library.list_quick_replies(session, company_id),
        tokens=token_help(),
        channels=CHANNEL_NAMES,
        default_channel="last",
        last_channel=last,
        folder_actions=folder_actions,
        notify_available=any(a.notify_available for a in folder_actions),
        reasons=reasons,
        labels=labels_for(session, [application.id]).get(application.id, []),
        company_labels=company_label_names(session, company_id),
        ai_reasons=ai_reasons,
        ai_components=ai_components,
        resume=parsed_resume(candidate),
        cv_file=application_cv(session, application, candidate),
        answers=interview_answers(application, job),
        share_links=share.active_links(session, company_id, application.id),
        share_fields=SHARE_FIELD_NAMES,
        share_days=share.EXPIRY_DAYS,
        share_default_days=share.DEFAULT_EXPIRY_DAYS,
        new_share_url=new_share_url(request, session, application.id),
        errors=errors or {},
        values=values or {},
        mode=mode,
    )
    return {"panel": panel}
