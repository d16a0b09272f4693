"""Talkpush face, PATCH /campaign_invitations/{id}: names that would make the person
another candidate of the company. Candidates may share an email (the career site keeps
one candidate per email and names, uq_candidates_identity); a rename onto such a
candidate's names is a 409, as an email another candidate has is, and nothing changes.
The same answer when that candidate appears between the check and the write."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.labels import create_label
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.leads import service
from tests.api.leads.leads_support import P, Tenant, make_tenant
from tests.conftest import create_database
from tests.factories import Factory


def career_candidate(session: Session, t: Tenant, first: str, last: str) -> Candidate:
    """A candidate as the career site makes them (match="identity": email and names)."""
    candidate, created = create_candidate(
        session,
        t.company.id,
        CandidateData(first_name=first, last_name=last, email="shared@x.co"),
        match="identity",
    )
    assert created
    return candidate


@pytest.fixture
def world(factory: Factory, session: Session) -> dict[str, Any]:
    t = make_tenant(factory, session)
    ana = career_candidate(session, t, "Ana", "Cruz")
    anna = career_candidate(session, t, "Anna", "Cruz")
    application, _ = create_application(session, t.job, ana, Actor.system())
    application.others = {"kept": 1}
    create_label(session, t.company.id, "Priority")
    session.commit()
    return {"t": t, "ana": ana, "anna": anna, "lead": application}


def patch(client: TestClient, w: dict[str, Any], fields: dict[str, Any]) -> Any:
    return client.patch(
        f"{P}/campaign_invitations/{w['lead'].id}",
        params={"api_key": w["t"].key},
        json={"candidate": fields},
    )


def unchanged(session: Session, w: dict[str, Any]) -> None:
    session.expire_all()
    ana = session.get(Candidate, w["ana"].id)
    lead = session.get(Application, w["lead"].id)
    assert ana is not None and lead is not None
    assert (ana.first_name, ana.last_name, ana.email, ana.phone) == (
        "Ana",
        "Cruz",
        "shared@x.co",
        None,
    )
    assert (ana.first_name_key, ana.last_name_key) == ("ana", "cruz")
    assert lead.others == {"kept": 1}
    assert lead.source is None


@pytest.mark.parametrize(
    ("fields", "details"),
    [
        ({"first_name": "Anna"}, {"first_name": "is taken with this email"}),
        ({"first_name": " ANNA "}, {"first_name": "is taken with this email"}),  # the key
        (
            {"first_name": "Anna", "last_name": "Cruz"},
            {"first_name": "is taken with this email", "last_name": "is taken with this email"},
        ),
        (
            {"first_name": "Anna", "email": "SHARED@x.co"},
            {"first_name": "is taken with this email"},
        ),
    ],
)
def test_a_rename_onto_another_candidate_is_a_409_and_changes_nothing(
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    fields: dict[str, Any],
    details: Any,
) -> None:
    r = patch(
        client,
        world,
        {
            **fields,
            "user_phone_number": "09171234567",
            "source": "Changed",
            "others": {"new": 2},
            "labels": {"add": ["Priority"], "remove": []},
        },
    )
    assert r.status_code == 409, r.text
    assert r.json() == {
        "error": "conflict",
        "message": "Another candidate of this company has the email shared@x.co and the "
        f"name {fields['first_name'].strip()} Cruz.",
        "details": details,
    }
    unchanged(session, world)
    lead = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": world["t"].key, "filter[query]": f"AP{world['lead'].id}"},
    ).json()["candidates"][0]
    assert lead["labels"] == [] and lead["first_name"] == "Ana"


def test_a_rename_onto_a_free_name_works_though_the_email_is_shared(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    r = patch(client, world, {"first_name": "Ana Maria"})
    assert r.status_code == 200, r.text
    assert r.json()["campaign_invitation"]["first_name"] == "Ana Maria"
    # Sending the names it has changes nothing, and is no conflict with anyone.
    r = patch(client, world, {"first_name": "ana maria", "last_name": "Cruz"})
    assert r.status_code == 200, r.text


def test_the_other_candidate_may_take_the_free_names_back(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    """Anna's lead renamed to Ana once Ana is Ana Maria: the identity is free again."""
    assert patch(client, world, {"first_name": "Ana Maria"}).status_code == 200
    lead, _ = create_application(session, world["t"].job, world["anna"], Actor.system())
    session.commit()
    r = client.patch(
        f"{P}/campaign_invitations/{lead.id}",
        params={"api_key": world["t"].key},
        json={"candidate": {"first_name": "Ana"}},
    )
    assert r.status_code == 200, r.text


