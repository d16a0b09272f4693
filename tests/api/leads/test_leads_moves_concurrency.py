"""The same lead written by several requests at once, against the real app with real
PostgreSQL transactions (no shared test transaction): each write is applied once, folder
counts stay exact, and the losers of a race get the documented answer, never a 500.

SQLite needs no such test: its write transactions begin IMMEDIATE (db.make_engine), so
they already run one at a time; the sequential forms are in test_leads_moves.py."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.db import Database, make_engine, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application, ApplicationEvent
from hireloop.domain.applications.pins import sweep_expired_pins
from hireloop.domain.applications.service import folder_totals
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.service import create_user
from hireloop.domain.files.models import File
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads.service import change_status
from hireloop.domain.messaging.models import Message
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.conftest import create_database
from tests.factories import Factory
from tests.web.conftest import csrf_from

pytestmark = pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="PostgreSQL only (HIRELOOP_TEST_DATABASE_URL): SQLite runs one write transaction "
    "at a time (BEGIN IMMEDIATE), so there is no race to test there",
)

MESSAGES = {
    kind: {"enabled": True, "sms": kind, "email_subject": kind, "email_html": f"<p>{kind}</p>"}
    for kind in ("invitation", "completion", "shortlisted", "rejection")
}


@dataclass
class Race:
    client: TestClient
    sessions: sessionmaker[Session]
    engine: Engine
    url: str


@pytest.fixture(scope="module")
def race() -> Iterator[Race]:
    url = create_database(os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_moves")
    tmp = Path(tempfile.mkdtemp(prefix="hireloop-moves-race-"))
    engine = make_engine(url)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    settings = Settings(data_dir=tmp / "data", database_url=url, api_log_flush_seconds=0)
    app = create_app(settings, session_factory=sessions)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Race(client, sessions, engine, url)
    finally:
        engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def session(race: Race) -> Iterator[Session]:
    s = race.sessions()
    yield s
    s.close()


def tenant(session: Session, *, messages: bool = False) -> Tenant:
    t = make_tenant(Factory(session), session, f"Race {utcnow().timestamp()}")
    if messages:
        job = session.get(Job, t.job.id)
        assert job is not None
        job.messaging_settings = MESSAGES
        session.commit()
    return t


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; their responses in call order."""
    start = threading.Barrier(len(calls))
    out: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        out[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def lead_url(lead: dict[str, Any], suffix: str = "") -> str:
    return f"{P}/campaign_invitations/{lead['id']}{suffix}"


def events(session: Session, lead_id: int, kind: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                ApplicationEvent.application_id == lead_id, ApplicationEvent.kind == kind
            )
        )
        or 0
    )


def test_parallel_status_changes_move_and_notify_once(race: Race, session: Session) -> None:
    t = tenant(session, messages=True)
    lead = new_lead(race.client, t, email="status@example.com")
    responses = at_once(
        [
            lambda: race.client.put(
                lead_url(lead, "/shortlist"),
                params={"api_key": t.key, "notify": "true", "reason": "r"},
            )
        ]
        * 6
    )
    assert [r.status_code for r in responses] == [200] * 6
    assert {r.json()["campaign_invitation"]["state"] for r in responses} == {"shortlisted"}
    assert folder_totals(session, [t.job.id])[t.job.id] == {"shortlisted": 1}
    assert events(session, lead["id"], "moved") == 1
    kinds = session.scalars(
        select(Message.kind).where(Message.application_id == lead["id"], Message.channel == "email")
    ).all()
    assert sorted(kinds) == ["invitation", "shortlisted"]
    r = race.client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[campaign_id]": t.job.id}
    )
    assert r.json()["total"] == 1 and r.json()["pages"] == 1


def test_parallel_moves_to_another_campaign_move_once(race: Race, session: Session) -> None:
    t = tenant(session)
    target = Factory(session).job(t.company, title="B", status="active")
    lead = new_lead(race.client, t, email="move@example.com")
    body = {"api_key": t.key, "campaign_id": target.id, "folder_id": 3}
    responses = at_once([lambda: race.client.put(lead_url(lead, "/move"), json=body)] * 4)
    assert [r.status_code for r in responses] == [200] * 4
    totals = folder_totals(session, [t.job.id, target.id])
    assert totals == {t.job.id: {}, target.id: {"shortlisted": 1}}
    assert events(session, lead["id"], "campaign_changed") == 1
    assert events(session, lead["id"], "moved") == 1
    for job_id, expected in ((t.job.id, 0), (target.id, 1)):
        r = race.client.get(
            f"{P}/campaign_invitations", params={"api_key": t.key, "filter[campaign_id]": job_id}
        )
        assert r.json()["total"] == expected and len(r.json()["candidates"]) == expected


def test_two_leads_of_one_person_moved_into_one_campaign_at_once(
    race: Race, session: Session
) -> None:
    t = tenant(session)
    factory = Factory(session)
    other = factory.job(t.company, title="B", status="active")
    target = factory.job(t.company, title="C", status="active")
    for attempt in range(3):
        email = f"person{attempt}@example.com"
        leads = [
            new_lead(race.client, t, email=email),
            new_lead(race.client, t, other, email=email),
        ]
        body = {"api_key": t.key, "campaign_id": target.id, "folder_id": 2}
        responses = at_once(
            [
                lambda lead=lead, body=body: race.client.put(lead_url(lead, "/move"), json=body)
                for lead in leads
            ]
        )
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        conflict = next(r for r in responses if r.status_code == 409)
        assert conflict.json()["details"] == {
            "campaign_id": "the candidate is already in this campaign"
        }
    totals = folder_totals(session, [t.job.id, other.id, target.id])
    assert totals[target.id] == {"completed": 3}
    assert sum(totals[t.job.id].values()) + sum(totals[other.id].values()) == 3


