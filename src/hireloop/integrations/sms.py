"""A client for a Twilio-compatible SMS provider (the Programmable Messaging API).

One call: ``POST {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json`` with the form
fields ``To``, ``From``, ``Body`` and ``StatusCallback``, HTTP basic auth
``AccountSid:AuthToken``. The provider answers 201 with the message as JSON (``sid``,
``status``, ``num_segments``...) and later POSTs status changes to ``StatusCallback``,
signed with ``X-Twilio-Signature`` (verified in api/hooks/sms_routes.py).

Failures are sorted for the caller: a timeout, a connection error, 429 or 5xx may pass
(``SmsError.permanent`` False, try again later; after ``SmsError.retry_after`` seconds at
the earliest when the answer had a ``Retry-After`` header). 401, 403 and 404 say our account
settings are wrong (a rotated auth token is Twilio error 20003, a wrong Account SID
20404): not this message's fault, so not permanent either, and flagged
``SmsError.configuration`` for the caller to log loudly. Any other 4xx is the provider
refusing this message for good (an invalid ``To`` number is Twilio error 21211).
Any 2xx is the message taken, even with an empty, non-JSON or sid-less body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from twilio.request_validator import RequestValidator, get_signature_algorithm

from hireloop.domain.ids import is_ascii_digits
from hireloop.integrations.retry_after import retry_after_seconds


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
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status_code = status_code
        self.code = code
        self.configuration = configuration
        # Seconds the provider asked us to wait (``Retry-After`` of a 429 or 503).
        self.retry_after = retry_after


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
    """The provider's answer: its message id (``SM...``; None when an accepted answer
    carried none) and status (``queued``...)."""

    sid: str | None
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


def _post(
    client: httpx.Client, provider: SmsProvider, form: dict[str, str]
) -> tuple[int, bytes | None, httpx.Response]:
    """POST the form; returns the HTTP status, the body (None when it could not be read:
    a broken or undecodable answer after the status line) and the response."""
    with client.stream(
        "POST",
        provider.messages_url,
        data=form,
        auth=(provider.account_sid, provider.auth_token),
        timeout=provider.timeout,
    ) as response:
        try:
            body: bytes | None = response.read()
        except httpx.HTTPError:
            body = None
        return response.status_code, body, response


def send_sms(
    provider: SmsProvider,
    *,
    to: str,
    body: str,
    status_callback: str | None = None,
    client: httpx.Client | None = None,
) -> SmsReceipt:
    """Hand one SMS to the provider; raises ``SmsError`` when it is not taken.

    Any 2xx answer means the provider took the message, even when its body cannot be read
    or carries no ``sid``: the receipt then has ``sid`` None (the signed status callback,
    which carries our message id, records the provider's id later). Sending it again
    would duplicate it."""
    form = {"To": to, "From": provider.from_number, "Body": body}
    if status_callback:
        form["StatusCallback"] = status_callback
    try:
        if client is None:
            with httpx.Client(timeout=provider.timeout) as own:
                status_code, content, response = _post(own, provider, form)
        else:
            status_code, content, response = _post(client, provider, form)
    except httpx.TimeoutException as exc:
        raise SmsError(f"SMS provider timed out: {exc}", permanent=False) from exc
    except httpx.TransportError as exc:
        raise SmsError(f"SMS provider unreachable: {exc}", permanent=False) from exc
    except httpx.HTTPError as exc:
        raise SmsError(
            f"SMS provider request failed: {type(exc).__name__}: {exc}", permanent=False
        ) from exc

    if 200 <= status_code < 300:
        return _receipt(content)
    if content is None:
        text, code = f"HTTP {status_code}", None
    else:
        text, code = _error_text(response)
    if status_code == 429 or status_code >= 500:
        raise SmsError(
            text,
            permanent=False,
            status_code=status_code,
            code=code,
            retry_after=retry_after_seconds(response),
        )
    if status_code in _CONFIGURATION_STATUSES:
        raise SmsError(
            f"SMS provider refused our account settings (HTTP {status_code}, {text}): "
            "check HIRELOOP_SMS_ACCOUNT_SID and HIRELOOP_SMS_AUTH_TOKEN",
            permanent=False,
            status_code=status_code,
            code=code,
            configuration=True,
        )
    if status_code >= 400:
        raise SmsError(text, permanent=True, status_code=status_code, code=code)
    # 1xx/3xx: the provider did not take the message (no redirect is followed).
    raise SmsError(f"SMS provider answered HTTP {status_code}", permanent=False, code=code)


def _receipt(content: bytes | None) -> SmsReceipt:
    """The receipt of an accepted message (2xx) from its body, whatever the body is."""
    data: Any = None
    if content:
        try:
            data = json.loads(content)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        return SmsReceipt(sid=None, status="queued")
    sid = data.get("sid")
    segments = data.get("num_segments")
    return SmsReceipt(
        sid=str(sid) if sid else None,
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
