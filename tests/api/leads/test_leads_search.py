"""GET /campaign_invitations: free text, every filter of the reference, sorting, paging,
includes and tenancy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hireloop.domain.applications.labels import create_label
from hireloop.domain.applications.models import Application, CustomFolder
from hireloop.domain.candidates.models import Candidate
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.factories import Factory


def search(client: TestClient, t: Tenant, **params: Any) -> dict[str, Any]:
    r = client.get(f"{P}/campaign_invitations", params={"api_key": t.key, **params})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def ids(body: dict[str, Any]) -> list[int]:
    return [c["id"] for c in body["candidates"]]


@pytest.fixture
def world(client: TestClient, factory: Factory, session: Session) -> dict[str, Any]:
    t = make_tenant(factory, session)
    night = factory.job(t.company, title="Night Shift Agent", status="active")
    night.ats_external_id = "REQ-9"
    jose = new_lead(
        client,
        t,
        first_name="José",
        last_name="Rizal",
        email="jose.rizal@example.com",
        user_phone_number="9171234567",
        source="Facebook",
        others={"shift": "night", "age": 31},
    )
    ana = new_lead(
        client,
        t,
        first_name="Ana",
        last_name="Cruz",
        email="ana.cruz@mail.example",
        source="Jobstreet",
        others={"shift": "day"},
    )
    wei = new_lead(
        client,
        t,
        job=night,
        first_name="Wei",
        last_name="Tan",
        email="wei@tan.example",
        user_phone_number="9998887777",
        source="Facebook",
    )
    other = make_tenant(factory, session, "Rival Inc")
    stranger = new_lead(
        client, other, first_name="José", last_name="Rizal", email="jose.rizal@example.com"
    )
    for lead, city in ((jose, "Manila"), (ana, "Cebu City"), (wei, "Davao")):
        cand = session.get(Candidate, lead["candidate_id"])
        assert cand is not None
        cand.city = city
    session.commit()
    return {
        "t": t,
        "night": night,
        "jose": jose,
        "ana": ana,
        "wei": wei,
        "stranger": stranger,
        "other": other,
    }


def test_query_by_name_email_phone_and_ids(client: TestClient, world: dict[str, Any]) -> None:
    t, jose, wei = world["t"], world["jose"], world["wei"]
    assert ids(search(client, t, **{"filter[query]": "jose riz"})) == [jose["id"]]
    assert ids(search(client, t, **{"filter[query]": "RIZAL"})) == [jose["id"]]
    assert ids(search(client, t, **{"filter[query]": "José Rizal"})) == [jose["id"]]
    assert ids(search(client, t, **{"filter[query]": "tan.example"})) == [wei["id"]]
    assert ids(search(client, t, **{"filter[query]": "1234567"})) == [jose["id"]]
    assert ids(search(client, t, **{"filter[query]": "+63 917 123"})) == [jose["id"]]
    assert ids(search(client, t, **{"filter[query]": f"AP{wei['id']}"})) == [wei["id"]]
    assert ids(search(client, t, **{"filter[query]": f"ap{wei['id']}"})) == [wei["id"]]
    assert ids(search(client, t, **{"filter[query]": str(wei["id"])})) == [wei["id"]]
    # Another company's lead is never found, by text nor by id.
    stranger = world["stranger"]
    assert ids(search(client, t, **{"filter[query]": f"AP{stranger['id']}"})) == []
    assert search(client, t, **{"filter[query]": "nobody-like-this"})["total"] == 0


# ² and ٣ are digits to str.isdigit() but no id (int("²") fails; int("٣") is 3).
@pytest.mark.parametrize(
    "query", ["Bulk1 Lead", "Jewel 2", "zzz 12345", "Maria Santos 1", "- -", "²", "٣", "AP²"]
)
def test_a_query_that_matches_nothing_finds_nothing(
    client: TestClient, world: dict[str, Any], query: str
) -> None:
    """A term that is no name, email, phone or id of anyone (here with a digit and a
    space, so neither an email nor a phone) finds no lead, not every lead."""
    body = search(client, world["t"], **{"filter[query]": query})
    assert (body["total"], body["pages"], body["candidates"]) == (0, 0, [])


def test_names_holding_digits_are_found(client: TestClient, world: dict[str, Any]) -> None:
    """Imported data has names such as "Bulk1 Lead": a term with letters and digits is
    looked for in names too; one with a digit and . _ + only in emails."""
    t = world["t"]
    bulk1 = new_lead(client, t, first_name="Bulk1", last_name="Lead", email="b1@bulk.example")
    bulk2 = new_lead(client, t, first_name="Bulk2", last_name="Lead", email="b2@bulk.example")
    new_lead(client, t, first_name="Maria", last_name="Santos 1", email="ms1@bulk.example")
    assert ids(search(client, t, **{"filter[query]": "Bulk1 Lead"})) == [bulk1["id"]]
    assert ids(search(client, t, **{"filter[query]": "bulk1"})) == [bulk1["id"]]
    assert sorted(ids(search(client, t, **{"filter[query]": "Lead"}))) == sorted(
        [bulk1["id"], bulk2["id"]]
    )
    assert search(client, t, **{"filter[query]": "Maria Santos 1"})["total"] == 1
    assert ids(search(client, t, **{"filter[query]": "b2@bulk"})) == [bulk2["id"]]


def test_lead_fields(client: TestClient, world: dict[str, Any]) -> None:
    t, wei, night = world["t"], world["wei"], world["night"]
    body = search(client, t, **{"filter[query]": f"AP{wei['id']}"})
    assert body["total"] == 1 and body["current_page"] == 1 and body["pages"] == 1
    lead = body["candidates"][0]
    for field in (
        "id",
        "candidate_id",
        "state",
        "folder",
        "campaign_id",
        "campaign_ats_external_id",
        "campaign_title",
        "first_name",
        "last_name",
        "email",
        "user_phone_number",
        "school_name",
        "education",
        "source",
        "scheduled_at",
        "created_at",
        "updated_at",
        "others",
        "labels",
    ):
        assert field in lead
    assert lead["campaign_ats_external_id"] == "REQ-9"
    assert lead["campaign_title"] == night.title
    assert "pin" not in lead and "answers" not in lead and "documents" not in lead


def test_campaign_filters(client: TestClient, world: dict[str, Any]) -> None:
    t, night = world["t"], world["night"]
    assert search(client, t, **{"filter[campaign_id]": str(night.id)})["total"] == 1
    both = f"{night.id},{t.job.id}"
    assert search(client, t, **{"filter[campaign_id]": both})["total"] == 3
    r = client.get(
        f"{P}/campaign_invitations",
        params=[
            ("api_key", t.key),
            ("filter[campaign_id][]", str(night.id)),
            ("filter[campaign_id][]", str(t.job.id)),
        ],
    )
    assert r.json()["total"] == 3
    other_job = world["other"].job
    assert search(client, t, **{"filter[campaign_id]": str(other_job.id)})["total"] == 0
    r = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[campaign_id]": "x"}
    )
    assert r.status_code == 400


def test_status_filter_with_system_and_custom_folders(
    client: TestClient, world: dict[str, Any], session: Session
) -> None:
    t, ana, wei = world["t"], world["ana"], world["wei"]
    folder = CustomFolder(company_id=t.company.id, name="Final Interview", is_default=True)
    session.add(folder)
    session.commit()
    assert (
        client.put(
            f"{P}/campaign_invitations/{ana['id']}/shortlist", params={"api_key": t.key}
        ).status_code
        == 200
    )
    r = client.put(
        f"{P}/campaign_invitations/{wei['id']}/custom",
        params={"api_key": t.key, "folder": "Final Interview"},
    )
    assert r.status_code == 200, r.text
    assert ids(search(client, t, **{"filter[status_selected]": "shortlisted"})) == [ana["id"]]
    assert ids(search(client, t, **{"filter[status_selected]": "pending"})) == [world["jose"]["id"]]
    custom = search(client, t, **{"filter[status_selected]": "Final Interview"})
    assert ids(custom) == [wei["id"]]
    assert custom["candidates"][0]["folder"] == "Final Interview"
    assert custom["candidates"][0]["state"] == "Final Interview"
    r = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[status_selected]": "nowhere"}
    )
    assert r.status_code == 400


def test_date_ranges_are_inclusive_days(
    client: TestClient, world: dict[str, Any], session: Session
) -> None:
    t, jose, ana = world["t"], world["jose"], world["ana"]
    for lead, when in (
        (jose, datetime(2024, 3, 1, 23, 59, tzinfo=UTC)),
        (ana, datetime(2024, 3, 2, 0, 0, tzinfo=UTC)),
    ):
        app = session.get(Application, lead["id"])
        assert app is not None
        app.created_at = when
        app.scheduled_at = when
    session.commit()
    day = {"filter[creation_start_date]": "01-03-2024", "filter[creation_end_date]": "01-03-2024"}
    assert ids(search(client, t, **day)) == [jose["id"]]
    after = {"filter[creation_start_date]": "02-03-2024", "filter[creation_end_date]": "02-03-2024"}
    assert ids(search(client, t, **after)) == [ana["id"]]
    sched = {
        "filter[scheduled_at_start_date]": "01-03-2024",
        "filter[scheduled_at_end_date]": "02-03-2024",
    }
    assert sorted(ids(search(client, t, **sched))) == sorted([jose["id"], ana["id"]])
    today = datetime.now(UTC).strftime("%d-%m-%Y")
    assert search(client, t, **{"filter[updated_start_date]": today})["total"] == 3
    for bad in ("2024-03-01", "31-02-2024", "yesterday"):
        r = client.get(
            f"{P}/campaign_invitations",
            params={"api_key": t.key, "filter[creation_start_date]": bad},
        )
        assert r.status_code == 400, bad
        assert "DD-MM-YYYY" in r.json()["message"]


def test_source_label_location_resume_and_others(
    client: TestClient, world: dict[str, Any], session: Session
) -> None:
    t, jose, ana, wei = world["t"], world["jose"], world["ana"], world["wei"]
    assert sorted(ids(search(client, t, **{"filter[source_selected]": "facebook"}))) == sorted(
        [jose["id"], wei["id"]]
    )
    create_label(session, t.company.id, "Priority")
    session.commit()
    r = client.patch(
        f"{P}/campaign_invitations/{ana['id']}",
        params={"api_key": t.key},
        json={"candidate": {"labels": {"add": ["Priority"], "remove": []}}},
    )
    assert r.status_code == 200, r.text
    assert ids(search(client, t, **{"filter[label_selected]": "Priority"})) == [ana["id"]]
    assert ids(search(client, t, **{"filter[label_selected]": "Unknown"})) == []
    assert ids(search(client, t, **{"filter[location_selected]": "cebu"})) == [ana["id"]]
    assert search(client, t, **{"filter[resume_selected]": "not_attached"})["total"] == 3
    assert search(client, t, **{"filter[resume_selected]": "attached"})["total"] == 0
    r = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[resume_selected]": "maybe"}
    )
    assert r.status_code == 400
    assert ids(search(client, t, **{"filter[others][shift]": "night"})) == [jose["id"]]
    assert ids(search(client, t, **{"filter[others][age]": "31"})) == [jose["id"]]
    assert ids(search(client, t, **{"filter[others][shift]": "evening"})) == []


def test_sorting_and_paging(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    made = [
        new_lead(
            client, t, first_name=f"P{i:02d}", last_name=f"Z{20 - i:02d}", email=f"p{i}@example.com"
        )
        for i in range(13)
    ]
    first = search(client, t)
    assert first["total"] == 13 and first["pages"] == 2 and len(first["candidates"]) == 12
    assert ids(first) == [m["id"] for m in reversed(made)][:12]  # newest first
    second = search(client, t, page="2")
    assert second["current_page"] == 2 and ids(second) == [made[0]["id"]]
    beyond = search(client, t, page="5", **{"filter[query]": "example"})
    assert beyond["total"] == 13 and beyond["candidates"] == []
    by_name = search(client, t, **{"filter[sort_by_selected]": "name"})
    assert by_name["candidates"][0]["last_name"] == "Z08"
    assert search(client, t, **{"filter[sort_by_selected]": "completion_date"})["total"] == 13
    r = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[sort_by_selected]": "height"}
    )
    assert r.status_code == 400
    r = client.get(f"{P}/campaign_invitations", params={"api_key": t.key, "page": "0"})
    assert r.status_code == 400


def test_includes(client: TestClient, world: dict[str, Any], session: Session) -> None:
    t, jose = world["t"], world["jose"]
    t.job.interview_settings = {"questions": [{"id": "q1", "text": "Why us?"}]}
    app = session.get(Application, jose["id"])
    assert app is not None
    app.answers = {"q1": {"transcript": "Because.", "file": None}, "completion_method": "web"}
    session.commit()
    r = client.put(
        f"{P}/campaign_invitations/{jose['id']}/documents",
        params={"api_key": t.key, "document_tag_name": "NBI Clearance"},
        files={"file": ("nbi.pdf", b"%PDF-1.4 nbi", "application/pdf")},
    )
    assert r.status_code == 200, r.text
    body = search(
        client,
        t,
        include_answers="true",
        include_documents="1",
        **{"filter[query]": f"AP{jose['id']}"},
    )
    lead = body["candidates"][0]
    assert lead["answers"] == [{"question": "Why us?", "transcript": "Because.", "file": None}]
    assert lead["documents"][0]["tag"] == "NBI Clearance"
    assert lead["documents"][0]["files"][0]["name"] == "nbi.pdf"
    assert ids(search(client, t, **{"filter[completion_method_selected]": "web"})) == [jose["id"]]
    plain = search(client, t, include_answers="false", **{"filter[query]": f"AP{jose['id']}"})
    assert "answers" not in plain["candidates"][0]


def test_campaign_title_is_the_campaigns_not_the_jobs(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """A lead shows its campaign's (internal CRM) title, as GET /campaigns does; the job
    title only when the campaign has none of its own."""
    t = make_tenant(factory, session)
    t.job.campaign_settings = {"campaign_title": "Cebu wave 1"}
    session.commit()
    created = new_lead(client, t, email="wave@example.com")
    assert created["campaign_title"] == "Cebu wave 1"
    listed = search(client, t)["candidates"]
    assert [c["campaign_title"] for c in listed] == ["Cebu wave 1"]
    r = client.get(f"{P}/campaigns/{t.job.id}", params={"api_key": t.key})
    assert r.json()["campaign_title"] == "Cebu wave 1"
    patched = client.patch(
        f"{P}/campaign_invitations/{created['id']}",
        params={"api_key": t.key},
        json={"candidate": {"source": "Referral"}},
    ).json()["campaign_invitation"]
    assert patched["campaign_title"] == "Cebu wave 1"
    plain = factory.job(t.company, title="Chat Support", status="active")
    assert new_lead(client, t, job=plain, email="chat@example.com")["campaign_title"] == (
        "Chat Support"
    )


def test_campaign_ids_comma_separated_in_the_array_form(
    client: TestClient, world: dict[str, Any]
) -> None:
    """``filter[campaign_id][]=1,2``: the reference's "campaign_id divided by coma"."""
    t, night = world["t"], world["night"]
    both = f"{night.id},{t.job.id}"
    assert search(client, t, **{"filter[campaign_id][]": both})["total"] == 3
    r = client.get(
        f"{P}/campaign_invitations",
        params=[
            ("api_key", t.key),
            ("filter[campaign_id][]", f"{night.id}, "),
            ("filter[campaign_id][]", str(night.id)),
        ],
    )
    assert r.status_code == 200 and r.json()["total"] == 1
    r = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": t.key, "filter[campaign_id][]": f"{night.id},abc"},
    )
    assert r.status_code == 400
    assert r.json()["details"] == {"filter[campaign_id]": "must be an integer"}


