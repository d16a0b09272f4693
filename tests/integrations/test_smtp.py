"""The SMTP client against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hireloop.integrations.smtp import (
    SmtpError,
    SmtpServer,
    build_email,
    parse_smtp_url,
    send_email,
)
from tests.smtp_server import free_port, smtp_sink


def test_parse_smtp_url_decodes_credentials_and_picks_default_ports() -> None:
    server = parse_smtp_url("smtp://mailer%40acme.test:p%40ss%3Aw%2Frd@mail.acme.test:2525")
    assert server == SmtpServer(
        host="mail.acme.test",
        port=2525,
        security="none",
        username="mailer@acme.test",
        password="p@ss:w/rd",
    )
    assert "p@ss" not in repr(server)
    assert parse_smtp_url("smtp://mail.test").port == 25
    assert parse_smtp_url("smtps://u:p@mail.test").port == 465
    assert parse_smtp_url("smtps://u:p@mail.test").security == "tls"
    starttls = parse_smtp_url("smtp+starttls://mail.test", timeout=3)
    assert (starttls.port, starttls.security, starttls.timeout) == (587, "starttls", 3)
    assert starttls.username is None and starttls.password is None
    with pytest.raises(ValueError, match="scheme"):
        parse_smtp_url("http://mail.test")
    with pytest.raises(ValueError, match="host"):
        parse_smtp_url("smtp://")


def _email(**overrides: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {
        "from_name": "Acme, Inc. — Recrutement",
        "from_address": "jobs@acme.test",
        "to_address": "ana@example.com",
        "subject": "We received your application: Picker",
        "text": "Hello Ana,\n\nThank you.",
        "html": "<p>Hello Ana,</p><p>Thank you.</p>",
        "message_id": "<hireloop.1.2@acme.test>",
        "date": datetime(2024, 1, 15, 10, 0, tzinfo=UTC),
    }
    fields.update(overrides)
    return build_email(**fields)  # type: ignore[arg-type]


def test_an_email_reaches_the_server_with_sender_name_and_both_parts() -> None:
    with smtp_sink() as sink:
        send_email(parse_smtp_url(f"smtp://127.0.0.1:{sink.port}"), _email())
    [received] = sink.received
    assert received.mail_from == "jobs@acme.test"
    assert received.rcpt_tos == ["ana@example.com"]
    message = received.message
    sender = message["From"].addresses[0]
    assert sender.display_name == "Acme, Inc. — Recrutement"
    assert sender.addr_spec == "jobs@acme.test"
    assert message["To"] == "ana@example.com"
    assert message["Subject"] == "We received your application: Picker"
    assert message["Message-ID"] == "<hireloop.1.2@acme.test>"
    assert message["Date"].datetime == datetime(2024, 1, 15, 10, 0, tzinfo=UTC)
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.strip() == "Hello Ana,\n\nThank you."
    assert "<p>Hello Ana,</p>" in message.get_body(("html",)).get_content()


def test_text_only_email_and_no_header_injection_from_names() -> None:
    email = _email(html=None, from_name="Evil\r\nBcc: victim@example.com", subject="Hi\nBcc: x")
    assert email.get_content_type() == "text/plain"
    assert email["Bcc"] is None
    assert email["From"].addresses[0].display_name == "Evil Bcc: victim@example.com"
    assert email["Subject"] == "Hi Bcc: x"
    defaults = build_email(
        from_name="Acme", from_address="a@acme.test", to_address="b@x.test", subject="s", text="t"
    )
    assert defaults["Message-ID"].endswith("@acme.test>") and defaults["Date"]


def test_login_with_url_decoded_credentials() -> None:
    with smtp_sink(accounts={("mailer@acme.test", "p@ss")}) as sink:
        send_email(
            parse_smtp_url(f"smtp://mailer%40acme.test:p%40ss@127.0.0.1:{sink.port}"), _email()
        )
        assert sink.received[0].login == "mailer@acme.test"
        with pytest.raises(SmtpError, match="SMTPAuthenticationError") as refused:
            send_email(parse_smtp_url(f"smtp://mailer:wrong@127.0.0.1:{sink.port}"), _email())
        assert not refused.value.permanent
    assert len(sink.received) == 1


def test_server_down_is_a_temporary_error_and_a_refused_recipient_a_permanent_one() -> None:
    with pytest.raises(SmtpError) as down:
        send_email(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}", timeout=2), _email())
    assert not down.value.permanent
    with (
        smtp_sink(refuse={"gone@example.com"}) as sink,
        pytest.raises(SmtpError, match="recipients refused") as refused,
    ):
        send_email(
            parse_smtp_url(f"smtp://127.0.0.1:{sink.port}"),
            _email(to_address="gone@example.com"),
        )
    assert refused.value.permanent
    assert sink.received == []
