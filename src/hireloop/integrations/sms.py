"""A client for a Twilio-compatible SMS provider (the Programmable Messaging API).

One call: ``POST {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json`` with the form
fields ``To``, ``From``, ``Body`` and ``StatusCallback``, HTTP basic auth
``AccountSid:AuthToken``. The provider answers 201 with the message as JSON (``sid``,
``status``, ``num_segments``...) and later POSTs status changes to ``StatusCallback``,
signed with ``X-Twilio-Signature`` (verified in api/hooks/sms_routes.py).

Failures are sorted for the caller: a timeout, a connection error, 429 or 5xx may pass
(``SmsError.permanent`` False, try again later). 401, 403 and 404 say our account
settings are wrong (a rotated auth token is Twilio error 20003, a wrong Account SID
20404): not this message's fault, so not permanent either, and flagged
``SmsError.configuration`` for the caller to log loudly. Any other 4xx is the provider
refusing this message for good (an invalid ``To`` number is Twilio error 21211).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from twilio.request_validator import RequestValidator, get_signature_algorithm

from hireloop.domain.ids import is_ascii_digits


class SmsError(Exception):
    """The provider did not take the message. ``permanent``: retrying will not help;
    ``configuration``: the provider refused our credentials or account, not the message."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        status_code: int | None = None,
        code: int | str | None = None,
        configuration: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status_code = status_code
        self.code = code
        self.configuration = configuration


# HTTP statuses of a request refused for our credentials or account (not for the message).
_CONFIGURATION_STATUSES = (401, 403, 404)


@dataclass(frozen=True)
class SmsProvider:
    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str
    base_url: str = "https://api.twilio.com"
    timeout: float = 10.0

    @property
    def messages_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json"


@dataclass(frozen=True)
class SmsReceipt:
    """The provider's answer: its message id (``SM...``) and status (``queued``...)."""

    sid: str
    status: str
    error_code: int | str | None = None
    error_message: str | None = None
    segments: int | None = None


def _error_text(response: httpx.Response) -> tuple[str, int | str | None]:
    try:
        data: Any = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:200]}", None
    if not isinstance(data, dict):
        return f"HTTP {response.status_code}", None
    code = data.get("code")
    message = str(data.get("message") or f"HTTP {response.status_code}")
    return (f"{code}: {message}" if code else message), code


def send_sms(
    provider: SmsProvider,
    *,
    to: str,
    body: str,
    status_callback: str | None = None,
    client: httpx.Client | None = None,
) -> SmsReceipt:
    """Hand one SMS to the provider; raises ``SmsError`` when it is not taken."""
    form = {"To": to, "From": provider.from_number, "Body": body}
    if status_callback:
        form["StatusCallback"] = status_callback
    try:
        if client is None:
            with httpx.Client(timeout=provider.timeout) as own:
                response = own.post(
                    provider.messages_url,
                    data=form,
                    auth=(provider.account_sid, provider.auth_token),
                )
        else:
            response = client.post(
                provider.messages_url,
                data=form,
                auth=(provider.account_sid, provider.auth_token),
                timeout=provider.timeout,
            )
    except httpx.TimeoutException as exc:
        raise SmsError(f"SMS provider timed out: {exc}", permanent=False) from exc
    except httpx.TransportError as exc:
        raise SmsError(f"SMS provider unreachable: {exc}", permanent=False) from exc

    if response.status_code == 429 or response.status_code >= 500:
        text, code = _error_text(response)
        raise SmsError(text, permanent=False, status_code=response.status_code, code=code)
    if response.status_code in _CONFIGURATION_STATUSES:
        text, code = _error_text(response)
        raise SmsError(
            f"SMS provider refused our account settings (HTTP {response.status_code}, {text}): "
            "check HIRELOOP_SMS_ACCOUNT_SID and HIRELOOP_SMS_AUTH_TOKEN",
            permanent=False,
            status_code=response.status_code,
            code=code,
            configuration=True,
        )
    if response.status_code >= 400:
        text, code = _error_text(response)
        raise SmsError(text, permanent=True, status_code=response.status_code, code=code)
    try:
        data = response.json()
    except ValueError as exc:
        raise SmsError(
            "SMS provider answered with invalid JSON", permanent=False, status_code=200
        ) from exc
    sid = data.get("sid") if isinstance(data, dict) else None
    if not sid:
        raise SmsError("SMS provider answered without a message sid", permanent=False)
    segments = data.get("num_segments")
    return SmsReceipt(
        sid=str(sid),
        status=str(data.get("status") or "queued"),
        error_code=data.get("error_code"),
        error_message=data.get("error_message"),
        segments=int(segments) if is_ascii_digits(str(segments or "")) else None,
    )


def verify_signature(
    auth_token: str | None,
    url: str,
    params: Any,
    signature: str | None,
    *,
    signature_settings: str | None = None,
) -> bool:
    """Whether ``signature`` (the ``X-Twilio-Signature`` header) signs this callback: the
    full public ``url`` it was sent to and its POST ``params`` (a dict or a multi-dict),
    with the account's auth token — HMAC-SHA1, or the algorithm named by the
    ``X-Twilio-Webhooks-Signature-Settings`` header. False when no token is configured."""
    if not auth_token or not signature:
        return False
    validator = RequestValidator(auth_token)
    algorithm = get_signature_algorithm(signature_settings)
    return bool(validator.validate(url, params, signature, algorithm))