def test_answers_follow_the_script_and_link_their_recordings(
    client: TestClient, world: dict[str, Any], session: Session
) -> None:
    """``answers`` in the order of the interview script (the same on both databases);
    ``file`` is the URL of the recording (``file`` or ``audio_file_id``), null when the
    answer has none that the lead holds."""
    t, jose, ana = world["t"], world["jose"], world["ana"]
    t.job.interview_settings = {
        "questions": [
            {"id": "intro_long", "text": "Tell us about you"},
            {"id": "q2", "text": "Why us?"},
            {"id": "q3", "text": "When can you start?"},
        ]
    }
    session.commit()
    files = []
    for lead in (jose, ana):
        r = client.put(
            f"{P}/campaign_invitations/{lead['id']}/documents",
            params={"api_key": t.key, "document_tag_name": "Recording"},
            files={"file": ("answer.wav", b"RIFF fake", "audio/wav")},
        )
        assert r.status_code == 200, r.text
        files.append(r.json()["document"]["files"][0])
    mine, theirs = files
    app = session.get(Application, jose["id"])
    assert app is not None
    app.answers = {
        "zz_extra": "outside the script",
        "q3": {"transcript": "Monday", "file": theirs["id"]},  # not this lead's file
        "q2": {"answer": "Because", "file": mine["id"]},
        "completion_method": "phone",
        "intro_long": {"transcript": "I am Jose", "audio_file_id": str(mine["id"])},
    }
    session.commit()
    body = search(client, t, include_answers="1", **{"filter[query]": f"AP{jose['id']}"})
    assert body["candidates"][0]["answers"] == [
        {"question": "Tell us about you", "transcript": "I am Jose", "file": mine["url"]},
        {"question": "Why us?", "transcript": "Because", "file": mine["url"]},
        {"question": "When can you start?", "transcript": "Monday", "file": None},
        {"question": "zz_extra", "transcript": "outside the script", "file": None},
    ]
    assert mine["url"].endswith(f"{P}/campaign_invitations/{jose['id']}/files/{mine['id']}")
    path = mine["url"][mine["url"].index(P) :]
    r = client.get(path, params={"api_key": t.key})
    assert r.status_code == 200 and r.content == b"RIFF fake"


