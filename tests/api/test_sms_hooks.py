"""The SMS provider's webhooks: signed delivery reports and candidate replies. Requests
are signed like Twilio signs them (tests/fakes/twilio.py) over the public URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.domain.applications.models import Application
from hireloop.domain.messaging.delivery import deliver
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import queue_message
from tests.factories import Factory
from tests.fakes.twilio import twilio_signature

TOKEN = "hook-auth-token"
PUBLIC = "https://hire.example.com"
PHONE = "+639171234567"


@pytest.fixture
def hooks(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    configured = settings.model_copy(update={"sms_auth_token": TOKEN, "base_url": PUBLIC})
    with TestClient(create_app(configured, session_factory=session_factory)) as c:
        yield c


def _post(client: TestClient, path: str, params: dict[str, str], *, token: str = TOKEN, **kw: str):  # type: ignore[no-untyped-def]
    signature = kw.get("signature", twilio_signature(token, PUBLIC + path, list(params.items())))
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(path, data=params, headers=headers)


def _sent_sms(session: Session, factory: Factory) -> Message:
    company = factory.company("Acme BPO")
    job = factory.job(company)
    application = factory.application(job, factory.candidate(company, phone=PHONE))
    message = queue_message(session, application=application, channel="sms", kind="m", text="Hi")
    message.status, message.provider_status = "sent", "queued"
    message.provider_message_id = "SM" + "a" * 32
    session.commit()
    return message


def _status(sid: str, status: str, **extra: str) -> dict[str, str]:
    return {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC1", "To": PHONE, **extra}


def test_delivery_reports_update_the_message(
    hooks: TestClient, session: Session, factory: Factory
) -> None:
    message = _sent_sms(session, factory)
    sid = message.provider_message_id or ""
    assert _post(hooks, "/hooks/sms/status", _status(sid, "sent")).status_code == 204
    session.refresh(message)
    assert (message.status, message.provider_status) == ("sent", "sent")
    assert _post(hooks, "/hooks/sms/status", _status(sid, "delivered")).status_code == 204
    session.refresh(message)
    assert (message.status, message.provider_status) == ("delivered", "delivered")
    # A late "sent" does not take a delivered message back.
    _post(hooks, "/hooks/sms/status", _status(sid, "sent"))
    session.refresh(message)
    assert message.status == "delivered"
    # Unknown ids are acknowledged and ignored.
    assert _post(hooks, "/hooks/sms/status", _status("SMunknown", "sent")).status_code == 204


def test_undelivered_marks_the_message_failed(
    hooks: TestClient, session: Session, factory: Factory
) -> None:
    message = _sent_sms(session, factory)
    sid = message.provider_message_id or ""
    _post(hooks, "/hooks/sms/status", _status(sid, "undelivered", ErrorCode="30003"))
    session.refresh(message)
    assert (message.status, message.provider_status) == ("failed", "undelivered")
    assert message.error == "SMS undelivered (error 30003)"


def test_bad_or_missing_signatures_are_refused_and_change_nothing(
    hooks: TestClient,
    session: Session,
    factory: Factory,
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    message = _sent_sms(session, factory)
    params = _status(message.provider_message_id or "", "delivered")
    assert _post(hooks, "/hooks/sms/status", params, signature="").status_code == 403
    assert _post(hooks, "/hooks/sms/status", params, token="wrong-token").status_code == 403
    # Signed for other parameters than those sent.
    good = twilio_signature(TOKEN, PUBLIC + "/hooks/sms/status", list(params.items()))
    tampered = {**params, "MessageStatus": "failed"}
    assert _post(hooks, "/hooks/sms/status", tampered, signature=good).status_code == 403
    # Signed for another URL (the internal one instead of the public one).
    internal = twilio_signature(TOKEN, "http://testserver/hooks/sms/status", list(params.items()))
    assert _post(hooks, "/hooks/sms/status", params, signature=internal).status_code == 403
    refused = _post(hooks, "/hooks/sms/inbound", {"From": PHONE, "Body": "x"}, token="nope")
    assert refused.status_code == 403
    session.refresh(message)
    assert message.status == "sent" and message.provider_status == "queued"
    assert session.scalar(select(func.count()).select_from(Message)) == 1

    # No auth token configured: nothing can be verified, everything is refused.
    with TestClient(create_app(settings, session_factory=session_factory)) as unconfigured:
        assert _post(unconfigured, "/hooks/sms/status", params).status_code == 403


def test_a_candidate_reply_is_stored_and_answered_with_empty_twiml(
    hooks: TestClient, session: Session, factory: Factory
) -> None:
    message = _sent_sms(session, factory)
    params = {
        "MessageSid": "SM" + "b" * 32,
        "From": PHONE,
        "To": "+15005550006",
        "Body": "Yes, I'm interested! 😀",
        "NumSegments": "1",
    }
    answer = _post(hooks, "/hooks/sms/inbound?source=twilio", params)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    assert answer.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    # The provider retries: the same reply is stored once.
    _post(hooks, "/hooks/sms/inbound?source=twilio", params)
    replies = session.scalars(select(Message).where(Message.direction == "inbound")).all()
    assert len(replies) == 1
    [reply] = replies
    assert (reply.application_id, reply.company_id) == (message.application_id, message.company_id)
    assert (reply.author_type, reply.channel, reply.status) == ("candidate", "sms", "received")
    assert reply.body_text == "Yes, I'm interested! 😀" and reply.encoding == "UCS-2"
    # A number nobody has: acknowledged, nothing stored.
    stranger = _post(
        hooks, "/hooks/sms/inbound", {**params, "From": "+15550001111", "MessageSid": "SMx"}
    )
    assert stranger.status_code == 200
    assert len(session.scalars(select(Message).where(Message.direction == "inbound")).all()) == 1


def test_a_report_carries_our_message_id_and_rescues_an_unrecorded_send(
    hooks: TestClient, session: Session, factory: Factory
) -> None:
    recorded = _sent_sms(session, factory)
    application = session.get(Application, recorded.application_id)
    assert application is not None
    # The worker crashed after the provider took this one: its sid was never recorded.
    lost = queue_message(session, application=application, channel="sms", kind="m", text="Yo")
    session.commit()
    path = f"/hooks/sms/status?message={lost.id}"
    assert _post(hooks, path, _status("SM" + "c" * 32, "sent")).status_code == 204
    session.refresh(lost)
    assert (lost.status, lost.provider_message_id) == ("sent", "SM" + "c" * 32)
    # Now sent: a replayed delivery does not send it again.
    assert deliver(session, lost, Settings()) == "sent"
    # Our id with another message's sid: the sid decides.
    path = f"/hooks/sms/status?message={lost.id}"
    _post(hooks, path, _status(recorded.provider_message_id or "", "delivered"))
    session.refresh(recorded)
    session.refresh(lost)
    assert (recorded.status, lost.status) == ("delivered", "sent")


def test_a_delivered_message_stays_delivered_and_delivery_clears_an_old_error(
    hooks: TestClient, session: Session, factory: Factory
) -> None:
    message = _sent_sms(session, factory)
    sid = message.provider_message_id or ""
    path = f"/hooks/sms/status?message={message.id}"

    def report(status: str, **extra: str) -> tuple[str, str | None, str | None]:
        assert _post(hooks, path, _status(sid, status, **extra)).status_code == 204
        session.refresh(message)
        return message.status, message.provider_status, message.error

    # An undelivered report, then a late delivery receipt: delivered, without the error.
    assert report("undelivered", ErrorCode="30003") == (
        "failed",
        "undelivered",
        "SMS undelivered (error 30003)",
    )
    assert report("delivered") == ("delivered", "delivered", None)
    # Later (or replayed) failure reports do not undo the delivery.
    for status in ("undelivered", "failed", "canceled"):
        assert report(status, ErrorCode="30003") == ("delivered", "delivered", None), status


def test_a_cancel_after_the_provider_sent_the_message_is_ignored(
    hooks: TestClient, session: Session, factory: Factory
) -> None:
    message = _sent_sms(session, factory)
    sid = message.provider_message_id or ""
    _post(hooks, "/hooks/sms/status", _status(sid, "sent"))
    _post(hooks, "/hooks/sms/status", _status(sid, "canceled"))
    session.refresh(message)
    assert (message.status, message.provider_status, message.error) == ("sent", "sent", None)


def test_a_message_id_out_of_range_is_no_id(
    hooks: TestClient, session: Session, factory: Factory
) -> None:
    # Beyond what the database holds (or not digits): the report is matched by the
    # provider's id alone, never a 500 (which the provider would retry).
    message = _sent_sms(session, factory)
    sid = message.provider_message_id or ""
    for value in ("9" * 23, str(2**63), "0"):
        path = f"/hooks/sms/status?message={value}"
        assert _post(hooks, path, _status(sid, "sent")).status_code == 204, value
    assert (
        _post(hooks, f"/hooks/sms/status?message={2**63}", _status(sid, "delivered")).status_code
        == 204
    )
    session.refresh(message)
    assert message.status == "delivered"
