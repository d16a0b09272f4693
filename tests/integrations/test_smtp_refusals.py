"""Email delivery against real SMTP servers (aiosmtpd) that answer unusually: a QUIT
refused after the message was accepted, a 5xx after DATA, no SMTPUTF8 for international
addresses, and a password that AUTH cannot carry."""

from __future__ import annotations

import smtplib
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


def test_starttls_missing_on_the_server_is_retried_with_the_reason_not_failed(
    session: Session, factory: Factory, settings: Settings
) -> None:
    """``smtp+starttls://`` to a server that offers no STARTTLS is a configuration
    problem (like a refused login): the email waits, with the reason, for it to be fixed."""
    message = _message(session, factory)
    with serve_sink(SmtpSink()) as sink:  # no TLS context: no STARTTLS in its EHLO
        with pytest.raises(SmtpError) as error:
            send_email(parse_smtp_url(f"smtp+starttls://127.0.0.1:{sink.port}"), _email())
        assert not error.value.permanent
        with pytest.raises(RetryLater):
            deliver(session, message, _settings(settings, f"smtp+starttls://127.0.0.1:{sink.port}"))
        assert (message.status, message.attempts) == ("queued", 1)
        assert message.error is not None and "does not offer STARTTLS" in message.error
        # Fixed (the plain port here): the waiting email goes.
        message.send_after = message.created_at
        assert deliver(session, message, _settings(settings, f"smtp://127.0.0.1:{sink.port}")) == (
            "sent"
        )
    assert len(sink.received) == 1


class No8BitMime(SmtpSink):
    """Offers no 8BITMIME, and keeps the raw DATA it received."""

    raw: list[bytes]

    async def handle_EHLO(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        return [r for r in responses if "8BITMIME" not in r.upper()]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.raw = [*getattr(self, "raw", []), bytes(envelope.content)]
        return await super().handle_DATA(server, session, envelope)


def test_non_ascii_bodies_go_7bit_to_a_server_without_8bitmime() -> None:
    text = "Bonjour Zoé, vous êtes prêt ?"
    html = "<p>Bonjour Zoé, vous êtes prêt ?</p>"
    email = build_email(
        from_name="Acme",
        from_address="jobs@acme.test",
        to_address="zoe@example.com",
        subject="Entretien",
        text=text,
        html=html,
    )
    with serve_sink(No8BitMime()) as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as probe:
            probe.ehlo()
            assert not probe.has_extn("8bitmime")
        send_email(parse_smtp_url(f"smtp://127.0.0.1:{sink.port}"), email)
    [raw] = sink.raw
    assert all(byte < 128 for byte in raw), "8-bit bytes sent to a server without 8BITMIME"
    assert b"Content-Transfer-Encoding: 8bit" not in raw
    [received] = sink.received
    parts = list(received.message.walk())
    assert [p.get_content().rstrip() for p in parts if not p.is_multipart()] == [text, html]


def test_ascii_bodies_keep_their_plain_encoding() -> None:
    email = build_email(
        from_name="Acme",
        from_address="jobs@acme.test",
        to_address="a@example.com",
        subject="Hi",
        text="Hello Ana",
        html="<p>Hello Ana</p>",
    )
    encodings = {p["Content-Transfer-Encoding"] for p in email.walk() if not p.is_multipart()}
    assert encodings == {"7bit"}
