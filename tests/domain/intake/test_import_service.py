"""Bulk import of leads into a campaign: the rules of single lead creation, set-based."""

from __future__ import annotations

import gc
import os
import threading
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.labels import labels_for
from hireloop.domain.applications.models import (
    FOLDER_COUNT_SLOTS,
    Application,
    ApplicationEvent,
)
from hireloop.domain.applications.service import create_application, folder_totals
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.companies.service import create_company
from hireloop.domain.intake import service as intake
from hireloop.domain.intake.models import ImportRun
from hireloop.domain.intake.service import import_csv
from hireloop.domain.jobs.models import Job
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.outbox.models import OutboxEvent
from hireloop.errors import Invalid, NotFound
from tests.conftest import create_database
from tests.factories import Factory

HEADER = "first name,last name,email,country code,phone number,referee\n"


def _csv(*rows: str, header: bool = True) -> bytes:
    return ((HEADER if header else "") + "".join(r + "\n" for r in rows)).encode()


def _import(session: Session, company: Any, job: Any, data: bytes, **kw: Any) -> ImportRun:
    run = import_csv(
        session,
        company,
        job,
        data,
        filename="leads.csv",
        actor=Actor("user", None),
        ttl_hours=kw.pop("ttl_hours", 72),
        **kw,
    )
    session.commit()
    return run


def _apps(session: Session, job_id: int) -> list[tuple[Application, Candidate]]:
    return [
        (a, c)
        for a, c in session.execute(
            select(Application, Candidate)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(Application.job_id == job_id)
            .order_by(Application.id)
        ).all()
    ]


def _events(session: Session, company_id: int, event_type: str) -> list[dict[str, Any]]:
    return [
        e.payload
        for e in session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.company_id == company_id, OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id)
        )
    ]


def test_good_file_creates_leads_with_pins_counts_events(
    session: Session, factory: Factory
) -> None:
    company = factory.company(default_country="PH")
    job = factory.job(company)
    run = _import(
        session,
        company,
        job,
        _csv(
            "José,Müller,Jose@Example.com,63,9171234567,Françoise",
            "Ana,Cruz,,PH,09171234568,",
        ),
    )
    assert (run.kind, run.status, run.filename) == ("csv", "completed", "leads.csv")
    assert (run.total_rows, run.processed_rows) == (2, 2)
    assert (run.created_count, run.duplicate_count, run.failed_count) == (2, 0, 0)
    assert run.finished_at is not None and run.errors == []
    apps = _apps(session, job.id)
    assert len(apps) == 2
    (a1, c1), (a2, c2) = apps
    assert (c1.first_name, c1.last_name, c1.email) == ("José", "Müller", "jose@example.com")
    assert (c1.first_name_key, c1.last_name_key) == ("jose", "muller")
    assert c1.phone_e164 == "+639171234567" and c1.source == "csv"
    assert c1.referrer_name == "Françoise" and a1.others == {"referee": "Françoise"}
    assert c2.email is None and c2.phone_e164 == "+639171234568"
    for app in (a1, a2):
        assert app.folder == "inbox" and app.source == "csv" and app.status == "new"
        assert app.pin and len(app.pin) == 6 and app.pin.isdigit()
        # The PIN's lifetime starts when the invitation is queued (automatic).
        assert app.pin_expires_at is None and app.public_id
    assert folder_totals(session, [job.id])[job.id] == {"inbox": 2}
    events = session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.job_id == job.id)
    ).all()
    assert sorted((e.application_id, e.kind, e.to_folder, e.actor_type) for e in events) == [
        (a1.id, "created", "inbox", "user"),
        (a2.id, "created", "inbox", "user"),
    ]
    # One event for the chunk's new leads, not one per candidate and application.
    assert _events(session, company.id, intake.LEADS_CREATED_EVENT) == [
        {
            "jobId": job.id,
            "source": "csv",
            "folder": "inbox",
            "applicationIds": [a1.id, a2.id],
            "candidateIds": [c1.id, c2.id],
        }
    ]
    assert _events(session, company.id, "application.created") == []
    assert _events(session, company.id, "candidate.created") == []
    assert _events(session, company.id, intake.INVITATIONS_EVENT) == [], "invitation off"


