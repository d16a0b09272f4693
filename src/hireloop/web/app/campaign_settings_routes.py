"""Campaign creation (the wizard) and the campaign settings, one section per tab: basic
settings, permissions, messages (SMS segment preview, HTML email), the interview creator
(questions, audio prompts), Messenger and AI settings (criteria, auto-reject threshold).

Every save goes through the domain services (``jobs.campaigns.update_campaign`` with the
settings documents, ``jobs.audio``, ``jobs.ai_settings``); a refused save re-renders the
section with what the user typed and the errors next to the fields, nothing stored.
Who may open or edit a campaign: ``campaigns.can_see`` (owners: all; managers: those
whose permissions list them) — anyone else gets a 404, as for another company's campaign.

These pages load one script of ours (``static/campaign_settings.js``: live SMS counter,
token insertion), so they are sent with ``script-src 'self'`` added to the usual CSP;
they work the same without it.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import quote

import phonenumbers
from babel import Locale
from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from hireloop.api.deps import SessionDep
from hireloop.domain.actor import Actor
from hireloop.domain.companies.managers import display_name, list_managers
from hireloop.domain.companies.models import User
from hireloop.domain.files.models import File
from hireloop.domain.files.storage import local_storage
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs import ai_settings, audio, campaigns
from hireloop.domain.jobs.campaign import (
    ANSWER_TYPES,
    INTERVIEW_LANGUAGES,
    MAX_QUESTIONS,
    MESSAGE_KINDS,
    MESSENGER_FIELD_MAX,
    NULL_CHARACTER,
    QUESTION_TEXT_MAX,
    SEGMENTS,
    campaign_settings_of,
    campaign_title_of,
    interview_settings_of,
    messaging_settings_of,
    parse_campaign_fields,
)
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.sanitize import clean_template_html
from hireloop.domain.messaging.sms import normalize_newlines, sms_length
from hireloop.domain.messaging.tokens import TOKEN_IDS, TOKENS, find_tokens
from hireloop.domain.screening.criteria import BONUS, MUST, NICE
from hireloop.errors import DomainError
from hireloop.web.app.i18n import N_, gettext_for
from hireloop.web.app.pages import (
    APP_PREFIX,
    BAD_FORM,
    CSRF_EXPIRED,
    AppRoute,
    PageExit,
    app_csrf_ok,
    error_page,
    redirect,
    render,
    settings_of,
    signed_in,
)
from hireloop.web.security import (
    CONTENT_SECURITY_POLICY,
    CSRF_FIELD,
    add_security_headers,
)

router = APIRouter(include_in_schema=False, route_class=AppRoute)

# These pages may load our own scripts (static files only; inline script stays refused).
SCRIPT_CSP = CONTENT_SECURITY_POLICY.replace(
    "default-src 'none'; ", "default-src 'none'; script-src 'self'; "
)
FORM_BYTES = 512 * 1024  # email HTML can be long
FORM_FIELDS = 4 * MAX_QUESTIONS + 40
UPLOAD_BYTES = audio.MAX_AUDIO_BYTES + 64 * 1024

SECTIONS: tuple[tuple[str, str], ...] = (
    ("basic", N_("Basic settings")),
    ("permissions", N_("Access permissions")),
    ("messages", N_("Message settings")),
    ("interview", N_("Interview creator")),
    ("messenger", N_("Messenger settings")),
    ("ai", N_("AI settings")),
)
SECTION_KEYS = tuple(key for key, _ in SECTIONS)
KIND_NAMES = {
    "invitation": N_("Invitation message"),
    "completion": N_("Completion message"),
    "shortlisted": N_("Shortlisted message"),
    "rejection": N_("Rejection message"),
}
KIND_HELP = {
    "invitation": N_("Sent when a candidate is added, to invite them to the interview."),
    "completion": N_("Sent once the candidate completes the interview."),
    "shortlisted": N_("Offered when you shortlist a candidate (you choose whether to send it)."),
    "rejection": N_("Offered when you reject a candidate (you choose whether to send it)."),
}
SEGMENT_NAMES = {
    "introduction": N_("Welcome introduction"),
    "privacy_statement": N_("Privacy statement"),
    "instructions": N_("Interview instructions"),
    "closing": N_("Closing prompt"),
}
ANSWER_TYPE_NAMES = {
    "audio": N_("Audio answer"),
    "text": N_("Text answer"),
    "audio_text": N_("Audio or text answer"),
}
BOT_NAMES = {
    "disabled": N_("Bot integration disabled"),
    "job_position": N_("Job position"),
    "inquiry_type": N_("Inquiry type"),
}
CATEGORY_NAMES = {
    MUST: N_("Must-have criteria"),
    NICE: N_("Nice-to-have criteria"),
    BONUS: N_("Bonus criteria"),
}
TOKEN_HELP = {
    "candidate_name": N_("The candidate's name."),
    "company": N_("The company name."),
    "access_code": N_("The candidate's PIN to start the phone interview."),
    "messenger_interview_link": N_("The link to the chatbot interview."),
    "webdialout": N_("A link to take the phone interview from the browser."),
    "webdialout_skip_confirmation": N_(
        "The browser interview link, straight to the first question."
    ),
    "referee": N_("The name of the person who referred the candidate."),
    "job_title": N_("The campaign's title."),
}
NOT_SAVED = N_("Nothing was saved. Please correct the fields marked below.")
UNKNOWN_TOKENS = N_("Unknown tokens: %(tokens)s. Use only the tokens listed.")
NO_SCRIPTS = N_("Scripts, frames, event handlers and javascript: links are not allowed.")
REQUIRED = N_("This field is required.")
BAD_AUDIO = N_("Only .wav and .mp3 recordings are accepted, and the file must be a real one.")
NO_FILE = N_("Choose a .wav or .mp3 file to upload.")
BAD_URL = N_("Enter a web address starting with http:// or https://.")
FIELD_MESSAGES = {
    "info_fields": N_("One per line, at most 10 lines of at most %(n)s characters each."),
    "apply_url": BAD_URL,
}
BAD_THRESHOLD = N_("Enter a whole number from 0 to 100, or leave it empty to turn auto-reject off.")
BAD_CRITERIA = N_("At most %(n)s criteria, of at most %(length)s characters each.")
TOO_MANY_QUESTIONS = N_("An interview has at most %(n)s questions.")
TOO_LONG = N_("At most %(n)s characters.")
NO_NULL_CHARACTERS = N_("This must not contain null characters. Please type it again.")
# The fields each section shows an error next to (an error on any other field of the
# documents is shown above the form).
PAGE_FIELDS = {
    "basic": r"campaign_title|job_title|hotline_country|interview_language",
    "permissions": r"manager_ids",
    "messages": r"sms|email_subject|email_html",
    "interview": (
        r"(introduction|privacy_statement|instructions|closing)\.text"
        r"|questions\[\d+\]\.text|new_text"
    ),
    "messenger": r"bot_integration|info_fields|detailed_description|apply_url",
}
MANAGERS_PER_PAGE = 100


# --- helpers ------------------------------------------------------------------------------


async def _read(request: Request, *, max_bytes: int, max_files: int = 0) -> FormData:
    """The posted form (urlencoded or multipart) with its CSRF token checked, like
    ``pages.read_form`` but with the limits these larger forms need."""
    declared = request.headers.get("content-length", "")
    if is_ascii_digits(declared) and int(declared) > max_bytes:
        raise PageExit(error_page(request, 400, BAD_FORM))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise PageExit(error_page(request, 400, BAD_FORM))
    request._body = body
    try:
        form = await request.form(max_files=max_files, max_fields=FORM_FIELDS)
    except Exception:  # a broken body, too many fields
        raise PageExit(error_page(request, 400, BAD_FORM)) from None
    if not app_csrf_ok(request, form.get(CSRF_FIELD)):
        raise PageExit(error_page(request, 403, CSRF_EXPIRED))
    return form


def _text(form: FormData, name: str, limit: int | None = None) -> str:
    """A posted text as typed; ``limit`` cuts only control values (a kind, an op): what
    the user types is never cut, the domain refuses it when too long."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _actor(user: User) -> Actor:
    return Actor("user", user.id)


