"""Talkpush face: messaging — quick replies, sending a quick reply to a lead, the message
template library and the token list. The reference has no call that creates a quick
reply: ``POST /messaging/templates`` with ``"quick_reply": true`` does (hireloop
extension), and ``PATCH /messaging/templates/{id}`` changes one."""

from __future__ import annotations

import re
from typing import Any

from fastapi.responses import JSONResponse

from hireloop.api.deps import SessionDep
from hireloop.api.leads.auth import PREFIX, LeadsKeyDep
from hireloop.api.leads.company_routes import paging
from hireloop.api.leads.payload import Payload, PayloadDep, no_files, text_value
from hireloop.api.leads.routing import LeadsRouter
from hireloop.domain.applications.service import get_application
from hireloop.domain.messaging import library
from hireloop.domain.messaging.models import MessageTemplate
from hireloop.domain.messaging.service import send_template
from hireloop.domain.messaging.tokens import Token, to_handlebars
from hireloop.errors import Invalid, NotFound, Unprocessable

router = LeadsRouter(tags=["Leads (Talkpush): messaging"])

# Talkpush channel names -> hireloop channels (None: not available yet).
_CHANNELS: dict[str, str | None] = {
    "sms": "sms",
    "email": "email",
    "lastchannel": "last",
    "messenger": None,
    "whatsapp": None,
}
_DIGITS = re.compile(r"[0-9]{1,18}")
_TEMPLATE_FIELDS = ("name", "content", "type", "sub_type", "category", "locale")


def _token(token: Token) -> dict[str, Any]:
    # Every hireloop token is a system token: the reference gives those a null description.
    return {"id": token.id, "display_name": token.display_name, "description": None}


def _template(template: MessageTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "name": template.name,
        "content": to_handlebars(template.content),
        "type": template.type,
        "sub_type": library.sub_type_of(template),
        "locale": library.locale_of(template),
        "category": template.category,
        "settings": library.public_settings(template),
        "quick_reply": template.is_quick_reply,
        "tokens": [_token(t) for t in library.tokens_in(template.content)],
        "created_at": template.created_at.isoformat(),
        "updated_at": template.updated_at.isoformat(),
    }


