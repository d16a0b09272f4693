"""POST /campaigns/{id}/campaign_invitations: the seed's form-encoded call, the v2 JSON
body, multipart with a CV, dedupe, PINs, labels, and every refusal."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.applications.labels import create_label
from hireloop.domain.applications.models import Application, ApplicationEvent, Label
from hireloop.domain.applications.service import folder_totals
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.files.models import File
from hireloop.domain.messaging.models import Message
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.cv_files import make_image_only_pdf, make_pdf
from tests.factories import Factory


def seed_form(t: Tenant, **overrides: str) -> dict[str, str]:
    """The seed's parameter table, as a form-encoded body."""
    form = {
        "api_key": t.key,
        "api_secret": t.secret,
        "campaign_invitation[first_name]": "Jewel",
        "campaign_invitation[last_name]": "Barton",
        "campaign_invitation[user_phone_number]": "9171234567",
        "campaign_invitation[email]": "Jewel.Barton@Example.com ",
        "campaign_invitation[ source]": "Careers microsite",
        "campaign_invitation[others][referee_first_name]": "Ana",
        "campaign_invitation[others][referee_last_name]": "Reyes",
        "campaign_invitation[others][referee_id]": "EMP-0042",
        "campaign_invitation[others][referee_email]": "ana.reyes@acme.example",
        "campaign_invitation[others][referee_mobile]": "+63 917 555 0101",
        "campaign_invitation[others][referee_account]": "Telco account",
        "campaign_invitation[others][position]": "Team Lead",
        "campaign_invitation[others][bpo_experience]": "2 years",
        "campaign_invitation[others][shift_preference]": "Night",
    }
    form.update(overrides)
    return form


def url(t: Tenant) -> str:
    return f"{P}/campaigns/{t.job.id}/campaign_invitations"


def counts(session: Session, company_id: int) -> tuple[int, int]:
    candidates = session.scalar(
        select(func.count()).select_from(Candidate).where(Candidate.company_id == company_id)
    )
    applications = session.scalar(
        select(func.count()).select_from(Application).where(Application.company_id == company_id)
    )
    return int(candidates or 0), int(applications or 0)


