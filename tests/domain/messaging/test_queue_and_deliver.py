"""Queuing messages on any channel and delivering them: SMS through the fake Twilio
server, email through a real SMTP server, the dev channel when nothing is configured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.messaging.delivery import deliver
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import last_channel, queue_message
from hireloop.domain.outbox.models import OutboxEvent
from hireloop.domain.outbox.service import RetryLater
from hireloop.errors import Invalid
from tests.factories import Factory
from tests.fakes.twilio import FakeTwilio, fake_twilio
from tests.smtp_server import smtp_sink

PHONE = "+639171234567"


def _lead(factory: Factory, **candidate: Any) -> Application:
    company = factory.company("Acme BPO")
    job = factory.job(company, title="Chat Support")
    fields = {"first_name": "Ana", "email": "ana@example.com", "phone": PHONE}
    fields.update(candidate)
    application = factory.application(job, factory.candidate(company, **fields))
    application.pin = "123456"
    return application


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio(callback_statuses=()) as fake:
        yield fake


def _sms_settings(settings: Settings, fake: FakeTwilio, **extra: Any) -> Settings:
    return settings.model_copy(
        update={
            "sms_account_sid": fake.account_sid,
            "sms_auth_token": fake.auth_token,
            "sms_from_number": "+15005550006",
            "sms_base_url": fake.url,
            "base_url": "https://hireloop.example.com",
            **extra,
        }
    )


def test_an_sms_is_rendered_measured_and_sent_through_the_provider(
    session: Session, factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    application = _lead(factory)
    message = queue_message(
        session,
        application=application,
        channel="sms",
        kind="manual",
        text="Hi @candidate_name, your PIN for @company is <%= @access_code %> €",
        author_type="user",
    )
    assert message.body_text == "Hi Ana, your PIN for Acme BPO is 123456 €"
    assert (message.encoding, message.segments) == ("GSM-7", 1)
    assert message.to_address == PHONE and message.job_id == application.job_id
    assert message.status == "queued" and message.direction == "outbound"
    event = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "message.queued")
    ).all()[-1]
    assert event.payload == {"messageId": message.id, "kind": "manual", "channel": "sms"}

    assert deliver(session, message, _sms_settings(settings, twilio)) == "sent"
    [sent] = twilio.messages
    assert (sent.to, sent.from_, sent.body) == (PHONE, "+15005550006", message.body_text)
    assert sent.status_callback == (
        f"https://hireloop.example.com/hooks/sms/status?message={message.id}"
    )
    assert message.provider_message_id == sent.sid and sent.sid.startswith("SM")
    assert message.provider_status == "queued" and message.sent_at is not None
    # A replayed event sends nothing.
    assert deliver(session, message, _sms_settings(settings, twilio)) == "sent"
    assert len(twilio.messages) == 1


def test_an_invalid_number_fails_with_the_providers_reason(
    session: Session, factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    application = _lead(factory)
    message = queue_message(
        session, application=application, channel="sms", kind="manual", text="Hello"
    )
    message.to_address = "12345"  # what the provider refuses (21211)
    assert deliver(session, message, _sms_settings(settings, twilio)) == "failed"
    assert message.error == "21211: The 'To' number 12345 is not a valid phone number."
    assert message.attempts == 1 and twilio.messages == []


def test_provider_outages_are_retried_then_give_up(
    session: Session, factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    application = _lead(factory)
    message = queue_message(session, application=application, channel="sms", kind="m", text="Hi")
    configured = _sms_settings(settings, twilio, outbox_max_attempts=3)
    twilio.fail_next = [500, 429]
    for _ in range(2):
        with pytest.raises(RetryLater):
            deliver(session, message, configured)
        assert message.status == "queued"
    assert message.attempts == 2 and "Try later" in (message.error or "")
    assert deliver(session, message, configured) == "sent"
    assert message.error is None and len(twilio.messages) == 1

    # Timeouts count as outages too, until the last attempt.
    other = queue_message(session, application=application, channel="sms", kind="m", text="Yo")
    twilio.delay = 1.0
    slow = _sms_settings(settings, twilio, outbox_max_attempts=1, sms_timeout_seconds=0.2)
    assert deliver(session, other, slow) == "failed"
    assert "timed out" in (other.error or "")


def test_without_sms_credentials_the_dev_channel_records_the_sms(
    session: Session, factory: Factory, settings: Settings
) -> None:
    application = _lead(factory)
    message = queue_message(session, application=application, channel="sms", kind="m", text="Hi")
    assert deliver(session, message, settings) == "stored"
    assert message.provider_message_id is None and message.channel == "sms"


def test_an_email_template_is_sanitized_rendered_escaped_and_sent_by_smtp(
    session: Session, factory: Factory, settings: Settings
) -> None:
    application = _lead(factory, first_name="<Ana & Bo>")
    message = queue_message(
        session,
        application=application,
        channel="email",
        kind="invitation",
        html=(
            '<p>Hi <%= @candidate_name %>,</p><p><a href="{{webdialout}}">Start</a> '
            "with PIN @access_code.</p><img src=x onerror=alert(1)>"
        ),
        subject="Interview for @job_title",
    )
    assert message.from_name == "Acme BPO" and message.to_address == "ana@example.com"
    assert message.subject == "Interview for Chat Support"
    html = message.body_html or ""
    assert "<p>Hi &lt;Ana &amp; Bo&gt;,</p>" in html
    assert f"/interview/{application.public_id}?mode=web" in html
    assert "onerror" not in html and "alert" not in html
    assert message.body_text.startswith("Hi <Ana & Bo>,")
    assert "PIN 123456" in message.body_text

    with smtp_sink() as sink:
        configured = settings.model_copy(
            update={"smtp_url": f"smtp://127.0.0.1:{sink.port}", "smtp_from_address": "a@b.test"}
        )
        assert deliver(session, message, configured) == "sent"
    [received] = sink.received
    assert received.message["From"].addresses[0].display_name == "Acme BPO"
    assert received.message["Subject"] == "Interview for Chat Support"
    assert "&lt;Ana &amp; Bo&gt;" in received.message.get_body(("html",)).get_content()


def test_an_address_no_email_can_carry_fails_at_once(
    session: Session, factory: Factory, settings: Settings
) -> None:
    application = _lead(factory)
    message = queue_message(
        session, application=application, channel="email", kind="template", text="Hello"
    )
    message.to_address = "ana@example.com\r\nBcc: someone@example.com"
    with smtp_sink() as sink:
        configured = settings.model_copy(
            update={"smtp_url": f"smtp://127.0.0.1:{sink.port}", "smtp_from_address": "a@b.test"}
        )
        assert deliver(session, message, configured) == "failed"
    assert sink.received == []
    assert message.attempts == 1 and (message.error or "").startswith("Cannot write this email")


def test_a_lead_value_used_as_a_link_cannot_make_a_javascript_link(
    session: Session, factory: Factory
) -> None:
    application = _lead(factory)
    application.others = {"referee": "javascript:alert(1)"}
    message = queue_message(
        session,
        application=application,
        channel="email",
        kind="template",
        html='<p>Referred by <a href="@referee">@referee</a></p>',
    )
    html = message.body_html or ""
    assert "href" not in html and "javascript:alert(1)</a>" in html


def test_do_not_contact_and_unreachable_candidates_are_refused(
    session: Session, factory: Factory
) -> None:
    application = _lead(factory, phone=None)
    with pytest.raises(Invalid, match="no valid mobile phone"):
        queue_message(session, application=application, channel="sms", kind="m", text="Hi")
    person = session.get(Candidate, application.candidate_id)
    assert person is not None
    person.do_not_contact = True
    before = session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1))
    with pytest.raises(Invalid, match="asked not to be contacted"):
        queue_message(session, application=application, channel="email", kind="m", text="Hi")
    assert session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1)) == before


def test_last_channel_is_the_last_one_used_else_sms_when_there_is_a_phone(
    session: Session, factory: Factory
) -> None:
    application = _lead(factory)
    candidate = session.get(Candidate, application.candidate_id)
    assert candidate is not None
    assert last_channel(session, application, candidate) == "sms"
    queue_message(session, application=application, channel="email", kind="m", text="Hello")
    message = queue_message(session, application=application, channel="last", kind="m", text="Hi")
    assert message.channel == "email"

    no_phone = _lead(factory, phone=None, email="bo@example.com")
    candidate = session.get(Candidate, no_phone.candidate_id)
    assert candidate is not None and last_channel(session, no_phone, candidate) == "email"


def test_a_rejected_auth_token_or_account_is_retried_and_logged_not_failed(
    session: Session,
    factory: Factory,
    settings: Settings,
    twilio: FakeTwilio,
    caplog: pytest.LogCaptureFixture,
) -> None:
    application = _lead(factory)
    message = queue_message(session, application=application, channel="sms", kind="m", text="Hi")
    rotated = _sms_settings(settings, twilio, sms_auth_token="rotated-old-token")
    with (
        caplog.at_level("ERROR", logger="hireloop.domain.messaging.channels"),
        pytest.raises(RetryLater),
    ):
        deliver(session, message, rotated)
    assert message.status == "queued" and message.attempts == 1
    assert "HTTP 401, 20003: Authenticate" in (message.error or "")
    assert "check HIRELOOP_SMS_ACCOUNT_SID and HIRELOOP_SMS_AUTH_TOKEN" in (message.error or "")
    assert any("SMS configuration error" in r.getMessage() for r in caplog.records)
    # A wrong Account SID (Twilio answers 404) is retried the same way.
    wrong_account = _sms_settings(settings, twilio, sms_account_sid="AC" + "0" * 32)
    twilio.fail_next = [404]
    with pytest.raises(RetryLater):
        deliver(session, message, wrong_account)
    assert message.status == "queued" and "HTTP 404" in (message.error or "")
    # Once the settings are fixed the waiting message goes out.
    assert deliver(session, message, _sms_settings(settings, twilio)) == "sent"
    assert message.error is None and len(twilio.messages) == 1


def test_partial_sms_settings_are_a_configuration_error() -> None:
    with pytest.raises(ValueError, match=r"incomplete.*missing: HIRELOOP_SMS_FROM_NUMBER") as err:
        Settings(sms_account_sid="AC" + "1" * 32, sms_auth_token="secret-token")
    assert "secret-token" not in str(err.value)  # the error does not print the token
    with pytest.raises(ValueError, match="missing: HIRELOOP_SMS_ACCOUNT_SID, HIRELOOP_SMS_AUTH"):
        Settings(sms_from_number="+15005550006")
    with pytest.raises(ValueError, match="E.164"):
        Settings(sms_account_sid="AC1", sms_auth_token="t", sms_from_number="15005550006")
    assert Settings(sms_account_sid="AC1", sms_auth_token="t", sms_from_number="+15005550006")
    assert Settings(sms_account_sid="", sms_auth_token="", sms_from_number="").sms_from_number == ""


def test_sms_line_breaks_are_stored_and_counted_as_one_character(
    session: Session, factory: Factory
) -> None:
    application = _lead(factory)
    text = "a" * 80 + "\r\n" + "a" * 77 + "\rb"  # 160 characters once stored
    message = queue_message(session, application=application, channel="sms", kind="m", text=text)
    assert message.body_text == "a" * 80 + "\n" + "a" * 77 + "\nb"
    assert (message.encoding, message.segments) == ("GSM-7", 1)


def test_an_sms_over_1600_characters_fails_with_the_reason_and_is_not_sent(
    session: Session, factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    application = _lead(factory)
    message = queue_message(
        session, application=application, channel="sms", kind="m", text="x" * 1601
    )
    assert message.status == "failed"
    assert message.error == (
        "The SMS has 1601 characters: at most 1600 can be sent (the SMS provider's limit). "
        "It was not sent."
    )
    events = session.scalars(select(OutboxEvent).where(OutboxEvent.event_type == "message.queued"))
    assert [e.payload["messageId"] for e in events] == []
    assert deliver(session, message, _sms_settings(settings, twilio)) == "failed"
    # One already queued (before the limit was checked) fails at send time instead.
    old = queue_message(session, application=application, channel="sms", kind="m", text="ok")
    old.body_text = "y" * 1700
    assert deliver(session, old, _sms_settings(settings, twilio)) == "failed"
    assert "1700 characters" in (old.error or "")
    assert twilio.messages == [] and twilio.requests == 0
    fits = queue_message(session, application=application, channel="sms", kind="m", text="z" * 1600)
    assert fits.status == "queued" and fits.segments == 11


@pytest.mark.parametrize(
    ("status", "header", "wait"),
    [
        (429, "120", timedelta(seconds=120)),  # longer than the 2 s backoff: honoured
        (503, "Wed, 21 Oct 2099 07:28:00 GMT", timedelta(hours=1)),  # a date, capped
        (429, "99999999999999", timedelta(hours=1)),  # beyond what a timedelta holds
        (429, "1e300", timedelta(hours=1)),
        (429, "0", timedelta(seconds=2)),  # shorter than the backoff: the backoff
        (429, "soon", timedelta(seconds=2)),  # unreadable: the backoff
    ],
)
def test_a_throttled_sms_waits_as_long_as_the_provider_asks(
    session: Session,
    factory: Factory,
    settings: Settings,
    twilio: FakeTwilio,
    status: int,
    header: str,
    wait: timedelta,
) -> None:
    application = _lead(factory)
    message = queue_message(session, application=application, channel="sms", kind="m", text="Hi")
    twilio.fail_next = [status]
    twilio.retry_after = header
    before = utcnow()
    with pytest.raises(RetryLater) as later:
        deliver(session, message, _sms_settings(settings, twilio))
    assert message.status == "queued" and message.attempts == 1
    assert before + wait <= later.value.at <= utcnow() + wait
    assert deliver(session, message, _sms_settings(settings, twilio)) == "sent"
