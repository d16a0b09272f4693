"""Campaign settings documents through the Talkpush face (hireloop extension): basic
settings, permissions, messages, Messenger, the interview script and its audio prompts."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.companies.accounts import set_user_active
from hireloop.domain.companies.service import create_user
from hireloop.domain.files.models import File
from hireloop.domain.jobs.models import Job
from tests.audio_files import MPEG1_HEADER, mpeg_frames, silent_wav
from tests.factories import Factory

P = "/api/talkpush_services"


@pytest.fixture
def company(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.company("Acme BPO", default_country="PH")


@pytest.fixture
def key(factory: Factory, company) -> str:  # type: ignore[no-untyped-def]
    return factory.api_key(company, scope="leads")


@pytest.fixture
def campaign(client: TestClient, key: str) -> dict[str, Any]:
    r = client.post(
        f"{P}/campaigns",
        params={"api_key": key},
        json={
            "campaign": {
                "campaign_title": "Wave 1",
                "job_title": "CSR",
                "street": "Ayala",
                "city": "Makati",
                "region": "NCR",
                "country": "PH",
                "short_description": "Voice",
            }
        },
    )
    assert r.status_code == 200, r.text
    return r.json()["campaign"]


def put_settings(client: TestClient, key: str, cid: int, settings: dict[str, Any]) -> Any:
    return client.put(f"{P}/campaigns/{cid}", params={"api_key": key}, json={"settings": settings})


def stored(session: Session, cid: int) -> Job:
    job = session.get(Job, cid)
    assert job is not None
    session.refresh(job)
    return job


def wav_bytes() -> bytes:
    return silent_wav()


MP3_FRAMES = mpeg_frames()  # about 0.2 s of silence
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + MP3_FRAMES


def test_basic_settings_and_permissions(
    client: TestClient,
    key: str,
    campaign: dict[str, Any],
    session: Session,
    company,  # type: ignore[no-untyped-def]
) -> None:
    manager = create_user(session, company.id, email="m@acme.test", name="Mia", password=None)
    session.commit()
    r = put_settings(
        client,
        key,
        campaign["id"],
        {
            "campaign": {
                "campaign_title": "Wave 2",
                "hotline_country": "us",
                "interview_language": "TL",
                "web_dialout": True,
                "auto_call": "true",
                "manager_ids": [manager.id, manager.id],
            }
        },
    )
    assert r.status_code == 200, r.text
    c = r.json()["campaign"]
    assert c["campaign_title"] == "Wave 2"
    s = c["settings"]["campaign"]
    assert (s["hotline_country"], s["interview_language"]) == ("US", "tl")
    assert s["web_dialout"] is True and s["auto_call"] is True
    assert s["manager_ids"] == [manager.id]
    job = stored(session, campaign["id"])
    assert job.campaign_settings["street"] == "Ayala"  # the attributes are kept
    assert job.campaign_settings["manager_ids"] == [manager.id]


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"campaign": {"hotline_country": "Philippines"}}, "settings.campaign.hotline_country"),
        ({"campaign": {"interview_language": "klingon"}}, "settings.campaign.interview_language"),
        ({"campaign": {"web_dialout": "perhaps"}}, "settings.campaign.web_dialout"),
        ({"campaign": {"manager_ids": [999999]}}, "settings.campaign.manager_ids"),
        ({"campaign": {"colour": "red"}}, "settings.campaign.colour"),
        ({"messenger": {"bot_integration": "always"}}, "settings.messenger.bot_integration"),
        ({"messenger": {"info_fields": ["ok", "x" * 81]}}, "settings.messenger.info_fields"),
        ({"messenger": {"apply_url": "ftp://example.com/x"}}, "settings.messenger.apply_url"),
        (
            {"messages": {"invitation": {"enabled": "maybe"}}},
            "settings.messages.invitation.enabled",
        ),
        (
            {"messages": {"rejection": {"email_html": '<p onclick="x()">Hi</p>'}}},
            "settings.messages.rejection.email_html",
        ),
        (
            {"messages": {"completion": {"email_html": "<script>alert(1)</script>"}}},
            "settings.messages.completion.email_html",
        ),
        (
            {"interview": {"questions": [{"text": "Why us?", "answer_type": "video"}]}},
            "settings.interview.questions[0].answer_type",
        ),
        (
            {"interview": {"questions": [{"answer_type": "text"}]}},
            "settings.interview.questions[0].text",
        ),
        (
            {"interview": {"questions": [{"id": "a", "text": "1"}, {"id": "a", "text": "2"}]}},
            "settings.interview.questions[1].id",
        ),
        ({"interview": {"introduction": {"audio_file_id": 424242}}}, "settings.interview"),
        # Ids past what the database can bind, booleans as ids, arbitrary text as flags.
        ({"campaign": {"manager_ids": [2**63]}}, "settings.campaign.manager_ids[0]"),
        ({"campaign": {"manager_ids": [0]}}, "settings.campaign.manager_ids[0]"),
        ({"campaign": {"manager_ids": [True]}}, "settings.campaign.manager_ids[0]"),
        ({"campaign": {"web_dialout": "sometimes"}}, "settings.campaign.web_dialout"),
        ({"campaign": {"auto_call": "t"}}, "settings.campaign.auto_call"),
        (
            {"messages": {"invitation": {"enabled": "enabled"}}},
            "settings.messages.invitation.enabled",
        ),
        (
            {"interview": {"introduction": {"audio_file_id": 2**63}}},
            "settings.interview.introduction.audio_file_id",
        ),
        (
            {"interview": {"closing": {"audio_file_id": 2**64 - 1}}},
            "settings.interview.closing.audio_file_id",
        ),
        (
            {"interview": {"questions": [{"text": "Why us?", "audio_file_id": 2**63}]}},
            "settings.interview.questions[0].audio_file_id",
        ),
        (
            {"interview": {"questions": [{"text": "Why us?", "audio_file_id": True}]}},
            "settings.interview.questions[0].audio_file_id",
        ),
        ({"interview": {"closing": "bye"}}, "settings.interview.closing"),
        ({"interview": []}, "settings.interview"),
        ({"webhooks": {}}, "settings.webhooks"),
    ],
)
def test_invalid_settings_are_refused_whole(
    client: TestClient,
    key: str,
    campaign: dict[str, Any],
    session: Session,
    doc: dict[str, Any],
    field: str,
) -> None:
    before = stored(session, campaign["id"])
    docs = (
        dict(before.campaign_settings),
        dict(before.messaging_settings),
        dict(before.interview_settings),
    )
    # A valid change travels with the invalid one: it must not be kept either.
    body = {"settings": doc, "campaign": {"job_title": "Changed"}}
    r = client.put(f"{P}/campaigns/{campaign['id']}", params={"api_key": key}, json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_request"
    assert field in r.json()["details"], r.json()
    after = stored(session, campaign["id"])
    assert after.title == "CSR"
    assert (after.campaign_settings, after.messaging_settings, after.interview_settings) == docs


def test_create_with_an_out_of_range_id_is_400_and_creates_nothing(
    client: TestClient, key: str, session: Session
) -> None:
    campaign = {
        "campaign_title": "Wave 1",
        "job_title": "CSR",
        "street": "Ayala",
        "city": "Makati",
        "region": "NCR",
        "country": "PH",
        "short_description": "Voice",
    }
    for settings, field in [
        ({"campaign": {"manager_ids": [2**63]}}, "settings.campaign.manager_ids[0]"),
        (
            {"interview": {"introduction": {"audio_file_id": 2**63}}},
            "settings.interview.introduction.audio_file_id",
        ),
    ]:
        r = client.post(
            f"{P}/campaigns",
            params={"api_key": key},
            json={"campaign": campaign, "settings": settings},
        )
        assert r.status_code == 400, r.text
        assert field in r.json()["details"], r.json()
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_form_encoded_settings(
    client: TestClient,
    key: str,
    campaign: dict[str, Any],
    session: Session,
    company,  # type: ignore[no-untyped-def]
) -> None:
    manager = create_user(session, company.id, email="m@acme.test", name="Mia", password=None)
    session.commit()
    url = f"{P}/campaigns/{campaign['id']}"
    r = client.put(
        url,
        params={"api_key": key},
        data={
            "settings[campaign][web_dialout]": "true",
            "settings[campaign][auto_call]": "on",
            "settings[campaign][manager_ids][]": str(manager.id),
            "settings[messages][rejection][enabled]": "false",
        },
    )
    assert r.status_code == 200, r.text
    s = r.json()["campaign"]["settings"]
    assert s["campaign"]["web_dialout"] is True and s["campaign"]["auto_call"] is True
    assert s["campaign"]["manager_ids"] == [manager.id]
    assert s["messages"]["rejection"]["enabled"] is False
    for name, value in [
        ("settings[campaign][web_dialout]", "maybe"),
        ("settings[campaign][manager_ids][]", str(2**63)),
    ]:
        r = client.put(url, params={"api_key": key}, data={name: value})
        assert r.status_code == 400, r.text
    assert stored(session, campaign["id"]).campaign_settings["manager_ids"] == [manager.id]


def test_unknown_tokens_are_422_with_the_list(
    client: TestClient, key: str, campaign: dict[str, Any], session: Session
) -> None:
    r = put_settings(
        client,
        key,
        campaign["id"],
        {
            "messages": {
                "invitation": {"sms": "Hi @candidate_name, code @pin_code"},
                "shortlisted": {
                    "email_subject": "Hello {{first_name}}",
                    "email_html": "<p>Hi <%= @candidate_name %>, see @salary or email hr@acme.com</p>",
                },
            }
        },
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "invalid_tokens"
    assert body["details"]["invalid_tokens"] == ["pin_code", "first_name", "salary"]
    assert "settings.messages.invitation.sms" in body["details"]
    job = stored(session, campaign["id"])
    assert "@pin_code" not in job.messaging_settings["invitation"]["sms"]


def test_messages_are_saved_cleaned(
    client: TestClient, key: str, campaign: dict[str, Any], session: Session
) -> None:
    html = '<p style="color:red">Hi @candidate_name</p><a href="@webdialout">call</a><img src=x>'
    r = put_settings(
        client,
        key,
        campaign["id"],
        {
            "messages": {
                "invitation": {"enabled": False},
                "completion": {"sms": "Done, <%= @candidate_name %>!", "email_html": html},
            }
        },
    )
    assert r.status_code == 200, r.text
    msgs = r.json()["campaign"]["settings"]["messages"]
    assert msgs["invitation"]["enabled"] is False
    assert "@access_code" in msgs["invitation"]["sms"]  # merged: the text is kept
    assert msgs["completion"]["sms"] == "Done, <%= @candidate_name %>!"
    assert 'rel="noopener noreferrer"' in msgs["completion"]["email_html"]
    assert stored(session, campaign["id"]).messaging_settings == msgs


def test_messenger_settings(client: TestClient, key: str, campaign: dict[str, Any]) -> None:
    r = put_settings(
        client,
        key,
        campaign["id"],
        {
            "messenger": {
                "bot_integration": "job_position",
                "info_fields": ["Makati, day shift", "x" * 80],
                "detailed_description": "A long text " * 200,
                "apply_url": "https://m.me/acme?ref=csr",
            }
        },
    )
    assert r.status_code == 200, r.text
    m = r.json()["campaign"]["settings"]["messenger"]
    assert m["bot_integration"] == "job_position"
    assert len(m["info_fields"][1]) == 80
    assert m["apply_url"] == "https://m.me/acme?ref=csr"


def test_interview_script_and_audio_prompts(
    client: TestClient, key: str, campaign: dict[str, Any], session: Session
) -> None:
    cid = campaign["id"]
    r = put_settings(
        client,
        key,
        cid,
        {
            "interview": {
                "introduction": {"text": "Welcome!"},
                "questions": [
                    {"text": "Tell us about you", "answer_type": "audio"},
                    {"text": "Expected salary?", "answer_type": "text"},
                ],
            }
        },
    )
    assert r.status_code == 200, r.text
    script = r.json()["campaign"]["settings"]["interview"]
    assert [q["id"] for q in script["questions"]] == ["q1", "q2"]
    assert script["privacy_statement"]["text"]  # the standard prompt stays

    url = f"{P}/campaigns/{cid}/interview/audio"
    r = client.put(
        url,
        params={"api_key": key},
        data={"segment": "introduction"},
        files={"file": ("hello.WAV", wav_bytes(), "audio/x-wav")},
    )
    assert r.status_code == 200, r.text
    intro_file = r.json()["audio_file"]
    assert intro_file["content_type"] == "audio/wav"
    assert r.json()["interview"]["introduction"]["audio_file_id"] == intro_file["id"]
    for data in (MP3_FRAMES, MP3_ID3):
        r = client.put(
            url,
            params={"api_key": key},
            data={"question_id": "q1"},
            files={"file": ("q1.mp3", data, "audio/mpeg")},
        )
        assert r.status_code == 200, r.text
    q1_file = r.json()["audio_file"]["id"]
    file = session.get(File, q1_file)
    assert file is not None and file.kind == "audio" and file.media_type == "audio/mpeg"

    # Sending the questions again (same ids, no audio_file_id) keeps their prompts.
    r = put_settings(
        client,
        key,
        cid,
        {
            "interview": {
                "questions": [
                    {"id": "q1", "text": "About you?", "answer_type": "audio_text"},
                    {"text": "New one"},
                ]
            }
        },
    )
    assert r.status_code == 200, r.text
    questions = r.json()["campaign"]["settings"]["interview"]["questions"]
    assert questions[0]["audio_file_id"] == q1_file
    # q2 was taken out: the new question gets an id never used in this campaign.
    assert [q["id"] for q in questions] == ["q1", "q3"]
    assert (
        r.json()["campaign"]["settings"]["interview"]["introduction"]["audio_file_id"]
        == intro_file["id"]
    )
    # An audio id of this company can be referenced; an unknown one cannot (tested above).
    r = put_settings(
        client, key, cid, {"interview": {"closing": {"audio_file_id": intro_file["id"]}}}
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("fields", "filename", "data", "status", "field"),
    [
        ({"question_id": "q1"}, "fake.mp3", b"<html>not audio</html>" * 10, 415, "file"),
        ({"question_id": "q1"}, "fake.mp3", wav_bytes(), 415, "file"),  # WAV named .mp3
        ({"question_id": "q1"}, "fake.wav", MP3_ID3, 415, "file"),
        # Text, HTML or a PDF behind something that looks like an audio header.
        ({"question_id": "q1"}, "notes.mp3", "a text file".encode("utf-16"), 415, "file"),
        ({"question_id": "q1"}, "page.mp3", b"ID3\x03" + b"\x00" * 6 + b"<html>x", 415, "file"),
        ({"question_id": "q1"}, "doc.mp3", MPEG1_HEADER + b"%PDF-1.4 x", 415, "file"),
        ({"question_id": "q1"}, "doc.mp3", mpeg_frames(count=1) + b"%PDF-1.4 x", 415, "file"),
        ({"question_id": "q1"}, "x.wav", b"RIFF\x00\x00\x00\x00WAVE", 415, "file"),
        ({"question_id": "q1"}, "voice.ogg", b"OggS" + b"\x00" * 100, 415, "file"),
        ({"question_id": "q1"}, "empty.wav", b"", 400, "file"),
        ({"question_id": "q9"}, "a.wav", wav_bytes(), 404, "question_id"),
        ({"segment": "outro"}, "a.wav", wav_bytes(), 400, "segment"),
        ({}, "a.wav", wav_bytes(), 400, "segment"),
        ({"segment": "closing", "question_id": "q1"}, "a.wav", wav_bytes(), 400, "segment"),
    ],
)
def test_bad_audio_uploads(
    client: TestClient,
    key: str,
    campaign: dict[str, Any],
    session: Session,
    fields: dict[str, str],
    filename: str,
    data: bytes,
    status: int,
    field: str,
) -> None:
    put_settings(client, key, campaign["id"], {"interview": {"questions": [{"text": "Q"}]}})
    r = client.put(
        f"{P}/campaigns/{campaign['id']}/interview/audio",
        params={"api_key": key},
        data=fields,
        files={"file": (filename, data, "audio/mpeg")},
    )
    assert r.status_code == status, r.text
    assert field in r.json()["details"]
    if status == 415 and filename.endswith((".wav", ".mp3")):
        ext = filename.rsplit(".", 1)[1]
        assert r.json()["message"] == f"The file is not a valid .{ext} recording."
    assert session.scalar(select(func.count()).select_from(File)) == 0


def test_audio_without_file_and_too_large(
    client: TestClient, key: str, campaign: dict[str, Any], session: Session
) -> None:
    url = f"{P}/campaigns/{campaign['id']}/interview/audio"
    r = client.put(url, params={"api_key": key}, data={"segment": "closing"})
    assert r.status_code == 400
    assert r.json()["details"] == {"file": "is required"}
    big = b"RIFF\x00\x00\x00\x00WAVE" + b"\x00" * (10 * 1024 * 1024)
    r = client.put(
        url,
        params={"api_key": key},
        data={"segment": "closing"},
        files={"file": ("big.wav", big, "audio/wav")},
    )
    assert r.status_code == 400
    assert session.scalar(select(func.count()).select_from(File)) == 0


def test_a_deactivated_manager_in_the_permissions_does_not_block_saves(
    client: TestClient,
    key: str,
    campaign: dict[str, Any],
    session: Session,
    company,  # type: ignore[no-untyped-def]
) -> None:
    owner = create_user(
        session, company.id, email="o@acme.test", name="Olga", password=None, role="owner"
    )
    mia = create_user(session, company.id, email="mia@acme.test", name="Mia", password=None)
    bob = create_user(session, company.id, email="bob@acme.test", name="Bob", password=None)
    ann = create_user(session, company.id, email="ann@acme.test", name="Ann", password=None)
    session.commit()
    cid = campaign["id"]
    r = put_settings(client, key, cid, {"campaign": {"manager_ids": [mia.id, bob.id]}})
    assert r.status_code == 200, r.text
    set_user_active(session, owner, bob.id, active=False)
    set_user_active(session, owner, ann.id, active=False)
    session.commit()

    r = client.put(
        f"{P}/campaigns/{cid}", params={"api_key": key}, json={"campaign": {"job_title": "Renamed"}}
    )
    assert r.status_code == 200, r.text
    r = put_settings(client, key, cid, {"messages": {"invitation": {"enabled": False}}})
    assert r.status_code == 200, r.text
    # Bob keeps his place (deactivation is reversible); the list can still be reordered.
    r = put_settings(client, key, cid, {"campaign": {"manager_ids": [bob.id, mia.id]}})
    assert r.status_code == 200, r.text
    assert stored(session, cid).campaign_settings["manager_ids"] == [bob.id, mia.id]
    # Adding an inactive manager is refused, naming only them.
    r = put_settings(client, key, cid, {"campaign": {"manager_ids": [bob.id, mia.id, ann.id]}})
    assert r.status_code == 400
    assert r.json()["details"] == {
        "settings.campaign.manager_ids": f"unknown or inactive manager id(s): {ann.id}"
    }
    assert stored(session, cid).campaign_settings["manager_ids"] == [bob.id, mia.id]
    assert stored(session, cid).title == "Renamed"


def test_question_ids_and_numbers_are_never_given_twice(
    client: TestClient,
    factory: Factory,
    key: str,
    campaign: dict[str, Any],
    session: Session,
    company,  # type: ignore[no-untyped-def]
) -> None:
    """A removed question's id and number go to no other question: answers stay with the
    question they were given to, and /questions ids keep naming one question."""
    cid = campaign["id"]
    script = [{"text": "Do you have a criminal record?"}, {"text": "Expected salary?"}]
    r = put_settings(client, key, cid, {"interview": {"questions": script}})
    first, salary = r.json()["campaign"]["settings"]["interview"]["questions"]
    assert (first["id"], first["number"], salary["id"], salary["number"]) == ("q1", 1, "q2", 2)
    candidate = factory.candidate(company, first_name="Ana", email="ana@example.com")
    application = factory.application(stored(session, cid), candidate)
    application.answers = {"q1": "No", "q2": "20000"}
    session.commit()

    nights = {"text": "Are you willing to work nights?"}
    r = put_settings(client, key, cid, {"interview": {"questions": [first, nights]}})
    assert r.status_code == 200, r.text
    questions = r.json()["campaign"]["settings"]["interview"]["questions"]
    assert [(q["id"], q["number"]) for q in questions] == [("q1", 1), ("q3", 3)]
    # Removed again and another added: still above everything given so far.
    r = put_settings(client, key, cid, {"interview": {"questions": [{"text": "Why us?"}]}})
    questions = r.json()["campaign"]["settings"]["interview"]["questions"]
    assert [(q["id"], q["number"]) for q in questions] == [("q4", 4)]
    assert "issued_questions" not in r.json()["campaign"]["settings"]["interview"]
    r = client.get(f"{P}/campaigns/{cid}/questions", params={"api_key": key})
    assert [(q["id"], q["question_text"]) for q in r.json()["questions"]] == [(4, "Why us?")]

    searched = client.get(
        f"{P}/campaign_invitations", params={"api_key": key, "include_answers": "true"}
    )
    answers = searched.json()["candidates"][0]["answers"]
    # The old answers are not shown as answers to the new questions.
    assert [(a["question"], a["transcript"]) for a in answers] == [("q1", "No"), ("q2", "20000")]


def test_a_script_saved_before_the_marks_keeps_its_ids(
    client: TestClient, key: str, campaign: dict[str, Any], session: Session
) -> None:
    job = stored(session, campaign["id"])
    job.interview_settings = {
        "questions": [
            {"id": "q1", "number": 1, "text": "One"},
            {"id": "q5", "number": 7, "text": "Five"},
            {"id": "intro", "text": "No number yet"},
        ]
    }
    session.commit()
    r = client.get(f"{P}/campaigns/{job.id}/questions", params={"api_key": key})
    assert [q["id"] for q in r.json()["questions"]] == [1, 7, 8]
    sent = [{"id": q, "text": t} for q, t in (("q1", "One"), ("q5", "Five"), ("intro", "N"))]
    r = put_settings(client, key, job.id, {"interview": {"questions": [*sent, {"text": "New"}]}})
    assert r.status_code == 200, r.text
    questions = r.json()["campaign"]["settings"]["interview"]["questions"]
    assert [(q["id"], q["number"]) for q in questions] == [
        ("q1", 1),
        ("q5", 7),
        ("intro", 8),
        ("q6", 9),
    ]


def test_a_question_sent_again_keeps_the_options_and_data_point_it_does_not_send(
    client: TestClient, key: str, campaign: dict[str, Any]
) -> None:
    cid = campaign["id"]
    shift = {"text": "Which shift?", "data_point": "shift", "options": ["Day", "Night"]}
    r = put_settings(client, key, cid, {"interview": {"questions": [shift]}})
    assert r.status_code == 200, r.text
    # Sent again with its id and only its text (as the web app's interview creator does).
    r = put_settings(
        client, key, cid, {"interview": {"questions": [{"id": "q1", "text": "Your shift?"}]}}
    )
    assert r.status_code == 200, r.text
    (question,) = r.json()["campaign"]["settings"]["interview"]["questions"]
    assert (question["text"], question["data_point"], question["options"]) == (
        "Your shift?",
        "shift",
        ["Day", "Night"],
    )
    r = client.get(f"{P}/campaigns/{cid}/questions", params={"api_key": key})
    assert r.json()["questions"][0]["type"] == "multiple_choice"
    # Sent, they change: null and [] clear them.
    q1 = {"id": "q1", "text": "Your shift?", "data_point": None, "options": []}
    r = put_settings(client, key, cid, {"interview": {"questions": [q1]}})
    (question,) = r.json()["campaign"]["settings"]["interview"]["questions"]
    assert (question["data_point"], question["options"]) == (None, [])
