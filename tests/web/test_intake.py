"""Adding candidates (manual form with a CV, CSV preview and import, CV files) and the Excel
export over HTTP: the rules of the leads API, per-row errors, formula cells neutralised,
manager permissions and tenancy."""

from __future__ import annotations

import html
import io
import re
import threading
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.files.models import File
from hireloop.domain.intake.models import ImportRun
from hireloop.domain.jobs.models import Job
from tests.cv_files import make_docx, make_pdf
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"
CSV = (
    "first name,last name,email,country code,phone number,referee\n"
    "Ana,Cruz,ana.cruz@example.com,63,9171234567,\n"
    "=cmd|' /C calc'!A0,Reyes,ben.reyes@example.com,63,9171234568,Rita Ref\n"
    "Cy,Lim,not-an-email,63,,\n"
    "Ana,Cruz,ana.cruz@example.com,63,9171234567,\n"
)
CV_LINES = [
    "Maria Santos",
    "maria.santos@example.com",
    "+63 917 555 0101",
    "Customer service representative with 3 years of experience.",
    "Skills: English, Excel, customer support",
]


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


def sign_in(client: TestClient, email: str) -> None:
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": email, "password": PASSWORD},
    )
    assert r.status_code == 303, r.text


def token(client: TestClient, job: Job) -> str:
    return csrf_from(client.get(f"/app/campaigns/{job.id}/add").text)


def leads_of(session: Session, job: Job) -> list[tuple[Application, Candidate]]:
    session.expire_all()
    return [
        (a, c)
        for a, c in session.execute(
            select(Application, Candidate)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(Application.job_id == job.id)
            .order_by(Application.id)
        )
    ]


# --- Manual form --------------------------------------------------------------------------


