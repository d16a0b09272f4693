"""CSV imports and Google Sheets on the Talkpush face (hireloop extension), over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.intake.models import ImportRun
from tests.api.leads.leads_support import make_tenant, new_lead
from tests.factories import Factory

P = "/api/talkpush_services"
CSV = (
    "first name,last name,email,country code,phone number,referee\r\n"
    "José,Müller,jose@example.com,63,9171234567,Grace Lim\r\n"
    "Ben,Reyes,,,,\r\n"
    '"=HYPERLINK(""http://x"")",Cruz,ana@example.com,PH,09171234568,\r\n'
    "José,Müller,JOSE@example.com,63,9171234567,\r\n"
)
SHEET_URL = (
    "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit"
)


def _setup(factory: Factory):  # type: ignore[no-untyped-def]
    company = factory.company(default_country="PH")
    return company, factory.job(company), factory.api_key(company, scope="leads")


def test_csv_import_over_multipart(client: TestClient, factory: Factory, session: Session) -> None:
    _, job, key = _setup(factory)
    response = client.post(
        f"{P}/campaigns/{job.id}/imports",
        params={"api_key": key},
        files={"file": ("leads.csv", CSV.encode("cp1252"), "text/csv")},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "csv" and body["status"] == "completed"
    assert body["campaign_id"] == job.id and body["filename"] == "leads.csv"
    assert (body["total_rows"], body["created"], body["duplicates"], body["failed"]) == (
        4,
        2,
        1,
        1,
    )
    assert body["errors"] == [
        {"row": 3, "error": "An email or a phone number is required", "code": "contact_required"}
    ]
    assert body["finished_at"]
    again = client.get(f"{P}/imports/{body['id']}", params={"api_key": key})
    assert again.status_code == 200 and again.json() == body
    session.expire_all()
    apps = session.scalars(select(Application).where(Application.job_id == job.id)).all()
    assert len(apps) == 2 and all(a.source == "csv" and a.pin for a in apps)


def test_an_import_is_found_by_its_id_in_any_case(client: TestClient, factory: Factory) -> None:
    _, job, key = _setup(factory)
    files = {"file": ("leads.csv", CSV.encode(), "text/csv")}
    body = client.post(f"{P}/campaigns/{job.id}/imports", params={"api_key": key}, files=files)
    run_id = body.json()["id"]
    upper = client.get(f"{P}/imports/{run_id.upper()}", params={"api_key": key})
    assert upper.status_code == 200 and upper.json() == body.json()
    for wrong in ("not-a-uuid", run_id[:-1] + "g", "x" * 100):
        response = client.get(f"{P}/imports/{wrong}", params={"api_key": key})
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "message": "Import not found"}


def test_a_person_is_the_same_through_the_api_and_a_csv(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """Emails are stored alike by both channels (an IDN domain as typed, the local part
    as typed, lower-cased), so a person added by the API is a duplicate in a CSV; a lead
    whose phone is not a number is taken by both, the phone kept as typed."""
    tenant = make_tenant(factory, session)
    for email in ("Ana@XN--BCHER-KVA.de", "jose\u0301@example.com", "ana@bücher.de"):
        new_lead(client, tenant, email=email)
    by_api = new_lead(client, tenant, email="cy@example.com", user_phone_number="9.17123E+09")
    data = (
        "first name,last name,email,country code,phone number,referee\n"
        "Ana,Cruz,ana@xn--bcher-kva.de,,,\n"
        "José,Cruz,JOSE\u0301@example.com,,,\n"
        "Ana,Cruz,ANA@Bücher.de,,,\n"
        "Ben,Diaz,ben@example.com,63,9.17123E+09,\n"
    )
    response = client.post(
        f"{P}/campaigns/{tenant.job.id}/imports",
        params={"api_key": tenant.key},
        files={"file": ("leads.csv", data.encode(), "text/csv")},
    )
    body = response.json()
    assert (body["created"], body["duplicates"], body["failed"]) == (1, 3, 0), body
    session.expire_all()
    phones = {
        email: (phone, e164)
        for email, phone, e164 in session.execute(
            select(Candidate.email, Candidate.phone, Candidate.phone_e164).where(
                Candidate.company_id == tenant.company.id,
                Candidate.email.in_(["cy@example.com", "ben@example.com"]),
            )
        )
    }
    assert phones["ben@example.com"] == phones["cy@example.com"] == ("9.17123E+09", None)
    assert by_api["user_phone_number"] == "9.17123E+09"
    assert (
        session.scalar(
            select(func.count())
            .select_from(Candidate)
            .where(Candidate.company_id == tenant.company.id)
        )
        == 5
    )


def test_api_key_in_the_multipart_body(client: TestClient, factory: Factory) -> None:
    _, job, key = _setup(factory)
    response = client.post(
        f"{P}/campaigns/{job.id}/imports",
        data={"api_key": key},
        files={"file": ("leads.csv", CSV.encode(), "text/csv")},
    )
    assert response.status_code == 201, response.text


def test_rejected_file_is_400_and_nothing_is_written(
    client: TestClient, factory: Factory, session: Session
) -> None:
    _, job, key = _setup(factory)
    for data, expected in [
        (b"name,email\nAna,ana@example.com\n", "Wrong number of columns"),
        (b"first name,last name,city,country code,phone number,referee\n", "Wrong header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4, "could not be read"),
        (b"", "empty"),
    ]:
        response = client.post(
            f"{P}/campaigns/{job.id}/imports",
            params={"api_key": key},
            files={"file": ("x.csv", data, "text/csv")},
        )
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "bad_request"
        assert expected in response.json()["message"]
    missing = client.post(
        f"{P}/campaigns/{job.id}/imports", params={"api_key": key}, data={"x": "1"}
    )
    assert missing.status_code == 400 and "file" in missing.json()["message"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ImportRun)) == 0
    assert (
        session.scalar(
            select(func.count()).select_from(Application).where(Application.job_id == job.id)
        )
        == 0
    )


def test_tenancy_and_auth(client: TestClient, factory: Factory) -> None:
    _, job, key = _setup(factory)
    _, other_job, other_key = _setup(factory)
    files = {"file": ("leads.csv", CSV.encode(), "text/csv")}
    mine = client.post(f"{P}/campaigns/{job.id}/imports", params={"api_key": key}, files=files)
    run_id = mine.json()["id"]
    for method, path, kwargs in [
        ("post", f"{P}/campaigns/{other_job.id}/imports", {"files": files}),
        ("post", f"{P}/campaigns/{other_job.id}/sheets", {"json": {"url": SHEET_URL}}),
        ("get", f"{P}/campaigns/{other_job.id}/sheets", {}),
        ("post", f"{P}/campaigns/999999999/imports", {"files": files}),
    ]:
        response = getattr(client, method)(path, params={"api_key": key}, **kwargs)
        assert response.status_code == 404, (path, response.text)
        assert response.json() == {"error": "not_found", "message": "Campaign not found."}
    response = client.get(f"{P}/imports/{run_id}", params={"api_key": other_key})
    assert response.status_code == 404
    assert client.get(f"{P}/imports/{run_id}").status_code == 401
    assert (
        client.get(f"{P}/imports/{run_id}", params={"api_key": "sk_test_nope"}).status_code == 401
    )


def test_link_and_list_sheets(
    client: TestClient,
    factory: Factory,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    _, job, key = _setup(factory)
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps({"client_email": "intake@proj.iam.gserviceaccount.com"}))
    settings.google_service_account_file = key_file
    response = client.post(
        f"{P}/campaigns/{job.id}/sheets",
        params={"api_key": key},
        json={"url": SHEET_URL, "sheet_name": "Form Responses 1"},
    )
    assert response.status_code == 201, response.text
    sheet = response.json()
    assert sheet["spreadsheet_id"] == "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
    assert sheet["sheet_name"] == "Form Responses 1" and sheet["last_row"] == 0
    assert sheet["share_with"] == "intake@proj.iam.gserviceaccount.com"
    assert sheet["last_synced_at"] is None and sheet["active"] is True
    listed = client.get(f"{P}/campaigns/{job.id}/sheets", params={"api_key": key})
    assert listed.status_code == 200 and listed.json() == {"sheets": [sheet]}
    again = client.post(
        f"{P}/campaigns/{job.id}/sheets",
        params={"api_key": key},
        data={"url": SHEET_URL, "sheet_name": "form responses 1"},
    )
    assert again.status_code == 409  # that tab is linked (tab names: any case)


def test_bad_sheet_urls_are_400(client: TestClient, factory: Factory) -> None:
    _, job, key = _setup(factory)
    for body in [
        {},
        {"url": "https://example.com/spreadsheets/d/abcdefghijklmnop"},
        {"url": "https://docs.google.com/forms/d/e/1FAIpQLSf/viewform"},
        {"url": ["x"]},
    ]:
        response = client.post(f"{P}/campaigns/{job.id}/sheets", params={"api_key": key}, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"] == "bad_request"
