"""Inbound webhooks of the SMS provider (Twilio-compatible), both signed with
``X-Twilio-Signature`` over the public URL (``HIRELOOP_BASE_URL`` + path + query) and the
form parameters, with ``HIRELOOP_SMS_AUTH_TOKEN``. A missing or wrong signature (or no
token configured) is refused with 403 and changes nothing.

- ``POST /hooks/sms/status[?message={id}]``: a delivery report (``MessageSid``,
  ``MessageStatus``) updates the message the provider sent.
- ``POST /hooks/sms/inbound``: a candidate's reply, stored on the application it answers;
  answered with empty TwiML (no automatic reply).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import ImmutableMultiDict

from hireloop.api.deps import SessionDep
from hireloop.domain.ids import parse_id
from hireloop.domain.messaging.service import record_inbound_sms, record_provider_status
from hireloop.errors import Forbidden, Invalid
from hireloop.integrations.sms import verify_signature

router = APIRouter(tags=["Webhooks"])

MAX_BODY_BYTES = 64 * 1024
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def _signed_form(request: Request) -> ImmutableMultiDict[str, str]:
    """The callback's form parameters, once its signature is verified (403 otherwise)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Invalid("Request body too large.")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise Invalid("Malformed form body.") from None
    params = ImmutableMultiDict(pairs)
    settings = request.app.state.settings
    query = request.url.query
    url = settings.base_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")
    if not verify_signature(
        settings.sms_auth_token,
        url,
        params,
        request.headers.get("X-Twilio-Signature"),
        signature_settings=request.headers.get("X-Twilio-Webhooks-Signature-Settings"),
    ):
        raise Forbidden("Invalid or missing X-Twilio-Signature.")
    return params


SignedForm = Annotated[ImmutableMultiDict[str, str], Depends(_signed_form)]


@router.post(
    "/hooks/sms/status",
    summary="SMS delivery report from the provider",
    status_code=204,
    response_class=Response,
)
def sms_status(form: SignedForm, session: SessionDep, message: str | None = None) -> Response:
    sid = form.get("MessageSid") or form.get("SmsSid")
    status = form.get("MessageStatus") or form.get("SmsStatus")
    if sid and status:
        record_provider_status(
            session,
            sid,
            status,
            error_code=form.get("ErrorCode") or None,
            # Not one of our ids (not digits, or beyond what the database holds): found
            # by the provider's id alone.
            message_id=parse_id(message) if message else None,
        )
    return Response(status_code=204)


@router.post(
    "/hooks/sms/inbound",
    summary="A candidate's SMS reply",
    response_class=Response,
)
def sms_inbound(form: SignedForm, session: SessionDep) -> Response:
    sender = form.get("From")
    if sender:
        record_inbound_sms(
            session,
            from_number=sender,
            body=form.get("Body") or "",
            provider_message_id=form.get("MessageSid") or form.get("SmsSid"),
        )
    return Response(EMPTY_TWIML, media_type="application/xml")