def _campaign(request: Request, session: Session, campaign_id: str) -> tuple[Any, Job]:
    """The signed-in user and the campaign they may see and edit; 404 otherwise (another
    company's campaign, or one whose permissions do not list this manager)."""
    who = signed_in(request, session)
    job = campaigns.get_campaign(session, who.company.id, campaign_id)
    if not campaigns.can_see(who.user, job):
        raise PageExit(error_page(request, 404, user=who.user, company=who.company))
    return who, job


def _countries(language: str) -> list[tuple[str, str]]:
    names = Locale.parse(language).territories
    codes = (c for c in phonenumbers.SUPPORTED_REGIONS if c != "001")
    return sorted(((c, names.get(c, c)) for c in codes), key=lambda item: item[1])


def _languages(language: str) -> list[tuple[str, str]]:
    names = Locale.parse(language).languages
    return sorted(
        ((c, names.get(c, english)) for c, english in INTERVIEW_LANGUAGES.items()),
        key=lambda item: item[1],
    )


def _field_errors(language: str, exc: DomainError, section: str) -> dict[str, str]:
    """The service's errors by form field: ``settings.messages.invitation.sms`` → ``sms``,
    ``settings.interview.questions[1].text`` → ``questions[1].text``; the message of an
    error on a field the section does not show goes above the form (``form``)."""
    _ = gettext_for(language)
    out: dict[str, str] = {}
    for key, detail in (exc.details or {}).items():
        if not isinstance(detail, str) or key == "available_countries":
            continue
        field = re.sub(
            r"^(settings\.(campaign|messages|messenger|interview)\.|campaign\.)", "", key
        )
        field = re.sub(r"^(invitation|completion|shortlisted|rejection)\.", "", field)
        if field.startswith("info_fields"):
            field = "info_fields"
        too_long = re.fullmatch(r"String should have at most (\d+) characters?", detail)
        if detail == NULL_CHARACTER:
            message = _(NO_NULL_CHARACTERS)
        elif field in FIELD_MESSAGES:
            message = _(FIELD_MESSAGES[field]) % {"n": MESSENGER_FIELD_MAX}
        elif too_long:
            message = _(TOO_LONG) % {"n": too_long.group(1)}
        elif re.fullmatch(r"questions\[\d+\]\.text", field):
            message = _(REQUIRED)
        elif detail.startswith("unknown tokens: "):
            message = _(UNKNOWN_TOKENS) % {"tokens": detail.removeprefix("unknown tokens: ")}
        elif detail == "scripts are not allowed":
            message = _(NO_SCRIPTS)
        else:
            message = detail
        out.setdefault(field, message)
    if not out or not all(re.fullmatch(PAGE_FIELDS[section], field) for field in out):
        out["form"] = _(exc.message)
    return out


