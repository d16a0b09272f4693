"""GET /api/job_applications/{id}: the status is the application's current one, also after a
recruiter overrides the AI's auto-reject."""

from __future__ import annotations

from sqlalchemy import select

from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import move_application
from tests.api.careers.conftest import CV_PDF, form_fields
from tests.factories import Factory

URL = "/api/job_applications"


def test_a_rescued_auto_rejected_application_reads_its_current_status(
    client, auth, session, factory: Factory, company
) -> None:  # type: ignore[no-untyped-def]
    strict = factory.job(company, title="Nuclear Physicist", description="PhD, 15 years of reactor design.",
                         ai_settings={"auto_reject_threshold": 100})  # fmt: skip
    r = client.post(
        URL,
        headers=auth,
        data=form_fields(strict.public_id),
        files={"cv": ("cv.pdf", CV_PDF, "application/pdf")},
    )
    assert r.status_code == 201 and r.json()["data"]["status"] == "rejected"
    public_id = r.json()["data"]["application_id"]
    application = session.scalar(select(Application).where(Application.public_id == public_id))

    def status_after_move(folder: str) -> str:
        move_application(session, application, folder, Actor("user", 1))  # the recruiter app
        session.commit()
        r = client.get(f"{URL}/{public_id}", headers=auth)
        assert r.status_code == 200
        return r.json()["data"]["status"]

    assert status_after_move("hired") == "accepted"
    assert status_after_move("shortlisted") == "in_progress"
    assert status_after_move("inbox") == "in_progress"  # reviewed, not new any more
    assert status_after_move("rejected") == "rejected"
    # Moving does not rewrite what the AI decided (the stored status stays for the record).
    assert application.status == "rejected"


def test_a_fresh_application_is_new_until_moved(
    client, auth, job, factory: Factory, company, session
) -> None:  # type: ignore[no-untyped-def]
    application = factory.application(job, factory.candidate(company))
    assert (
        client.get(f"{URL}/{application.public_id}", headers=auth).json()["data"]["status"] == "new"
    )
    move_application(session, application, "on_hold", Actor("user", 1))
    session.commit()
    r = client.get(f"{URL}/{application.public_id}", headers=auth)
    assert r.json()["data"]["status"] == "in_progress"