def test_bad_rows_are_reported_while_good_rows_go_in(session: Session, factory: Factory) -> None:
    company = factory.company()
    job = factory.job(company)
    run = _import(
        session,
        company,
        job,
        _csv(
            "Ana,Cruz,ana@example.com,63,9171234567,",
            "Ben,Reyes,,,,",
            "Cy,Lim,not-an-email,,,",
            "Di,Go,di@example.com,63,9171234568,",
        ),
    )
    assert (run.created_count, run.duplicate_count, run.failed_count) == (2, 0, 2)
    assert (run.total_rows, run.processed_rows) == (4, 4)
    assert run.errors[0] == {
        "row": 3,
        "error": "An email or a phone number is required",
        "code": "contact_required",
    }
    assert run.errors[1]["row"] == 4 and run.errors[1]["error"].startswith("Invalid email")
    assert [c.email for _, c in _apps(session, job.id)] == ["ana@example.com", "di@example.com"]


def test_duplicates_in_file_and_across_imports_get_the_label(
    session: Session, factory: Factory
) -> None:
    company = factory.company(default_country="PH")
    job = factory.job(company)
    other_job = factory.job(company)
    before = factory.candidate(company, email="old@example.com", first_name="Old", last_name="One")
    earlier = factory.application(job, before)
    in_other = factory.candidate(company, email="moved@example.com", phone="+639170000001")
    factory.application(other_job, in_other)

    run = _import(
        session,
        company,
        job,
        _csv(
            "Ana,Cruz,ana@example.com,63,9171234567,",
            "Ana,Cruz,ANA@example.com,63,9171234567,",  # same file: duplicate
            "Another,Name,ana@example.com,,,",  # same email, other names: same person
            "Old,One,old@example.com,,,",  # already in the campaign
            "M,Oved,moved@example.com,,,",  # known candidate, new in this campaign
            "Phone,Only,,63,9170000001,",  # phone of a known candidate
            "Phone,Again,,,09171234567",  # phone of a row above (with an email)
            "New,Phone,,63,9179999999,",
            "New,Phone,,+63,9179999999,",  # phone-only twice in the file
        ),
    )
    assert (run.created_count, run.duplicate_count, run.failed_count) == (3, 6, 0)
    apps = _apps(session, job.id)
    by_email = {c.email or c.phone_e164: a for a, c in apps}
    assert sorted(by_email) == [
        "+639179999999",
        "ana@example.com",
        "moved@example.com",
        "old@example.com",
    ]
    assert by_email["moved@example.com"].candidate_id == in_other.id
    assert (
        session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.company_id == company.id)
        )
        == 4
    )
    labels = labels_for(session, [a.id for a, _ in apps])
    assert labels == {
        earlier.id: ["Duplicate"],
        by_email["ana@example.com"].id: ["Duplicate"],
        by_email["moved@example.com"].id: ["Duplicate"],
        by_email["+639179999999"].id: ["Duplicate"],
    }
    assert folder_totals(session, [job.id])[job.id] == {"inbox": 4}
    labeled = session.scalars(
        select(ApplicationEvent).where(
            ApplicationEvent.job_id == job.id, ApplicationEvent.kind == "labeled"
        )
    ).all()
    assert len(labeled) == 4 and all(e.data["added"] == ["Duplicate"] for e in labeled)
    assert earlier.pin is None, "nothing else changes on a duplicate"

    again = _import(session, company, job, _csv("Ana,Cruz,ana@example.com,63,9171234567,"))
    assert (again.created_count, again.duplicate_count) == (0, 1)
    assert folder_totals(session, [job.id])[job.id] == {"inbox": 4}
    assert (
        session.scalar(
            select(func.count())
            .select_from(ApplicationEvent)
            .where(ApplicationEvent.job_id == job.id, ApplicationEvent.kind == "labeled")
        )
        == 4
    ), "already labeled: no second event"


