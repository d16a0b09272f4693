"""The apply's emails: a 500-character offer title never fails the apply (the subject is
cut to its column), and the auto-rejection email scheduled after an AI auto-reject is not
sent to a candidate a recruiter took out of Rejected meanwhile (checked at delivery, over
a real SMTP server)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import move_application
from hireloop.domain.messaging.delivery import deliver
from hireloop.domain.messaging.models import Message
from tests.api.careers.conftest import CV_PDF, form_fields
from tests.factories import Factory
from tests.smtp_server import SmtpSink, smtp_sink

URL = "/api/job_applications"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_sink() as sink:
        yield sink


def _apply(client, auth, job_offer_id: str):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        headers=auth,
        data=form_fields(job_offer_id),
        files={"cv": ("cv.pdf", CV_PDF, "application/pdf")},
    )


def test_an_offer_with_a_500_character_title_takes_applies(
    client, auth, session, factory: Factory, company
) -> None:  # type: ignore[no-untyped-def]
    title = "Senior " + "T" * 493
    assert len(title) == 500
    job = factory.job(company, title=title)
    session.commit()
    r = _apply(client, auth, job.public_id)
    assert r.status_code == 201, r.text
    application = session.scalar(
        select(Application).where(Application.public_id == r.json()["data"]["application_id"])
    )
    assert application is not None
    (confirmation,) = session.scalars(
        select(Message).where(Message.application_id == application.id)
    ).all()
    assert confirmation.kind == "confirmation"
    subject = confirmation.subject or ""
    assert len(subject) == 500
    assert subject.startswith("We received your application: Senior TTT")
    assert subject.endswith("…")


def test_an_auto_rejection_is_not_sent_after_the_recruiter_rescued_the_candidate(
    client, auth, session, factory: Factory, company, settings: Settings, smtp: SmtpSink
) -> None:  # type: ignore[no-untyped-def]
    strict = factory.job(company, title="Nuclear Physicist " + "X" * 482, description="PhD, 15 years of reactor design.",
                         ai_settings={"auto_reject_threshold": 100})  # fmt: skip
    session.commit()
    mail = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{smtp.port}"})
    outcomes = {}
    cases = (
        ("rescued@example.com", "+33123456781", True),
        ("rejected@example.com", "+33123456782", False),
    )
    for email, phone, rescue in cases:
        r = client.post(
            URL,
            headers=auth,
            data=form_fields(strict.public_id, email=email, phone=phone),
            files={"cv": ("cv.pdf", CV_PDF, "application/pdf")},
        )
        assert r.status_code == 201, r.text
        assert r.json()["data"]["status"] == "rejected"
        application = session.scalar(
            select(Application).where(Application.public_id == r.json()["data"]["application_id"])
        )
        assert application is not None
        if rescue:
            move_application(session, application, "hired", Actor("user", 1))
            session.commit()
            assert (
                client.get(f"{URL}/{application.public_id}", headers=auth).json()["data"]["status"]
                == "accepted"
            )
        (rejection,) = session.scalars(
            select(Message).where(Message.application_id == application.id)
        ).all()
        assert rejection.kind == "rejection" and len(rejection.subject or "") <= 500
        # The hour is up: the worker delivers.
        outcomes[email] = deliver(session, rejection, mail, now=utcnow() + timedelta(hours=2))
        session.commit()
        outcomes[email + " error"] = rejection.error
    assert outcomes["rescued@example.com"] == "canceled"
    assert "no longer in Rejected" in (outcomes["rescued@example.com error"] or "")
    assert outcomes["rejected@example.com"] == "sent"
    # Only the candidate still rejected got the email.
    assert [r.rcpt_tos for r in smtp.received] == [["rejected@example.com"]]
