"""Email delivery against real SMTP servers (aiosmtpd) that answer unusually: a QUIT
refused after the message was accepted, a 5xx after DATA, no SMTPUTF8 for international
addresses, and a password that AUTH cannot carry."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.domain.messaging.delivery import deliver
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import queue_message
from hireloop.domain.outbox.service import RetryLater
from hireloop.integrations.smtp import SmtpError, build_email, parse_smtp_url, send_email
from tests.factories import Factory
from tests.smtp_server import SmtpSink, serve_sink


class QuitRefused(SmtpSink):
    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return "421 4.4.2 closing"


class ContentRefused(SmtpSink):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return "554 5.7.1 Message rejected: content policy"


def _email(to: str = "ana@example.com"):  # type: ignore[no-untyped-def]
    return build_email(
        from_name="Acme",
        from_address="jobs@acme.test",
        to_address=to,
        subject="Hello",
        text="Hello Ana",
    )


def _message(session: Session, factory: Factory, email: str = "ana@example.com") -> Message:
    company = factory.company("Acme BPO")
    job = factory.job(company)
    candidate = factory.candidate(company, first_name="Ana", email=email)
    application = factory.application(job, candidate)
    message = queue_message(
        session, application=application, channel="email", kind="m", text="Hello", subject="Hi"
    )
    session.commit()
    return message


def _settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(update={"smtp_url": url, "smtp_from_address": "jobs@acme.test"})


def test_an_accepted_email_is_sent_once_when_quit_fails(
    session: Session, factory: Factory, settings: Settings
) -> None:
    message = _message(session, factory)
    with serve_sink(QuitRefused()) as sink:
        send_email(parse_smtp_url(f"smtp://127.0.0.1:{sink.port}"), _email())
        assert deliver(session, message, _settings(settings, f"smtp://127.0.0.1:{sink.port}")) == (
            "sent"
        )
        assert deliver(session, message, _settings(settings, f"smtp://127.0.0.1:{sink.port}")) == (
            "sent"
        )
    assert len(sink.received) == 2  # one by send_email, one by the message: never twice
    assert (message.status, message.attempts, message.error) == ("sent", 1, None)


def test_a_5xx_after_data_fails_the_message_at_once(
    session: Session, factory: Factory, settings: Settings
) -> None:
    message = _message(session, factory)
    with serve_sink(ContentRefused()) as sink:
        with pytest.raises(SmtpError) as refused:
            send_email(parse_smtp_url(f"smtp://127.0.0.1:{sink.port}"), _email())
        assert refused.value.permanent
        status = deliver(session, message, _settings(settings, f"smtp://127.0.0.1:{sink.port}"))
    assert (status, message.status, message.attempts) == ("failed", "failed", 1)
    assert message.error is not None and "Message rejected: content policy" in message.error


def test_an_idn_domain_is_sent_in_ascii_to_a_server_without_smtputf8(
    session: Session, factory: Factory, settings: Settings
) -> None:
    message = _message(session, factory, email="ana@bücher.de")
    with serve_sink(SmtpSink(), enable_SMTPUTF8=False) as sink:
        url = f"smtp://127.0.0.1:{sink.port}"
        assert deliver(session, message, _settings(settings, url)) == "sent"
    [received] = sink.received
    assert received.rcpt_tos == ["ana@xn--bcher-kva.de"]
    assert received.message["To"] == "ana@xn--bcher-kva.de"


def test_an_idn_domain_is_kept_for_a_server_with_smtputf8() -> None:
    with serve_sink(SmtpSink(), enable_SMTPUTF8=True) as sink:
        send_email(parse_smtp_url(f"smtp://127.0.0.1:{sink.port}"), _email("ana@bücher.de"))
    [received] = sink.received
    assert received.rcpt_tos == ["ana@bücher.de"]


def test_a_non_ascii_local_part_fails_at_once_without_smtputf8(
    session: Session, factory: Factory, settings: Settings
) -> None:
    message = _message(session, factory, email="josé@example.com")
    with serve_sink(SmtpSink(), enable_SMTPUTF8=False) as sink:
        status = deliver(session, message, _settings(settings, f"smtp://127.0.0.1:{sink.port}"))
    assert (status, message.attempts) == ("failed", 1)
    assert message.error is not None and "non-ASCII characters before the @" in message.error
    assert sink.received == []


def test_a_non_ascii_password_is_an_error_saved_on_the_message(
    session: Session, factory: Factory, settings: Settings
) -> None:
    message = _message(session, factory)
    with serve_sink(SmtpSink(accounts={("user", "pässwörd")})) as sink:
        url = f"smtp://user:p%C3%A4ssw%C3%B6rd@127.0.0.1:{sink.port}"
        with pytest.raises(RetryLater):
            deliver(session, message, _settings(settings, url))
    # RetryLater keeps the handler's writes: the attempt and the reason are on the message.
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.error is not None and "UnicodeEncodeError" in message.error
    assert sink.received == []
