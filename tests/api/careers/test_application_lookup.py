"""GET /api/job_applications/{id} reads applications to job offers only, and the path
without an id is the seed's 400, as for offers."""

from __future__ import annotations

from tests.factories import Factory

URL = "/api/job_applications"


def err(r, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.json() == {"status": "error", "data": None, "message": message}


def test_an_application_to_an_internal_campaign_is_not_found(
    client, auth, factory: Factory, company
) -> None:  # type: ignore[no-untyped-def]
    # An exit interview is a campaign, not a job offer: the career-site key reads neither.
    exit_interview = factory.job(company, title="Exit interview")
    exit_interview.campaign_type = "exit_interview"
    factory.session.commit()
    application = factory.application(exit_interview, factory.candidate(company))
    err(client.get(f"{URL}/{application.public_id}", headers=auth), 404, "Application not found")
    err(client.get(f"/api/job_offers/{exit_interview.public_id}", headers=auth), 404,
        "Job offer not found")  # fmt: skip
    assert client.head(f"{URL}/{application.public_id}", headers=auth).status_code == 404

    # Another company's internal campaign: 404 too (no 403 telling that it exists).
    other = factory.company("Other")
    inquiry = factory.job(other, title="Inquiry")
    inquiry.campaign_type = "inquiry"
    factory.session.commit()
    theirs = factory.application(inquiry, factory.candidate(other))
    err(client.get(f"{URL}/{theirs.public_id}", headers=auth), 404, "Application not found")


def test_an_application_to_a_job_offer_is_still_read(
    client, auth, factory: Factory, company, job
) -> None:  # type: ignore[no-untyped-def]
    application = factory.application(job, factory.candidate(company))
    r = client.get(f"{URL}/{application.public_id}", headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["job_offer_id"] == job.public_id
    other = factory.company("Other")
    theirs = factory.application(factory.job(other), factory.candidate(other))
    err(client.get(f"{URL}/{theirs.public_id}", headers=auth), 403,
        "Application does not belong to your company")  # fmt: skip


def test_missing_application_id_is_a_400_not_a_redirect(client, auth) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL + "/", headers=auth, follow_redirects=False)
    err(r, 400, "application_id is required")
    assert "location" not in r.headers
    err(client.get(URL + "/", follow_redirects=False), 401, "API key is required")
    head = client.head(URL + "/", headers=auth, follow_redirects=False)
    assert head.status_code == 400 and head.content == b""
    # The apply sent to the path with a slash is still redirected to the apply route.
    r = client.post(URL + "/?x=1", headers=auth, follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == "http://testserver/api/job_applications?x=1"
    err(client.put(URL + "/", headers=auth), 404, "Route not found")