def test_chunks_report_progress_and_invitations(
    session: Session, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "CHUNK_ROWS", 3)
    company = factory.company()
    job = factory.job(company)
    job.messaging_settings = {"invitation": {"enabled": True, "sms": "Hi @candidate_name"}}
    session.commit()
    rows = [f"N{i},L{i},n{i}@example.com,,," for i in range(7)]
    rows.insert(4, "Bad,Row,,,,")
    rows.append("N0,L0,n0@example.com,,,")
    seen: list[tuple[int, int, int, int]] = []
    collector: list[bool] = []

    def progress(r: ImportRun) -> None:
        seen.append((r.processed_rows, r.created_count, r.duplicate_count, r.failed_count))
        collector.append(gc.isenabled())

    run = _import(session, company, job, _csv(*rows), progress=progress)
    assert seen == [(3, 3, 0, 0), (6, 5, 0, 1), (9, 7, 1, 1)]
    # Python's cycle collector pauses while the import runs (bulk.collector_paused).
    assert collector == [False, False, False] and gc.isenabled()
    assert run.total_rows == 9
    invites = _events(session, company.id, intake.INVITATIONS_EVENT)
    ids = [a.id for a, _ in _apps(session, job.id)]
    assert invites == [
        {"jobId": job.id, "applicationIds": ids[:3]},
        {"jobId": job.id, "applicationIds": ids[3:5]},
        {"jobId": job.id, "applicationIds": ids[5:]},
    ]
    # Each chunk's invitations come before its leads_created event: the relay takes events
    # in order, so invitations are not queued behind the scoring of the whole import.
    kinds = session.scalars(
        select(OutboxEvent.event_type)
        .where(OutboxEvent.company_id == company.id, OutboxEvent.event_type.like("intake.%"))
        .order_by(OutboxEvent.id)
    ).all()
    assert kinds == [intake.INVITATIONS_EVENT, intake.LEADS_CREATED_EVENT] * 3
    leads = _events(session, company.id, intake.LEADS_CREATED_EVENT)
    assert [e["applicationIds"] for e in leads] == [ids[:3], ids[3:5], ids[5:]]


def test_rejected_file_writes_nothing(session: Session, factory: Factory) -> None:
    company = factory.company()
    job = factory.job(company)
    with pytest.raises(Invalid):
        import_csv(
            session,
            company,
            job,
            b"name,email\nAna,ana@example.com\n",
            filename="x.csv",
            actor=Actor.system(),
            ttl_hours=1,
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ImportRun)) == 0
    assert (
        session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.company_id == company.id)
        )
        == 0
    )


def test_other_company_campaign_is_not_found(session: Session, factory: Factory) -> None:
    mine, theirs = factory.company(), factory.company()
    job = factory.job(theirs)
    with pytest.raises(NotFound):
        import_csv(
            session,
            mine,
            job,
            _csv("A,B,a@example.com,,,"),
            filename=None,
            actor=Actor.system(),
            ttl_hours=1,
        )


def test_same_email_in_another_company_is_another_candidate(
    session: Session, factory: Factory
) -> None:
    mine, theirs = factory.company(), factory.company()
    factory.candidate(theirs, email="ana@example.com", phone="+639171234567")
    job = factory.job(mine)
    run = _import(session, mine, job, _csv("Ana,Cruz,ana@example.com,,,", "P,Q,,63,9171234567,"))
    assert run.created_count == 2
    assert {c.company_id for _, c in _apps(session, job.id)} == {mine.id}


def test_errors_are_capped(
    session: Session, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "MAX_STORED_ERRORS", 2)
    company = factory.company()
    job = factory.job(company)
    run = _import(session, company, job, _csv(*["X,Y,,,,"] * 5, "A,B,a@example.com,,,"))
    assert run.failed_count == 5 and len(run.errors) == 2 and run.created_count == 1


def test_known_person_fills_what_they_lack_and_is_labelled_when_elsewhere(
    session: Session, factory: Factory
) -> None:
    company = factory.company(default_country="PH")
    job, other_job = factory.job(company), factory.job(company)
    known = factory.candidate(company, email="known@example.com", first_name="K", last_name="N")
    factory.application(other_job, known)
    fresh = factory.candidate(company, email="fresh@example.com", phone="+639170000009")
    run = _import(
        session,
        company,
        job,
        _csv(
            "Kay,Enn,known@example.com,63,9171112222,Ref One",
            "Kay,Enn,known@example.com,63,9173334444,Ref Two",
            "F,R,fresh@example.com,63,9175556666,",
        ),
    )
    assert (run.created_count, run.duplicate_count) == (2, 1)
    session.refresh(known)
    session.refresh(fresh)
    assert known.phone_e164 == "+639171112222", "the first row's phone fills the gap"
    assert known.referrer_name == "Ref One"
    assert (known.first_name, known.last_name) == ("K", "N"), "names are kept"
    assert fresh.phone_e164 == "+639170000009", "what a person has is kept"
    apps = {c.id: a for a, c in _apps(session, job.id)}
    assert labels_for(session, [apps[known.id].id, apps[fresh.id].id]) == {
        apps[known.id].id: ["Duplicate"]
    }


