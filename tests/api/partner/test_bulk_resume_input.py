"""Bulk résumé requests: validation and tenancy (no worker needed)."""

from __future__ import annotations

from sqlalchemy import func, select

from hireloop.domain.batches.models import ResumeBatch, ResumeBatchItem
from hireloop.domain.outbox.models import OutboxEvent


def counts(session) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return (
        session.scalar(select(func.count()).select_from(ResumeBatch)),
        session.scalar(select(func.count()).select_from(ResumeBatchItem)),
        session.scalar(select(func.count()).select_from(OutboxEvent)),
    )


def test_a_batch_is_created_with_its_items_and_started_event(client, auth, session):
    urls = [f"https://files.example.com/cv-{i}.pdf" for i in range(3)]
    r = client.post("/v1/partner/candidates/bulk/resume", json={"resumeURLs": urls}, headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is True and body["data"]["fileCount"] == 3
    batch = client.get(
        f"/v1/partner/candidates/batch/{body['data']['batchId']}?perPage=10", headers=auth
    ).json()["data"]
    assert batch["status"] == "PENDING"
    assert [f["resumeURL"] for f in batch["files"]] == urls
    assert batch["pagination"] == {"page": 1, "limit": 10, "total": 3, "totalPages": 1}
    assert all(f["status"] == "PENDING" for f in batch["files"])


def test_bad_requests_write_nothing(client, auth, session, factory):
    other_job = factory.job(factory.company())
    before = counts(session)
    cases = [
        ({}, {"resumeURLs": '"resumeURLs" is required'}),
        ({"resumeURLs": "https://x/cv.pdf"}, {"resumeURLs": '"resumeURLs" must be an array'}),
        ({"resumeURLs": []}, {"resumeURLs": '"resumeURLs" must contain at least 1 items'}),
        (
            {"resumeURLs": ["https://x/a.pdf"] * 201},
            {"resumeURLs": '"resumeURLs" must contain less than or equal to 200 items'},
        ),
        ({"resumeURLs": [""]}, {"resumeURLs[0]": '"resumeURLs[0]" is not allowed to be empty'}),
    ]
    for body, details in cases:
        r = client.post("/v1/partner/candidates/bulk/resume", json=body, headers=auth)
        assert r.status_code == 400, body
        assert r.json()["error"]["details"] == details
    r = client.post(
        "/v1/partner/candidates/bulk/resume",
        content=b"{broken",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    r = client.post(
        "/v1/partner/job-candidates/bulk/resume",
        json={"resumeURLs": ["https://x/a.pdf"]},
        headers=auth,
    )
    assert r.json()["error"]["details"] == {"jobId": '"jobId" is required'}
    r = client.post(
        "/v1/partner/job-candidates/bulk/resume",
        json={"resumeURLs": ["https://x/a.pdf"], "jobId": other_job.id},
        headers=auth,
    )
    assert r.status_code == 404
    r = client.post(
        "/v1/partner/candidates/bulk/resume",
        files=[
            ("resumes", ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 10), "application/pdf"))
        ],
        headers=auth,
    )
    assert r.status_code == 400
    assert r.json()["error"]["details"] == {"resumes[0]": '"resumes[0]" must not exceed 10 MB'}
    r = client.post(
        "/v1/partner/candidates/bulk/resume",
        content=b"--x\r\nbroken",
        headers={**auth, "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 400
    assert counts(session) == before


def test_unknown_or_foreign_batch_is_404(client, auth, factory):
    for ref in ("999999", "abc"):
        r = client.get(f"/v1/partner/candidates/batch/{ref}", headers=auth)
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "NOT_FOUND"


def test_a_multipart_batch_over_100_mb_is_refused(client, auth, session):
    from hireloop.api.partner import batch_routes

    before = counts(session)
    r = client.post(
        "/v1/partner/candidates/bulk/resume",
        content=b"--x\r\n",
        headers={
            **auth,
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(batch_routes.MAX_UPLOAD_BYTES + 1),
        },
    )
    assert r.status_code == 400
    assert "100 MB" in r.json()["error"]["message"]
    # Declared small but sent bigger (or chunked): counted while reading.
    original = batch_routes.MAX_UPLOAD_BYTES
    batch_routes.MAX_UPLOAD_BYTES = 100
    try:
        files = [
            ("resumes", (f"{i}.pdf", b"%PDF-" + b"x" * 60, "application/pdf")) for i in range(2)
        ]
        r = client.post("/v1/partner/candidates/bulk/resume", files=files, headers=auth)
    finally:
        batch_routes.MAX_UPLOAD_BYTES = original
    assert r.status_code == 400 and "100 MB" in r.json()["error"]["message"]
    assert counts(session) == before