def _int(value: object, name: str, *, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    text = str(value).strip()
    if isinstance(value, bool) or not _DIGITS.fullmatch(text) or int(text) < 1:
        raise Invalid(f"{name} must be a positive integer.", details={name: "positive integer"})
    return int(text)


def _template_fields(payload: Payload) -> dict[str, Any]:
    """The template attributes sent, in ``message_template`` or at the top level, merged
    key by key: a field sent in both is read from ``message_template``, except
    ``quick_reply``, which must then say the same in both (422 otherwise). A file in any
    of them (a text field, a settings value) is refused (400 ``content must not be a
    file.``): no file is kept in a template."""
    wrapped = payload.get("message_template")
    sources = [payload, wrapped] if isinstance(wrapped, dict) else [payload]
    fields: dict[str, Any] = {}
    for data in sources:
        fields.update({f: text_value(data[f], f) for f in _TEMPLATE_FIELDS if f in data})
        if "settings" in data:
            no_files(data["settings"], "settings")
            fields["settings"] = data["settings"]
        if "quick_reply" in data:
            flag = _flag(data["quick_reply"], "quick_reply")
            if fields.setdefault("quick_reply", flag) != flag:
                raise Unprocessable(
                    "quick_reply is sent twice with different values.",
                    code="validation_failed",
                    details={"quick_reply": "differs between the top level and message_template"},
                )
    return fields


def _flag(value: object, name: str) -> bool:
    """A boolean: JSON true/false, or (form, query) true/false/1/0."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else None
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise Unprocessable(
        f"{name} must be true or false.",
        code="validation_failed",
        details={name: "must be true or false"},
    )


@router.get(f"{PREFIX}/messaging/quick_replies", summary="List the company's quick replies")
def list_quick_replies(session: SessionDep, key: LeadsKeyDep) -> dict[str, Any]:
    replies = library.list_quick_replies(session, key.company_id)
    if not replies:
        raise NotFound("Quick Replies not found for this company")
    return {"quick_replies": [{"id": r.id, "title": r.name, "content": r.content} for r in replies]}


@router.post(f"{PREFIX}/messaging/messages", summary="Send a quick reply to a lead")
def send_message(session: SessionDep, key: LeadsKeyDep, payload: PayloadDep) -> dict[str, Any]:
    message = payload.get("message")
    if not isinstance(message, dict):
        raise Invalid("Missing parameter: message.", details={"message": "is required"})
    missing = [
        f"message[{f}]"
        for f in ("campaign_invitation_id", "channel", "quick_reply_id")
        if message.get(f) in (None, "")
    ]
    if missing:
        raise Invalid(
            "Missing parameters: " + ", ".join(missing), details={m: "is required" for m in missing}
        )
    application_id = _int(message["campaign_invitation_id"], "campaign_invitation_id")
    quick_reply_id = _int(message["quick_reply_id"], "quick_reply_id")
    assert application_id is not None and quick_reply_id is not None
    name = (text_value(message["channel"], "channel") or "").strip()
    if name.lower() not in _CHANNELS:
        raise Invalid(
            f"Unknown channel {name!r}: use SMS, Email or LastChannel.",
            details={"channel": "one of Messenger, SMS, Email, Whatsapp, LastChannel"},
        )
    channel = _CHANNELS[name.lower()]
    if channel is None:
        raise Invalid(
            f"The {name} channel is not available yet: use SMS, Email or LastChannel.",
            details={"channel": "not available yet"},
        )
    try:
        application = get_application(session, key.company_id, application_id)
    except NotFound:
        raise NotFound("Campaign Invitation not found") from None
    quick_reply = library.get_quick_reply(session, key.company_id, quick_reply_id)
    sent = send_template(session, application, quick_reply, channel, author_type="user")
    if sent.status == "failed":
        # Not sendable as written (an SMS over 1600 characters): the caller is told, and
        # nothing is kept.
        raise Invalid(sent.error or "The message cannot be sent.", details={"message": "not sent"})
    return {"message": "Message is being sent.", "message_id": sent.id, "channel": sent.channel}


@router.get(f"{PREFIX}/messaging/templates", summary="List message templates")
def list_templates(session: SessionDep, key: LeadsKeyDep, payload: PayloadDep) -> JSONResponse:
    page, per_page = paging(payload)  # as every paged list of the face
    result = library.list_templates(
        session,
        key.company_id,
        name=text_value(payload.get("name"), "name"),
        type=text_value(payload.get("type"), "type"),
        category=text_value(payload.get("category"), "category"),
        page=page,
        per_page=per_page,
    )
    return JSONResponse(
        {"message_templates": [_template(t) for t in result.items]},
        headers={"X-Total-Count": str(result.total), "X-Page-Count": str(result.total_pages)},
    )


@router.post(f"{PREFIX}/messaging/templates", summary="Create a message template", status_code=201)
def create_template(session: SessionDep, key: LeadsKeyDep, payload: PayloadDep) -> JSONResponse:
    fields = _template_fields(payload)
    template = library.create_template(
        session,
        key.company_id,
        name=fields.get("name"),
        content=fields.get("content"),
        type=fields.get("type"),
        sub_type=fields.get("sub_type"),
        category=fields.get("category"),
        locale=fields.get("locale"),
        settings=fields.get("settings"),
        quick_reply=fields.get("quick_reply", False),
    )
    return JSONResponse({"message_template": _template(template)}, status_code=201)


@router.patch(f"{PREFIX}/messaging/templates/{{template_id}}", summary="Update a message template")
def update_template(
    template_id: int, session: SessionDep, key: LeadsKeyDep, payload: PayloadDep
) -> dict[str, Any]:
    template = library.update_template(
        session, key.company_id, template_id, _template_fields(payload)
    )
    return {"message_template": _template(template)}


@router.get(f"{PREFIX}/messaging/tokens", summary="List the message tokens")
def list_tokens(key: LeadsKeyDep, payload: PayloadDep) -> dict[str, Any]:
    return {
        "tokens": [
            _token(t)
            for t in library.list_tokens(text_value(payload.get("display_name"), "display_name"))
        ]
    }