def test_known_people_of_one_chunk_each_fill_their_own_gaps(
    session: Session, factory: Factory
) -> None:
    company = factory.company(default_country="PH")
    job = factory.job(company)
    no_phone = factory.candidate(company, email="a@example.com")
    no_referee = factory.candidate(company, email="b@example.com", phone="+639170000002")
    complete = factory.candidate(
        company, email="c@example.com", phone="+639170000003", referrer_name="Kept"
    )
    other_company = factory.company(default_country="PH")
    stranger = factory.candidate(other_company, email="a@example.com")
    _import(
        session,
        company,
        job,
        _csv(
            "A,A,a@example.com,63,9171110001,",
            "B,B,b@example.com,63,9171110002,Ref B",
            "C,C,c@example.com,63,9171110003,Ref C",
        ),
    )
    for candidate in (no_phone, no_referee, complete, stranger):
        session.refresh(candidate)
    assert (no_phone.phone, no_phone.phone_e164) == ("+639171110001", "+639171110001")
    assert no_phone.referrer_name is None
    assert (no_referee.phone_e164, no_referee.referrer_name) == ("+639170000002", "Ref B")
    assert (complete.phone_e164, complete.referrer_name) == ("+639170000003", "Kept")
    assert stranger.phone_e164 is None, "another company's candidate is not touched"


def test_a_phone_only_row_is_the_person_an_earlier_row_gave_that_phone(
    session: Session, factory: Factory
) -> None:
    """As single lead creation: a row fills a known (or new) person's missing phone, and a
    later phone-only row with that phone is the same person again, in the same chunk:
    one lead, labelled Duplicate, no second candidate."""
    company = factory.company(default_country="PH")
    job = factory.job(company)
    known = factory.candidate(company, email="ana@x.com", first_name="Ana", last_name="Cruz")
    run = _import(
        session,
        company,
        job,
        _csv(
            "Ana,Cruz,ana@x.com,63,9171234567,",  # the known person gets a phone
            "Ana,Cruz,,63,9171234567,",
            "Ben,Diaz,ben@x.com,,,",  # a new person without a phone...
            "Ben,Diaz,ben@x.com,63,9171234500,",  # ... whom a later row gives one
            "Ben,Diaz,,63,9171234500,",
        ),
    )
    assert (run.created_count, run.duplicate_count, run.failed_count) == (2, 3, 0)
    session.expire_all()
    apps = _apps(session, job.id)
    assert [(c.email, c.phone_e164) for _, c in apps] == [
        ("ana@x.com", "+639171234567"),
        ("ben@x.com", "+639171234500"),
    ]
    assert apps[0][1].id == known.id
    assert labels_for(session, [a.id for a, _ in apps]) == {a.id: ["Duplicate"] for a, _ in apps}
    assert (
        session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.company_id == company.id)
        )
        == 2
    )


def test_a_row_with_an_email_and_a_phone_that_is_no_number_goes_in(
    session: Session, factory: Factory
) -> None:
    """Single lead creation takes such a lead and keeps the phone as typed; so does the
    import (a known person without a phone gets it too)."""
    company = factory.company(default_country="PH")
    job = factory.job(company)
    known = factory.candidate(company, email="cy@x.com")
    run = _import(
        session,
        company,
        job,
        _csv("Ben,Diaz,ben@x.com,63,9.17123E+09,", "Cy,Lim,cy@x.com,63,9.17123E+10,"),
    )
    assert (run.created_count, run.failed_count, run.errors) == (2, 0, [])
    session.expire_all()
    people = {c.email: (c.phone, c.phone_e164) for _, c in _apps(session, job.id)}
    assert people == {"ben@x.com": ("9.17123E+09", None), "cy@x.com": ("9.17123E+10", None)}
    assert next(c for _, c in _apps(session, job.id) if c.email == "cy@x.com").id == known.id


