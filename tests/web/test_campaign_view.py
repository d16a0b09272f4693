"""The campaign view's candidate list over HTTP: folders and counts, search, filters,
labels, bulk actions, permissions, tenancy, CSRF, escaping and empty states."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.folders import associate_folder, create_custom_folder
from hireloop.domain.applications.labels import apply_labels, create_label
from hireloop.domain.applications.models import Application, ApplicationLabel
from hireloop.domain.applications.service import folder_totals, move_application
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.library import create_quick_reply
from hireloop.domain.messaging.models import Message
from hireloop.web.app.campaign_view_queries import CandidateList, ListFilters, candidate_list
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"


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
def manager(session: Session, company: Company) -> User:
    user = create_user(session, company.id, email="mia@acme.test", name="Mia", password=PASSWORD)
    session.commit()
    return user


@pytest.fixture
def job(factory: Factory, company: Company) -> Job:
    return factory.job(company, title="Call Center Agent")


@pytest.fixture
def apps(factory: Factory, session: Session, company: Company, job: Job) -> dict[str, Application]:
    """Four candidates: Maria (inbox, referral, score 82, Cebu), Jose (inbox, indeed,
    score 40), Ana (shortlisted) and Pedro (inbox, no score)."""
    people = {
        "maria": ("María", "García", "maria.garcia@mail.test", "+639171234567", "Cebu"),
        "jose": ("José", "Reyes", "jose.reyes@mail.test", "+639181112222", "Manila"),
        "ana": ("Ana", "Santos", "ana.santos@mail.test", None, "Davao"),
        "pedro": ("Pedro", "Lim", "pedro.lim@mail.test", None, "Manila"),
    }
    out = {}
    for key, (first, last, email, phone, city) in people.items():
        cand = factory.candidate(
            company, first_name=first, last_name=last, email=email, phone=phone, city=city
        )
        source = {"maria": "Referral", "jose": "Indeed"}.get(key, "Career site")
        out[key] = factory.application(job, cand, source=source)
    out["maria"].ai_score = 82
    out["jose"].ai_score = 40
    move_application(session, out["ana"], "shortlisted", Actor.system())
    create_label(session, company.id, "Bilingual")
    apply_labels(session, out["maria"], Actor.system(), add=["Bilingual"])
    session.commit()
    return out


def sign_in(client: TestClient, email: str) -> None:
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": email, "password": PASSWORD},
    )
    assert r.status_code == 303, r.text


def names(html: str) -> list[str]:
    return re.findall(r'class="cv-name" href="[^"]*"[^>]*>([^<]*)</a>', html)


def bulk(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    page = client.get(path.removesuffix("/bulk"))
    return client.post(path, data={"csrf_token": csrf_from(page.text), **data})


# --- Listing ------------------------------------------------------------------------------


def test_inbox_is_listed_with_folder_counts(
    client: TestClient, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert sorted(names(r.text)) == ["José Reyes", "María García", "Pedro Lim"]
    # Counts come from the folder counts: 3 in the inbox, 1 shortlisted.
    assert re.search(r'data-folder="inbox">\s*<span>Inbox</span>\s*<span[^>]*>3<', r.text)
    assert re.search(
        r'data-folder="shortlisted">\s*<span>Shortlisted</span>\s*<span[^>]*>1<', r.text
    )
    assert "3 candidates" in r.text
    # Labels are links that filter by them; the score shows.
    assert f'href="/app/campaigns/{job.id}?label=Bilingual"' in r.text
    assert '<span class="visually-hidden">AI score </span>82</span>' in r.text
    # No one selected yet.
    assert "Select a candidate" in r.text

    r = client.get(f"/app/campaigns/{job.id}?folder=shortlisted")
    assert names(r.text) == ["Ana Santos"]
    r = client.get(f"/app/campaigns/{job.id}?folder=all")
    assert len(names(r.text)) == 4


def test_the_welcome_screen_links_to_the_campaign_view(
    client: TestClient, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    r = client.get("/app")
    assert f'href="/app/campaigns/{job.id}"' in r.text
    assert 'href="/app/campaigns/all"' in r.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("maria garcia", ["María García"]),
        ("GARCÍA", ["María García"]),
        ("jose.reyes@", ["José Reyes"]),
        ("9181112222", ["José Reyes"]),
        ("ana.santos", ["Ana Santos"]),  # a search looks in every folder
        ("nobody", []),
    ],
)
def test_search_by_name_email_phone(
    client: TestClient,
    owner: User,
    job: Job,
    apps: dict[str, Application],
    query: str,
    expected: list[str],
) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}", params={"q": query})
    assert r.status_code == 200
    assert names(r.text) == expected
    if not expected:
        assert "No candidate matches" in r.text and 'data-testid="empty-list"' in r.text


def test_search_by_lead_id(
    client: TestClient, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}", params={"q": f"AP{apps['pedro'].id}"})
    assert names(r.text) == ["Pedro Lim"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"label": "Bilingual"}, ["María García"]),
        ({"source": "indeed"}, ["José Reyes"]),
        ({"score_min": "50"}, ["María García"]),
        ({"score_min": "30", "score_max": "60"}, ["José Reyes"]),
        ({"location": "manila"}, ["José Reyes", "Pedro Lim"]),
        ({"from": "2000-01-01", "to": "2999-12-31"}, ["José Reyes", "María García", "Pedro Lim"]),
        ({"to": "2000-01-01"}, []),
        ({"folder": "shortlisted", "source": "career site"}, ["Ana Santos"]),
        ({"score_min": "nonsense"}, ["José Reyes", "María García", "Pedro Lim"]),
    ],
)
def test_filters(
    client: TestClient,
    owner: User,
    job: Job,
    apps: dict[str, Application],
    params: dict[str, str],
    expected: list[str],
) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}", params=params)
    assert r.status_code == 200
    assert sorted(names(r.text)) == expected
    if params != {"score_min": "nonsense"}:
        # The reset link keeps the folder only.
        folder = params.get("folder")
        reset = f"/app/campaigns/{job.id}" + (f"?folder={folder}" if folder else "")
        assert f'href="{reset}" data-testid="reset-filters"' in r.text


def test_row_links_keep_the_filters(
    client: TestClient, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}", params={"source": "Indeed", "folder": "all"})
    jose = apps["jose"].id
    assert (
        f'href="/app/campaigns/{job.id}?folder=all&amp;source=Indeed&amp;selected={jose}"' in r.text
    )
    r = client.get(f"/app/campaigns/{job.id}?folder=all&source=Indeed&selected={jose}")
    assert r.status_code == 200
    assert 'class="cv-row cv-row-selected"' in r.text


def test_custom_folders_of_the_campaign(
    client: TestClient,
    session: Session,
    owner: User,
    company: Company,
    job: Job,
    apps: dict[str, Application],
) -> None:
    folder = create_custom_folder(session, company.id, "Second interview")
    associate_folder(session, job, folder)
    move_application(session, apps["pedro"], "custom", Actor.system(), custom_folder_id=folder.id)
    session.commit()
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}")
    assert re.search(
        rf'data-folder="custom:{folder.id}">\s*<span>Second interview</span>\s*<span[^>]*>1<',
        r.text,
    )
    r = client.get(f"/app/campaigns/{job.id}?folder=custom:{folder.id}")
    assert names(r.text) == ["Pedro Lim"]


def test_pages(
    client: TestClient, factory: Factory, company: Company, owner: User, job: Job
) -> None:
    for i in range(27):
        factory.application(job, factory.candidate(company, first_name="Page", last_name=f"P{i}"))
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}")
    assert len(names(r.text)) == 25 and "Page 1 of 2" in r.text
    r = client.get(f"/app/campaigns/{job.id}?page=2")
    assert len(names(r.text)) == 2 and "Page 2 of 2" in r.text


# --- Show All and the campaign selector ---------------------------------------------------


def test_show_all_and_the_selector(
    client: TestClient,
    factory: Factory,
    owner: User,
    company: Company,
    job: Job,
    apps: dict[str, Application],
) -> None:
    other = factory.job(company, title="Sales Associate")
    factory.application(other, factory.candidate(company, first_name="Zoe", last_name="Tan"))
    sign_in(client, owner.email)
    r = client.get("/app/campaigns/all")
    assert r.status_code == 200
    assert sorted(names(r.text)) == ["José Reyes", "María García", "Pedro Lim", "Zoe Tan"]
    assert re.search(r'data-folder="inbox">\s*<span>Inbox</span>\s*<span[^>]*>4<', r.text)
    r = client.get(f"/app/campaigns/all?campaign={other.id}")
    assert r.status_code == 303 and r.headers["location"] == f"/app/campaigns/{other.id}"
    r = client.get("/app/campaigns/all?campaign=all")
    assert r.status_code == 200


# --- Bulk actions -------------------------------------------------------------------------


def test_bulk_move_and_never_into_the_inbox(
    client: TestClient, session: Session, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    path = f"/app/campaigns/{job.id}/bulk"
    ids = [str(apps["maria"].id), str(apps["jose"].id)]
    back = f"/app/campaigns/{job.id}?source=x"
    r = bulk(client, path, {"action": "move", "folder": "hired", "ids": ids, "back": back})
    assert r.status_code == 303 and r.headers["location"] == back
    session.expire_all()
    assert session.get(Application, apps["maria"].id).folder == "hired"  # type: ignore[union-attr]
    counts = folder_totals(session, [job.id])[job.id]
    assert counts["hired"] == 2 and counts["inbox"] == 1
    page = client.get(back)
    assert "The selected candidates were moved." in page.text

    r = bulk(client, path, {"action": "move", "folder": "inbox", "ids": ids})
    assert r.status_code == 303
    session.expire_all()
    assert session.get(Application, apps["maria"].id).folder == "hired"  # type: ignore[union-attr]
    # A back address elsewhere is not followed.
    r = bulk(client, path, {"action": "move", "folder": "rejected", "ids": ids, "back": "//evil"})
    assert r.headers["location"] == f"/app/campaigns/{job.id}"


def test_bulk_label_and_plus(
    client: TestClient, session: Session, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    ids = [str(apps["jose"].id), str(apps["pedro"].id)]
    r = bulk(
        client,
        f"/app/campaigns/{job.id}/bulk",
        {"action": "label", "label": "Night shift", "ids": ids},
    )
    assert r.status_code == 303
    r = client.get(f"/app/campaigns/{job.id}?label=Night+shift")
    assert sorted(names(r.text)) == ["José Reyes", "Pedro Lim"]

    page = client.get(f"/app/campaigns/{job.id}")
    r = client.post(
        f"/app/campaigns/{job.id}/applications/{apps['maria'].id}/labels",
        data={"csrf_token": csrf_from(page.text), "label": "Night shift"},
    )
    assert r.status_code == 303
    r = client.get(f"/app/campaigns/{job.id}?label=Night+shift")
    assert len(names(r.text)) == 3
    r = bulk(
        client, f"/app/campaigns/{job.id}/bulk", {"action": "label", "label": "a,b", "ids": ids}
    )
    assert "That label name is not valid" in client.get(r.headers["location"]).text
    assert session.scalar(select(ApplicationLabel).limit(1)) is not None


def test_bulk_refresh_pin(
    client: TestClient, session: Session, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    move_application(session, apps["jose"], "no_response", Actor.system())
    session.commit()
    sign_in(client, owner.email)
    r = bulk(
        client, f"/app/campaigns/{job.id}/bulk", {"action": "pin", "ids": [str(apps["jose"].id)]}
    )
    assert r.status_code == 303
    session.expire_all()
    jose = session.get(Application, apps["jose"].id)
    assert jose is not None and jose.pin and len(jose.pin) == 6 and jose.folder == "inbox"


def test_bulk_invitation_and_quick_reply(
    client: TestClient,
    session: Session,
    owner: User,
    company: Company,
    job: Job,
    apps: dict[str, Application],
) -> None:
    sign_in(client, owner.email)
    path = f"/app/campaigns/{job.id}/bulk"
    ids = [str(apps["maria"].id), str(apps["jose"].id)]
    r = bulk(client, path, {"action": "invite", "ids": ids})
    assert "No invitation was sent" in client.get(r.headers["location"]).text
    job.messaging_settings = {
        "invitation": {"enabled": True, "sms": "Hi @candidate_name, your PIN is @access_code"}
    }
    reply = create_quick_reply(
        session, company.id, title="Thanks", content="Thanks @candidate_name!"
    )
    session.commit()
    r = bulk(client, path, {"action": "invite", "ids": ids})
    assert "The invitation was queued" in client.get(r.headers["location"]).text
    sent = session.scalars(select(Message).where(Message.kind == "invitation")).all()
    assert sorted(m.body_text[:8] for m in sent) == ["Hi José,", "Hi María"]

    r = bulk(client, path, {"action": "quick_reply", "quick_reply": str(reply.id), "ids": ids})
    assert "The quick reply was queued" in client.get(r.headers["location"]).text
    replies = session.scalars(select(Message).where(Message.kind == "quick_reply")).all()
    assert sorted(m.body_text for m in replies) == ["Thanks José!", "Thanks María!"]
    r = bulk(client, path, {"action": "quick_reply", "quick_reply": "999999", "ids": ids})
    assert r.status_code == 404


def test_bulk_needs_a_selection_and_csrf(
    client: TestClient, session: Session, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    path = f"/app/campaigns/{job.id}/bulk"
    r = bulk(client, path, {"action": "move", "folder": "hired"})
    assert "Select at least one candidate first." in client.get(r.headers["location"]).text
    r = client.post(
        path,
        data={
            "csrf_token": "forged",
            "action": "move",
            "folder": "hired",
            "ids": [str(apps["maria"].id)],
        },
    )
    assert r.status_code == 403
    session.expire_all()
    assert session.get(Application, apps["maria"].id).folder == "inbox"  # type: ignore[union-attr]


# --- Security -----------------------------------------------------------------------------


def test_xss_in_a_candidate_name_is_text(
    client: TestClient, factory: Factory, company: Company, owner: User, job: Job
) -> None:
    cand = factory.candidate(company, first_name="<script>alert(1)</script>", last_name="<b>x</b>")
    application = factory.application(job, cand, source='"><img src=x onerror=alert(2)>')
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}?selected={application.id}")
    assert "<script>alert(1)" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt;" in r.text


def test_manager_permissions(
    client: TestClient,
    session: Session,
    manager: User,
    factory: Factory,
    company: Company,
    job: Job,
    apps: dict[str, Application],
) -> None:
    sign_in(client, manager.email)
    assert client.get(f"/app/campaigns/{job.id}").status_code == 404
    r = bulk(
        client,
        f"/app/campaigns/{job.id}/bulk",
        {"action": "move", "folder": "hired", "ids": [str(apps["maria"].id)]},
    )
    assert r.status_code == 404
    # Show All holds nothing for them, and their selection of another campaign is a 404.
    r = client.get("/app/campaigns/all")
    assert r.status_code == 200 and names(r.text) == []
    assert "No candidates here yet" in r.text
    assert client.get(f"/app/campaigns/all?selected={apps['maria'].id}").status_code == 404

    job.campaign_settings = {**(job.campaign_settings or {}), "manager_ids": [manager.id]}
    session.commit()
    r = client.get(f"/app/campaigns/{job.id}")
    assert r.status_code == 200 and len(names(r.text)) == 3
    r = client.get("/app/campaigns/all")
    assert len(names(r.text)) == 3
    session.expire_all()
    assert session.get(Application, apps["maria"].id).folder == "inbox"  # type: ignore[union-attr]


def test_another_company_is_a_404(
    client: TestClient,
    session: Session,
    factory: Factory,
    company: Company,
    owner: User,
    job: Job,
    apps: dict[str, Application],
) -> None:
    other = factory.company("Rival")
    their_job = factory.job(other, title="Theirs")
    theirs = factory.application(their_job, factory.candidate(other, first_name="Rival"))
    sign_in(client, owner.email)
    assert client.get(f"/app/campaigns/{their_job.id}").status_code == 404
    assert client.get(f"/app/campaigns/all?campaign={their_job.id}").status_code == 404
    assert client.get(f"/app/campaigns/{job.id}?selected={theirs.id}").status_code == 404
    assert client.get(f"/app/campaigns/all?selected={theirs.id}").status_code == 404
    for path, data in (
        (f"/app/campaigns/{job.id}/bulk", {"action": "move", "folder": "hired"}),
        ("/app/campaigns/all/bulk", {"action": "label", "label": "x"}),
    ):
        r = bulk(client, path, {**data, "ids": [str(theirs.id)]})
        assert r.status_code == 404
    page = client.get(f"/app/campaigns/{job.id}")
    r = client.post(
        f"/app/campaigns/{job.id}/applications/{theirs.id}/labels",
        data={"csrf_token": csrf_from(page.text), "label": "x"},
    )
    assert r.status_code == 404
    session.expire_all()
    assert session.get(Application, theirs.id).folder == "inbox"  # type: ignore[union-attr]
    # A candidate of another campaign of the same company is not this page's either.
    sibling = factory.job(company, title="Sibling")
    elsewhere = factory.application(sibling, factory.candidate(company, first_name="Sib"))
    assert client.get(f"/app/campaigns/{job.id}?selected={elsewhere.id}").status_code == 404
    assert client.get(f"/app/campaigns/all?selected={elsewhere.id}").status_code == 200


def test_signed_out_and_unknown(client: TestClient, owner: User, job: Job) -> None:
    r = client.get(f"/app/campaigns/{job.id}")
    assert r.status_code == 303 and r.headers["location"].startswith("/app/login?next=")
    sign_in(client, owner.email)
    assert client.get("/app/campaigns/999999999").status_code == 404
    assert client.get("/app/campaigns/nope").status_code == 404


def test_empty_campaign(client: TestClient, owner: User, job: Job) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}")
    assert r.status_code == 200
    assert "No candidates here yet" in r.text and "0 candidates" in r.text
    assert "Select a candidate" in r.text


def test_a_filtered_count_stops_at_a_limit(
    client: TestClient,
    owner: User,
    job: Job,
    apps: dict[str, Application],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hireloop.web.app import campaign_view_queries

    monkeypatch.setattr(campaign_view_queries, "COUNT_LIMIT", 1)
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}?folder=all&score_min=0")
    assert sorted(names(r.text)) == ["José Reyes", "María García"]
    assert "More than 1 candidates" in r.text
    # Unfiltered totals come from the folder counts, exact.
    r = client.get(f"/app/campaigns/{job.id}?folder=all")
    assert "4 candidates" in r.text


# --- The list's queries (campaign_view_queries) -------------------------------------------


def listed(
    session: Session, company_id: int, job_ids: list[int] | None, **filters: Any
) -> tuple[list[int], CandidateList]:
    result = candidate_list(session, company_id, job_ids, ListFilters(**filters), page=1)
    return [row.application.id for row in result.page.items], result


def test_a_filtered_list_is_counted_newest_first_and_the_companys_only(
    session: Session, factory: Factory, company: Company, job: Job, apps: dict[str, Application]
) -> None:
    rosa = factory.application(
        job, factory.candidate(company, first_name="Rosa", last_name="Cruz"), source="referral"
    )
    rosa.ai_score = 100
    other_job = factory.job(company)
    lea = factory.application(
        other_job, factory.candidate(company, first_name="Lea", last_name="Tan"), source="Referral"
    )
    lea.ai_score = 90
    folder = create_custom_folder(session, company.id, "Second interview")
    associate_folder(session, job, folder)
    move_application(session, apps["pedro"], "custom", Actor.system(), custom_folder_id=folder.id)
    session.commit()
    maria, jose, ana, pedro = (apps[k].id for k in ("maria", "jose", "ana", "pedro"))

    def ids(company_id: int, job_ids: list[int] | None, **filters: Any) -> list[int]:
        return listed(session, company_id, job_ids, **filters)[0]

    campaign = [job.id]
    found, result = listed(
        session, company.id, campaign, folder="all", source="REFERRAL", score_min=50, score_max=100
    )
    assert found == [rosa.id, maria]
    assert result.counted and result.page.total == 2 and not result.capped
    # Inclusive bounds; a lead without a score is in no range.
    assert ids(company.id, campaign, folder="all", score_min=40, score_max=82) == [jose, maria]
    assert ids(company.id, campaign, folder="shortlisted", source="career site") == [ana]
    custom = f"custom:{folder.id}"
    assert ids(company.id, campaign, folder=custom, source="Career site") == [pedro]
    assert ids(company.id, campaign, folder=custom, source="referral") == []
    # Show All: every campaign of the company.
    everywhere = ids(company.id, None, folder="all", source="referral", score_min=50)
    assert everywhere == [lea.id, rosa.id, maria]
    # Another company's id never lists this company's campaign, whatever the filters.
    other = factory.company()
    assert ids(other.id, campaign, folder="all", source="referral") == []


@pytest.mark.parametrize("case", ["source and score", "folder and dates", "custom folder"])
def test_a_filtered_campaign_list_is_read_from_its_index_alone(
    session: Session, company: Company, job: Job, apps: dict[str, Application], case: str
) -> None:
    """On PostgreSQL the count and the page of a filtered campaign list are index-only
    scans of migration 0008's covering index: a campaign's rows lie scattered over the
    table, and reading each of them made this list miss its 50 ms at 1M leads."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the covering index exists on PostgreSQL only")
    if case == "source and score":
        filters: dict[str, Any] = {"folder": "all", "source": "referral", "score_min": 50}
        filters["score_max"] = 100
    elif case == "folder and dates":
        filters = {"folder": "inbox", "date_from": date(2000, 1, 1), "date_to": date(2999, 1, 1)}
    else:
        folder = create_custom_folder(session, company.id, "Second interview")
        associate_folder(session, job, folder)
        move_application(
            session, apps["pedro"], "custom", Actor.system(), custom_folder_id=folder.id
        )
        session.commit()
        filters = {"folder": f"custom:{folder.id}", "source": "career site"}
    connection = session.connection()
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        listed(session, company.id, [job.id], **filters)
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    # The count and the page's ids: applications alone (the rows are then loaded by id).
    reads = [(s, p) for s, p in statements if re.search(r"FROM applications\s+WHERE", s)]
    assert len(reads) == 2, statements
    # Every other kind of scan disabled: the plan is an index-only scan only when the
    # index holds every column the query reads.
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_indexscan"):
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    for statement, parameters in reads:
        plan = "\n".join(
            r[0] for r in connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        )
        assert "Index Only Scan" in plan and "ix_applications_job_list" in plan, plan


