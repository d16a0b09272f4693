"""The channels a message leaves by, behind one interface (``Channel.send``):

- ``SmtpChannel``: emails over SMTP (``HIRELOOP_SMTP_URL``), the company name as sender.
- ``SmsChannel``: SMS through the Twilio-compatible provider (``HIRELOOP_SMS_*``); the
  provider's message id is kept so its signed status callbacks can update the message.
- ``DevChannel``: only records the message (status ``stored``) — emails when no SMTP
  server is configured (the stored mailbox), SMS when no SMS account is configured, and
  messages written for the ``dev`` channel.

A channel sets the message's status and raises ``RetryLater`` when the provider could not
take it now; after ``outbox_max_attempts`` attempts, or a refusal for good, the message
is ``failed`` with the provider's reason in ``error``. The SMS provider refusing our
credentials or account (HTTP 401/403/404) is logged as an error and retried like an
outage: fixing the settings lets the waiting messages go.

A channel that calls a provider splits its send in three for the relay (see
delivery.py): ``check`` (no network), ``transmit`` (the network call only, run with no
database transaction open) and ``record_attempt`` (the outcome, in a short transaction).
Any 2xx answer of the SMS provider is the message taken, even without its id. An
unexpected error during the call fails the message with the error: the provider may have
taken it, so it is never sent again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.sms import too_long
from hireloop.domain.outbox.service import RetryLater, backoff
from hireloop.integrations.sms import SmsError, SmsProvider, send_sms
from hireloop.integrations.smtp import SmtpError, build_email, parse_smtp_url, send_email

log = logging.getLogger(__name__)

STATUS_CALLBACK_PATH = "/hooks/sms/status"
# A provider's Retry-After is honoured up to this long (the longest backoff).
MAX_RETRY_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Attempt:
    """What one call to the provider gave. ``accepted``: the provider took the message
    (its id, when it said, in ``provider_message_id``); else ``error``, ``permanent``
    when no retry can help (a refusal for good, or an outcome unknown after an
    unexpected error: the provider may have taken the message, so it is not sent again)."""

    accepted: bool
    error: str | None = None
    permanent: bool = False
    configuration: bool = False
    unknown: bool = False  # an unexpected error: the provider may have taken it
    provider_message_id: str | None = None
    provider_status: str | None = None
    provider_error: str | None = None  # the provider took it but reports it failed
    retry_after: float | None = None  # seconds the provider asked us to wait before a retry


class Channel(Protocol):
    name: str
    # Whether sending calls a provider over the network (then done outside transactions).
    network: bool

    def check(self, message: Message, settings: Settings, now: datetime) -> str | None:
        """Why ``message`` can never leave by this channel (no retry helps), or None."""
        ...

    def transmit(self, message: Message, settings: Settings, now: datetime) -> Attempt:
        """Call the provider (no database access); never raises."""
        ...

    def send(self, message: Message, settings: Settings, now: datetime) -> str:
        """Send ``message``; returns its new status (raises ``RetryLater``)."""
        ...


def _unknown_outcome(exc: Exception) -> Attempt:
    """An unexpected error while the provider was called: it may have taken the message,
    so the message fails with the error instead of being sent again."""
    log.exception("unexpected error while sending a message")
    return Attempt(
        accepted=False,
        error=(
            f"Unexpected error while sending ({type(exc).__name__}: {exc}); the provider "
            "may have taken the message, so it was not sent again."
        ),
        permanent=True,
        unknown=True,
    )


def record_attempt(message: Message, settings: Settings, now: datetime, attempt: Attempt) -> str:
    """Record ``attempt`` (already counted in ``message.attempts``) on ``message``;
    returns its status, or raises ``RetryLater`` when the provider may take it later."""
    if attempt.accepted:
        if attempt.provider_message_id:
            message.provider_message_id = attempt.provider_message_id
        if attempt.provider_status:
            message.provider_status = attempt.provider_status
        if attempt.provider_error is not None:
            message.status = "failed"
            message.error = attempt.provider_error
            return message.status
        message.status = "sent"
        message.sent_at = utcnow()
        message.error = None
        return message.status
    if attempt.configuration:
        log.error(
            "%s configuration error, message %s will be retried: %s",
            message.channel.upper(),
            message.id,
            attempt.error,
        )
    if attempt.permanent and not attempt.unknown and message.channel == "sms":
        message.provider_status = "failed"
    return _failed_attempt(
        message,
        settings,
        now,
        attempt.error or "not sent",
        permanent=attempt.permanent,
        retry_after=attempt.retry_after,
    )


def _send_now(channel: Channel, message: Message, settings: Settings, now: datetime) -> str:
    """Count the attempt, call the provider and record the outcome, all at once."""
    message.attempts += 1
    problem = channel.check(message, settings, now)
    if problem:
        return _failed_attempt(message, settings, now, problem, permanent=True)
    return record_attempt(message, settings, now, channel.transmit(message, settings, now))


def message_id_header(message: Message, from_address: str) -> str:
    """A Message-ID that stays the same for every attempt at one message."""
    domain = from_address.rpartition("@")[2] or "hireloop.local"
    created = int(message.created_at.timestamp()) if message.created_at else 0
    return f"<hireloop.{message.id}.{created}@{domain}>"


def _failed_attempt(
    message: Message,
    settings: Settings,
    now: datetime,
    error: str,
    *,
    permanent: bool,
    retry_after: float | None = None,
) -> str:
    message.error = error[:2000]
    if permanent or message.attempts >= settings.outbox_max_attempts:
        message.status = "failed"
        log.warning("message %s failed for good: %s", message.id, message.error)
        return message.status
    message.status = "queued"  # from "sending" (a claim): the retry takes it again
    delay = backoff(message.attempts)
    if retry_after is not None:  # the provider's wish, within the longest backoff
        wait = min(retry_after, MAX_RETRY_AFTER.total_seconds())  # before timedelta: 1e300
        delay = max(delay, timedelta(seconds=wait))
    raise RetryLater(now + delay, message.error)


class DevChannel:
    """Records the message and sends nothing."""

    name = "dev"
    network = False

    def check(self, message: Message, settings: Settings, now: datetime) -> str | None:
        return None

    def transmit(self, message: Message, settings: Settings, now: datetime) -> Attempt:
        return Attempt(accepted=True)

    def send(self, message: Message, settings: Settings, now: datetime) -> str:
        message.status = "stored"
        message.error = None
        return message.status


class SmtpChannel:
    name = "smtp"
    network = True

    def _email(self, message: Message, settings: Settings, now: datetime) -> EmailMessage:
        return build_email(
            from_name=message.from_name,
            from_address=settings.smtp_from_address,
            to_address=message.to_address,
            subject=message.subject or "",
            text=message.body_text,
            html=message.body_html,
            message_id=message_id_header(message, settings.smtp_from_address),
            date=now,
        )

    def check(self, message: Message, settings: Settings, now: datetime) -> str | None:
        try:
            self._email(message, settings, now)
        except ValueError as exc:
            # An address no email can carry (a line break in it): no retry will help.
            return f"Cannot write this email: {exc}"
        return None

    def transmit(self, message: Message, settings: Settings, now: datetime) -> Attempt:
        assert settings.smtp_url
        try:
            server = parse_smtp_url(settings.smtp_url, timeout=settings.smtp_timeout_seconds)
        except ValueError as exc:
            error = f"Invalid HIRELOOP_SMTP_URL: {exc}"
            return Attempt(accepted=False, error=error, configuration=True)
        try:
            send_email(server, self._email(message, settings, now))
        except SmtpError as exc:
            return Attempt(accepted=False, error=str(exc), permanent=exc.permanent)
        except Exception as exc:  # noqa: BLE001 - the outcome is unknown: never resent
            return _unknown_outcome(exc)
        return Attempt(accepted=True)

    def send(self, message: Message, settings: Settings, now: datetime) -> str:
        return _send_now(self, message, settings, now)


def sms_provider(settings: Settings) -> SmsProvider | None:
    """The configured SMS provider, or None (SMS then go to the dev channel)."""
    if not (settings.sms_account_sid and settings.sms_auth_token and settings.sms_from_number):
        return None
    return SmsProvider(
        account_sid=settings.sms_account_sid,
        auth_token=settings.sms_auth_token,
        from_number=settings.sms_from_number,
        base_url=settings.sms_base_url,
        timeout=settings.sms_timeout_seconds,
    )


def status_callback_url(settings: Settings, message: Message) -> str:
    """Where the provider reports this message's status. Our message id rides along (the
    URL is part of the provider's signature), so a report that arrives before the
    provider's id is committed still finds its message."""
    return f"{settings.base_url.rstrip('/')}{STATUS_CALLBACK_PATH}?message={message.id}"