def test_seed_form_encoded_request_creates_a_lead_with_pin(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    r = client.post(url(t), data=seed_form(t))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["message"] == "Candidate has been successfully created"
    lead = body["campaign_invitation"]
    assert lead["first_name"] == "Jewel" and lead["last_name"] == "Barton"
    assert lead["email"] == "jewel.barton@example.com"
    assert lead["user_phone_number"] == "9171234567"
    assert lead["source"] == "Careers microsite"
    assert lead["state"] == "pending" and lead["folder"] == "Inbox" and lead["folder_id"] == 1
    assert lead["campaign_id"] == t.job.id and lead["campaign_title"] == t.job.title
    assert lead["pin"].isdigit() and len(lead["pin"]) == 6
    assert lead["others"]["referee_id"] == "EMP-0042"
    assert lead["others"]["bpo_experience"] == "2 years"
    assert lead["others"]["shift_preference"] == "Night"
    assert lead["labels"] == []

    app = session.get(Application, lead["id"])
    assert app is not None and app.folder == "inbox" and app.pin == lead["pin"]
    # The campaign's invitation is disabled: the PIN's lifetime has not started.
    assert app.pin_expires_at is None and lead["pin_expires_at"] is None
    cand = session.get(Candidate, lead["candidate_id"])
    assert cand is not None
    assert cand.phone_e164 == "+639171234567"  # national number read in the campaign country
    assert cand.referrer_name == "Ana Reyes"
    assert cand.referrer_email == "ana.reyes@acme.example"
    event = session.scalar(
        select(ApplicationEvent).where(ApplicationEvent.application_id == app.id)
    )
    assert event is not None and event.kind == "created" and event.actor_type == "api_key"
    assert folder_totals(session, [t.job.id])[t.job.id] == {"inbox": 1}


def test_v2_json_body_with_key_in_body_and_labels(
    client: TestClient, factory: Factory, session: Session
) -> None:
    # Talkpush's v2 clients send api_key alone: a key issued without a secret takes them.
    t = make_tenant(factory, session, with_secret=False)
    create_label(session, t.company.id, "Priority")
    session.commit()
    r = client.post(
        url(t),
        json={
            "api_key": t.key,
            "campaign_invitation": {
                "first_name": "Wei",
                "last_name": "Tan",
                "email": "wei.tan@example.com",
                "source": "Job board",
                "others": {"years": 3, "remote": True},
                "labels": {"add": ["Priority"], "remove": []},
            },
        },
    )
    assert r.status_code == 200, r.text
    lead = r.json()["campaign_invitation"]
    assert lead["labels"] == ["Priority"]
    assert lead["others"] == {"years": 3, "remote": True}
    assert lead["source"] == "Job board"


def test_multipart_with_temporary_cv_stores_and_reads_it(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    pdf = make_pdf(
        ["Jewel Barton", "jewel@example.com", "Experience", "Call Center Agent, Telco Inc"]
    )
    r = client.post(
        url(t),
        data=seed_form(t),
        files={"campaign_invitation[temporary_cv]": ("cv.pdf", pdf, "application/pdf")},
    )
    assert r.status_code == 200, r.text
    lead = r.json()["campaign_invitation"]
    app = session.get(Application, lead["id"])
    cand = session.get(Candidate, lead["candidate_id"])
    assert app is not None and cand is not None
    assert app.cv_file_id is not None and cand.resume_file_id == app.cv_file_id
    assert "Telco" in (cand.resume_text or "")
    file = session.get(File, app.cv_file_id)
    assert file is not None and file.application_id == app.id and file.kind == "cv"

    found = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": t.key, "filter[query]": f"AP{app.id}", "include_attachments": ""},
    ).json()
    attachment = found["candidates"][0]["attachments"][0]
    assert attachment["name"] == "cv.pdf"
    download = client.get(attachment["url"].split("127.0.0.1:8000")[1], params={"api_key": t.key})
    assert download.status_code == 200 and download.content == pdf


def test_employment_comes_in_the_seeds_ats_shape(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="jewel@example.com")
    cand = session.get(Candidate, lead["candidate_id"])
    assert cand is not None
    cand.employment = [
        {"employer": "Sanin restaurant", "title": "Intern", "start": "2017-01", "current": True,
         "description": "Département de communication"},
        {"employer": "Telco Inc", "title": None, "start": "2015-08", "end": "2015-08"},
    ]  # fmt: skip
    session.commit()
    found = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": t.key, "filter[query]": f"AP{lead['id']}"},
    ).json()["candidates"][0]
    assert found["candidate_guid"] == cand.public_id  # for the CRM profiles API
    assert found["employment"] == [
        {"company": "Sanin restaurant", "organisation_name": "Sanin restaurant", "title": "Intern",
         "description": "Département de communication", "start_date": "2017-01",
         "end_date": "notApplicable"},
        {"company": "Telco Inc", "organisation_name": "Telco Inc", "title": "", "description": "",
         "start_date": "2015-08", "end_date": "2015-08"},
    ]  # fmt: skip


def test_unreadable_cv_is_400_and_writes_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    r = client.post(
        url(t),
        data=seed_form(t),
        files={
            "campaign_invitation[temporary_cv]": (
                "scan.pdf",
                make_image_only_pdf(),
                "application/pdf",
            )
        },
    )
    assert r.status_code == 400, r.text
    assert "extract" in r.json()["message"].lower()
    assert counts(session, t.company.id) == (0, 0)

    r = client.post(
        url(t),
        data=seed_form(t),
        files={"campaign_invitation[temporary_cv]": ("cv.exe", b"MZ\x90\x00" * 50, "x/y")},
    )
    assert r.status_code == 400, r.text
    assert r.json()["message"].startswith("CV validation failed")
    assert counts(session, t.company.id) == (0, 0)