def test_add_a_candidate_with_a_pdf_cv(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = client.get(f"/app/campaigns/{job.id}/add")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    r = client.post(
        f"/app/campaigns/{job.id}/add",
        data={
            "csrf_token": csrf_from(page.text),
            "first_name": "Maria",
            "last_name": "Santos",
            "email": "Maria.Santos@Example.com",
            "phone": "0917 555 0101",
        },
        files={"cv": ("maria.pdf", make_pdf(CV_LINES), "application/pdf")},
    )
    assert r.status_code == 303, r.text
    [(application, candidate)] = leads_of(session, job)
    assert r.headers["location"] == f"/app/campaigns/{job.id}/add?tab=manual&lead={application.id}"
    assert candidate.email == "maria.santos@example.com"
    assert candidate.phone_e164 == "+639175550101"
    assert application.pin and application.source == "manual" and application.folder == "inbox"
    assert application.cv_file_id is not None
    cv = session.get(File, application.cv_file_id)
    assert cv is not None and cv.name == "maria.pdf" and cv.media_type == "application/pdf"
    assert "customer" in (candidate.skills_index or "").lower()
    done = client.get(r.headers["location"])
    assert "The candidate was added to the campaign." in done.text
    assert f"?selected={application.id}" in done.text
    # The same person again: no second lead, labelled Duplicate.
    r = client.post(
        f"/app/campaigns/{job.id}/add",
        data={
            "csrf_token": token(client, job),
            "first_name": "Maria",
            "last_name": "Santos",
            "email": "maria.santos@example.com",
        },
    )
    assert r.status_code == 303
    assert "already in the campaign" in client.get(r.headers["location"]).text
    assert len(leads_of(session, job)) == 1


def test_manual_form_errors(client: TestClient, session: Session, owner: User, job: Job) -> None:
    sign_in(client, owner.email)
    r = client.post(
        f"/app/campaigns/{job.id}/add",
        data={"csrf_token": token(client, job), "first_name": "<script>x</script>"},
    )
    assert r.status_code == 400
    assert "Please enter the last name." in r.text
    assert "Please enter an email address or a phone number." in r.text
    assert "&lt;script&gt;x&lt;/script&gt;" in r.text and "<script>x" not in r.text
    r = client.post(
        f"/app/campaigns/{job.id}/add",
        data={"csrf_token": token(client, job), "first_name": "A", "last_name": "B", "phone": "12"},
    )
    assert r.status_code == 400 and "This phone number is not valid." in r.text
    r = client.post(
        f"/app/campaigns/{job.id}/add",
        data={
            "csrf_token": token(client, job),
            "first_name": "A",
            "last_name": "B",
            "email": "a@b.co",
        },
        files={"cv": ("cv.pdf", b"%PDF-1.4 broken", "application/pdf")},
    )
    assert r.status_code == 400 and "We could not read this CV file." in r.text
    # No CSRF token: refused, nothing added.
    r = client.post(
        f"/app/campaigns/{job.id}/add",
        data={"first_name": "A", "last_name": "B", "email": "a@b.co"},
    )
    assert r.status_code == 403
    assert leads_of(session, job) == []


# --- CSV ----------------------------------------------------------------------------------


def test_csv_preview_then_import(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    tab = client.get(f"/app/campaigns/{job.id}/add?tab=csv")
    assert 'type="file"' in tab.text and 'name="file"' in tab.text
    r = client.post(
        f"/app/campaigns/{job.id}/add/csv",
        data={"csrf_token": csrf_from(tab.text)},
        files={"file": ("leads.csv", CSV.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    assert 'data-testid="csv-preview"' in r.text
    assert "utf-8" in r.text and "comma" in r.text
    assert "Row 4: Invalid email" in r.text  # per-row errors before importing
    assert "=cmd|&#39; /C calc&#39;!A0" in r.text or "=cmd|' /C calc'!A0" in r.text
    assert leads_of(session, job) == []  # nothing imported yet
    pending = re.search(r'name="pending_id" value="([0-9a-f]{32})"', r.text)
    assert pending
    form = {"csrf_token": csrf_from(r.text), "pending_id": pending.group(1)}
    r = client.post(f"/app/campaigns/{job.id}/add/csv/import", data=form)
    assert r.status_code == 303, r.text
    # The import is the worker's (tests/web/test_intake_import.py runs it): queued, once.
    result = client.get(r.headers["location"])
    assert result.status_code == 200
    assert "The import is waiting to start" in result.text
    assert "0 of 4 rows done" in result.text
    again = client.post(f"/app/campaigns/{job.id}/add/csv/import", data=form)
    assert again.headers["location"] == r.headers["location"]
    session.expire_all()
    runs = session.scalars(select(ImportRun).where(ImportRun.job_id == job.id)).all()
    assert [(run.status, run.filename, run.created_by_user_id) for run in runs] == [
        ("queued", "leads.csv", owner.id)
    ]
    assert leads_of(session, job) == []


def test_other_requests_are_served_while_a_csv_preview_is_read(
    client: TestClient, owner: User, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a large upload takes seconds: it must not hold up the event loop, which
    serves every other request of the process."""
    from hireloop.web.app import intake_routes

    reading, done = threading.Event(), threading.Event()
    real_read_csv = intake_routes.read_csv

    def slow_read_csv(*args: Any, **kwargs: Any) -> Any:
        reading.set()
        done.wait(timeout=10)
        return real_read_csv(*args, **kwargs)

    monkeypatch.setattr(intake_routes, "read_csv", slow_read_csv)
    sign_in(client, owner.email)
    csrf = token(client, job)
    previews: list[Any] = []
    upload = threading.Thread(
        target=lambda: previews.append(
            client.post(
                f"/app/campaigns/{job.id}/add/csv",
                data={"csrf_token": csrf},
                files={"file": ("leads.csv", CSV.encode(), "text/csv")},
            )
        )
    )
    upload.start()
    try:
        assert reading.wait(timeout=10)
        assert client.get("/healthz").status_code == 200
        assert not previews, "served while the file was being read"
    finally:
        done.set()
        upload.join(timeout=30)
    assert previews[0].status_code == 200 and 'data-testid="csv-preview"' in previews[0].text


def test_csv_file_errors(client: TestClient, owner: User, job: Job) -> None:
    sign_in(client, owner.email)
    for content, message in (
        (b"", "Please choose a file."),
        (b"a,b\n1,2\n", "The file does not have the expected columns."),
        (b"\x00\x01\x02binary" * 50, "could not be read as text"),
    ):
        files = (
            {"file": ("x.csv", content, "text/csv")} if content else {"file": ("", b"", "text/csv")}
        )
        r = client.post(
            f"/app/campaigns/{job.id}/add/csv", data={"csrf_token": token(client, job)}, files=files
        )
        assert r.status_code == 400 and message in r.text, (content[:10], r.text[-2000:])
    r = client.post(
        f"/app/campaigns/{job.id}/add/csv/import",
        data={"csrf_token": token(client, job), "pending_id": "../../etc/passwd"},
    )
    assert r.status_code == 400 and "no longer available" in r.text


def test_a_pending_csv_of_another_company_cannot_be_imported(
    client: TestClient, session: Session, factory: Factory, owner: User, job: Job
) -> None:
    rival = factory.company("Rival Intake")
    create_user(
        session, rival.id, email="sam@rivalintake.com", name="Sam", password=PASSWORD, role="owner"
    )
    rival_job = factory.job(rival)
    session.commit()
    with TestClient(client.app, follow_redirects=False) as sam:
        sign_in(sam, "sam@rivalintake.com")
        page = sam.get(f"/app/campaigns/{rival_job.id}/add?tab=csv")
        r = sam.post(
            f"/app/campaigns/{rival_job.id}/add/csv",
            data={"csrf_token": csrf_from(page.text)},
            files={"file": ("leads.csv", CSV.encode(), "text/csv")},
        )
        pending = re.search(r'name="pending_id" value="([0-9a-f]{32})"', r.text)
        assert pending
    sign_in(client, owner.email)
    r = client.post(
        f"/app/campaigns/{job.id}/add/csv/import",
        data={"csrf_token": token(client, job), "pending_id": pending.group(1)},
    )
    assert r.status_code == 400 and "no longer available" in r.text
    assert leads_of(session, job) == []


# --- CV files -----------------------------------------------------------------------------


def test_add_candidates_from_two_cv_files(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    docx = make_docx(["John Rivera", "john.rivera@example.com", "Call center team lead, 5 years."])
    r = client.post(
        f"/app/campaigns/{job.id}/add/cv",
        data={"csrf_token": token(client, job)},
        files=[
            ("files", ("maria.pdf", make_pdf(CV_LINES), "application/pdf")),
            ("files", ("john.docx", docx, "application/octet-stream")),
            ("files", ("broken.pdf", b"%PDF-1.4 nothing", "application/pdf")),
        ],
    )
    assert r.status_code == 200, r.text
    assert "2 added, 0 already in the campaign, 1 failed." in r.text
    assert (
        "maria.pdf" in r.text
        and "john.docx" in r.text
        and "We could not read this CV file." in r.text
    )
    leads = leads_of(session, job)
    assert sorted(c.email or "" for _, c in leads) == [
        "john.rivera@example.com",
        "maria.santos@example.com",
    ]
    assert all(a.cv_file_id and a.source == "cv_upload" and a.pin for a, _ in leads)
    # Each file was read once and that reading is on the lead: the stored file (with the
    # type found in its bytes), the CV's text and what the parser found.
    files = {f.id: f for f in session.scalars(select(File).where(File.kind == "cv"))}
    for application, candidate in leads:
        stored = files[application.cv_file_id]
        assert stored.application_id == application.id and stored.candidate_id == candidate.id
        assert candidate.resume_text and candidate.last_name in candidate.resume_text
        assert candidate.parsed_resume and candidate.parser_version
    assert sorted(f.media_type for f in files.values()) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    # The same CV again is a duplicate: nothing new is stored.
    r = client.post(
        f"/app/campaigns/{job.id}/add/cv",
        data={"csrf_token": token(client, job)},
        files=[("files", ("maria.pdf", make_pdf(CV_LINES), "application/pdf"))],
    )
    assert "0 added, 1 already in the campaign, 0 failed." in r.text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(File)) == 2


# --- Export -------------------------------------------------------------------------------


def test_export_is_an_excel_file_safe_from_formulas(
    client: TestClient, session: Session, factory: Factory, company: Company, owner: User, job: Job
) -> None:
    candidate = factory.candidate(
        company,
        first_name="=cmd|' /C calc'!A0",
        last_name="@SUM(A1)",
        email="x@example.com",
        phone="+639171234567",
    )
    application = factory.application(job, candidate, source="Indeed")
    application.others = {"bpo_experience": "2 years", "note": "+1 call me"}
    application.ai_score = 87
    session.commit()
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}/export.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Candidate ID", "First name", "Last name", "Email"]
    assert header[-2:] == ["bpo_experience", "note"]
    row = sheet[2]
    by_title = dict(zip(header, row, strict=False))
    first = by_title["First name"]
    assert first.value == "=cmd|' /C calc'!A0" and first.data_type == "s"
    assert first.quotePrefix  # shown and edited as text in Excel
    assert by_title["Last name"].data_type == "s" and by_title["Last name"].quotePrefix
    assert by_title["Phone"].value == "+639171234567" and by_title["Phone"].data_type == "s"
    assert by_title["note"].value == "+1 call me" and by_title["note"].data_type == "s"
    assert by_title["AI score"].value == 87
    assert by_title["Folder"].value == "Inbox" and by_title["Source"].value == "Indeed"
    assert by_title["Added (UTC)"].is_date
    # No formula anywhere in the file.
    for sheet_row in sheet.iter_rows():
        for cell in sheet_row:
            assert cell.data_type != "f"


def test_export_of_a_big_campaign_streams(
    client: TestClient, session: Session, company: Company, owner: User, job: Job
) -> None:
    from hireloop.domain.actor import Actor
    from hireloop.domain.intake.csv_import import read_csv
    from hireloop.domain.intake.service import import_csv

    rows = "".join(f"Lead,Number{n},lead{n}@example.com,63,9171{n:06d},\n" for n in range(3000))
    assert read_csv(rows.encode()).total_rows == 3000
    import_csv(
        session, company, job, rows.encode(), filename="big.csv", actor=Actor.system(), ttl_hours=24
    )
    session.commit()
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}/export.xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == 3000


# --- Permissions and tenancy --------------------------------------------------------------


def test_managers_need_the_campaign_permission(
    client: TestClient, session: Session, company: Company, owner: User, job: Job
) -> None:
    create_user(session, company.id, email="mia@acmeintake.com", name="Mia", password=PASSWORD)
    session.commit()
    sign_in(client, "mia@acmeintake.com")
    for path in ("/add", "/add?tab=csv", "/export.xlsx"):
        assert client.get(f"/app/campaigns/{job.id}{path}").status_code == 404, path
    mia = session.scalar(select(User).where(User.email == "mia@acmeintake.com"))
    assert mia is not None
    job.campaign_settings = {**(job.campaign_settings or {}), "manager_ids": [mia.id]}
    session.commit()
    assert client.get(f"/app/campaigns/{job.id}/add").status_code == 200
    assert client.get(f"/app/campaigns/{job.id}/export.xlsx").status_code == 200


def test_another_companys_campaign_is_not_found(
    client: TestClient, session: Session, factory: Factory, owner: User, job: Job
) -> None:
    rival = factory.company("Rival Export")
    rival_job = factory.job(rival)
    factory.application(rival_job, factory.candidate(rival))
    sign_in(client, owner.email)
    base = f"/app/campaigns/{rival_job.id}"
    for path in ("/add", "/add?tab=cv", "/export.xlsx"):
        assert client.get(base + path).status_code == 404, path
    csrf = token(client, job)
    for path, files in (
        ("/add", None),
        ("/add/csv", {"file": ("leads.csv", CSV.encode(), "text/csv")}),
        ("/add/cv", {"files": ("cv.pdf", make_pdf(CV_LINES), "application/pdf")}),
        ("/add/csv/import", None),
    ):
        r = client.post(
            base + path,
            data={"csrf_token": csrf, "first_name": "A", "last_name": "B", "email": "a@b.co"},
            files=files,
        )
        assert r.status_code == 404, path
    count = session.scalar(
        select(func.count()).select_from(Application).where(Application.job_id == rival_job.id)
    )
    assert count == 1
    run = session.scalar(select(ImportRun).where(ImportRun.job_id == job.id))
    assert run is None
    assert client.get(f"/app/campaigns/{job.id}/imports/nope").status_code == 404


def test_uploads_over_the_cap_are_refused(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    r = client.post(
        f"/app/campaigns/{job.id}/add",
        data={
            "csrf_token": token(client, job),
            "first_name": "A",
            "last_name": "B",
            "email": "a@b.co",
        },
        files={"cv": ("big.pdf", b"%PDF-1.4 " + b"0" * (12 * 1024 * 1024), "application/pdf")},
    )
    assert r.status_code == 413 and "at most 11 MB" in r.text
    too_many = [("files", (f"cv{n}.txt", b"x", "text/plain")) for n in range(21)]
    r = client.post(
        f"/app/campaigns/{job.id}/add/cv", data={"csrf_token": token(client, job)}, files=too_many
    )
    assert r.status_code == 400 and "Send at most 20 files at once." in r.text
    assert leads_of(session, job) == []


def test_csv_file_encoding_can_be_chosen(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    tab = client.get(f"/app/campaigns/{job.id}/add?tab=csv")
    assert '<select id="csv-encoding" name="encoding"' in tab.text
    assert '<option value="" selected>Automatic</option>' in tab.text
    assert '<option value="cp1251">Cyrillic (cp1251)</option>' in tab.text
    west = "first name,last name,email,country code,phone number,referee\r\n"
    west += "José,Müller,jose@x.com,63,9171234567,Renée\r\n"

    def upload(data: bytes, encoding: str) -> Any:
        return client.post(
            f"/app/campaigns/{job.id}/add/csv",
            data={"csrf_token": token(client, job), "encoding": encoding},
            files={"file": ("leads.csv", data, "text/csv")},
        )

    # Automatic, a PH company: the audit's short Windows-1252 file reads right.
    r = upload(west.encode("cp1252"), "")
    assert r.status_code == 200, r.text
    assert 'data-testid="csv-encoding">Windows Western (cp1252)<' in r.text
    assert "<td>José</td>" in r.text and "<td>Müller</td>" in r.text
    # Stated: Cyrillic.
    russian = "Иван,Петров,ivan@x.ru,7,9161234567,\n".encode("cp1251")
    r = upload(russian, "cp1251")
    assert 'data-testid="csv-encoding">Cyrillic (cp1251)<' in r.text and "<td>Иван</td>" in r.text
    # A choice the bytes do not fit: a clear error, the choice kept in the form.
    r = upload(west.encode("cp1252"), "utf-8")
    assert r.status_code == 400
    assert "cannot be read in the chosen encoding" in r.text
    assert '<option value="utf-8" selected>UTF-8</option>' in r.text
    # Not one of the choices.
    r = upload(west.encode(), "<script>")
    assert r.status_code == 400 and "<script>" not in r.text
    # Nothing decodes it: save as CSV UTF-8.
    r = upload(b"Ana,Cruz,a@x.com,63,9171234567,\n" + bytes(range(0x80, 0x100)) * 2, "")
    assert r.status_code == 400 and "CSV UTF-8" in r.text
    runs = session.scalars(select(ImportRun).where(ImportRun.job_id == job.id)).all()
    assert sorted(run.encoding or "" for run in runs) == ["cp1251", "cp1252"]


def test_csv_row_errors_are_shown_in_the_recruiters_language(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    owner.language = "es"
    session.commit()
    sign_in(client, owner.email)
    tab = client.get(f"/app/campaigns/{job.id}/add?tab=csv")
    rows = (
        "first name,last name,email,country code,phone number,referee\n"
        "Ana,Cruz,,63,,\n"  # no email and no phone
        ",,ana@example.com,63,,\n"  # no name
        "Bo,Lim,=1+1,63,,\n"  # a formula for an email
        "Cy,Tan,,ZZ,9171234567,\n"  # unknown country
        f"{'D' * 201},Uy,d@example.com,63,,\n"  # too long
        "Ed,Go\n"  # too few columns
    )
    r = client.post(
        f"/app/campaigns/{job.id}/add/csv",
        data={"csrf_token": csrf_from(tab.text)},
        files={"file": ("leads.csv", rows.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    page = html.unescape(r.text)
    for expected in (
        "Se necesita un correo electrónico o un número de teléfono",
        "Se necesita un nombre o un apellido",
        "Correo electrónico no válido: parece una fórmula",
        "Código de país desconocido 'ZZ'",
        "Nombre tiene más de 200 caracteres",
        "Se esperaban 6 columnas",
    ):
        assert expected in page, expected
    assert "is required" not in page


def test_row_errors_without_a_known_rule_are_shown_as_recorded() -> None:
    from hireloop.web.app.i18n import gettext_for
    from hireloop.web.app.row_errors import row_error_text

    french = gettext_for("fr")
    # Recorded before rules had codes, or of a rule the screen does not know: as is.
    assert row_error_text({"row": 2, "error": "Something else"}, french) == "Something else"
    assert row_error_text({"row": 2, "error": "X", "code": "new_rule"}, french) == "X"
    # A column the rules do not name keeps its header; values come from the record.
    error = {
        "row": 3,
        "error": "Bpo experience is longer than 2000 characters",
        "code": "too_long",
        "params": {"field": "Bpo experience", "limit": 2000},
    }
    assert row_error_text(error, french) == "Bpo experience dépasse 2000 caractères"
    assert row_error_text(error, gettext_for("en")) == error["error"]
    # Values that do not fit the message: as recorded.
    broken = {**error, "params": {"field": "Bpo experience"}}
    assert row_error_text(broken, french) == error["error"]