def test_the_other_candidate_appearing_meanwhile_is_the_same_409(
    client: TestClient, session: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A candidate with these names added after the check (the career site's identity
    match takes no lock): the unique key refuses the write, inside a savepoint, and the
    answer is the check's 409, with nothing written (not the labels either)."""
    monkeypatch.setattr(service, "_identity_taken", lambda *args, **kwargs: False)
    r = patch(
        client,
        world,
        {"first_name": "Anna", "others": {"new": 2}, "labels": {"add": ["Priority"], "remove": []}},
    )
    assert r.status_code == 409, r.text
    assert r.json()["message"] == (
        "Another candidate of this company has the email shared@x.co and the name Anna Cruz."
    )
    unchanged(session, world)
    labels = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": world["t"].key, "filter[label_selected]": "Priority"},
    ).json()
    assert labels["total"] == 0


def test_an_email_change_onto_a_shared_email_is_still_the_email_409(
    client: TestClient, factory: Factory, session: Session, world: dict[str, Any]
) -> None:
    other = factory.candidate(world["t"].company, first_name="Zed", last_name="Q", email="z@x.co")
    lead, _ = create_application(session, world["t"].job, other, Actor.system())
    session.commit()
    r = client.patch(
        f"{P}/campaign_invitations/{lead.id}",
        params={"api_key": world["t"].key},
        json={"candidate": {"email": "shared@x.co", "first_name": "Anna", "last_name": "Cruz"}},
    )
    assert r.status_code == 409, r.text
    assert r.json()["message"] == "Another candidate of this company has the email shared@x.co."


@pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="PostgreSQL only: SQLite takes one writer at a time (BEGIN IMMEDIATE), so the "
    "career site cannot add a candidate during the rename; the savepoint test above "
    "covers the refused write on both",
)
def test_a_career_site_candidate_added_during_the_rename_on_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two real transactions: the rename checks the names (free), the career site then
    adds "Anna Cruz" with the same email and commits, and the rename's write meets the
    unique key: 409, Ana unchanged, Anna kept."""
    url = create_database(os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_renames")
    db = Database(url)
    with db.unit_of_work() as session:
        t = make_tenant(Factory(session), session)
        ana = career_candidate(session, t, "Ana", "Cruz")
        lead, _ = create_application(session, t.job, ana, Actor.system())
        session.commit()
        key, company_id, job_id, ana_id, lead_id = t.key, t.company.id, t.job.id, ana.id, lead.id
    checked, added = threading.Event(), threading.Event()
    check = service._identity_taken

    def check_then_let_the_career_site_in(*args: Any, **kwargs: Any) -> bool:
        taken = check(*args, **kwargs)
        checked.set()
        assert added.wait(30)
        return taken

    def career_site_apply() -> None:
        assert checked.wait(30)
        with db.unit_of_work() as session:
            create_candidate(
                session,
                company_id,
                CandidateData(first_name="Anna", last_name="Cruz", email="shared@x.co"),
                match="identity",
            )
        added.set()

    monkeypatch.setattr(service, "_identity_taken", check_then_let_the_career_site_in)
    settings = Settings(data_dir=tmp_path / "data", database_url=url, api_log_flush_seconds=0)
    app = create_app(settings)  # its own engine: the request is a transaction of its own
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            applying = threading.Thread(target=career_site_apply)
            applying.start()
            r = client.patch(
                f"{P}/campaign_invitations/{lead_id}",
                params={"api_key": key},
                json={"candidate": {"first_name": "Anna", "source": "Changed"}},
            )
            applying.join(30)
        assert r.status_code == 409, r.text
        assert r.json()["message"] == (
            "Another candidate of this company has the email shared@x.co and the name Anna Cruz."
        )
        with db.unit_of_work() as session:
            names = session.execute(
                select(Candidate.id, Candidate.first_name)
                .where(Candidate.company_id == company_id)
                .order_by(Candidate.id)
            ).all()
            source = session.scalar(select(Application.source).where(Application.job_id == job_id))
        assert [tuple(row) for row in names][0] == (ana_id, "Ana")
        assert [row[1] for row in names] == ["Ana", "Anna"]
        assert source is None
    finally:
        db.dispose()
