"""SMS segments (GSM-7 vs UCS-2) and SMS usage per campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.sms import GSM7, UCS2, SmsLength, sms_length, sms_usage
from tests.factories import Factory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SmsLength(GSM7, 0, 0)),
        ("Hello Ana, your PIN is 123456.", SmsLength(GSM7, 1, 30)),
        ("a" * 160, SmsLength(GSM7, 1, 160)),
        ("a" * 161, SmsLength(GSM7, 2, 161)),
        ("a" * 306, SmsLength(GSM7, 2, 306)),
        ("a" * 307, SmsLength(GSM7, 3, 307)),
        # GSM basic characters beyond ASCII: one septet each.
        ("Δ£¥èÇñü¿§@\n", SmsLength(GSM7, 1, 11)),
        # Extension table: two septets each.
        ("€", SmsLength(GSM7, 1, 2)),
        ("{json}", SmsLength(GSM7, 1, 8)),
        ("€" * 80, SmsLength(GSM7, 1, 160)),
        ("€" * 81, SmsLength(GSM7, 2, 162)),
        ("a" * 159 + "[", SmsLength(GSM7, 2, 161)),
        # An escape sequence is not split across parts: 152 + (2 + 151) + 1.
        ("a" * 152 + "€" + "a" * 152, SmsLength(GSM7, 3, 306)),
        # Not in GSM 03.38 (lower-case ç, ł, emoji): the whole text goes UCS-2.
        ("Français", SmsLength(UCS2, 1, 8)),
        ("ł" * 70, SmsLength(UCS2, 1, 70)),
        ("ł" * 71, SmsLength(UCS2, 2, 71)),
        ("a" * 134 + "ł", SmsLength(UCS2, 3, 135)),
        # An emoji is two UTF-16 code units.
        ("Hi 😀", SmsLength(UCS2, 1, 5)),
        ("😀" * 35, SmsLength(UCS2, 1, 70)),
        ("😀" * 36, SmsLength(UCS2, 2, 72)),
        # A surrogate pair is not split: 66 + (2 + 65) + 1.
        ("ł" * 66 + "😀" + "ł" * 66, SmsLength(UCS2, 3, 134)),
    ],
)
def test_segments(text: str, expected: SmsLength) -> None:
    assert sms_length(text) == expected


def test_sms_usage_per_campaign_counts_the_sms_the_provider_took(
    session: Session, factory: Factory
) -> None:
    company = factory.company("Usage Co")
    other = factory.company("Other Usage Co")
    job_a = factory.job(company, title="A")
    job_b = factory.job(company, title="B")
    now = utcnow()

    def sms(job_id: int | None, segments: int, *, days_ago: int = 0, **kw: object) -> None:
        fields: dict[str, object] = {
            "company_id": company.id,
            "job_id": job_id,
            "channel": "sms",
            "kind": "invitation",
            "to_address": "+639171234567",
            "segments": segments,
            "created_at": now - timedelta(days=days_ago),
            "status": "sent",
            "provider_message_id": "SM" + "0" * 32,
        }
        fields.update(kw)
        session.add(Message(**fields))

    sms(job_a.id, 1)
    sms(job_a.id, 3, status="delivered")
    # Taken by the provider, then undelivered: billed all the same.
    sms(job_a.id, 2, status="failed", provider_status="undelivered")
    # Never handed to the provider: refused (21211), only recorded, or still queued.
    sms(job_a.id, 8, status="failed", provider_message_id=None, error="21211: invalid")
    sms(job_b.id, 8, status="stored", provider_message_id=None)
    sms(job_b.id, 8, status="queued", provider_message_id=None)
    sms(job_b.id, 1)
    sms(None, 4)
    sms(job_a.id, 9, days_ago=40)  # outside the period
    sms(job_a.id, 5, direction="inbound")  # a reply is not billed to us
    sms(job_a.id, 7, channel="email")
    sms(job_a.id, 6, company_id=other.id)
    session.flush()

    usage = sms_usage(session, company.id, start=now - timedelta(days=30), end=now + timedelta(1))
    assert [(u.job_id, u.messages, u.segments) for u in usage] == [
        (job_a.id, 3, 6),
        (job_b.id, 1, 1),
        (None, 1, 4),
    ]
    only_b = sms_usage(
        session,
        company.id,
        start=now - timedelta(days=1),
        end=now + timedelta(1),
        job_ids=[job_b.id],
    )
    assert [(u.job_id, u.messages, u.segments) for u in only_b] == [(job_b.id, 1, 1)]