class SmsChannel:
    name = "sms"
    network = True

    def __init__(self, provider: SmsProvider) -> None:
        self.provider = provider

    def check(self, message: Message, settings: Settings, now: datetime) -> str | None:
        return too_long(message.body_text)

    def transmit(self, message: Message, settings: Settings, now: datetime) -> Attempt:
        try:
            receipt = send_sms(
                self.provider,
                to=message.to_address,
                body=message.body_text,
                status_callback=status_callback_url(settings, message),
            )
        except SmsError as exc:
            return Attempt(
                accepted=False,
                error=str(exc),
                permanent=exc.permanent,
                configuration=exc.configuration,
                retry_after=exc.retry_after,
            )
        except Exception as exc:  # noqa: BLE001 - the outcome is unknown: never resent
            return _unknown_outcome(exc)
        failed = receipt.status in ("failed", "undelivered")
        return Attempt(
            accepted=True,
            provider_message_id=receipt.sid,
            provider_status=receipt.status,
            provider_error=f"{receipt.error_code}: {receipt.error_message}" if failed else None,
        )

    def send(self, message: Message, settings: Settings, now: datetime) -> str:
        return _send_now(self, message, settings, now)


def channel_for(message: Message, settings: Settings) -> Channel:
    """The channel that delivers ``message`` with these settings."""
    if message.channel == "email" and settings.smtp_url:
        return SmtpChannel()
    if message.channel == "sms":
        provider = sms_provider(settings)
        if provider is not None:
            return SmsChannel(provider)
    return DevChannel()
