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
"""

from __future__ import annotations

import logging
from datetime import datetime
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


class Channel(Protocol):
    name: str

    def send(self, message: Message, settings: Settings, now: datetime) -> str:
        """Send ``message``; returns its new status (raises ``RetryLater``)."""
        ...


def message_id_header(message: Message, from_address: str) -> str:
    """A Message-ID that stays the same for every attempt at one message."""
    domain = from_address.rpartition("@")[2] or "hireloop.local"
    created = int(message.created_at.timestamp()) if message.created_at else 0
    return f"<hireloop.{message.id}.{created}@{domain}>"


def _failed_attempt(
    message: Message, settings: Settings, now: datetime, error: str, *, permanent: bool
) -> str:
    message.error = error[:2000]
    if permanent or message.attempts >= settings.outbox_max_attempts:
        message.status = "failed"
        log.warning("message %s failed for good: %s", message.id, message.error)
        return message.status
    raise RetryLater(now + backoff(message.attempts), message.error)


class DevChannel:
    """Records the message and sends nothing."""

    name = "dev"

    def send(self, message: Message, settings: Settings, now: datetime) -> str:
        message.status = "stored"
        message.error = None
        return message.status


class SmtpChannel:
    name = "smtp"

    def send(self, message: Message, settings: Settings, now: datetime) -> str:
        assert settings.smtp_url
        server = parse_smtp_url(settings.smtp_url, timeout=settings.smtp_timeout_seconds)
        message.attempts += 1
        try:
            email = build_email(
                from_name=message.from_name,
                from_address=settings.smtp_from_address,
                to_address=message.to_address,
                subject=message.subject or "",
                text=message.body_text,
                html=message.body_html,
                message_id=message_id_header(message, settings.smtp_from_address),
                date=now,
            )
        except ValueError as exc:
            # An address no email can carry (a line break in it): no retry will help, and
            # the message was left "queued" while the outbox retried it.
            reason = f"Cannot write this email: {exc}"
            return _failed_attempt(message, settings, now, reason, permanent=True)
        try:
            send_email(server, email)
        except SmtpError as exc:
            return _failed_attempt(message, settings, now, str(exc), permanent=exc.permanent)
        message.status = "sent"
        message.sent_at = utcnow()
        message.error = None
        return message.status


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

    def __init__(self, provider: SmsProvider) -> None:
        self.provider = provider

    def send(self, message: Message, settings: Settings, now: datetime) -> str:
        message.attempts += 1
        problem = too_long(message.body_text)
        if problem:
            return _failed_attempt(message, settings, now, problem, permanent=True)
        try:
            receipt = send_sms(
                self.provider,
                to=message.to_address,
                body=message.body_text,
                status_callback=status_callback_url(settings, message),
            )
        except SmsError as exc:
            if exc.configuration:
                log.error(
                    "SMS configuration error, message %s will be retried: %s", message.id, exc
                )
            message.provider_status = "failed" if exc.permanent else message.provider_status
            return _failed_attempt(message, settings, now, str(exc), permanent=exc.permanent)
        message.provider_message_id = receipt.sid
        message.provider_status = receipt.status
        if receipt.status in ("failed", "undelivered"):
            message.status = "failed"
            message.error = f"{receipt.error_code}: {receipt.error_message}"
            return message.status
        message.status = "sent"
        message.sent_at = utcnow()
        message.error = None
        return message.status


def channel_for(message: Message, settings: Settings) -> Channel:
    """The channel that delivers ``message`` with these settings."""
    if message.channel == "email" and settings.smtp_url:
        return SmtpChannel()
    if message.channel == "sms":
        provider = sms_provider(settings)
        if provider is not None:
            return SmsChannel(provider)
    return DevChannel()