def _page(
    request: Request,
    who: Any,
    job: Job | None,
    template: str,
    context: dict[str, Any],
    *,
    section: str,
    status: int = 200,
) -> Response:
    wizard = bool(context.pop("wizard", False)) or request.query_params.get("wizard") == "1"
    response = render(
        request,
        f"app/campaign_settings/{template}",
        {
            "job": job,
            "campaign_title": campaign_title_of(job) if job is not None else "",
            "sections": SECTIONS,
            "section": section,
            "wizard": wizard,
            "saved": request.query_params.get("saved") == "1",
            "errors": {},
            **context,
        },
        user=who.user,
        company=who.company,
        status=status,
    )
    response.headers["Content-Security-Policy"] = SCRIPT_CSP
    return response


def _after_save(
    request: Request, job: Job, section: str, form: FormData, extra: str = ""
) -> Response:
    """Back to the section (``saved=1``), or in the wizard on to the next step."""
    base = f"{APP_PREFIX}/campaigns/{job.id}/settings"
    if _text(form, "wizard") == "1":
        index = SECTION_KEYS.index(section)
        if index + 1 < len(SECTION_KEYS):
            return redirect(request, f"{base}/{SECTION_KEYS[index + 1]}?wizard=1")
        return redirect(request, f"{base}?saved=1")
    return redirect(request, f"{base}/{section}?saved=1{extra}")


# --- the wizard ---------------------------------------------------------------------------


def _basic_values(job: Job | None, company: Any) -> dict[str, Any]:
    if job is None:
        return {
            "campaign_title": "",
            "job_title": "",
            "hotline_country": company.default_country or "",
            "interview_language": "en",
            "web_dialout": False,
            "auto_call": False,
        }
    doc = campaign_settings_of(job)
    return {
        "campaign_title": doc.campaign_title or job.title,
        "job_title": job.title,
        "hotline_country": doc.hotline_country or "",
        "interview_language": doc.interview_language,
        "web_dialout": doc.web_dialout,
        "auto_call": doc.auto_call,
    }


def _basic_form(form: FormData) -> dict[str, Any]:
    return {
        "campaign_title": _text(form, "campaign_title").strip(),
        "job_title": _text(form, "job_title").strip(),
        "hotline_country": _text(form, "hotline_country"),
        "interview_language": _text(form, "interview_language"),
        "web_dialout": form.get("web_dialout") == "on",
        "auto_call": form.get("auto_call") == "on",
    }


def _basic_page(
    request: Request, who: Any, job: Job | None, values: dict[str, Any], **extra: Any
) -> Response:
    language = who.user.language
    return _page(
        request,
        who,
        job,
        "basic.html" if job is not None else "new.html",
        {
            "values": values,
            "countries": _countries(language),
            "languages": _languages(language),
            **extra,
        },
        section="basic",
        status=400 if extra.get("errors") else 200,
    )


