"""Interview PINs: issue, expire into No Response (also as the worker's sweep), refresh."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application, ApplicationEvent
from hireloop.domain.applications.pins import (
    expire_pins,
    issue_pin,
    new_pin,
    refresh_pins,
    sweep_expired_pins,
)
from hireloop.domain.applications.service import folder_totals
from hireloop.domain.messaging.models import Message
from tests.factories import Factory


def test_new_pin_is_six_digits() -> None:
    pins = {new_pin() for _ in range(200)}
    assert all(len(p) == 6 and p.isdigit() for p in pins)
    assert len(pins) > 150


def _leads(factory: Factory, session: Session, n: int) -> list[Application]:
    company = factory.company()
    job = factory.job(company)
    apps = [factory.application(job, factory.candidate(company)) for _ in range(n)]
    for app in apps:
        issue_pin(app, 72)
        _invite(session, app)
    session.commit()
    return apps


def _invite(session: Session, app: Application) -> None:
    """An invitation sent to the lead (only invited leads expire)."""
    session.add(
        Message(
            company_id=app.company_id,
            application_id=app.id,
            job_id=app.job_id,
            kind="invitation",
            to_address="lead@example.com",
        )
    )


def test_a_lead_whose_invitation_never_went_out_does_not_expire(
    factory: Factory, session: Session
) -> None:
    # Its only invitation failed (or was canceled): the candidate had nothing to respond to.
    failed, canceled, sent = _leads(factory, session, 3)
    for app, status in ((failed, "failed"), (canceled, "canceled")):
        for message in session.scalars(select(Message).where(Message.application_id == app.id)):
            message.status = status
    for app in (failed, canceled, sent):
        app.pin_expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    assert expire_pins(session) == 1
    session.commit()
    assert (failed.folder, canceled.folder, sent.folder) == ("inbox", "inbox", "no_response")


def _count(session: Session, job_id: int, key: str) -> int:
    return folder_totals(session, [job_id])[job_id].get(key, 0)


def test_expired_pins_move_waiting_leads_to_no_response(factory: Factory, session: Session) -> None:
    due, fresh, shortlisted = _leads(factory, session, 3)
    past = utcnow() - timedelta(minutes=1)
    due.pin_expires_at = past
    shortlisted.pin_expires_at = past
    shortlisted.folder = "shortlisted"
    session.commit()
    assert expire_pins(session) == 1
    session.commit()
    assert due.folder == "no_response" and fresh.folder == "inbox"
    assert shortlisted.folder == "shortlisted"
    event = session.scalar(
        select(ApplicationEvent).where(
            ApplicationEvent.application_id == due.id, ApplicationEvent.kind == "moved"
        )
    )
    assert event is not None and event.reason == "PIN expired" and event.actor_type == "system"
    assert _count(session, due.job_id, "no_response") == 1
    assert expire_pins(session) == 0  # nothing left to do


def test_expire_respects_now_and_limit(factory: Factory, session: Session) -> None:
    apps = _leads(factory, session, 3)
    assert expire_pins(session, now=utcnow() + timedelta(hours=71)) == 0
    assert expire_pins(session, now=utcnow() + timedelta(hours=73), limit=2) == 2
    assert expire_pins(session, now=utcnow() + timedelta(hours=73), limit=2) == 1
    assert {a.folder for a in apps} == {"no_response"}


class _Db:
    """The part of Database the sweep uses, on the test's transaction."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        session = self.factory()
        try:
            yield session
            session.commit()
        finally:
            session.close()


def test_sweep_runs_batches_until_done(
    factory: Factory, session: Session, session_factory: sessionmaker[Session]
) -> None:
    apps = _leads(factory, session, 5)
    for app in apps:
        app.pin_expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert sweep_expired_pins(_Db(session_factory), batch=2) == 5  # type: ignore[arg-type]
    session.expire_all()
    assert {session.get(Application, a.id).folder for a in apps} == {"no_response"}  # type: ignore[union-attr]


def test_refresh_gives_new_pins_and_brings_leads_back(factory: Factory, session: Session) -> None:
    waiting, lapsed = _leads(factory, session, 2)
    other_company_app = _leads(factory, session, 1)[0]
    lapsed.pin_expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    expire_pins(session)
    old = other_company_app.pin
    refreshed = refresh_pins(
        session,
        waiting.company_id,
        [waiting.id, lapsed.id, other_company_app.id],
        24,
        Actor.system(),
    )
    assert {a.id for a in refreshed} == {waiting.id, lapsed.id}
    assert lapsed.folder == "inbox"
    assert lapsed.pin_expires_at is not None and lapsed.pin_expires_at > utcnow() + timedelta(
        hours=23
    )
    assert other_company_app.pin == old
    assert _count(session, lapsed.job_id, "inbox") == 2


@pytest.mark.parametrize("hours", ["0", "-5", "87601", "100000000"])
def test_a_pin_lifetime_out_of_range_is_refused_at_startup(
    hours: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A negative lifetime expires PINs as they are issued; a huge one overflowed the
    expiry date and failed every new lead."""
    monkeypatch.setenv("HIRELOOP_PIN_TTL_HOURS", hours)
    with pytest.raises(ValidationError, match="pin_ttl_hours"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_longest_pin_lifetime_still_issues_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIRELOOP_PIN_TTL_HOURS", "87600")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    application = Application()
    issue_pin(application, settings.pin_ttl_hours)
    assert application.pin_expires_at is not None
    assert application.pin_expires_at - utcnow() > timedelta(days=3649)
