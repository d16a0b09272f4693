"""An account email's link token is kept only while the email waits: once it is sent,
stored, failed or canceled, the stored text no longer holds it (the email itself carried
it); a reset link read from the messages table afterwards does not work."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.domain.messaging.account_emails import queue_account_email
from hireloop.domain.messaging.delivery import deliver, give_up
from hireloop.domain.messaging.models import TOKEN_REMOVED, Message, forget_tokens
from tests.factories import Factory
from tests.smtp_server import smtp_sink

TOKEN = "Zx9_secret-Token"
LINK = f"https://hireloop.example.com/app/password/reset?token={TOKEN}"


def _queue(session: Session, factory: Factory, kind: str = "password_reset") -> Message:
    message = queue_account_email(
        session,
        company=factory.company("Acme BPO"),
        kind=kind,
        to_address="olga@acme.example",
        subject="Reset your password",
        text=f"Hello Olga,\n\nChoose a new password: {LINK}\n",
        html=f'<p><a href="{LINK}&amp;lang=fr">Choose a new password</a></p>',
    )
    assert TOKEN in message.body_text, "queued: the worker still has to send it"
    return message


def _kept(session: Session, message: Message) -> str:
    session.flush()
    session.expire(message)
    return f"{message.body_text} {message.body_html}"


def test_the_sent_email_has_the_link_the_table_keeps_none(
    session: Session, factory: Factory, settings: Settings
) -> None:
    message = _queue(session, factory, "user_invitation")
    with smtp_sink() as sink:
        configured = settings.model_copy(
            update={"smtp_url": f"smtp://127.0.0.1:{sink.port}", "smtp_from_address": "a@b.test"}
        )
        assert deliver(session, message, configured) == "sent"
    [received] = sink.received
    assert LINK in received.message.get_body(("plain",)).get_content()
    kept = _kept(session, message)
    assert TOKEN not in kept
    assert f"reset?token={TOKEN_REMOVED}" in kept and f"token={TOKEN_REMOVED}&amp;lang=fr" in kept


def test_stored_or_given_up_keeps_no_token(
    session: Session, factory: Factory, settings: Settings
) -> None:
    stored = _queue(session, factory)
    assert deliver(session, stored, settings.model_copy(update={"smtp_url": None})) == "stored"
    assert TOKEN not in _kept(session, stored)

    failed = _queue(session, factory)
    give_up(session, failed, "SMTP down")
    assert failed.status == "failed" and TOKEN not in _kept(session, failed)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("see https://x.test/a?token=abc-1_2 now", f"see https://x.test/a?token={TOKEN_REMOVED} now"),
        ("?lang=fr&token=abc&x=1", f"?lang=fr&token={TOKEN_REMOVED}&x=1"),
        ('href="/a?x=1&amp;token=abc"', f'href="/a?x=1&amp;token={TOKEN_REMOVED}"'),
        ("no link, a token=word", "no link, a token=word"),
        (None, None),
    ],
)  # fmt: skip
def test_forget_tokens(text: str | None, kept: str | None) -> None:
    assert forget_tokens(text) == kept
