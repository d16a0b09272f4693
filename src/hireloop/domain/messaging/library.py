"""The company's message library: templates (Talkpush ``/messaging/templates``) and quick
replies (``/messaging/quick_replies``), both MessageTemplate rows, and the token list.
Quick replies are created and changed through the templates calls with ``quick_reply``
(the reference documents no call of their own).

Saving checks, all before anything is written:
- required fields (``missing_params``), the type (``invalid_type``);
- every token in the content and the email subject is known, and nothing is written like
  a token without being one (``invalid_tokens``, with the offending names or, for a
  misspelled token such as ``{{candidate-name}}``, the text as written);
- email HTML holds no scripts, frames or event handlers (``validation_failed``) and is
  stored sanitized, its tokens written ``{{name}}`` so sanitizing keeps them intact. The
  tokens are checked again in the sanitized HTML with its entities decoded, as the email
  will show it (``&#64;bogus`` is ``@bogus``);
- text content (every type but email) has its line breaks stored as ``\n`` (a browser
  sends ``\r\n``), and an SMS template or quick reply holds at most 1600 characters, the
  most one SMS can carry (``validation_failed``);
- a template that stops being an email needs new content: its HTML is not sent as text
  (``validation_failed``).

``sub_type`` and ``locale`` (Talkpush template attributes without a column of their own)
live in ``settings["_api"]``, which, like Talkpush's internal ``content_state``, is never
returned as part of ``settings``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import LIKE_ESCAPE, contains_pattern
from hireloop.domain.ids import MAX_ID
from hireloop.domain.messaging import tokens
from hireloop.domain.messaging.models import MessageTemplate
from hireloop.domain.messaging.sanitize import check_template_html
from hireloop.domain.messaging.sms import normalize_newlines, too_long
from hireloop.domain.pagination import Page
from hireloop.errors import Invalid, NotFound, Unprocessable

TEMPLATE_TYPES = ("email", "sms", "whatsapp", "messenger", "calendar")
# ``calendar`` templates are not created through the API (as in Talkpush).
WRITABLE_TYPES = ("email", "sms", "whatsapp", "messenger")
REQUIRED_FIELDS = ("name", "content", "type", "sub_type", "category")
# A quick reply is text with tokens, sent on the channel chosen when it is sent: it has a
# title (``name``) and a content, and may have the rest; its type, if given, is sms.
QUICK_REPLY_REQUIRED_FIELDS = ("name", "content")
QUICK_REPLY_TYPES = ("sms",)
DEFAULT_LOCALE = "en"
TEMPLATE_NOT_FOUND = "Template not found."
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
_INTERNAL = "_api"
_HIDDEN_SETTINGS = (_INTERNAL, "content_state")
_MAX_LENGTHS = {"name": 200, "category": 100, "sub_type": 100, "locale": 35}


# Reading -------------------------------------------------------------------------------


def sub_type_of(template: MessageTemplate) -> str | None:
    return (template.settings or {}).get(_INTERNAL, {}).get("sub_type")


def locale_of(template: MessageTemplate) -> str:
    return (template.settings or {}).get(_INTERNAL, {}).get("locale") or DEFAULT_LOCALE


def public_settings(template: MessageTemplate) -> dict[str, Any]:
    """The template's settings as clients see them (internal keys removed)."""
    return {k: v for k, v in (template.settings or {}).items() if k not in _HIDDEN_SETTINGS}


def tokens_in(text: str) -> list[tokens.Token]:
    """The known tokens ``text`` uses, in order of first use."""
    by_id = {t.id: t for t in tokens.TOKENS}
    return [by_id[name] for name in tokens.find_tokens(text) if name in by_id]


def list_tokens(display_name: str | None = None) -> list[tokens.Token]:
    """Every token a template may use; ``display_name`` filters (case-insensitive, partial)."""
    needle = (display_name or "").strip().lower()
    return [t for t in tokens.TOKENS if needle in t.display_name.lower()]