def test_archived_campaign_takes_no_import(session: Session, factory: Factory) -> None:
    company = factory.company()
    job = factory.job(company, status="archived")
    with pytest.raises(Invalid, match="archived"):
        import_csv(
            session,
            company,
            job,
            _csv("A,B,a@example.com,,,"),
            filename=None,
            actor=Actor.system(),
            ttl_hours=1,
        )


@pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="concurrent writers need PostgreSQL (SQLite has one writer at a time)",
)
def test_applies_to_the_campaign_do_not_wait_for_a_running_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The import adds to the folder counts at its very end: while it runs (one long
    transaction), a lead applying to the same campaign is not held up by its locks."""
    # The first chunk's applications fill every slot of the Inbox count.
    monkeypatch.setattr(intake, "CHUNK_ROWS", FOLDER_COUNT_SLOTS)
    db = Database(create_database(f"hireloop_import_locks_{os.getpid()}"))
    try:
        with db.unit_of_work() as setup:
            company = create_company(setup, "Locks Co")
            job = create_job(
                setup, company.id, JobData(title="Agent", status="open"), Actor.system()
            )
            company_id, job_id = company.id, job.id
        applied: list[int] = []

        def apply_meanwhile(run: ImportRun) -> None:
            if applied:
                return
            with db.unit_of_work() as other:
                other.execute(text("SET LOCAL lock_timeout = '3s'"))
                person, _ = create_candidate(
                    other,
                    company_id,
                    CandidateData(first_name="Walk", last_name="In", email="walk.in@example.com"),
                )
                app, _ = create_application(other, other.get(Job, job_id), person, Actor.system())
                applied.append(app.id)

        with db.unit_of_work() as session:
            import_csv(
                session,
                session.get(Company, company_id),
                session.get(Job, job_id),
                _csv(*(f"N{i},L{i},n{i}@example.com,,," for i in range(FOLDER_COUNT_SLOTS + 4))),
                filename="leads.csv",
                actor=Actor("user", None),
                ttl_hours=72,
                progress=apply_meanwhile,
            )
        assert applied, "the walk-in applied while the import ran"
        with db.unit_of_work() as session:
            assert folder_totals(session, [job_id])[job_id] == {"inbox": FOLDER_COUNT_SLOTS + 5}
    finally:
        db.dispose()


@pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="concurrent writers need PostgreSQL (SQLite has one writer at a time)",
)
def test_two_imports_into_one_company_at_once_do_not_duplicate_phone_only_leads() -> None:
    """A retried API call or a file uploaded twice: the second import waits for the first
    (phone-only rows have no unique key) and finds its people, all duplicates."""
    db = Database(create_database(f"hireloop_import_serial_{os.getpid()}"))
    try:
        with db.unit_of_work() as setup:
            company = create_company(setup, "Serial Co", default_country="PH")
            job = create_job(
                setup, company.id, JobData(title="Agent", status="open"), Actor.system()
            )
            company_id, job_id = company.id, job.id
        data = _csv(*(f"P{i},Q{i},,63,918{i:07d}," for i in range(20)), "Ana,Cruz,a@x.com,,,")
        second: list[Any] = []

        def import_once(session: Session, progress: Any = None) -> tuple[int, int]:
            run = import_csv(
                session,
                session.get(Company, company_id),
                session.get(Job, job_id),
                data,
                filename="leads.csv",
                actor=Actor("user", None),
                ttl_hours=72,
                progress=progress,
            )
            return run.created_count, run.duplicate_count

        def run_second() -> None:
            try:
                with db.unit_of_work() as other:
                    second.append(import_once(other))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                second.append(exc)

        thread = threading.Thread(target=run_second)

        def meanwhile(run: ImportRun) -> None:
            # The first import's rows are written, not committed: the second starts now
            # (without the lock it would create the phone-only people again, unseen).
            thread.start()
            thread.join(timeout=1)

        with db.unit_of_work() as session:
            first = import_once(session, meanwhile)
        thread.join(timeout=60)
        assert first == (21, 0)
        assert second == [(0, 21)]
        with db.unit_of_work() as session:
            candidates = session.scalar(
                select(func.count())
                .select_from(Candidate)
                .where(Candidate.company_id == company_id)
            )
            applications = session.scalar(
                select(func.count()).select_from(Application).where(Application.job_id == job_id)
            )
        assert (candidates, applications) == (21, 21)
    finally:
        db.dispose()
