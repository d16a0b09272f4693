"""The campaign view as a recruiter notices it: candidates with large application ids can
be opened, moved and labelled; an unreadable folder id is never a server error; Show All
refuses a move into a folder some candidates' campaigns lack with a message (nothing
moved); a quick reply that reaches nobody says so; a double-submitted bulk action is done
once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.actor import Actor
from hireloop.domain.applications.folders import associate_folder, create_custom_folder
from hireloop.domain.applications.models import Application, ApplicationLabel
from hireloop.domain.applications.service import create_application, move_application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.library import create_quick_reply
from hireloop.domain.messaging.models import Message
from tests.factories import Factory
from tests.web.conftest import csrf_from
from tests.web.test_campaign_view import PASSWORD, bulk, names, sign_in

BIG_ID = 1_000_001


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(
        app, raise_server_exceptions=False, follow_redirects=False, client=("203.0.113.5", 5000)
    ) as c:
        yield c


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Recruiting")


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    user = create_user(
        session, company.id, email="olga@acme.test", name="Olga", password=PASSWORD, role="owner"
    )
    session.commit()
    return user


@pytest.fixture
def job(factory: Factory, company: Company) -> Job:
    return factory.job(company, title="Call Center Agent")


@pytest.fixture
def apps(factory: Factory, session: Session, company: Company, job: Job) -> dict[str, Application]:
    """María and José (inbox, with phones) and Ana (shortlisted)."""
    people = {
        "maria": ("María", "García", "maria.garcia@mail.test", "+639171234567"),
        "jose": ("José", "Reyes", "jose.reyes@mail.test", "+639181112222"),
        "ana": ("Ana", "Santos", "ana.santos@mail.test", None),
    }
    out = {}
    for key, (first, last, email, phone) in people.items():
        candidate = factory.candidate(
            company, first_name=first, last_name=last, email=email, phone=phone
        )
        out[key] = factory.application(job, candidate)
    move_application(session, out["ana"], "shortlisted", Actor.system())
    session.commit()
    return out


def flash_after(client: TestClient, response: Any) -> str | None:
    assert response.status_code == 303, response.text[-2000:]
    page = client.get(response.headers["location"])
    found = re.search(r'class="flash[^"]*"[^>]*>(.*?)</', page.text, re.S)
    return found.group(1).strip() if found else None


def nonce_from(html: str) -> str:
    found = re.search(r'name="form_nonce" value="([0-9a-f]{32})"', html)
    assert found, "the form carries a one-time nonce"
    return found.group(1)


def test_a_candidate_with_a_seven_digit_id_can_be_opened_moved_and_labelled(
    client: TestClient, session: Session, factory: Factory, company: Company, owner: User, job: Job
) -> None:
    candidate = factory.candidate(company, first_name="Big", last_name="Id", email="big@x.test")
    create_application(session, job, candidate, Actor.system(), values={"id": BIG_ID})
    session.commit()
    sign_in(client, owner.email)
    page = client.get(f"/app/campaigns/{job.id}")
    assert "Big Id" in names(page.text) and f"selected={BIG_ID}" in page.text
    # The profile panel opens.
    r = client.get(f"/app/campaigns/{job.id}?selected={BIG_ID}")
    assert r.status_code == 200
    assert "Select a candidate" not in r.text and "big@x.test" in r.text
    # The row's + adds a label.
    r = client.post(
        f"/app/campaigns/{job.id}/applications/{BIG_ID}/labels",
        data={"csrf_token": csrf_from(page.text), "label": "Night shift"},
    )
    assert flash_after(client, r) == "The label was added."
    # A bulk move works.
    r = bulk(
        client,
        f"/app/campaigns/{job.id}/bulk",
        {"action": "move", "folder": "hired", "ids": [str(BIG_ID)]},
    )
    assert flash_after(client, r) == "The selected candidates were moved."
    session.expire_all()
    application = session.get(Application, BIG_ID)
    assert application is not None and application.folder == "hired"
    assert session.scalar(select(ApplicationLabel).where(ApplicationLabel.application_id == BIG_ID))


def test_out_of_range_ids_are_a_clean_not_found_never_a_server_error(
    client: TestClient, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    huge = "9" * 22
    # The list ignores an unreadable folder and selection.
    r = client.get(f"/app/campaigns/{job.id}?folder=custom:{huge}")
    assert r.status_code == 200 and "María García" in names(r.text)
    r = client.get(f"/app/campaigns/{job.id}?selected={huge}")
    assert r.status_code == 200 and "Select a candidate" in r.text
    # A move into an impossible folder asks for a choice; nothing moves.
    r = bulk(
        client,
        f"/app/campaigns/{job.id}/bulk",
        {"action": "move", "folder": f"custom:{'9' * 26}", "ids": [str(apps["ana"].id)]},
    )
    assert flash_after(client, r) == "Choose what to apply to the selected candidates."
    # An id no application can have is a 404, not a 500.
    r = bulk(
        client,
        f"/app/campaigns/{job.id}/bulk",
        {"action": "move", "folder": "hired", "ids": [huge]},
    )
    assert r.status_code == 404 and "Page not found" in r.text
    page = client.get(f"/app/campaigns/{job.id}")
    r = client.post(
        f"/app/campaigns/{job.id}/applications/{huge}/labels",
        data={"csrf_token": csrf_from(page.text), "label": "x"},
    )
    assert r.status_code == 404
    r = bulk(
        client,
        f"/app/campaigns/{job.id}/bulk",
        {"action": "quick_reply", "quick_reply": huge, "ids": [str(apps["ana"].id)]},
    )
    assert flash_after(client, r) == "Choose what to apply to the selected candidates."


def test_show_all_refuses_a_move_into_a_folder_a_campaign_lacks_with_a_message(
    client: TestClient,
    session: Session,
    factory: Factory,
    company: Company,
    owner: User,
    job: Job,
    apps: dict[str, Application],
) -> None:
    other = factory.job(company, title="Other")
    pool = create_custom_folder(session, company.id, "Pool")
    associate_folder(session, other, pool)
    in_other = factory.application(other, factory.candidate(company, first_name="Olive"))
    session.commit()
    sign_in(client, owner.email)
    ids = [str(in_other.id), str(apps["maria"].id)]
    r = bulk(
        client,
        "/app/campaigns/all/bulk",
        {"action": "move", "folder": f"custom:{pool.id}", "ids": ids},
    )
    assert flash_after(client, r) == (
        "Nothing was moved: the campaign of some selected candidates does not have that "
        "folder. Open their campaign to move them."
    )
    session.expire_all()
    # Nothing half-moved: not even the candidate whose campaign has the folder.
    assert session.get(Application, in_other.id).folder == "inbox"  # type: ignore[union-attr]
    assert session.get(Application, apps["maria"].id).folder == "inbox"  # type: ignore[union-attr]
    # Only the candidates of the campaign with the folder: moved.
    r = bulk(
        client,
        "/app/campaigns/all/bulk",
        {"action": "move", "folder": f"custom:{pool.id}", "ids": [str(in_other.id)]},
    )
    assert flash_after(client, r) == "The selected candidates were moved."
    session.expire_all()
    moved = session.get(Application, in_other.id)
    assert moved is not None and moved.folder == "custom" and moved.custom_folder_id == pool.id


def test_a_quick_reply_that_reaches_nobody_says_so(
    client: TestClient, session: Session, company: Company, owner: User, job: Job, apps: Any
) -> None:
    for key in ("maria", "jose"):
        candidate = session.get(Candidate, apps[key].candidate_id)
        assert candidate is not None
        candidate.do_not_contact = True
    reply = create_quick_reply(session, company.id, title="Hello", content="Hi @candidate_name")
    session.commit()
    sign_in(client, owner.email)
    ids = [str(apps["maria"].id), str(apps["jose"].id)]
    r = bulk(
        client,
        f"/app/campaigns/{job.id}/bulk",
        {"action": "quick_reply", "quick_reply": str(reply.id), "ids": ids},
    )
    text = flash_after(client, r)
    assert text == (
        "No quick reply was sent: the candidates cannot be reached or asked not to be contacted."
    )
    assert "Done" not in text
    assert session.scalars(select(Message)).all() == []


def test_a_double_submitted_bulk_invitation_is_sent_once(
    client: TestClient, session: Session, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    job.messaging_settings = {
        "invitation": {"enabled": True, "sms": "Hi @candidate_name, PIN @access_code"}
    }
    session.commit()
    sign_in(client, owner.email)
    page = client.get(f"/app/campaigns/{job.id}")
    form = {
        "csrf_token": csrf_from(page.text),
        "form_nonce": nonce_from(page.text),
        "action": "invite",
        "ids": [str(apps["maria"].id)],
    }
    first = client.post(f"/app/campaigns/{job.id}/bulk", data=form)
    second = client.post(f"/app/campaigns/{job.id}/bulk", data=form)
    assert first.headers["location"] == second.headers["location"]
    assert flash_after(client, second) == "The invitation was queued for the selected candidates."
    session.expire_all()
    invitations = session.scalars(select(Message).where(Message.kind == "invitation")).all()
    assert len(invitations) == 1
    # A new page gives a new nonce: sending again on purpose works.
    page = client.get(f"/app/campaigns/{job.id}")
    assert nonce_from(page.text) != form["form_nonce"]
    form.update(csrf_token=csrf_from(page.text), form_nonce=nonce_from(page.text))
    client.post(f"/app/campaigns/{job.id}/bulk", data=form)
    session.expire_all()
    assert len(session.scalars(select(Message).where(Message.kind == "invitation")).all()) == 2


def test_a_double_submitted_quick_reply_is_sent_once(
    client: TestClient, session: Session, company: Company, owner: User, job: Job, apps: Any
) -> None:
    reply = create_quick_reply(session, company.id, title="Hello", content="Hi @candidate_name")
    session.commit()
    sign_in(client, owner.email)
    page = client.get(f"/app/campaigns/{job.id}")
    form = {
        "csrf_token": csrf_from(page.text),
        "form_nonce": nonce_from(page.text),
        "action": "quick_reply",
        "quick_reply": str(reply.id),
        "ids": [str(apps["maria"].id)],
    }
    for _ in range(2):
        r = client.post(f"/app/campaigns/{job.id}/bulk", data=form)
    assert flash_after(client, r) == "The quick reply was queued for the selected candidates."
    session.expire_all()
    assert len(session.scalars(select(Message)).all()) == 1


def test_a_custom_folder_named_with_a_dotted_capital_i_opens(
    client: TestClient,
    session: Session,
    company: Company,
    owner: User,
    job: Job,
    apps: dict[str, Application],
) -> None:
    """A custom folder named "İK Havuzu" (Turkish: HR pool) lists its candidate, in the
    campaign and in Show All, instead of an error page (the name was lowered unlike the
    database does it)."""
    folder = create_custom_folder(session, company.id, "İK Havuzu", default=True)
    move_application(session, apps["maria"], "custom", Actor.system(), custom_folder_id=folder.id)
    session.commit()
    sign_in(client, owner.email)
    for url in (f"/app/campaigns/{job.id}", "/app/campaigns/all"):
        r = client.get(url, params={"folder": f"custom:{folder.id}"})
        assert r.status_code == 200, (url, r.status_code)
        assert names(r.text) == ["María García"], url


@pytest.mark.parametrize(
    "bounds", [{"to": "9999-12-31"}, {"from": "0001-01-01", "to": "9999-12-31"}]
)
def test_the_last_possible_end_date_is_no_end_never_a_server_error(
    client: TestClient, owner: User, job: Job, apps: dict[str, Application], bounds: dict[str, str]
) -> None:
    """``to=9999-12-31`` (a date picker's far end) lists every candidate, as the Leads API
    reads an end of 31-12-9999: there is no day after it to stop at."""
    sign_in(client, owner.email)
    for url in (f"/app/campaigns/{job.id}", "/app/campaigns/all"):
        r = client.get(url, params={"folder": "all", **bounds})
        assert r.status_code == 200, (url, r.status_code)
        assert sorted(names(r.text)) == ["Ana Santos", "José Reyes", "María García"], url