def test_parallel_edits_giving_two_people_one_email(race: Race, session: Session) -> None:
    t = tenant(session)
    for attempt in range(3):
        leads = [
            new_lead(race.client, t, email=f"a{attempt}@example.com"),
            new_lead(race.client, t, first_name="Other", email=f"b{attempt}@example.com"),
        ]
        body = {"api_key": t.key, "candidate": {"email": f"same{attempt}@example.com"}}
        responses = at_once(
            [
                lambda lead=lead, body=body: race.client.patch(lead_url(lead), json=body)
                for lead in leads
            ]
        )
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        holders = session.scalar(
            select(func.count()).where(
                Candidate.company_id == t.company.id,
                Candidate.email == f"same{attempt}@example.com",
            )
        )
        assert holders == 1


def test_parallel_automatic_assignments_take_turns(race: Race, session: Session) -> None:
    t = tenant(session)
    for name in ("r1", "r2"):
        create_user(session, t.company.id, email=f"{name}@race.example", name=name, password=None)
    session.commit()
    leads = [new_lead(race.client, t, email=f"assign{i}@example.com") for i in range(4)]
    body = {"api_key": t.key, "assignee_email": "automatic"}
    responses = at_once(
        [
            lambda lead=lead: race.client.put(lead_url(lead, "/reassign"), json=body)
            for lead in leads
        ]
    )
    assert [r.status_code for r in responses] == [200] * 4
    picked = sorted(r.json()["assignee"]["email"] for r in responses)
    assert picked == ["r1@race.example"] * 2 + ["r2@race.example"] * 2


def test_parallel_uploads_of_one_document_attach_it_once(race: Race, session: Session) -> None:
    t = tenant(session)
    lead = new_lead(race.client, t, email="upload@example.com")

    def upload() -> httpx.Response:
        return race.client.put(
            lead_url(lead, "/documents"),
            params={"api_key": t.key, "document_tag_name": "NBI Clearance"},
            files={"file": ("nbi.pdf", b"%PDF-1.4 same bytes", "application/pdf")},
        )

    responses = at_once([upload] * 4)
    assert [r.status_code for r in responses] == [200] * 4
    assert len({r.json()["document"]["files"][0]["id"] for r in responses}) == 1
    files = session.scalar(select(func.count()).where(File.application_id == lead["id"]))
    assert files == 1


def test_a_pin_refresh_during_the_sweep_leaves_the_lead_in_the_inbox(
    race: Race, session: Session
) -> None:
    t = tenant(session, messages=True)
    db = Database(race.url)
    try:
        for attempt in range(3):
            lead = new_lead(race.client, t, email=f"pin{attempt}@example.com")
            application = session.get(Application, lead["id"])
            assert application is not None and application.pin_expires_at is not None
            application.pin_expires_at = utcnow()
            session.commit()
            body = {"api_key": t.key, "campaign_invitation_ids": [lead["id"]]}
            results = at_once(
                [
                    lambda body=body: race.client.post(
                        f"{P}/campaign_invitations/refresh_pins", json=body
                    ),
                    lambda: sweep_expired_pins(db),
                ]
            )
            assert results[0].status_code == 200
            session.expire_all()
            application = session.get(Application, lead["id"])
            assert application is not None and application.folder == "inbox"
            assert application.pin_expires_at is not None
            assert application.pin_expires_at > utcnow()
        assert folder_totals(session, [t.job.id])[t.job.id] == {"inbox": 3}
    finally:
        db.dispose()


def test_a_web_bulk_move_waits_for_a_move_in_progress_and_moves_from_there(
    race: Race, session: Session
) -> None:
    t = tenant(session)
    lead = new_lead(race.client, t, email="bulk@example.com")
    email = f"owner-{utcnow().timestamp()}@example.com"
    create_user(
        session, t.company.id, email=email, name="O", password="pass phrase 123", role="owner"
    )
    session.commit()
    web = TestClient(race.client.app, follow_redirects=False)
    page = web.get("/app/login")
    signed = web.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": email, "password": "pass phrase 123"},
    )
    assert signed.status_code == 303
    form = {"csrf_token": csrf_from(web.get(f"/app/campaigns/{t.job.id}").text)}
    # The leads API rejects the lead: its row is locked until that transaction commits.
    api = race.sessions()
    try:
        change_status(api, t.company.id, lead["id"], "reject", Actor("api_key", 1))
        api.flush()
        answer: dict[str, httpx.Response] = {}
        post = threading.Thread(
            target=lambda: answer.setdefault(
                "r",
                web.post(
                    f"/app/campaigns/{t.job.id}/bulk",
                    data={**form, "action": "move", "folder": "hired", "ids": [str(lead["id"])]},
                ),
            )
        )
        post.start()
        post.join(1.0)
        assert post.is_alive()  # the bulk move waits for the lead's row
        api.commit()
    finally:
        api.close()
    post.join(30)
    assert answer["r"].status_code == 303
    session.expire_all()
    assert folder_totals(session, [t.job.id])[t.job.id] == {"hired": 1}
    moves = session.execute(
        select(ApplicationEvent.from_folder, ApplicationEvent.to_folder)
        .where(ApplicationEvent.application_id == lead["id"], ApplicationEvent.kind == "moved")
        .order_by(ApplicationEvent.id)
    ).all()
    assert [tuple(m) for m in moves] == [("inbox", "rejected"), ("rejected", "hired")]