def test_a_campaign_links_to_adding_candidates_its_settings_and_the_export(
    client: TestClient, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}")
    for path in ("add", "settings", "export.xlsx"):
        href = f"/app/campaigns/{job.id}/{path}"
        assert f'href="{href}"' in r.text
        assert client.get(href).status_code == 200
    # Show All has no single campaign to add to or export.
    assert "/export.xlsx" not in client.get("/app/campaigns/all").text


def test_a_campaign_shows_its_shareable_job_link(
    client: TestClient, factory: Factory, session: Session, owner: User, company: Company, job: Job
) -> None:
    sign_in(client, owner.email)
    link = f"http://127.0.0.1:8000/careers/{company.slug}/jobs/{job.public_id}"
    html = client.get(f"/app/campaigns/{job.id}").text
    assert f'<a href="{link}">{link}</a>' in html
    assert "Not public yet" not in html
    # The link opens the job's public page.
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200
    # A draft, a job published for later and a closed one: the link, not public yet.
    draft = factory.job(company, title="Draft Role", status="draft")
    later = factory.job(company, title="Later Role")
    later.published_at = utcnow() + timedelta(days=2)
    closed = factory.job(company, title="Closed Role")
    closed.status = "closed"
    session.commit()
    for other in (draft, later, closed):
        html = client.get(f"/app/campaigns/{other.id}").text
        box = html.split('id="job-link"')[1].split("</p>")[0]
        assert "Not public yet" in box and other.public_id in box, other.title
        assert "<a href" not in box, other.title
    # A campaign that is no job offer (an exit interview) is never public: no job link.
    internal = factory.job(company, title="Exit interview")
    internal.campaign_type = "exit_interview"
    session.commit()
    assert 'id="job-link"' not in client.get(f"/app/campaigns/{internal.id}").text
    # Show All has no single job link.
    assert 'id="job-link"' not in client.get("/app/campaigns/all").text


