"""Adding candidates as a recruiter notices it: a document that is not a CV is refused
(no lead, no invitation) while real CVs are added; an invalid email is named as such; a
double-clicked manual or CV form adds once (no Duplicate label, no second invitation);
the CV tab's hint states the limits the server applies, and an upload over them gets the
CV tab back with a message."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import ApplicationLabel, Label
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.models import Message
from hireloop.domain.resumes.service import looks_like_resume, read_resume
from tests.cv_files import make_docx, make_pdf
from tests.factories import Factory
from tests.web.test_intake import CV_LINES, PASSWORD, leads_of, sign_in, token


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(
        app, raise_server_exceptions=False, follow_redirects=False, client=("203.0.113.9", 5000)
    ) as c:
        yield c


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Intake", default_country="PH")


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    user = create_user(
        session,
        company.id,
        email="olga@acmeintake.com",
        name="Olga",
        password=PASSWORD,
        role="owner",
    )
    session.commit()
    return user


@pytest.fixture
def job(factory: Factory, company: Company) -> Job:
    return factory.job(company, title="Call Center Agent")


NOT_A_CV = (
    "This file does not look like a CV: no work history, education or skills were found in it."
)
NOT_CVS = {
    "minutes.pdf": make_pdf(
        [
            "Meeting Minutes",
            "Attendees: Board",
            "Contact: secretary@club.org",
            "Agenda: budget review",
        ]
    ),
    "invoice.pdf": make_pdf(
        [
            "INVOICE",
            "Invoice number 2024-0117",
            "Acme Supplies Inc",
            "billing@acmesupplies.com",
            "Total due: PHP 12,500.00",
        ]
    ),
    "notes.txt": b"Shopping list\nMilk Eggs\nCall mom at 0917 123 4567\n",
}


def add_page(client: TestClient, job: Job, tab: str = "manual") -> str:
    return client.get(f"/app/campaigns/{job.id}/add?tab={tab}").text


def nonce_from(html: str) -> str:
    found = re.search(r'name="form_nonce" value="([0-9a-f]{32})"', html)
    assert found, "the form carries a one-time nonce"
    return found.group(1)


def label_names(session: Session, application_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Label.name)
            .join(ApplicationLabel, ApplicationLabel.label_id == Label.id)
            .where(ApplicationLabel.application_id == application_id)
        )
    )


def invite_by_email(session: Session, job: Job) -> None:
    job.messaging_settings = {
        "invitation": {
            "enabled": True,
            "email_html": "<p>Hi @candidate_name, PIN @access_code</p>",
            "sms": "Hi @candidate_name, PIN @access_code",
        }
    }
    session.commit()


# --- Not a CV -----------------------------------------------------------------------------


def test_documents_that_are_not_cvs_are_refused_and_nobody_is_invited(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    invite_by_email(session, job)
    sign_in(client, owner.email)
    john = make_docx(["John Rivera", "john.rivera@example.com", "Call center team lead, 5 years."])
    files = [("files", (name, data, "application/octet-stream")) for name, data in NOT_CVS.items()]
    files += [
        ("files", ("maria.pdf", make_pdf(CV_LINES), "application/pdf")),
        ("files", ("john.docx", john, "application/octet-stream")),
    ]
    r = client.post(
        f"/app/campaigns/{job.id}/add/cv", data={"csrf_token": token(client, job)}, files=files
    )
    assert r.status_code == 200, r.text
    assert "2 added, 0 already in the campaign, 3 failed." in r.text
    rows = dict(re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', r.text, re.S))
    for name in NOT_CVS:
        assert "Failed" in rows[name] and NOT_A_CV in rows[name], name
    assert "Added" in rows["maria.pdf"] and "Added" in rows["john.docx"]
    leads = leads_of(session, job)
    assert sorted(c.email or "" for _, c in leads) == [
        "john.rivera@example.com",
        "maria.santos@example.com",
    ]
    # Only the two real candidates were invited; no one from the minutes or the notes.
    recipients = {m.application_id for m in session.scalars(select(Message))}
    assert recipients <= {a.id for a, _ in leads}


def _cv_texts() -> list[tuple[str, bytes]]:
    """CVs the test suite and the benchmarks send: all must be accepted."""
    from tests.api.careers.conftest import cv_lines
    from tests.api.partner.test_bulk_resumes import cv_lines as partner_cv_lines

    cvs = [
        ("web", make_pdf(CV_LINES)),
        (
            "web docx",
            make_docx(
                ["John Rivera", "john.rivera@example.com", "Call center team lead, 5 years."]
            ),
        ),
        (
            "team lead",
            make_pdf(
                [
                    "John Rivera",
                    "john.rivera@example.com",
                    "+63 917 555 0199",
                    "Team lead, 5 years.",
                ]
            ),
        ),
        ("team lead only", make_docx(["John Rivera", "john.rivera@example.com", "Team lead."])),
        (
            "name and contact",
            make_pdf(["Lena Garcia", "lena.garcia@example.com", "+63 917 555 0199"]),
        ),
        ("one skill", make_pdf(["Maria Santos", "maria.santos@example.com", "Skills: Excel"])),
        ("skills list", make_docx(["Jean Dupont", "jean.dupont@example.com", "Doctolib, Python"])),
        ("careers", make_pdf(cv_lines())),
        ("partner", make_pdf(partner_cv_lines("Ana", "Cruz", "ana@example.com", "Acme"))),
    ]
    bench = Path(__file__).resolve().parents[2] / "bench"
    sys.path.insert(0, str(bench))
    try:
        import resume_corpus

        cvs += [(f"bench {i}", resume_corpus.build(i, 7)[1]) for i in range(0, 60, 3)]
    finally:
        sys.path.remove(str(bench))
    return cvs


def test_every_cv_of_the_tests_and_benchmarks_looks_like_a_cv() -> None:
    for label, data in _cv_texts():
        assert looks_like_resume(read_resume(data, default_region="PH")), label
    for name, data in NOT_CVS.items():
        assert not looks_like_resume(read_resume(data, default_region="PH")), name


# --- Manual form --------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["ana@example", "ana@exa mple.com", "a" * 300 + "@example.com"])
def test_an_invalid_email_is_named_invalid(
    client: TestClient, session: Session, owner: User, job: Job, email: str
) -> None:
    sign_in(client, owner.email)
    r = client.post(
        f"/app/campaigns/{job.id}/add",
        data={
            "csrf_token": token(client, job),
            "first_name": "Ana",
            "last_name": "Cruz",
            "email": email,
        },
    )
    assert r.status_code == 400
    error = re.search(r'id="lead-email-error">([^<]*)<', r.text)
    assert error and error.group(1) == "Please enter a valid email address."
    assert "Please enter an email address or a phone number." not in r.text
    assert leads_of(session, job) == []


def test_a_double_clicked_manual_add_adds_once_without_a_duplicate_label(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    invite_by_email(session, job)
    sign_in(client, owner.email)
    page = add_page(client, job)
    form = {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),  # type: ignore[union-attr]
        "form_nonce": nonce_from(page),
        "first_name": "Ana",
        "last_name": "Cruz",
        "email": "ana@example.com",
    }
    first = client.post(f"/app/campaigns/{job.id}/add", data=form)
    second = client.post(f"/app/campaigns/{job.id}/add", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    shown = client.get(second.headers["location"]).text
    assert "The candidate was added to the campaign." in shown
    assert "labelled Duplicate" not in shown
    [(application, _candidate)] = leads_of(session, job)
    assert label_names(session, application.id) == []
    assert len(session.scalars(select(Message).where(Message.kind == "invitation")).all()) == 1
    # The same person from a new form is still a duplicate, as documented.
    page = add_page(client, job)
    form.update(form_nonce=nonce_from(page))
    r = client.post(f"/app/campaigns/{job.id}/add", data=form)
    assert "labelled Duplicate" in client.get(r.headers["location"]).text
    assert label_names(session, application.id) == ["Duplicate"]


def test_a_double_clicked_cv_upload_adds_once(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    invite_by_email(session, job)
    sign_in(client, owner.email)
    page = add_page(client, job, "cv")
    pdf = make_pdf(
        ["John Rivera", "john.rivera@example.com", "+63 917 555 0199", "Team lead, 5 years."]
    )
    data = {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),  # type: ignore[union-attr]
        "form_nonce": nonce_from(page),
    }
    sent: list[int] = []
    for _ in range(2):
        r = client.post(
            f"/app/campaigns/{job.id}/add/cv",
            data=data,
            files=[("files", ("john.pdf", pdf, "application/pdf"))],
        )
        assert r.status_code == 200
        # The second post shows the first one's result: added, not "already in".
        assert "1 added, 0 already in the campaign, 0 failed." in r.text
        session.expire_all()
        sent.append(len(session.scalars(select(Message).where(Message.kind == "invitation")).all()))
    [(application, _candidate)] = leads_of(session, job)
    assert label_names(session, application.id) == []
    assert sent[0] >= 1 and sent[1] == sent[0]  # no second invitation


# --- Limits -------------------------------------------------------------------------------


def test_the_cv_hint_states_the_limits_and_an_upload_over_them_gets_a_message(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = add_page(client, job, "cv")
    assert "PDF, Word, RTF or text; up to 20 files of 10 MB each and 60 MB in all." in page
    blob = b"%PDF-1.4\n" + b"0" * (9 * 1024 * 1024)
    files = [("files", (f"cv{i}.pdf", blob, "application/pdf")) for i in range(7)]
    r = client.post(
        f"/app/campaigns/{job.id}/add/cv", data={"csrf_token": token(client, job)}, files=files
    )
    assert r.status_code == 413
    assert (
        "The upload is too large: at most 60 MB at once. Send the files in smaller groups."
        in r.text
    )
    # The CV tab is shown again, ready for a smaller group.
    assert 'id="cv-files"' in r.text
    assert leads_of(session, job) == []
