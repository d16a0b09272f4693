"""A name within its column whose matching key is longer once case is folded ("ß" is
"ss", "ﬃ" is "ffi"): a clear 400 on every face that creates or renames candidates,
nothing written (PostgreSQL refused the key with a 500 before; SQLite kept it)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.candidates.models import Candidate
from tests.api.leads.leads_support import P, make_tenant, new_lead
from tests.factories import Factory

FOLDS_LONGER = "ß" * 101  # 101 characters, 202 once case-folded


def test_a_name_longer_once_folded_is_a_bad_request(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    url = f"{P}/campaigns/{t.job.id}/campaign_invitations"
    params = {"api_key": t.key, "api_secret": t.secret}
    body = {"first_name": "Maria", "last_name": FOLDS_LONGER, "email": "m@example.com"}
    r = client.post(url, params=params, json={"campaign_invitation": body})
    assert r.status_code == 400, r.text
    assert (
        r.json()["message"] == "last_name is too long (at most 200 characters once case is folded)"
    )
    assert session.scalars(select(Candidate)).all() == []

    lead = new_lead(client, t, email="s@example.com")
    r = client.patch(
        f"{P}/campaign_invitations/{lead['id']}",
        params={"api_key": t.key},
        json={"candidate": {"first_name": FOLDS_LONGER}},
    )
    assert r.status_code == 400, r.text
    candidate = session.get(Candidate, lead["candidate_id"])
    session.refresh(candidate)
    assert candidate.first_name == "Maria"
