"""POST /api/job_applications and GET /api/job_applications/{id}: every row of the seed's
error tables, dedupe, CV replacement, auto-reject, source, idempotency, API logs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hireloop.config import Settings
from hireloop.domain.applications.models import Application
from hireloop.domain.audit.models import ApiLog, IdempotentRequest
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.files.models import File
from hireloop.domain.messaging.models import Message
from tests.api.careers.conftest import CV_PDF, cv_lines, form_fields, hold_apply_turns
from tests.cv_files import (
    make_docx,
    make_encrypted_office_file,
    make_image_only_pdf,
    make_pdf,
    make_word_online_docx,
)
from tests.factories import Factory

URL = "/api/job_applications"


def err(r, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.json() == {"status": "error", "data": None, "message": message}


def apply(client, auth, job_id, cv=CV_PDF, headers=None, files=None, **fields):  # type: ignore[no-untyped-def]
    """A multipart apply; ``files={}`` sends the text fields alone (still multipart)."""
    if files is None:
        files = {"cv": ("john_doe_resume.pdf", cv, "application/pdf")}
    parts = [(k, (None, v)) for k, v in form_fields(job_id, **fields).items()]
    parts += [(k, v) for k, v in files.items()]
    return client.post(URL, headers={**auth, **(headers or {})}, files=parts)


# --- Success ------------------------------------------------------------------------------


def test_created_201(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    r = apply(client, auth, job.public_id, headers={"Origin": "https://careers.my-company.com"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "success" and "message" not in body
    data = body["data"]
    assert set(data) == {"application_id", "candidate_id", "status", "created_at"}
    assert data["status"] == "new" and data["created_at"].endswith("Z")
    application = session.scalar(
        select(Application).where(Application.public_id == data["application_id"])
    )
    assert application.status == "new" and application.step == "awaiting_advance"
    assert application.folder == "inbox"
    assert application.source == "careers.my-company.com"
    assert application.cover_letter == "Je suis motive par ce poste et disponible rapidement."
    assert application.ai_score is not None and application.ai_summary
    assert application.ai_first_impression
    candidate = session.get(Candidate, application.candidate_id)
    assert candidate.public_id == data["candidate_id"]
    assert candidate.email == "jean.dupont@example.com"
    assert candidate.phone == "+33123456789"
    assert candidate.links["linkedin"] == "https://linkedin.com/in/jeandupont"
    assert candidate.resume_text and "Doctolib" in candidate.resume_text
    files = session.scalars(select(File).where(File.candidate_id == candidate.id)).all()
    assert [(f.kind, f.name, f.media_type) for f in files] == [
        ("cv", "john_doe_resume.pdf", "application/pdf")
    ]
    messages = session.scalars(
        select(Message).where(Message.application_id == application.id)
    ).all()
    assert [m.kind for m in messages] == ["confirmation"]
    # GET the application.
    g = client.get(f"{URL}/{data['application_id']}", headers=auth)
    assert g.status_code == 200
    assert g.json() == {
        "status": "success",
        "data": {
            "id": data["application_id"],
            "candidate_id": data["candidate_id"],
            "job_offer_id": job.public_id,
            "status": "new",
            "source": "careers.my-company.com",
            "created_at": data["created_at"],
            "updated_at": g.json()["data"]["updated_at"],
        },
    }


def test_trim_and_lowercase(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    r = apply(client, auth, job.public_id, first_name="  Jean ", last_name=" Dupont  ",
              email="  Jean.Dupont@Example.COM ")  # fmt: skip
    assert r.status_code == 201
    candidate = session.scalar(
        select(Candidate).where(Candidate.public_id == r.json()["data"]["candidate_id"])
    )
    assert (candidate.first_name, candidate.last_name, candidate.email) == (
        "Jean",
        "Dupont",
        "jean.dupont@example.com",
    )


def test_active_offer_accepts(client, auth, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    active = factory.job(company, title="Active", status="active")
    assert apply(client, auth, active.public_id).status_code == 201


def test_bearer_auth(client, key, job) -> None:  # type: ignore[no-untyped-def]
    assert apply(client, {"Authorization": f"Bearer {key}"}, job.public_id).status_code == 201


def test_docx_cv(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    r = apply(
        client,
        auth,
        job.public_id,
        files={"cv": ("cv.docx", make_docx(cv_lines()), "application/octet-stream")},
    )
    assert r.status_code == 201, r.text
    app_ = session.scalar(
        select(Application).where(Application.public_id == r.json()["data"]["application_id"])
    )
    f = session.scalar(select(File).where(File.candidate_id == app_.candidate_id))
    assert f.media_type.endswith("wordprocessingml.document")


def test_declared_type_is_not_trusted(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    # A PDF sent as image/png with no extension is still a PDF (magic bytes).
    r = apply(client, auth, job.public_id, files={"cv": ("upload", CV_PDF, "image/png")})
    assert r.status_code == 201, r.text


def test_cover_letter_empty_when_omitted(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    r = apply(client, auth, job.public_id, cover_letter=None)
    application = session.scalar(
        select(Application).where(Application.public_id == r.json()["data"]["application_id"])
    )
    assert application.cover_letter == ""


def test_body_source_and_cv_url_ignored(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    r = apply(client, auth, job.public_id, source="facebook", cv_url="http://127.0.0.1:1/evil.pdf")
    assert r.status_code == 201
    application = session.scalar(
        select(Application).where(Application.public_id == r.json()["data"]["application_id"])
    )
    assert application.source == "career_site"
    candidate = session.get(Candidate, application.candidate_id)
    assert candidate.resume_url is None


def test_cv_url_does_not_replace_the_file(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    r = apply(client, auth, job.public_id, files={}, cv_url="https://example.com/cv.pdf")
    err(r, 400, 'cv file is required (multipart field "cv")')


@pytest.mark.parametrize(
    ("headers", "source"),
    [
        ({"Origin": "https://careers.my-company.com"}, "careers.my-company.com"),
        (
            {"Origin": "https://jobs.acme.fr:8443", "Referer": "https://other.example/x"},
            "jobs.acme.fr",
        ),
        ({"Referer": "https://www.acme.com/careers/42?utm=x"}, "www.acme.com"),
        ({"Origin": "null", "Referer": "https://www.acme.com/jobs"}, "www.acme.com"),
        ({}, "career_site"),
        ({"Origin": "garbage"}, "career_site"),
    ],
)
def test_source_detection(client, auth, session, job, headers, source) -> None:  # type: ignore[no-untyped-def]
    r = apply(client, auth, job.public_id, headers=headers)
    assert r.status_code == 201
    application = session.scalar(
        select(Application).where(Application.public_id == r.json()["data"]["application_id"])
    )
    assert application.source == source


# --- Dedupe -------------------------------------------------------------------------------


def test_dedupe_returns_existing_as_is(client, auth, session, settings: Settings, job) -> None:  # type: ignore[no-untyped-def]
    first = apply(client, auth, job.public_id, first_name="Jérôme", last_name="Dupont",
                  email="jerome@example.com", cover_letter="first")  # fmt: skip
    assert first.status_code == 201
    application = session.scalar(
        select(Application).where(Application.public_id == first.json()["data"]["application_id"])
    )
    candidate = session.get(Candidate, application.candidate_id)
    old_file = session.scalar(select(File).where(File.candidate_id == candidate.id))
    old_id, old_path = old_file.id, Path(settings.files_dir) / old_file.storage_key
    assert old_path.exists()

    new_cv = make_pdf([*cv_lines("Jerome", "Dupont", "jerome@example.com"), "Kubernetes"])
    again = apply(client, auth, job.public_id, cv=new_cv, first_name="JEROME", last_name="  dupont ",
                  email=" Jerome@EXAMPLE.com", cover_letter="second", headers={"Origin": "https://x.example"})  # fmt: skip
    assert again.status_code == 200, again.text
    assert again.json() == {**first.json(), "message": "Application already exists"}
    session.expire_all()
    application = session.get(Application, application.id)
    assert application.cover_letter == "first" and application.source == "career_site"
    assert (
        session.scalar(
            select(Application.id).where(
                Application.job_id == job.id, Application.id != application.id
            )
        )
        is None
    )
    # The new CV replaced the old one, file and row.
    files = session.scalars(select(File).where(File.candidate_id == candidate.id)).all()
    assert len(files) == 1 and files[0].id != old_id
    assert not old_path.exists()
    assert (Path(settings.files_dir) / files[0].storage_key).read_bytes() == new_cv
    # Only one confirmation.
    kinds = session.scalars(select(Message.kind).where(Message.candidate_id == candidate.id)).all()
    assert kinds == ["confirmation"]


def test_same_person_other_offer_is_a_new_application(
    client, auth, session, factory: Factory, company, job
) -> None:  # type: ignore[no-untyped-def]
    other = factory.job(company, title="Other role")
    a = apply(client, auth, job.public_id).json()["data"]
    b = apply(client, auth, other.public_id).json()["data"]
    assert a["candidate_id"] == b["candidate_id"] and a["application_id"] != b["application_id"]


def test_different_names_same_email_is_another_candidate(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    a = apply(client, auth, job.public_id).json()["data"]
    b = apply(client, auth, job.public_id, first_name="Marie")
    assert b.status_code == 201 and b.json()["data"]["candidate_id"] != a["candidate_id"]


def test_existing_application_current_status(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    data = apply(client, auth, job.public_id).json()["data"]
    application = session.scalar(
        select(Application).where(Application.public_id == data["application_id"])
    )
    application.folder = "shortlisted"
    session.commit()
    again = apply(client, auth, job.public_id)
    assert again.status_code == 200 and again.json()["data"]["status"] == "in_progress"
    assert (
        client.get(f"{URL}/{data['application_id']}", headers=auth).json()["data"]["status"]
        == "in_progress"
    )


# --- Auto-reject --------------------------------------------------------------------------


def test_auto_reject(client, auth, session, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    strict = factory.job(company, title="Nuclear Physicist", description="PhD in nuclear physics, 15 years of reactor design.",
                         ai_settings={"auto_reject_threshold": 100})  # fmt: skip
    r = apply(client, auth, strict.public_id)
    assert r.status_code == 201 and r.json()["data"]["status"] == "rejected"
    application = session.scalar(
        select(Application).where(Application.public_id == r.json()["data"]["application_id"])
    )
    assert (application.status, application.step, application.folder) == (
        "rejected",
        "rejected",
        "rejected",
    )
    assert application.ai_score is not None and application.ai_score < 100
    messages = session.scalars(
        select(Message).where(Message.application_id == application.id)
    ).all()
    assert [m.kind for m in messages] == ["rejection"]  # scheduled, and no confirmation
    assert messages[0].send_after - application.created_at >= timedelta(minutes=59)
    assert (
        client.get(f"{URL}/{application.public_id}", headers=auth).json()["data"]["status"]
        == "rejected"
    )
    # Applying again returns the rejected application as-is.
    again = apply(client, auth, strict.public_id)
    assert again.status_code == 200 and again.json()["data"]["status"] == "rejected"


def test_threshold_zero_never_rejects(client, auth, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    lenient = factory.job(company, title="Anything", ai_settings={"auto_reject_threshold": 0})
    assert apply(client, auth, lenient.public_id).json()["data"]["status"] == "new"


# --- Errors: every row of the seed's tables -----------------------------------------------


def test_specific_errors_400(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    err(apply(client, auth, job.public_id, job_offer_id=None), 400, "job_offer_id is required")
    err(apply(client, auth, job.public_id, job_offer_id="  "), 400, "job_offer_id is required")
    for field in ("first_name", "last_name", "email"):
        err(
            apply(client, auth, job.public_id, **{field: None}),
            400,
            "first_name, last_name, and email are required",
        )
        err(
            apply(client, auth, job.public_id, **{field: "   "}),
            400,
            "first_name, last_name, and email are required",
        )
    err(
        apply(client, auth, job.public_id, files={}),
        400,
        'cv file is required (multipart field "cv")',
    )
    err(apply(client, auth, job.public_id, files={"resume": ("cv.pdf", CV_PDF, "application/pdf")}), 400,
        'cv file is required (multipart field "cv")')  # fmt: skip
    # A text field named cv is not a file.
    err(
        apply(client, auth, job.public_id, files={}, cv="JVBERi0xLjQ="),
        400,
        'cv file is required (multipart field "cv")',
    )
    err(apply(client, auth, job.public_id, cv=b""), 400, "CV validation failed: CV file is empty")
    err(apply(client, auth, job.public_id, cv=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), 400,
        "CV validation failed: legacy Word .doc files are not supported; save the CV as PDF or DOCX")  # fmt: skip
    err(apply(client, auth, job.public_id, job_offer_id="550e8400"), 400,
        "Invalid job_offer_id: expected a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")  # fmt: skip


def test_values_too_long_for_the_database_are_a_bad_request(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    # PostgreSQL would refuse them (a 500 before); SQLite would keep them: both say why.
    for field, value, limit in (("first_name", "J" * 201, 200), ("last_name", "D" * 201, 200),
                                ("phone", "1" * 51, 50), ("email", "a" * 500 + "@example.com", 500)):  # fmt: skip
        err(apply(client, auth, job.public_id, **{field: value}), 400,
            f"{field} is too long (at most {limit} characters)")  # fmt: skip
    assert session.scalars(select(Candidate)).all() == []
    # At the limit it goes in.
    assert apply(client, auth, job.public_id, first_name="J" * 200).status_code == 201


def test_an_email_that_is_no_single_address_is_a_bad_request(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    # A list of addresses would have had the company's confirmation sent to all of them.
    for value in ("a@x.io,b@y.io", "Ann <ann@example.com>", "not-an-email", "a@b@c.io",
                  "ann@example.com\r\nBcc: x@y.io"):  # fmt: skip
        err(apply(client, auth, job.public_id, email=value), 400,
            "email must be a valid email address")  # fmt: skip
    assert session.scalars(select(Candidate)).all() == []
    r = apply(client, auth, job.public_id, email=" Jean.Dupont@Example.com ")
    assert r.status_code == 201, r.text
    assert session.scalar(select(Candidate.email)) == "jean.dupont@example.com"


def test_null_characters_are_a_bad_request(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    # PostgreSQL's text cannot hold one (a 500 before); SQLite would keep it: both say why.
    for field in ("first_name", "last_name", "email", "phone", "linkedin_url", "cover_letter"):
        value = "x\x00y@example.com" if field == "email" else "x\x00y"
        err(apply(client, auth, job.public_id, **{field: value}), 400,
            f"{field} must not contain null characters")  # fmt: skip
    assert session.scalars(select(Candidate)).all() == []


def test_a_long_origin_hostname_is_cut_to_fit(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    host = "careers." + "x" * 120 + ".example.com"
    r = apply(client, auth, job.public_id, headers={"Origin": f"https://{host}"})
    assert r.status_code == 201, r.text
    application = session.scalar(select(Application))
    assert application.source == host[:100]


def test_cv_over_10_mb(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    big = CV_PDF + b"%" + b"x" * (10 * 1024 * 1024)
    err(
        apply(client, auth, job.public_id, cv=big),
        400,
        "CV validation failed: CV file too large (maximum 10 MB)",
    )
    # Just under the body cap but over 10 MB for the file itself.
    just_over = CV_PDF + b"%" * (10 * 1024 * 1024 - len(CV_PDF) + 1)
    err(
        apply(client, auth, job.public_id, cv=just_over),
        400,
        "CV validation failed: CV file too large (maximum 10 MB)",
    )
    assert session.scalar(select(Candidate.id)) is None


def test_cv_of_exactly_10_mb_is_accepted(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    exact = CV_PDF + b"%" * (10 * 1024 * 1024 - len(CV_PDF))
    assert apply(client, auth, job.public_id, cv=exact).status_code == 201


def test_offer_not_open(client, auth, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    for status in ("draft", "paused", "closed", "archived"):
        offer = factory.job(company, title=f"{status} one", status=status)
        err(apply(client, auth, offer.public_id), 400, "Job offer is not open for applications")


def test_offer_of_another_company_403(client, auth, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    theirs = factory.job(factory.company("Other"), title="Theirs")
    err(apply(client, auth, theirs.public_id), 403, "Job offer does not belong to your company")


def test_the_key_and_the_offer_are_read_by_one_query(client, auth, engine, job) -> None:  # type: ignore[no-untyped-def]
    from tests.api.careers.test_job_offers import counting

    with counting(engine) as statements:
        assert apply(client, auth, job.public_id).status_code == 201
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "api_keys" in selects[0] and "jobs" in selects[0]
    # The id as sent in upper case is the same offer (and a second apply is the same one).
    again = apply(client, auth, job.public_id.upper())
    assert again.status_code == 200 and again.json()["message"] == "Application already exists"


def test_a_key_of_one_company_with_the_offer_of_another(client, auth, factory: Factory) -> None:  # type: ignore[no-untyped-def]
    """The offer read with the key is its own company's only: another's is still a 403, and
    a refused key a 401 whatever the offer."""
    other = factory.company("Other")
    theirs = factory.job(other, title="Theirs")
    their_key = factory.api_key(other, scope="career")
    err(apply(client, auth, theirs.public_id), 403, "Job offer does not belong to your company")
    assert apply(client, {"X-API-Key": their_key}, theirs.public_id).status_code == 201
    err(apply(client, {"X-API-Key": "sk_nope"}, theirs.public_id), 401, "Invalid API key")


def test_unknown_offer_404(client, auth) -> None:  # type: ignore[no-untyped-def]
    err(apply(client, auth, "550e8400-e29b-41d4-a716-446655440000"), 404, "Job offer not found")


def test_415_for_json_and_others(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    message = (
        'Unsupported Content-Type. Use multipart/form-data with the CV as a file in the "cv" field.'
    )
    err(client.post(URL, headers=auth, json=form_fields(job.public_id)), 415, message)
    err(client.post(URL, headers=auth, data=form_fields(job.public_id)), 415, message)  # urlencoded
    err(
        client.post(URL, headers={**auth, "Content-Type": "text/plain"}, content=b"hi"),
        415,
        message,
    )
    err(client.post(URL, headers=auth), 415, message)
    assert message.startswith("Unsupported Content-Type. Use multipart/form-data")


def test_invalid_multipart(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    body = b'--b0undary\r\nContent-Disposition: form-data; name="first_name"\r\n\r\nJean\r\n--b0undary--\r\n'
    # Content-Type set by hand without a boundary.
    err(
        client.post(URL, headers={**auth, "Content-Type": "multipart/form-data"}, content=body),
        400,
        "Invalid multipart payload",
    )
    # Wrong boundary / truncated / garbage.
    for broken in (body.replace(b"b0undary", b"other"), body[:40], b"\x00garbage" * 10,
                   b"--b0undary\r\nno headers here\r\n\r\nx\r\n--b0undary--\r\n"):  # fmt: skip
        r = client.post(
            URL,
            headers={**auth, "Content-Type": "multipart/form-data; boundary=b0undary"},
            content=broken,
        )
        err(r, 400, "Invalid multipart payload")


def test_extraction_failure_500(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    r = apply(client, auth, job.public_id, cv=make_image_only_pdf())
    assert r.status_code == 500
    assert r.json()["message"].startswith("Failed to extract text from CV: ")
    # Unknown format: read as a PDF (the seed's fallback), which fails here.
    r = apply(client, auth, job.public_id, cv=b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 200)
    assert r.status_code == 500 and r.json()["message"].startswith(
        "Failed to extract text from CV: "
    )
    assert r.json()["status"] == "error" and r.json()["data"] is None
    assert session.scalar(select(Candidate.id)) is None


def test_a_word_online_docx_is_read(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    # The main part is word/document2.xml (Word Online, SharePoint): still a .docx.
    cv = make_word_online_docx(["Jean Dupont", "jean.dupont@example.com", "Doctolib, Python"])
    r = apply(client, auth, job.public_id, cv=cv)
    assert r.status_code == 201, r.text
    candidate = session.scalar(select(Candidate))
    assert "Doctolib, Python" in candidate.resume_text
    assert session.scalar(select(File.media_type)) == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_a_password_protected_docx_is_an_extraction_failure(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    # An OLE container like a Word 97 .doc, but the seed's "protected" case: no text can
    # be extracted (500), not "legacy .doc" (400).
    err(apply(client, auth, job.public_id, cv=make_encrypted_office_file()), 500,
        "Failed to extract text from CV: the file is password-protected")  # fmt: skip
    assert session.scalar(select(Candidate.id)) is None


def test_scoring_failure_500(client, auth, session, job, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hireloop.domain.careers import service

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("model offline")

    monkeypatch.setattr(service, "screen", boom)
    err(apply(client, auth, job.public_id), 500, "AI scoring failed: model offline")
    assert session.scalar(select(Candidate.id)) is None


def test_upload_failure_500(client, auth, session, job, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hireloop.domain.files.storage import LocalFileStorage

    def full(self, data, *, prefix=""):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LocalFileStorage, "put", full)
    err(apply(client, auth, job.public_id), 500, "Failed to upload CV: No space left on device")
    assert session.scalar(select(Candidate.id)) is None  # nothing half-created


def test_auth_errors(client, factory: Factory, company, job) -> None:  # type: ignore[no-untyped-def]
    err(apply(client, {}, job.public_id), 401, "API key is required")
    err(apply(client, {"X-API-Key": "   "}, job.public_id), 401, "API key is required")
    err(apply(client, {"X-API-Key": "sk_live_unknown"}, job.public_id), 401, "Invalid API key")
    # The key is checked before the body: no key + JSON is still 401.
    err(client.post(URL, json={}), 401, "API key is required")
    # ... and before anything else the request gets wrong.
    unknown = {"X-API-Key": "sk_live_unknown"}
    err(
        apply(client, {**unknown, "Idempotency-Key": " "}, job.public_id),
        401,
        "Invalid API key",
    )
    err(
        client.post(
            URL,
            headers={**unknown, "Content-Type": "multipart/form-data; boundary=x"},
            content=b"--x\r\nnot closed",
        ),
        401,
        "Invalid API key",
    )
    too_big = b"--x\r\n" + b"0" * (11 * 1024 * 1024)
    err(
        client.post(
            URL,
            headers={**unknown, "Content-Type": "multipart/form-data; boundary=x"},
            content=too_big,
        ),
        401,
        "Invalid API key",
    )


def test_get_application_errors(client, auth, factory: Factory, job) -> None:  # type: ignore[no-untyped-def]
    other = factory.company("Other")
    theirs = factory.application(factory.job(other), factory.candidate(other))
    err(
        client.get(f"{URL}/{theirs.public_id}", headers=auth),
        403,
        "Application does not belong to your company",
    )
    err(
        client.get(f"{URL}/c3e5b1d6-4f77-4d3a-9e36-0e6fbbfb77c2", headers=auth),
        404,
        "Application not found",
    )
    err(client.get(f"{URL}/12", headers=auth), 400,
        "Invalid application_id: expected a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")  # fmt: skip
    err(client.get(f"{URL}/{theirs.public_id}"), 401, "API key is required")


# --- Idempotency-Key ----------------------------------------------------------------------


def test_idempotency_replay_and_conflict(client, auth, session, company, job) -> None:  # type: ignore[no-untyped-def]
    h = {"Idempotency-Key": "apply-123"}
    first = apply(client, auth, job.public_id, headers=h)
    assert first.status_code == 201
    replay = apply(client, auth, job.public_id, headers=h)
    assert replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert (
        session.scalar(
            select(IdempotentRequest).where(IdempotentRequest.key == "apply-123")
        ).company_id
        == company.id
    )
    err(apply(client, auth, job.public_id, headers=h, cover_letter="changed"), 409,
        "Idempotency-Key has already been used with a different request")  # fmt: skip
    err(apply(client, auth, job.public_id, headers=h, cv=make_pdf(cv_lines() + ["Go"])), 409,
        "Idempotency-Key has already been used with a different request")  # fmt: skip
    # Without the key, the same body is the ordinary dedupe (200).
    assert apply(client, auth, job.public_id).status_code == 200
    # A fresh key for the same application: 200 "already exists", stored too.
    fresh = apply(client, auth, job.public_id, headers={"Idempotency-Key": "apply-456"})
    assert fresh.status_code == 200 and fresh.json()["message"] == "Application already exists"
    err(apply(client, auth, job.public_id, headers={"Idempotency-Key": "x" * 256}), 400,
        "Idempotency-Key must be 1 to 255 characters")  # fmt: skip


def test_idempotency_keys_are_per_company(client, auth, factory: Factory, job) -> None:  # type: ignore[no-untyped-def]
    other = factory.company("Other")
    other_job = factory.job(other, title="Theirs")
    other_auth = {"X-API-Key": factory.api_key(other, scope="career")}
    assert apply(client, auth, job.public_id, headers={"Idempotency-Key": "k"}).status_code == 201
    assert (
        apply(client, other_auth, other_job.public_id, headers={"Idempotency-Key": "k"}).status_code
        == 201
    )


def test_failed_request_is_not_stored(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    h = {"Idempotency-Key": "retry-me"}
    assert apply(client, auth, job.public_id, headers=h, email=None).status_code == 400
    assert apply(client, auth, job.public_id, headers=h).status_code == 201


# --- API log ------------------------------------------------------------------------------


def test_api_log_rows(client, auth, session, company, job) -> None:  # type: ignore[no-untyped-def]
    apply(client, auth, job.public_id, headers={"User-Agent": "curl/8.5.0"})
    apply(client, {"X-API-Key": "nope"}, job.public_id)
    client.post(URL, headers=auth, json={})
    apply(client, auth, job.public_id, cv=make_image_only_pdf())
    rows = session.scalars(select(ApiLog).where(ApiLog.endpoint == URL).order_by(ApiLog.id)).all()
    assert [(r.method, r.status, r.company_id) for r in rows] == [
        ("POST", 201, company.id),
        ("POST", 401, None),
        ("POST", 415, company.id),
        ("POST", 500, company.id),
    ]
    assert rows[0].user_agent == "curl/8.5.0" and rows[0].ip and rows[0].face == "career"
    assert all(r.latency_ms >= 0 for r in rows)


# --- Applies at once ----------------------------------------------------------------------


def test_an_apply_waits_for_a_free_turn_of_the_process(client, auth, job, session) -> None:  # type: ignore[no-untyped-def]
    import threading

    release = hold_apply_turns(client)
    answers: list[int] = []
    waiting = threading.Thread(
        target=lambda: answers.append(apply(client, auth, job.public_id).status_code)
    )
    try:
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive() and answers == []  # queued, not refused
        # Not started either: it waits before anything is looked up or written.
        assert session.scalar(select(func.count()).select_from(Application)) == 0
        session.rollback()
    finally:
        release()
    waiting.join(timeout=60)
    assert answers == [201]