def _check_type(type_: str | None, allowed: tuple[str, ...]) -> str | None:
    if type_ is None:
        return None
    clean = str(type_).strip().lower()
    if clean not in allowed:
        note = ""
        if allowed == QUICK_REPLY_TYPES:
            note = " (a quick reply is text; its channel is chosen when it is sent)"
        elif clean == "calendar":
            note = " (calendar templates are not supported through the API)"
        raise Unprocessable(
            f"Invalid type {type_!r}: must be one of {', '.join(allowed)}{note}.",
            code="invalid_type",
            details={"type": f"must be one of {', '.join(allowed)}"},
        )
    return clean


def list_templates(
    session: Session,
    company_id: int,
    *,
    name: str | None = None,
    type: str | None = None,
    category: str | None = None,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
) -> Page[MessageTemplate]:
    """The company's templates (not its quick replies), oldest first: ``name`` matches
    part of the name (any case), ``type`` and ``category`` exactly. ``per_page`` is capped
    at 100."""
    type_ = _check_type(type, TEMPLATE_TYPES)
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    where = [MessageTemplate.company_id == company_id, MessageTemplate.is_quick_reply.is_(False)]
    if name and name.strip():
        where.append(
            func.lower(MessageTemplate.name).like(
                contains_pattern(name.strip().lower()), escape=LIKE_ESCAPE
            )
        )
    if type_:
        where.append(MessageTemplate.type == type_)
    if category is not None and category.strip():
        where.append(MessageTemplate.category == category.strip())
    total = session.scalar(select(func.count()).select_from(MessageTemplate).where(*where)) or 0
    items = list(
        session.scalars(
            select(MessageTemplate)
            .where(*where)
            .order_by(MessageTemplate.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def _is_row_id(value: int) -> bool:
    """Whether ``value`` can be a row id (the database cannot bind a larger integer)."""
    return 1 <= value <= MAX_ID


def get_template(session: Session, company_id: int, template_id: int) -> MessageTemplate:
    if not _is_row_id(template_id):
        raise NotFound(TEMPLATE_NOT_FOUND)
    template = session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.company_id == company_id,
            MessageTemplate.id == template_id,
            MessageTemplate.is_quick_reply.is_(False),
        )
    )
    if template is None:
        raise NotFound(TEMPLATE_NOT_FOUND)
    return template


def _library_entry(session: Session, company_id: int, entry_id: int) -> MessageTemplate:
    """A template or a quick reply of the company (one id space)."""
    if not _is_row_id(entry_id):
        raise NotFound(TEMPLATE_NOT_FOUND)
    entry = session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.company_id == company_id, MessageTemplate.id == entry_id
        )
    )
    if entry is None:
        raise NotFound(TEMPLATE_NOT_FOUND)
    return entry


def list_quick_replies(session: Session, company_id: int) -> list[MessageTemplate]:
    """The company's quick replies, by title."""
    return list(
        session.scalars(
            select(MessageTemplate)
            .where(
                MessageTemplate.company_id == company_id,
                MessageTemplate.is_quick_reply.is_(True),
            )
            .order_by(MessageTemplate.name, MessageTemplate.id)
        )
    )


def get_quick_reply(session: Session, company_id: int, quick_reply_id: int) -> MessageTemplate:
    if not _is_row_id(quick_reply_id):
        raise NotFound("Quick Reply not found")
    quick_reply = session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.company_id == company_id,
            MessageTemplate.id == quick_reply_id,
            MessageTemplate.is_quick_reply.is_(True),
        )
    )
    if quick_reply is None:
        raise NotFound("Quick Reply not found")
    return quick_reply


# Writing -------------------------------------------------------------------------------


SUBJECT_FIELD = "settings.subject_line"