def test_others_filter_reads_booleans_numbers_and_any_key_the_same_everywhere(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """Values compare as text: a string as it is, a number as JSON writes it, a boolean
    as true/false; null never matches; keys may hold quotes and dots."""
    t = make_tenant(factory, session)
    one = new_lead(
        client,
        t,
        email="one@example.com",
        others={"bpo": True, "years": 2, "ratio": 1.5, 'we"ird': "x", "a.b": "dot", "gone": None},
    )
    two = new_lead(client, t, email="two@example.com", others={"bpo": False, "years": "2"})
    cases = [
        ("bpo", "true", [one["id"]]),
        ("bpo", "false", [two["id"]]),
        ("bpo", "1", []),
        ("years", "2", [two["id"], one["id"]]),
        ("years", "2.0", []),
        ("ratio", "1.5", [one["id"]]),
        ('we"ird', "x", [one["id"]]),
        ("a.b", "dot", [one["id"]]),
        ("gone", "null", []),
        ("missing", "x", []),
    ]
    for key, value, expected in cases:
        found = ids(search(client, t, **{f"filter[others][{key}]": value}))
        assert found == expected, (key, value)


def test_sorting_by_source_or_location_ignores_case(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    made = []
    for n, (source, city) in enumerate(
        (("Facebook", "Manila"), ("jobstreet", "cebu"), ("facebook", "manila"), (None, "Davao"))
        + (("Jobstreet", None),)
    ):
        lead = new_lead(client, t, email=f"s{n}@example.com", source=source)
        candidate = session.get(Candidate, lead["candidate_id"])
        assert candidate is not None
        candidate.city = city
        made.append(lead["id"])
    session.commit()
    a, b, c, d, e = made
    # Same source / city together, newest first among them, none last.
    assert ids(search(client, t, **{"filter[sort_by_selected]": "source"})) == [c, a, e, b, d]
    assert ids(search(client, t, **{"filter[sort_by_selected]": "location"})) == [b, d, c, a, e]


@pytest.mark.parametrize(
    "query",
    ["0917 123 4567", "09171234567", "0917-123-4567", "(0917) 123-4567", "0063 917 123 4567"],
)
def test_a_phone_number_as_written_finds_its_lead(
    client: TestClient, world: dict[str, Any], query: str
) -> None:
    """A national number with its trunk 0 (how a recruiter types it, and how the lead was
    sent) is read in the company's country, as on creation: +639171234567."""
    t, jose = world["t"], world["jose"]
    written = new_lead(client, t, email="w@example.com", user_phone_number="0918 765 4321")
    assert ids(search(client, t, **{"filter[query]": query})) == [jose["id"]]
    assert ids(search(client, t, **{"filter[query]": "0918 765 4321"})) == [written["id"]]
    in_campaign = {"filter[query]": query, "filter[campaign_id]": str(t.job.id)}
    assert ids(search(client, t, **in_campaign)) == [jose["id"]]
    # Another company's lead is still never found.
    assert search(client, world["other"], **{"filter[query]": query})["total"] == 0


def test_a_phone_number_is_read_in_the_campaigns_hotline_country(
    client: TestClient, world: dict[str, Any], session: Session
) -> None:
    """A campaign whose hotline country is the UK reads its leads' national numbers
    there: its lead's 07700 900123 is found as typed, across campaigns or in that one."""
    t = world["t"]
    uk = world["night"]
    uk.campaign_settings = {**(uk.campaign_settings or {}), "hotline_country": "GB"}
    session.commit()
    lead = new_lead(client, t, job=uk, email="uk@example.com", user_phone_number="07700 900123")
    assert ids(search(client, t, **{"filter[query]": "07700 900123"})) == [lead["id"]]
    only_uk = {"filter[query]": "07700900123", "filter[campaign_id]": str(uk.id)}
    assert ids(search(client, t, **only_uk)) == [lead["id"]]
    elsewhere = {"filter[query]": "07700900123", "filter[campaign_id]": str(t.job.id)}
    assert search(client, t, **elsewhere)["total"] == 0


def test_exact_filters_match_a_dotted_capital_i_and_a_final_sigma(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """Turkish and Greek names ("İK", "ΟΔΟΣ") match themselves in every exact filter, and
    a label or custom folder so named can be added or moved into by name, the same on
    both databases (their lower() folds İ to i and a final Σ to σ, unlike Python's)."""
    t = make_tenant(factory, session)
    a = new_lead(client, t, email="a@example.com", source="İzmir Kariyer")
    b = new_lead(client, t, email="b@example.com", source="ΟΔΟΣ")
    create_label(session, t.company.id, "İK")
    session.add(CustomFolder(company_id=t.company.id, name="İK Havuzu", is_default=True))
    session.commit()
    r = client.patch(
        f"{P}/campaign_invitations/{a['id']}",
        params={"api_key": t.key},
        json={"candidate": {"labels": {"add": ["ik"], "remove": []}}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["campaign_invitation"]["labels"] == ["İK"]
    r = client.put(
        f"{P}/campaign_invitations/{a['id']}/custom",
        params={"api_key": t.key, "folder": "İK Havuzu"},
    )
    assert r.status_code == 200, r.text
    candidate = session.get(Candidate, b["candidate_id"])
    assert candidate is not None
    candidate.city = "İSTANBUL"
    app = session.get(Application, b["id"])
    assert app is not None
    app.answers = {"completion_method": "ΦΩΝΗΣ"}
    session.commit()
    for params, expected in (
        ({"filter[source_selected]": "İzmir Kariyer"}, [a["id"]]),
        ({"filter[source_selected]": "izmir kariyer"}, [a["id"]]),
        ({"filter[source_selected]": "ΟΔΟΣ"}, [b["id"]]),
        ({"filter[source_selected]": "οδοσ"}, [b["id"]]),
        ({"filter[label_selected]": "İK"}, [a["id"]]),
        ({"filter[status_selected]": "İK Havuzu"}, [a["id"]]),
        ({"filter[status_selected]": "ik havuzu"}, [a["id"]]),
        ({"filter[location_selected]": "İstanbul"}, [b["id"]]),
        ({"filter[completion_method_selected]": "ΦΩΝΗΣ"}, [b["id"]]),
    ):
        assert ids(search(client, t, **params)) == expected, params


def test_status_and_label_filters_collapse_inner_spaces(
    client: TestClient, world: dict[str, Any], session: Session
) -> None:
    """A status or label typed with doubled spaces finds what the move and the label
    change accept for the same text ("final  interview" is "Final Interview")."""
    t, ana = world["t"], world["ana"]
    session.add(CustomFolder(company_id=t.company.id, name="Final Interview", is_default=True))
    create_label(session, t.company.id, "High Priority")
    session.commit()
    r = client.put(
        f"{P}/campaign_invitations/{ana['id']}/custom",
        params={"api_key": t.key, "folder": "final  interview"},
    )
    assert r.status_code == 200, r.text
    r = client.patch(
        f"{P}/campaign_invitations/{ana['id']}",
        params={"api_key": t.key},
        json={"candidate": {"labels": {"add": ["high  priority"], "remove": []}}},
    )
    assert r.status_code == 200, r.text
    assert ids(search(client, t, **{"filter[status_selected]": " final  interview "})) == [
        ana["id"]
    ]
    assert ids(search(client, t, **{"filter[label_selected]": "high   priority"})) == [ana["id"]]


def test_others_filter_compares_numbers_in_plain_decimal_notation(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """A number matches the filter value that spells it in plain decimal notation with
    the digits as written: an exponent is spelled out (1e20 = 100000000000000000000),
    nothing is rounded (0.3 is not 0.30000000000000004; integers beyond 64 bits stay
    exact); the same on PostgreSQL and SQLite."""
    t = make_tenant(factory, session)
    lead = new_lead(
        client,
        t,
        email="n@example.com",
        others={
            "a": 0.30000000000000004,
            "b": 1e20,
            "c": 12345678901234567890,
            "d": 100.0,
            "e": 1e-7,
            "s": "1e20",
        },
    )
    found, none = [lead["id"]], []
    cases = [
        ("a", "0.30000000000000004", found),
        ("a", "0.3", none),
        ("b", "1e20", found),
        ("b", "1e+20", found),
        ("b", "100000000000000000000", found),
        ("b", "1.0e20", found),
        ("b", "1.00000000000000000001e20", none),
        ("c", "12345678901234567890", found),
        ("c", "12345678901234567000", none),
        ("c", "1.23456789012346e+19", none),
        ("d", "100.0", found),
        ("d", "100", none),
        ("e", "0.0000001", found),
        ("e", "1e-07", found),
        ("s", "1e20", found),  # a string as it is
        ("s", "100000000000000000000", none),
        ("b", "1e99999999999", none),
    ]
    for key, value, expected in cases:
        assert ids(search(client, t, **{f"filter[others][{key}]": value})) == expected, (key, value)


def test_name_sort_ties_are_newest_first(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """Leads of people with the same name are listed newest first, as every other list."""
    t = make_tenant(factory, session)
    older = new_lead(client, t, first_name="Same", last_name="Name", email="old@example.com")
    newer = new_lead(client, t, first_name="Same", last_name="Name", email="new@example.com")
    first = new_lead(client, t, first_name="Abe", last_name="Abad", email="abe@example.com")
    app = session.get(Application, older["id"])
    assert app is not None
    app.created_at = datetime(2024, 1, 1, tzinfo=UTC)
    session.commit()
    by_name = ids(search(client, t, **{"filter[sort_by_selected]": "name"}))
    assert by_name == [first["id"], newer["id"], older["id"]]


def test_sorting_by_location_puts_blank_cities_last(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """A city that is empty or spaces is no city: with the missing ones, after the rest."""
    t = make_tenant(factory, session)
    made = []
    for n, city in enumerate(("", "  ", " Manila ", None, "cebu")):
        lead = new_lead(client, t, email=f"c{n}@example.com")
        candidate = session.get(Candidate, lead["candidate_id"])
        assert candidate is not None
        candidate.city = city
        made.append(lead["id"])
    session.commit()
    empty, spaces, manila, missing, cebu = made
    assert ids(search(client, t, **{"filter[sort_by_selected]": "location"})) == [
        cebu,
        manila,
        missing,
        spaces,
        empty,
    ]