@router.get(APP_PREFIX + "/campaigns/new")
def new_campaign(request: Request, session: SessionDep) -> Response:
    who = signed_in(request, session)
    return _basic_page(request, who, None, _basic_values(None, who.company))


@router.post(APP_PREFIX + "/campaigns/new")
async def create_campaign(request: Request, session: SessionDep) -> Response:
    form = await _read(request, max_bytes=FORM_BYTES)
    who = signed_in(request, session)
    _ = gettext_for(who.user.language)
    values = _basic_form(form)
    if not values["campaign_title"]:
        return _basic_page(request, who, None, values, errors={"campaign_title": _(REQUIRED)})
    try:
        fields = parse_campaign_fields(
            {"campaign_title": values["campaign_title"], "job_title": values["campaign_title"]}
        )
        job = campaigns.create_campaign(
            session,
            who.company,
            fields,
            _actor(who.user),
            settings={"campaign": _campaign_doc(values)},
        )
    except DomainError as exc:
        errors = _field_errors(who.user.language, exc, "basic")
        return _basic_page(request, who, None, values, errors=errors)
    return redirect(request, f"{APP_PREFIX}/campaigns/{job.id}/settings/permissions?wizard=1")


def _campaign_doc(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "hotline_country": values["hotline_country"] or None,
        "interview_language": values["interview_language"] or "en",
        "web_dialout": values["web_dialout"],
        "auto_call": values["auto_call"],
    }


# --- basic settings -----------------------------------------------------------------------