def check_tokens(texts: dict[str, str | None], *, html: bool = False) -> None:
    """Unprocessable ``invalid_tokens`` when any of ``texts`` (field name -> text) uses an
    unknown or misspelled token (``tokens.unknown_tokens``; ``html``: the texts are HTML);
    the message and ``details`` name each field at fault."""
    unknown: dict[str, None] = {}
    faults: dict[str, str] = {}
    for field, text in texts.items():
        names = tokens.unknown_tokens(text or "", html=html)
        for name in names:
            unknown[name] = None
        if names:
            faults[field] = ", ".join(names)
    if unknown:
        raise Unprocessable(
            "; ".join(f"{field} contains unrecognised tokens: {n}" for field, n in faults.items()),
            code="invalid_tokens",
            data={"invalid_tokens": list(unknown)},
            details={field: f"unknown tokens: {n}" for field, n in faults.items()},
        )


def _clean_content(content: str, type_: str) -> str:
    """The content to store: email HTML sanitized, its tokens checked again as the email
    will show them; text with ``\n`` line breaks, at most 1600 characters for an SMS."""
    if type_ != "email":
        text = normalize_newlines(content)
        problem = too_long(text) if type_ == "sms" else None
        if problem:
            raise Unprocessable(
                problem, code="validation_failed", details={"content": "at most 1600 characters"}
            )
        return text
    try:
        cleaned = check_template_html(content)
    except Invalid as exc:
        raise Unprocessable(exc.message, code="validation_failed", details=exc.details) from None
    check_tokens({"content": cleaned}, html=True)
    return cleaned


def _check_lengths(**values: str | None) -> None:
    for field, value in values.items():
        limit = _MAX_LENGTHS.get(field)
        if value is not None and limit and len(value) > limit:
            raise Unprocessable(
                f"{field} must be at most {limit} characters.",
                code="validation_failed",
                details={field: f"at most {limit} characters"},
            )


def _incoming_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise Unprocessable(
            "settings must be an object.",
            code="validation_failed",
            details={"settings": "must be an object"},
        )
    return {k: v for k, v in settings.items() if k not in _HIDDEN_SETTINGS}


def _subject_line(settings: dict[str, Any]) -> str | None:
    subject = settings.get("subject_line")
    if subject is None:
        return None
    if not isinstance(subject, str) or len(subject) > 500:
        raise Unprocessable(
            "settings.subject_line must be a text of at most 500 characters.",
            code="validation_failed",
            details={"settings.subject_line": "at most 500 characters"},
        )
    return subject


def create_template(
    session: Session,
    company_id: int,
    *,
    name: str | None,
    content: str | None,
    type: str | None,
    sub_type: str | None,
    category: str | None,
    locale: str | None = None,
    settings: dict[str, Any] | None = None,
    quick_reply: bool = False,
    created_by_user_id: int | None = None,
) -> MessageTemplate:
    """Save a new template, or a quick reply when ``quick_reply`` (only ``name``, its
    title, and ``content`` required; text, type sms), after the checks of the module
    docstring (nothing is written when one fails)."""
    given = {"name": name, "content": content, "type": type, "sub_type": sub_type}
    given["category"] = category
    required = QUICK_REPLY_REQUIRED_FIELDS if quick_reply else REQUIRED_FIELDS
    missing = [f for f in required if given[f] is None or not str(given[f]).strip()]
    if missing:
        raise Unprocessable(
            "Missing required parameters: " + ", ".join(missing),
            code="missing_params",
            details={f: "is required" for f in missing},
        )
    assert name and content
    type_ = _check_type(type, QUICK_REPLY_TYPES if quick_reply else WRITABLE_TYPES)
    type_ = type_ or QUICK_REPLY_TYPES[0]
    extra = _incoming_settings(settings)
    subject = _subject_line(extra)
    check_tokens({"content": content, SUBJECT_FIELD: subject})
    _check_lengths(
        name=name.strip(),
        category=category.strip() if category else None,
        sub_type=sub_type,
        locale=locale,
    )
    cleaned = _clean_content(content, type_)
    internal = {"sub_type": sub_type.strip() if sub_type else None}
    internal["locale"] = (locale or DEFAULT_LOCALE).strip()
    template = MessageTemplate(
        company_id=company_id,
        name=name.strip(),
        type=type_,
        category=category.strip() if category and category.strip() else None,
        is_quick_reply=quick_reply,
        subject=subject,
        content=cleaned,
        settings={**extra, _INTERNAL: internal},
        created_by_user_id=created_by_user_id,
    )
    session.add(template)
    session.flush()
    return template