def test_the_company_page_shows_the_career_page_url(
    client: TestClient, manager: User, company: Company
) -> None:
    sign_in(client, manager.email)
    html = client.get("/app/company").text
    url = f"http://127.0.0.1:8000/careers/{company.slug}"
    assert f'<a href="{url}">{url}</a>' in html
    assert client.get(f"/careers/{company.slug}").status_code == 200


# --- Select all (script) and labels typed in another case (UI) ---------------------------


def test_select_all_is_a_script_with_the_link_kept_for_pages_without_it(
    client: TestClient, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    match = re.search(
        r'<script src="(/static/web/campaign_view\.js\?v=\w+)" defer></script>', r.text
    )
    assert match, "the page loads its script"
    script = client.get(match.group(1))
    assert script.status_code == 200 and "data-select-all" in script.text
    assert "<script>" not in r.text  # no inline script
    # The checkbox waits for the script (hidden); the link works without it.
    assert re.search(r'<span class="cv-select-all" data-select-all-box hidden>', r.text)
    assert 'id="cv-select-all" data-select-all' in r.text
    link = re.search(r'<a href="([^"]*all=1[^"]*)" data-select-all-link>', r.text)
    assert link, "the link of the page without script"
    checked = client.get(link.group(1).replace("&amp;", "&")).text
    assert checked.count('class="cv-check" type="checkbox"') == 3  # the inbox: 3 rows
    assert len(re.findall(r'class="cv-check"[^>]* checked>', checked)) == 3
    assert "Clear the selection" in checked
    # The candidate's own page loads no script: its CSP stays without any.
    one = client.get(f"/app/applications/{apps['maria'].id}")
    assert "script-src" not in one.headers["content-security-policy"]


def test_selected_count_text_is_translated(
    client: TestClient, session: Session, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    owner.language = "fr"
    session.commit()
    sign_in(client, owner.email)
    html = client.get(f"/app/campaigns/{job.id}").text
    assert 'data-template="{count} sélectionné(s)"' in html
    assert "Tout sélectionner sur cette page" in html


def test_a_label_typed_in_another_case_is_the_companys(
    client: TestClient, session: Session, owner: User, job: Job, apps: dict[str, Application]
) -> None:
    sign_in(client, owner.email)
    page = client.get(f"/app/campaigns/{job.id}")
    r = client.post(
        f"/app/campaigns/{job.id}/applications/{apps['jose'].id}/labels",
        data={"csrf_token": csrf_from(page.text), "label": "BILINGUAL"},
    )
    assert r.status_code == 303
    r = client.get(f"/app/campaigns/{job.id}?label=Bilingual")
    assert sorted(names(r.text)) == ["José Reyes", "María García"]
    r = bulk(
        client,
        f"/app/campaigns/{job.id}/bulk",
        {"action": "label", "label": "bilingual", "ids": [str(apps["pedro"].id)]},
    )
    assert r.status_code == 303
    from hireloop.domain.applications.models import Label

    assert session.scalars(select(Label.name)).all() == ["Bilingual"]