@router.get(APP_PREFIX + "/campaigns/{campaign_id}/settings")
@router.get(APP_PREFIX + "/campaigns/{campaign_id}/settings/basic")
def basic_settings(campaign_id: str, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    return _basic_page(request, who, job, _basic_values(job, who.company))


@router.post(APP_PREFIX + "/campaigns/{campaign_id}/settings/basic")
async def save_basic_settings(campaign_id: str, request: Request, session: SessionDep) -> Response:
    form = await _read(request, max_bytes=FORM_BYTES)
    who, job = _campaign(request, session, campaign_id)
    _ = gettext_for(who.user.language)
    values = _basic_form(form)
    wizard = _text(form, "wizard") == "1"
    errors = {}
    if not values["campaign_title"]:
        errors["campaign_title"] = _(REQUIRED)
    if not values["job_title"]:
        errors["job_title"] = _(REQUIRED)
    if errors:
        return _basic_page(request, who, job, values, errors=errors, wizard=wizard)
    try:
        fields = parse_campaign_fields(
            {"campaign_title": values["campaign_title"], "job_title": values["job_title"]}
        )
        campaigns.update_campaign(
            session, job, fields, _actor(who.user), settings={"campaign": _campaign_doc(values)}
        )
    except DomainError as exc:
        return _basic_page(
            request,
            who,
            job,
            values,
            errors=_field_errors(who.user.language, exc, "basic"),
            wizard=wizard,
        )
    return _after_save(request, job, "basic", form)


# --- permissions --------------------------------------------------------------------------


def _page_number(value: Any) -> int:
    """A ``page`` parameter: 1 unless a number from 1 (the pages past the last show the
    first)."""
    if isinstance(value, str) and is_ascii_digits(value) and len(value) < 7:
        return max(int(value), 1)
    return 1


def _permissions_page(
    request: Request,
    session: Session,
    who: Any,
    job: Job,
    selected: list[int],
    *,
    page: int = 1,
    **extra: Any,
) -> Response:
    """The company's active managers, MANAGERS_PER_PAGE a page, in two lists. The form
    names the managers it shows (``shown_ids``): a save changes only their access."""
    team = list_managers(
        session, who.company.id, role="manager", page=page, per_page=MANAGERS_PER_PAGE
    )
    if page > 1 and not team.items:
        team = list_managers(session, who.company.id, role="manager", per_page=MANAGERS_PER_PAGE)
    owners = list_managers(session, who.company.id, role="owner", per_page=100).items
    chosen = set(selected)
    managers = [(u.id, display_name(u), u.email) for u in team.items]
    return _page(
        request,
        who,
        job,
        "permissions.html",
        {
            "managers": managers,
            # The two lists of the page: with access (ticked) and the others.
            "groups": {
                "in": [m for m in managers if m[0] in chosen],
                "out": [m for m in managers if m[0] not in chosen],
            },
            "owners": [display_name(u) for u in owners],
            "selected": chosen,
            "shown_ids": ",".join(str(m[0]) for m in managers),
            "team": team,
            **extra,
        },
        section="permissions",
        status=400 if extra.get("errors") else 200,
    )


@router.get(APP_PREFIX + "/campaigns/{campaign_id}/settings/permissions")
def permissions(campaign_id: str, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    page = _page_number(request.query_params.get("page"))
    selected = campaign_settings_of(job).manager_ids
    return _permissions_page(request, session, who, job, selected, page=page)


def _ids(values: list[Any]) -> list[int]:
    return [int(v) for v in values if isinstance(v, str) and is_ascii_digits(v) and len(v) < 19]


@router.post(APP_PREFIX + "/campaigns/{campaign_id}/settings/permissions")
async def save_permissions(campaign_id: str, request: Request, session: SessionDep) -> Response:
    """The ticked managers get access, the other managers the form showed lose it; the
    access of everyone else (managers on another page, deactivated users) stays as it
    is. A form without ``shown_ids`` stands for every active manager."""
    form = await _read(request, max_bytes=FORM_BYTES)
    who, job = _campaign(request, session, campaign_id)
    page = _page_number(form.get("page"))
    ticked = _ids(form.getlist("manager_ids"))
    if "shown_ids" in form:
        shown = set(_ids(_text(form, "shown_ids").split(",")))
    else:
        shown = set(
            session.scalars(
                select(User.id).where(
                    User.company_id == who.company.id, User.role == "manager", User.active
                )
            )
        )
    stored = campaign_settings_of(job).manager_ids
    ids = [i for i in stored if i not in shown or i in ticked]
    ids += [i for i in ticked if i not in ids]
    try:
        campaigns.update_campaign(
            session, job, None, _actor(who.user), settings={"campaign": {"manager_ids": ids}}
        )
    except DomainError as exc:
        return _permissions_page(
            request,
            session,
            who,
            job,
            ticked,
            page=page,
            errors=_field_errors(who.user.language, exc, "permissions"),
            wizard=_text(form, "wizard") == "1",
        )
    if not campaigns.can_see(who.user, job):  # a manager took themselves off
        return redirect(request, APP_PREFIX)
    return _after_save(request, job, "permissions", form, extra=f"&page={page}" if page > 1 else "")


# --- messages -----------------------------------------------------------------------------


def _sms_info(text: str) -> dict[str, Any]:
    # Counted as stored: a browser sends the textarea's line breaks as "\r\n".
    info = sms_length(normalize_newlines(text))
    return {"length": info.length, "encoding": info.encoding, "segments": info.segments}


# A start tag of cleaned HTML (nh3 writes every attribute value in double quotes), and an
# address attribute in it.
_START_TAG = re.compile(r"""<[A-Za-z][A-Za-z0-9]*(?:\s+[^\s"'>/=]+(?:="[^"]*")?)*\s*/?>""")
_ADDRESS = re.compile(r'\s(href|src)="([^"]*)"')


def _has_token(value: str) -> bool:
    text = unescape(value)
    return "{{" in text or any(name in TOKEN_IDS for name in find_tokens(text))


def _inert_addresses(tag: str) -> str:
    titled = re.search(r'\stitle="', tag) is not None

    def inert(match: re.Match[str]) -> str:
        attribute, value = match.group(1), match.group(2)
        if not _has_token(value):
            return match.group(0)
        if attribute == "href":  # goes nowhere; the address shown on hover
            return ' href="#"' if titled else f' href="#" title="{value}"'
        return ""  # an image whose address is a token: not loaded

    return _ADDRESS.sub(inert, tag)


def email_preview_html(html: str) -> str:
    """The email preview of the settings page: the template cleaned as it is sent, but a
    link or image whose address holds a token (``{{messenger_interview_link}}``) has no
    address before the message is sent. Read as relative URLs, they led to 404 pages of
    the app: in the preview such a link goes nowhere (``#``) and such an image is not
    loaded. What is stored and sent is unchanged."""
    return _START_TAG.sub(lambda tag: _inert_addresses(tag.group(0)), clean_template_html(html))


def _messages_page(
    request: Request, who: Any, job: Job, kind: str, values: dict[str, Any], **extra: Any
) -> Response:
    try:
        preview_html = email_preview_html(values["email_html"])
    except Exception:  # pragma: no cover - nh3 cleans anything
        preview_html = ""
    return _page(
        request,
        who,
        job,
        "messages.html",
        {
            "kinds": MESSAGE_KINDS,
            "kind": kind,
            "kind_names": KIND_NAMES,
            "kind_help": KIND_HELP,
            "values": values,
            "sms": _sms_info(values["sms"]),
            "preview_html": preview_html,
            "tokens": [(t.id, TOKEN_HELP.get(t.id, t.description)) for t in TOKENS],
            **extra,
        },
        section="messages",
        status=400 if extra.get("errors") else 200,
    )


def _kind(raw: str | None) -> str:
    return raw if raw in MESSAGE_KINDS else MESSAGE_KINDS[0]


@router.get(APP_PREFIX + "/campaigns/{campaign_id}/settings/messages")
def messages(campaign_id: str, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    kind = _kind(request.query_params.get("kind"))
    values = getattr(messaging_settings_of(job), kind).model_dump()
    return _messages_page(request, who, job, kind, values)


@router.post(APP_PREFIX + "/campaigns/{campaign_id}/settings/messages")
async def save_messages(campaign_id: str, request: Request, session: SessionDep) -> Response:
    form = await _read(request, max_bytes=FORM_BYTES)
    who, job = _campaign(request, session, campaign_id)
    kind = _kind(_text(form, "kind", 20))
    values = {
        "enabled": form.get("enabled") == "on",
        "sms": _text(form, "sms"),
        "email_subject": _text(form, "email_subject"),
        "email_html": _text(form, "email_html"),
    }
    wizard = _text(form, "wizard") == "1"
    if _text(form, "action", 20) == "preview":
        return _messages_page(request, who, job, kind, values, previewed=True, wizard=wizard)
    try:
        campaigns.update_campaign(
            session, job, None, _actor(who.user), settings={"messages": {kind: values}}
        )
    except DomainError as exc:
        return _messages_page(
            request,
            who,
            job,
            kind,
            values,
            errors=_field_errors(who.user.language, exc, "messages"),
            wizard=wizard,
        )
    return _after_save(request, job, "messages", form, extra=f"&kind={kind}")


# --- interview creator --------------------------------------------------------------------


def _audio_names(session: Session, company_id: int, ids: set[int]) -> dict[int, str]:
    names = {}
    for file_id in ids:
        file = session.get(File, file_id)
        if file is not None and file.company_id == company_id:
            names[file_id] = file.name
    return names


def _interview_values(job: Job) -> dict[str, Any]:
    script = interview_settings_of(job)
    return {
        "segments": {s: getattr(script, s).text for s in SEGMENTS},
        "segment_audio": {s: getattr(script, s).audio_file_id for s in SEGMENTS},
        "questions": [
            {"id": q.id, "text": q.text, "answer_type": q.answer_type, "audio": q.audio_file_id}
            for q in script.questions
        ],
        "new_text": "",
        "new_type": "audio_text",
    }


def _interview_page(
    request: Request,
    session: Session,
    who: Any,
    job: Job,
    values: dict[str, Any],
    *,
    status: int | None = None,
    **extra: Any,
) -> Response:
    ids = {i for i in values["segment_audio"].values() if i}
    ids |= {q["audio"] for q in values["questions"] if q.get("audio")}
    return _page(
        request,
        who,
        job,
        "interview.html",
        {
            "values": values,
            "segment_names": SEGMENT_NAMES,
            "answer_types": ANSWER_TYPES,
            "answer_type_names": ANSWER_TYPE_NAMES,
            "audio_names": _audio_names(session, job.company_id, ids),
            "max_questions": MAX_QUESTIONS,
            **extra,
        },
        section="interview",
        status=status or (400 if extra.get("errors") else 200),
    )


@router.get(APP_PREFIX + "/campaigns/{campaign_id}/settings/interview")
def interview(campaign_id: str, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    return _interview_page(request, session, who, job, _interview_values(job))


@router.post(APP_PREFIX + "/campaigns/{campaign_id}/settings/interview")
async def save_interview(campaign_id: str, request: Request, session: SessionDep) -> Response:
    """One form for the whole script: the texts, the questions (text, answer type) and an
    operation — add, remove, move up / down — applied to what was typed, then saved."""
    form = await _read(request, max_bytes=FORM_BYTES)
    who, job = _campaign(request, session, campaign_id)
    _ = gettext_for(who.user.language)
    current = _interview_values(job)
    audio_of = {q["id"]: q["audio"] for q in current["questions"]}
    ids = [v for v in form.getlist("question_id") if isinstance(v, str)]
    texts = [v for v in form.getlist("question_text") if isinstance(v, str)]
    types = [v for v in form.getlist("question_type") if isinstance(v, str)]
    questions = [
        {
            "id": qid,
            "text": text.strip(),
            "answer_type": qtype,
            "audio": audio_of.get(qid),
        }
        for qid, text, qtype in zip(ids, texts, types, strict=False)
        if qid in audio_of
    ]
    values = {
        "segments": {s: _text(form, f"segment_{s}") for s in SEGMENTS},
        "segment_audio": current["segment_audio"],
        "questions": questions,
        "new_text": _text(form, "new_text").strip(),
        "new_type": _text(form, "new_type", 20) or "audio_text",
    }
    op, _sep, arg = _text(form, "op", 40).partition(":")
    index = int(arg) if is_ascii_digits(arg) and int(arg) < len(questions) else None
    errors: dict[str, str] = {}
    # The new question: kept out of the list shown again if the save is refused.
    added: list[dict[str, Any]] = []
    if op == "add":
        if not values["new_text"]:
            errors["new_text"] = _(REQUIRED)
        elif len(values["new_text"]) > QUESTION_TEXT_MAX:
            errors["new_text"] = _(TOO_LONG) % {"n": QUESTION_TEXT_MAX}
        elif "\x00" in values["new_text"]:
            errors["new_text"] = _(NO_NULL_CHARACTERS)
        elif len(questions) >= MAX_QUESTIONS:
            errors["new_text"] = _(TOO_MANY_QUESTIONS) % {"n": MAX_QUESTIONS}
        else:
            added.append(
                {"id": None, "text": values["new_text"], "answer_type": values["new_type"]}
            )
    elif op == "remove" and index is not None:
        questions.pop(index)
    elif op == "up" and index:
        questions[index - 1], questions[index] = questions[index], questions[index - 1]
    elif op == "down" and index is not None and index + 1 < len(questions):
        questions[index + 1], questions[index] = questions[index], questions[index + 1]
    if errors:
        return _interview_page(request, session, who, job, values, errors=errors)
    doc = {s: {"text": values["segments"][s]} for s in SEGMENTS}
    doc["questions"] = [  # type: ignore[assignment]
        {"text": q["text"], "answer_type": q["answer_type"], **({"id": q["id"]} if q["id"] else {})}
        for q in questions + added
    ]
    try:
        campaigns.update_campaign(session, job, None, _actor(who.user), settings={"interview": doc})
    except DomainError as exc:
        return _interview_page(
            request,
            session,
            who,
            job,
            values,
            errors=_field_errors(who.user.language, exc, "interview"),
            wizard=_text(form, "wizard") == "1",
        )
    if op in ("add", "remove", "up", "down"):
        wizard = "&wizard=1" if _text(form, "wizard") == "1" else ""
        return redirect(
            request,
            f"{APP_PREFIX}/campaigns/{job.id}/settings/interview?saved=1{wizard}#questions",
        )
    return _after_save(request, job, "interview", form)


@router.post(APP_PREFIX + "/campaigns/{campaign_id}/settings/interview/audio")
async def upload_audio(campaign_id: str, request: Request, session: SessionDep) -> Response:
    """An audio prompt (.wav / .mp3, checked by its bytes) for one segment or question."""
    form = await _read(request, max_bytes=UPLOAD_BYTES, max_files=1)
    who, job = _campaign(request, session, campaign_id)
    _ = gettext_for(who.user.language)
    target = _text(form, "target", 60)
    segment = target.removeprefix("segment:") if target.startswith("segment:") else None
    question_id = target.removeprefix("question:") if target.startswith("question:") else None
    upload = form.get("file")
    error_key = f"audio:{target}"
    values = _interview_values(job)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _interview_page(request, session, who, job, values, errors={error_key: _(NO_FILE)})
    data = await upload.read()
    try:
        audio.attach_question_audio(
            session,
            job,
            filename=upload.filename,
            data=data,
            storage=local_storage(settings_of(request).files_dir),
            segment=segment,
            question_id=question_id,
        )
    except audio.UnsupportedAudio:
        return _interview_page(
            request, session, who, job, values, errors={error_key: _(BAD_AUDIO)}, status=415
        )
    except DomainError as exc:
        return _interview_page(
            request, session, who, job, values, errors={error_key: _(exc.message)}
        )
    wizard = "&wizard=1" if _text(form, "wizard") == "1" else ""
    return redirect(request, f"{APP_PREFIX}/campaigns/{job.id}/settings/interview?saved=1{wizard}")


@router.get(APP_PREFIX + "/campaigns/{campaign_id}/settings/interview/audio/{file_id}")
def prompt_audio(campaign_id: str, file_id: str, request: Request, session: SessionDep) -> Response:
    """An audio prompt of this campaign's script, for the ``<audio>`` players."""
    who, job = _campaign(request, session, campaign_id)
    number = int(file_id) if is_ascii_digits(file_id) and len(file_id) < 19 else 0
    file = session.get(File, number) if number else None
    if (
        file is None
        or file.company_id != job.company_id
        or file.kind != "audio"
        or number not in interview_settings_of(job).audio_file_ids()
    ):
        raise PageExit(error_page(request, 404, user=who.user, company=who.company))
    try:
        data = local_storage(settings_of(request).files_dir).get(file.storage_key)
    except (FileNotFoundError, ValueError):
        raise PageExit(error_page(request, 404, user=who.user, company=who.company)) from None
    response = Response(
        data,
        media_type=file.media_type,
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(file.name)}"},
    )
    add_security_headers(response, no_store=True)
    return response


# --- Messenger ----------------------------------------------------------------------------


def _messenger_page(
    request: Request, who: Any, job: Job, values: dict[str, Any], **extra: Any
) -> Response:
    return _page(
        request,
        who,
        job,
        "messenger.html",
        {
            "values": values,
            "bot_names": BOT_NAMES,
            "field_max": MESSENGER_FIELD_MAX,
            **extra,
        },
        section="messenger",
        status=400 if extra.get("errors") else 200,
    )


@router.get(APP_PREFIX + "/campaigns/{campaign_id}/settings/messenger")
def messenger(campaign_id: str, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    doc = campaign_settings_of(job).messenger
    values = doc.model_dump()
    values["info_fields"] = "\n".join(doc.info_fields)
    return _messenger_page(request, who, job, values)


@router.post(APP_PREFIX + "/campaigns/{campaign_id}/settings/messenger")
async def save_messenger(campaign_id: str, request: Request, session: SessionDep) -> Response:
    form = await _read(request, max_bytes=FORM_BYTES)
    who, job = _campaign(request, session, campaign_id)
    values = {
        "bot_integration": _text(form, "bot_integration"),
        "info_fields": _text(form, "info_fields"),
        "detailed_description": _text(form, "detailed_description"),
        "apply_url": _text(form, "apply_url").strip(),
    }
    doc = {**values, "info_fields": _lines(values["info_fields"])}
    try:
        campaigns.update_campaign(session, job, None, _actor(who.user), settings={"messenger": doc})
    except DomainError as exc:
        return _messenger_page(
            request,
            who,
            job,
            values,
            errors=_field_errors(who.user.language, exc, "messenger"),
            wizard=_text(form, "wizard") == "1",
        )
    return _after_save(request, job, "messenger", form)


# --- AI settings --------------------------------------------------------------------------


def _ai_page(
    request: Request, who: Any, job: Job, values: dict[str, Any], **extra: Any
) -> Response:
    return _page(
        request,
        who,
        job,
        "ai.html",
        {"values": values, "category_names": CATEGORY_NAMES, **extra},
        section="ai",
        status=400 if extra.get("errors") else 200,
    )


@router.get(APP_PREFIX + "/campaigns/{campaign_id}/settings/ai")
def ai(campaign_id: str, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    criteria = ai_settings.criteria_of(job)
    threshold = ai_settings.threshold_of(job)
    values = {c: "\n".join(criteria[c]) for c in (MUST, NICE, BONUS)}
    values["threshold"] = "" if threshold is None else str(threshold)
    return _ai_page(request, who, job, values)


@router.post(APP_PREFIX + "/campaigns/{campaign_id}/settings/ai")
async def save_ai(campaign_id: str, request: Request, session: SessionDep) -> Response:
    form = await _read(request, max_bytes=FORM_BYTES)
    who, job = _campaign(request, session, campaign_id)
    values = {c: _text(form, c) for c in (MUST, NICE, BONUS)}
    values["threshold"] = _text(form, "threshold").strip()
    try:
        ai_settings.update_ai_settings(
            session,
            job,
            criteria={c: _lines(values[c]) for c in (MUST, NICE, BONUS)},
            auto_reject_threshold=values["threshold"],
            actor=_actor(who.user),
        )
    except DomainError as exc:
        _ = gettext_for(who.user.language)
        errors = {
            key.removeprefix("criteria."): _(BAD_THRESHOLD)
            if key == "auto_reject_threshold"
            else _(NO_NULL_CHARACTERS)
            if detail == NULL_CHARACTER
            else _(BAD_CRITERIA)
            % {"n": ai_settings.MAX_CRITERIA, "length": ai_settings.MAX_CRITERION_LENGTH}
            for key, detail in (exc.details or {}).items()
        }
        return _ai_page(
            request, who, job, values, errors=errors, wizard=_text(form, "wizard") == "1"
        )
    return _after_save(request, job, "ai", form)