def update_template(
    session: Session, company_id: int, template_id: int, changes: dict[str, Any]
) -> MessageTemplate:
    """Change the fields present in ``changes`` (name, content, type, sub_type, category,
    locale; ``settings`` is merged into the current settings). Content is re-checked,
    and email HTML again when the type becomes email; an email template changed to
    another type needs new (text) content in the same call. A quick reply is changed the
    same way (its type stays sms); ``quick_reply`` may be sent but not changed. NotFound
    for another company's template; nothing changes when a check fails."""
    template = _library_entry(session, company_id, template_id)
    if "quick_reply" in changes and bool(changes["quick_reply"]) != template.is_quick_reply:
        raise Unprocessable(
            "A template cannot be made a quick reply, nor a quick reply a template: "
            "create a new one.",
            code="validation_failed",
            details={"quick_reply": "cannot be changed"},
        )
    for field in ("name", "content", "type", "sub_type", "category", "locale"):
        value = changes.get(field)
        if field in changes and (value is None or not str(value).strip()):
            raise Unprocessable(
                f"{field} must not be empty.",
                code="validation_failed",
                details={field: "must not be empty"},
            )
    allowed = QUICK_REPLY_TYPES if template.is_quick_reply else WRITABLE_TYPES
    type_ = _check_type(changes.get("type"), allowed) or template.type
    if template.type == "email" and type_ != "email" and "content" not in changes:
        raise Unprocessable(
            f"An email template's content is HTML: send the {type_} text as content "
            "together with the new type.",
            code="validation_failed",
            details={"content": f"is required to change the type to {type_}"},
        )
    merged = dict(template.settings or {})
    if "settings" in changes:
        merged.update(_incoming_settings(changes["settings"]))
    subject = _subject_line(merged)
    content = changes.get("content")
    check_tokens({"content": content, SUBJECT_FIELD: subject if "settings" in changes else None})
    _check_lengths(
        name=changes.get("name"),
        category=changes.get("category"),
        sub_type=changes.get("sub_type"),
        locale=changes.get("locale"),
    )
    if content is not None or type_ != template.type:
        template.content = _clean_content(
            content if content is not None else template.content, type_
        )
    internal = dict(merged.get(_INTERNAL) or {})
    for field in ("sub_type", "locale"):
        if field in changes:
            internal[field] = str(changes[field]).strip()
    merged[_INTERNAL] = internal
    if "name" in changes:
        template.name = str(changes["name"]).strip()
    if "category" in changes:
        template.category = str(changes["category"]).strip()
    template.type = type_
    template.subject = subject
    template.settings = merged
    session.flush()
    return template


def create_quick_reply(
    session: Session,
    company_id: int,
    *,
    title: str,
    content: str,
    subject: str | None = None,
    category: str | None = None,
    created_by_user_id: int | None = None,
) -> MessageTemplate:
    """A company-level quick reply (text with tokens, e.g. ``<%= @candidate_name %>``),
    sent by SMS or email; ``subject`` is used when it goes by email. The same checks as
    ``POST /messaging/templates`` with ``quick_reply: true``."""
    return create_template(
        session,
        company_id,
        name=title,
        content=content,
        type=None,
        sub_type=None,
        category=category,
        settings={"subject_line": subject} if subject is not None else None,
        quick_reply=True,
        created_by_user_id=created_by_user_id,
    )
