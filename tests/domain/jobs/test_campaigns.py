"""Campaign services: defaults, permissions (visible_jobs_condition on both databases),
settings documents shared with other modules, audio recognition."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.actor import Actor
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs import campaigns
from hireloop.domain.jobs.audio import UnsupportedAudio, audio_format
from hireloop.domain.jobs.campaign import (
    DEFAULT_MESSAGES,
    CampaignFields,
    messaging_settings_of,
    parse_campaign_fields,
)
from hireloop.domain.jobs.campaigns import _salary_bounds
from hireloop.domain.jobs.models import Job
from hireloop.errors import Invalid
from tests.audio_files import ID3_TAG, mpeg_frames, silent_wav
from tests.factories import Factory


def fields(**values: object) -> CampaignFields:
    return parse_campaign_fields({"job_title": "CSR", **values})


def test_a_manager_who_creates_a_campaign_sees_it(session: Session, factory: Factory) -> None:
    company = factory.company("Acme", default_country="PH")
    owner = create_user(
        session, company.id, email="o@acme.test", name="O", password=None, role="owner"
    )
    creator = create_user(session, company.id, email="c@acme.test", name="C", password=None)
    outsider = create_user(session, company.id, email="x@acme.test", name="X", password=None)
    job = campaigns.create_campaign(session, company, fields(), Actor("user", creator.id))
    assert job.campaign_settings["manager_ids"] == [creator.id]
    assert job.created_by_user_id == creator.id
    assert campaigns.can_see(owner, job) and campaigns.can_see(creator, job)
    assert not campaigns.can_see(outsider, job)
    by_owner = campaigns.create_campaign(session, company, fields(), Actor("user", owner.id))
    assert by_owner.campaign_settings["manager_ids"] == []


def test_visible_jobs_condition(session: Session, factory: Factory) -> None:
    company = factory.company("Acme")
    other = factory.company("Other")
    owner = create_user(
        session, company.id, email="o@a.test", name="O", password=None, role="owner"
    )
    mia = create_user(session, company.id, email="m@a.test", name="M", password=None)
    ben = create_user(session, company.id, email="b@a.test", name="B", password=None)
    shared = campaigns.create_campaign(session, company, fields(job_title="Shared"), Actor.system())
    mine = campaigns.create_campaign(session, company, fields(job_title="Mia's"), Actor.system())
    campaigns.create_campaign(session, company, fields(job_title="Owners only"), Actor.system())
    campaigns.create_campaign(session, other, fields(job_title="Elsewhere"), Actor.system())
    factory.job(company, title="Plain job")  # no settings at all
    campaigns.update_campaign(
        session,
        shared,
        None,
        Actor.system(),
        settings={"campaign": {"manager_ids": [mia.id, ben.id]}},
    )
    campaigns.update_campaign(
        session, mine, None, Actor.system(), settings={"campaign": {"manager_ids": [mia.id]}}
    )
    session.flush()

    def visible(user: object) -> set[str]:
        cond = campaigns.visible_jobs_condition(session, user)  # type: ignore[arg-type]
        return set(session.scalars(select(Job.title).where(cond)))

    assert visible(mia) == {"Shared", "Mia's"}
    assert visible(ben) == {"Shared"}
    assert visible(owner) == {"Shared", "Mia's", "Owners only", "Plain job"}
    mia.active = False
    assert visible(mia) == set()
    for job in session.scalars(select(Job).where(Job.company_id == company.id)):
        assert campaigns.can_see(ben, job) == (job.title == "Shared")


def test_settings_written_by_other_modules_are_kept(session: Session, factory: Factory) -> None:
    company = factory.company("Acme")
    job = campaigns.create_campaign(session, company, fields(), Actor.system())
    job.campaign_settings = {**job.campaign_settings, "sheet": {"spreadsheet_id": "abc"}}
    job.interview_settings = {**job.interview_settings, "engine": {"voice": "x"}}
    campaigns.update_campaign(
        session,
        job,
        fields(city="Cebu"),
        Actor.system(),
        settings={"campaign": {"auto_call": True}, "interview": {"questions": [{"text": "Q"}]}},
    )
    assert job.campaign_settings["sheet"] == {"spreadsheet_id": "abc"}
    assert job.campaign_settings["auto_call"] is True
    assert job.interview_settings["engine"] == {"voice": "x"}
    assert job.city == "Cebu"


def test_jobs_from_other_faces_read_disabled_standard_messages(
    session: Session, factory: Factory
) -> None:
    job = factory.job(factory.company("Acme"))
    messages = messaging_settings_of(job)
    assert messages.invitation.enabled is False
    assert messages.invitation.sms == DEFAULT_MESSAGES["invitation"]["sms"]
    created = campaigns.create_campaign(session, factory.company("B"), fields(), Actor.system())
    assert messaging_settings_of(created).invitation.enabled is True


def test_campaign_title_alone_is_enough_for_the_service(session: Session, factory: Factory) -> None:
    company = factory.company("Acme")
    job = campaigns.create_campaign(
        session, company, parse_campaign_fields({"campaign_title": "Wave"}), Actor.system()
    )
    assert job.title == "Wave"
    with pytest.raises(Invalid):
        campaigns.create_campaign(session, company, parse_campaign_fields({}), Actor.system())


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("18000", (18000, 18000)),
        ("18,000 - 22,000", (18000, 22000)),
        ("22000-18000.50", (18000.5, 22000)),
        ("Competitive", (None, None)),
        ("PHP 18000", (None, None)),
        ("1-2-3", (None, None)),
        ("9" * 20, (None, None)),
        (None, (None, None)),
    ],
)
def test_salary_bounds(text: str | None, bounds: tuple[float | None, float | None]) -> None:
    low, high = _salary_bounds(text)
    assert (None if low is None else float(low), None if high is None else float(high)) == bounds


MPEG1 = mpeg_frames()  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
MPEG2 = mpeg_frames(bytes([0xFF, 0xF3, 0x48, 0xC4]), 144)  # MPEG-2 layer III, 32 kbit/s, 16 kHz


@pytest.mark.parametrize(
    ("name", "data", "result"),
    [
        ("a.wav", silent_wav(), "wav"),
        ("a.MP3", ID3_TAG + MPEG1, "mp3"),
        ("a.mp3", MPEG1, "mp3"),
        ("a.mp3", MPEG2, "mp3"),
        ("a.mp3", MPEG1[:4], UnsupportedAudio),  # a lone frame header
        ("a.mp3", mpeg_frames(bytes([0xFF, 0xEB, 0x90, 0x64]), 417), UnsupportedAudio),  # version
        ("a.mp3", mpeg_frames(bytes([0xFF, 0xF9, 0x90, 0x64]), 417), UnsupportedAudio),  # layer
        ("a.mp3", mpeg_frames(bytes([0xFF, 0xFB, 0xF0, 0x64]), 417), UnsupportedAudio),  # bitrate
        ("a.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00", UnsupportedAudio),  # a tag alone
        ("a.mp3", b"ID3\x03" + b"\x00" * 6 + b"<html><script>x</script></html>", UnsupportedAudio),
        ("a.mp3", MPEG1[:4] + b"%PDF-1.4 not audio", UnsupportedAudio),
        ("a.mp3", "hello, this is a text file".encode("utf-16"), UnsupportedAudio),
        ("a.mp3", silent_wav(), UnsupportedAudio),
        ("a.wav", MPEG1, UnsupportedAudio),
        ("a.wav", b"RIFF\x00\x00\x00\x00WAVE", UnsupportedAudio),  # a header alone
        ("a.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 28, UnsupportedAudio),
        ("a.wav", silent_wav(0), UnsupportedAudio),  # no sound at all
        ("a.wav", b"RIFF\x24\x00\x00\x00AVI LIST", UnsupportedAudio),
        ("a.m4a", b"\x00\x00\x00\x20ftypM4A ", UnsupportedAudio),
        ("noext", silent_wav(), UnsupportedAudio),
        ("a.wav", b"", Invalid),
    ],
)
def test_audio_format(name: str, data: bytes, result: object) -> None:
    if isinstance(result, str):
        assert audio_format(name, data) == result
    else:
        with pytest.raises(result):  # type: ignore[call-overload]
            audio_format(name, data)