def test_email_or_phone_is_required(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    form = seed_form(t)
    form.pop("campaign_invitation[email]")
    form.pop("campaign_invitation[user_phone_number]")
    r = client.post(url(t), data=form)
    assert r.status_code == 400
    assert "email or user_phone_number" in r.json()["message"]
    assert r.json()["error"] == "bad_request"
    assert counts(session, t.company.id) == (0, 0)


def test_phone_only_and_email_only_leads_are_created(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    by_phone = seed_form(t)
    by_phone.pop("campaign_invitation[email]")
    assert client.post(url(t), data=by_phone).status_code == 200
    by_email = seed_form(t, **{"campaign_invitation[first_name]": "Other"})
    by_email.pop("campaign_invitation[user_phone_number]")
    by_email["campaign_invitation[email]"] = "other@example.com"
    assert client.post(url(t), data=by_email).status_code == 200
    assert counts(session, t.company.id) == (2, 2)


def test_other_required_fields_and_bad_values(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    r = client.post(url(t), data=seed_form(t, **{"campaign_invitation[first_name]": " "}))
    assert r.status_code == 400 and "first_name" in r.json()["message"]
    r = client.post(url(t), data=seed_form(t, **{"campaign_invitation[email]": "not-an-email"}))
    assert r.status_code == 400 and "email" in r.json()["message"].lower()
    no_email = seed_form(t, **{"campaign_invitation[user_phone_number]": "12"})
    no_email.pop("campaign_invitation[email]")
    r = client.post(url(t), data=no_email)
    assert r.status_code == 400 and "phone" in r.json()["message"].lower()
    r = client.post(
        url(t), params={"api_key": t.key, "api_secret": t.secret}, json={"first_name": "x"}
    )
    assert r.status_code == 400 and "campaign_invitation" in r.json()["message"]
    r = client.post(
        url(t),
        params={"api_key": t.key, "api_secret": t.secret},
        json={
            "campaign_invitation": {
                "first_name": "A",
                "last_name": "B",
                "email": "a@b.co",
                "others": "text",
            }
        },
    )
    assert r.status_code == 400
    assert counts(session, t.company.id) == (0, 0)


def test_values_too_long_for_the_database_are_400_and_write_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    for key, value, message in (
        ("first_name", "J" * 201, "first_name is too long (at most 200 characters)"),
        ("last_name", "D" * 201, "last_name is too long (at most 200 characters)"),
        ("user_phone_number", "1" * 51, "user_phone_number is too long (at most 50 characters)"),
    ):
        r = client.post(url(t), data=seed_form(t, **{f"campaign_invitation[{key}]": value}))
        assert r.status_code == 400, r.text
        assert r.json()["message"] == message
    assert counts(session, t.company.id) == (0, 0)
    # A long source is a label, not a person's data: cut to fit.
    lead = new_lead(client, t, email="s@example.com", source="S" * 300)
    assert lead["source"] == "S" * 100
    # PATCH: the same check, and nothing changes (PostgreSQL answered 500 before).
    r = client.patch(
        f"{P}/campaign_invitations/{lead['id']}",
        params={"api_key": t.key},
        json={"candidate": {"first_name": "J" * 201, "last_name": "New"}},
    )
    assert r.status_code == 400, r.text
    assert r.json()["message"] == "first_name is too long (at most 200 characters)"
    candidate = session.get(Candidate, lead["candidate_id"])
    session.refresh(candidate)
    assert (candidate.first_name, candidate.last_name) == ("Maria", "Santos")


def test_null_characters_and_deep_nesting_are_400_and_write_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    base = {"first_name": "Ana", "last_name": "Cruz", "email": "ana@example.com"}
    for body, message in (
        ({**base, "first_name": "A\x00na"}, "Parameter values must not contain null characters."),
        ({**base, "others": {"k\x00": "v"}}, "Parameter names must not contain null characters."),
        ({**base, "others": {"k": "v\x00"}}, "Parameter values must not contain null characters."),
        ({**base, "source": "s\x00"}, "Parameter values must not contain null characters."),
    ):
        r = client.post(url(t), params={"api_key": t.key}, json={"campaign_invitation": body})
        assert (r.status_code, r.json()["message"]) == (400, message), r.text
    deep: dict[str, object] = {"v": 1}
    for _ in range(900):
        deep = {"a": deep}
    r = client.post(
        url(t), params={"api_key": t.key}, json={"campaign_invitation": {**base, "others": deep}}
    )
    assert r.status_code == 400, r.text
    assert r.json()["message"] == "Parameters are nested too deeply (at most 32 levels)."
    r = client.post(url(t), data=seed_form(t, **{"campaign_invitation[last_name]": "C\x00"}))
    assert r.status_code == 400
    assert counts(session, t.company.id) == (0, 0)


def test_malformed_nested_keys_are_400(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    form = seed_form(t)
    form["campaign_invitation[others][x"] = "1"
    r = client.post(url(t), data=form)
    assert r.status_code == 400 and "Malformed parameter name" in r.json()["message"]
    form = seed_form(t)
    form["campaign_invitation"] = "flat"
    r = client.post(url(t), data=form)
    assert r.status_code == 400
    r = client.post(
        url(t),
        params={"api_key": t.key},
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert counts(session, t.company.id) == (0, 0)


def test_query_and_body_groups_merge_key_by_key(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """The lead's names in the query string and its referee in the body are one
    campaign_invitation; where both give a value, the body's wins."""
    t = make_tenant(factory, session)
    r = client.post(
        url(t),
        params={
            "api_key": t.key,
            "api_secret": t.secret,
            "campaign_invitation[first_name]": "Q",
            "campaign_invitation[last_name]": "S",
            "campaign_invitation[email]": "q@x.example",
            "campaign_invitation[others][shift]": "day",
        },
        data={
            "campaign_invitation[others][referee_id]": "E9",
            "campaign_invitation[last_name]": "Body",
        },
    )
    assert r.status_code == 200, r.text
    lead = r.json()["campaign_invitation"]
    assert (lead["first_name"], lead["last_name"], lead["email"]) == ("Q", "Body", "q@x.example")
    assert lead["others"] == {"shift": "day", "referee_id": "E9"}
    assert counts(session, t.company.id) == (1, 1)


def test_unknown_and_foreign_campaigns_are_404(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    other = make_tenant(factory, session, "Other Corp")
    r = client.post(f"{P}/campaigns/999999/campaign_invitations", data=seed_form(t))
    assert r.status_code == 404 and r.json()["message"] == "Campaign not found."
    r = client.post(f"{P}/campaigns/{other.job.id}/campaign_invitations", data=seed_form(t))
    assert r.status_code == 404
    assert counts(session, other.company.id) == (0, 0)


def test_archived_campaign_takes_no_lead(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    t.job.status = "archived"
    session.commit()
    r = client.post(url(t), data=seed_form(t))
    assert r.status_code == 400 and "archived" in r.json()["message"]
    assert counts(session, t.company.id) == (0, 0)


def test_same_request_twice_is_one_lead_marked_duplicate(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    first = client.post(url(t), data=seed_form(t)).json()
    again = client.post(
        url(t), data=seed_form(t, **{"campaign_invitation[email]": " JEWEL.barton@example.COM"})
    )
    assert again.status_code == 200
    assert again.json()["message"] == "Duplicate Candidate already exists"
    lead = again.json()["campaign_invitation"]
    assert lead["id"] == first["campaign_invitation"]["id"]
    assert lead["pin"] == first["campaign_invitation"]["pin"]
    assert lead["labels"] == ["Duplicate"]
    assert counts(session, t.company.id) == (1, 1)


def test_the_duplicate_label_is_the_company_label_of_any_case(
    client: TestClient, factory: Factory, session: Session
) -> None:
    # Label names are unique whatever their case: a company's own "duplicate" is used.
    t = make_tenant(factory, session)
    own = create_label(session, t.company.id, "duplicate")
    session.commit()
    client.post(url(t), data=seed_form(t))
    again = client.post(url(t), data=seed_form(t))
    assert again.json()["campaign_invitation"]["labels"] == ["duplicate"]
    names = session.scalars(select(Label.name).where(Label.company_id == t.company.id)).all()
    assert names == ["duplicate"] and own.id is not None


def test_phone_only_duplicates_match_on_the_e164_number(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    one = new_lead(client, t, user_phone_number="0917 123 4567")
    r = client.post(
        url(t),
        params={"api_key": t.key, "api_secret": t.secret},
        json={
            "campaign_invitation": {
                "first_name": "M",
                "last_name": "S",
                "user_phone_number": "+63 917-123-4567",
            }
        },
    )
    assert r.json()["message"] == "Duplicate Candidate already exists"
    assert r.json()["campaign_invitation"]["id"] == one["id"]
    assert counts(session, t.company.id) == (1, 1)


def test_person_with_a_lead_elsewhere_gets_a_new_lead_labelled_duplicate(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    second_job = factory.job(t.company, title="Night Shift", status="active")
    first = new_lead(client, t, email="dup@example.com")
    other = new_lead(
        client, t, job=second_job, email="DUP@example.com", user_phone_number="9179998888"
    )
    assert other["id"] != first["id"] and other["candidate_id"] == first["candidate_id"]
    assert other["labels"] == ["Duplicate"]
    again = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[query]": f"AP{first['id']}"}
    ).json()["candidates"][0]
    assert again["labels"] == []
    cand = session.get(Candidate, first["candidate_id"])
    assert cand is not None and cand.phone_e164 == "+639179998888"  # filled, was missing


def test_unknown_label_on_create_is_422_and_writes_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    r = client.post(
        url(t),
        params={"api_key": t.key, "api_secret": t.secret},
        json={
            "campaign_invitation": {
                "first_name": "A",
                "last_name": "B",
                "email": "a@b.co",
                "labels": {"add": ["Nope"], "remove": []},
            }
        },
    )
    assert r.status_code == 422
    assert r.json()["details"]["unknown_labels"] == ["Nope"]
    assert counts(session, t.company.id) == (0, 0)


def test_credentials(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    form = seed_form(t)
    form.pop("api_key")
    r = client.post(url(t), params={"api_key": t.key}, data=form)  # key in the query
    assert r.status_code == 200, r.text
    r = client.post(url(t), data=seed_form(t, api_secret="wrong"))
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    r = client.post(url(t), data=form)  # no key at all
    assert r.status_code == 401
    r = client.post(url(t), data=seed_form(t, api_key="sk_live_nope"))
    assert r.status_code == 401
    partner_key = factory.api_key(t.company, scope="partner")
    r = client.post(url(t), data=seed_form(t, api_key=partner_key))
    assert r.status_code == 401


def test_invitation_message_carries_the_pin(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    t.job.messaging_settings = {
        "invitation": {
            "enabled": True,
            "sms": "Hi @candidate_name, your PIN is @access_code",
            "email_subject": "Your interview",
            "email_html": "<p>PIN: @access_code</p>",
        }
    }
    session.commit()
    lead = new_lead(client, t, email="pin@example.com", user_phone_number="9171112222")
    messages = list(session.scalars(select(Message).where(Message.application_id == lead["id"])))
    assert {m.channel for m in messages} == {"sms", "email"}
    assert all(lead["pin"] in (m.body_text or "") for m in messages)


def test_an_undecodable_json_body_is_malformed_json(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """Not UTF-8, or nested past the parser: the face's own malformed-JSON answer."""
    t = make_tenant(factory, session)
    for raw in (
        b'{"campaign_invitation": {"first_name": "Caf\xe9"}}',
        b"[" * 5000 + b"]" * 5000,
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
    ):
        r = client.post(
            url(t),
            params={"api_key": t.key},
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 400, r.text
        assert r.json() == {"error": "bad_request", "message": "Malformed JSON in request body."}
    assert counts(session, t.company.id) == (0, 0)


def test_a_key_with_a_secret_needs_it_to_create_a_lead(
    client: TestClient, factory: Factory, session: Session
) -> None:
    # The seed marks api_key and api_secret mandatory on the create call.
    t = make_tenant(factory, session)
    form = seed_form(t)
    form.pop("api_secret")
    r = client.post(url(t), data=form)
    assert r.status_code == 401
    assert r.json() == {"error": "unauthorized", "message": "Missing api_secret."}
    assert counts(session, t.company.id) == (0, 0)
    r = client.post(url(t), params={"api_secret": t.secret}, data=form)  # in the query
    assert r.status_code == 200, r.text
    # Reading needs the key only; a secret that is sent must still be the right one.
    r = client.get(f"{P}/campaign_invitations", params={"api_key": t.key})
    assert r.status_code == 200 and r.json()["total"] == 1
    r = client.get(f"{P}/campaign_invitations", params={"api_key": t.key, "api_secret": "x"})
    assert r.status_code == 401


def test_a_key_without_a_secret_creates_leads_alone(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session, with_secret=False)
    form = seed_form(t)
    form.pop("api_secret")
    r = client.post(url(t), data=form)
    assert r.status_code == 200, r.text
    # A secret sent with a key that has none cannot match.
    r = client.post(url(t), data=seed_form(t, api_secret="guess"))
    assert r.status_code == 401


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A raw multipart body as a browser builds it (``filename=""`` included)."""
    parts = [
        f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts += [
        f'--B\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, filename, data in files
    ]
    return b"".join(parts) + b"--B--\r\n", "multipart/form-data; boundary=B"


def test_an_empty_file_input_is_no_cv(
    client: TestClient, factory: Factory, session: Session
) -> None:
    # A career site's form with its CV input left empty sends a part with no filename
    # and no bytes: the lead is created, without a CV.
    t = make_tenant(factory, session)
    body, content_type = multipart(seed_form(t), [("campaign_invitation[temporary_cv]", "", b"")])
    r = client.post(url(t), content=body, headers={"content-type": content_type})
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "Candidate has been successfully created"
    assert counts(session, t.company.id) == (1, 1)
    assert session.scalar(select(func.count()).select_from(File)) == 0
    # An empty file that has a name is still refused.
    form = seed_form(t, **{"campaign_invitation[email]": "named@example.com"})
    body, content_type = multipart(form, [("campaign_invitation[temporary_cv]", "cv.pdf", b"")])
    r = client.post(url(t), content=body, headers={"content-type": content_type})
    assert r.status_code == 400
    assert r.json()["details"] == {"temporary_cv": "CV file is empty"}


def test_cv_errors_name_temporary_cv_and_write_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    cases = [
        (("cv.pdf", b"", "application/pdf"), "CV file is empty"),
        (("cv.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"), "unsupported file format"),
        (("cv.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "application/pdf"), "too large"),
    ]
    for file, reason in cases:
        r = client.post(
            url(t), data=seed_form(t), files={"campaign_invitation[temporary_cv]": file}
        )
        assert r.status_code == 400, r.text
        body = r.json()
        assert body["message"].startswith("CV validation failed: ")
        assert reason in body["details"]["temporary_cv"]
        assert counts(session, t.company.id) == (0, 0)


def test_a_duplicate_with_an_unusable_cv_is_answered_as_a_duplicate(
    client: TestClient, factory: Factory, session: Session
) -> None:
    # The person is matched first; a duplicate request's CV is not used, so a bad one
    # does not turn the duplicate answer into an error.
    t = make_tenant(factory, session)
    first = client.post(url(t), data=seed_form(t)).json()["campaign_invitation"]
    r = client.post(
        url(t),
        data=seed_form(t),
        files={"campaign_invitation[temporary_cv]": ("cv.png", b"\x89PNG\r\n\x1a\n", "image/png")},
    )
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "Duplicate Candidate already exists"
    assert r.json()["campaign_invitation"]["id"] == first["id"]
    assert session.scalar(select(func.count()).select_from(File)) == 0


def test_a_phone_only_person_coming_back_with_an_email_is_the_same_person(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    first = new_lead(client, t, user_phone_number="09171239999")
    r = client.post(
        url(t),
        params={"api_key": t.key, "api_secret": t.secret},
        json={
            "campaign_invitation": {
                "first_name": "Maria",
                "last_name": "Santos",
                "user_phone_number": "+63 917 123 9999",
                "email": "maria@example.com",
            }
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "Duplicate Candidate already exists"
    lead = r.json()["campaign_invitation"]
    assert (lead["id"], lead["candidate_id"]) == (first["id"], first["candidate_id"])
    assert lead["labels"] == ["Duplicate"]
    assert lead["email"] is None  # a duplicate changes nothing
    assert counts(session, t.company.id) == (1, 1)
    # In another campaign: a new lead of the same person, who now gets the email.
    night = factory.job(t.company, title="Night Shift", status="active")
    other = new_lead(
        client, t, job=night, user_phone_number="09171239999", email="maria@example.com"
    )
    assert other["candidate_id"] == first["candidate_id"] and other["labels"] == ["Duplicate"]
    assert other["email"] == "maria@example.com"
    # A number whose candidate has another email is not matched by it.
    stranger = new_lead(client, t, user_phone_number="09171239999", email="else@example.com")
    assert stranger["candidate_id"] != first["candidate_id"]
    assert counts(session, t.company.id) == (2, 3)


def test_a_duplicate_request_changes_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    first = new_lead(client, t, email="bo@example.com", others={"shift": "day"})
    again = new_lead(
        client,
        t,
        email="bo@example.com",
        user_phone_number="09175550000",
        others={"shift": "night", "referee_first_name": "Zed"},
    )
    assert again["id"] == first["id"]
    assert again["user_phone_number"] is None and again["others"] == {"shift": "day"}
    session.expire_all()
    cand = session.get(Candidate, first["candidate_id"])
    assert cand is not None
    assert (cand.phone, cand.phone_e164, cand.referrer_name) == (None, None, None)


def test_extra_nested_keys_are_kept_in_others(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    form = [
        *seed_form(t).items(),
        ("campaign_invitation[address][city]", "Manila"),
        ("campaign_invitation[skills][]", "a"),
        ("campaign_invitation[skills][]", "b"),
        ("campaign_invitation[plain]", "kept"),
    ]
    body = "&".join(f"{quote(k)}={quote(v)}" for k, v in form)
    r = client.post(
        url(t), content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 200, r.text
    others = r.json()["campaign_invitation"]["others"]
    assert others["address"] == {"city": "Manila"} and others["skills"] == ["a", "b"]
    assert others["plain"] == "kept" and others["referee_id"] == "EMP-0042"
    lead = new_lead(
        client,
        t,
        email="json@example.com",
        address={"city": "Manila"},
        skills=["a", "b"],
        plain="kept",
    )
    assert lead["others"] == {"address": {"city": "Manila"}, "skills": ["a", "b"], "plain": "kept"}


def test_a_file_outside_temporary_cv_is_400(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    for name in ("campaign_invitation[others][photo]", "campaign_invitation[address][photo]"):
        r = client.post(url(t), data=seed_form(t), files={name: ("p.txt", b"hi", "text/plain")})
        assert r.status_code == 400, r.text
        assert r.json()["message"].endswith("must not be a file.")
    assert counts(session, t.company.id) == (0, 0)


def test_unknown_or_malformed_campaign_ids_are_the_same_404_everywhere(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    auth = {"api_key": t.key, "api_secret": t.secret}
    for bad in ("999999", "abc"):
        responses = [
            client.post(f"{P}/campaigns/{bad}/campaign_invitations", data=seed_form(t)),
            client.get(f"{P}/campaigns/{bad}/questions", params=auth),
            client.get(f"{P}/campaigns/{bad}/folders", params=auth),
        ]
        for r in responses:
            assert r.status_code == 404, (bad, r.request.url, r.text)
            assert r.json() == {"error": "not_found", "message": "Campaign not found."}
