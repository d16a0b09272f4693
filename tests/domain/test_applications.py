"""Applications: one per candidate and job, every creation and move recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import (
    FOLDER_COUNT_SLOTS,
    Application,
    ApplicationEvent,
    JobFolderCount,
)
from hireloop.domain.applications.service import (
    change_job,
    create_application,
    evaluation_status,
    folder_totals,
    move_application,
)
from hireloop.domain.jobs.models import Job
from hireloop.domain.outbox.models import OutboxEvent
from hireloop.errors import Invalid, NotFound


def test_applying_twice_returns_the_first_application(factory, session):
    company = factory.company()
    job, candidate = factory.job(company), factory.candidate(company)
    first, created = create_application(session, job, candidate, Actor("user", 7), source="x")
    again, created_again = create_application(session, job, candidate, Actor.system())
    assert created and not created_again
    assert again.id == first.id
    events = session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id == first.id)
    ).all()
    assert [(e.kind, e.to_folder, e.actor_type, e.actor_id) for e in events] == [
        ("created", "inbox", "user", 7)
    ]
    outbox = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "application.created")
    ).all()
    assert [e.payload["applicationId"] for e in outbox] == [first.id]


def test_every_move_is_recorded_with_actor_time_and_reason(factory, session):
    company = factory.company()
    application = factory.application(factory.job(company), factory.candidate(company))
    move_application(session, application, "shortlisted", Actor("user", 3), reason="Great call")
    move_application(session, application, "hired", Actor("user", 3))
    move_application(session, application, "hired", Actor("user", 3))  # no-op, not recorded
    events = session.scalars(
        select(ApplicationEvent)
        .where(ApplicationEvent.application_id == application.id)
        .order_by(ApplicationEvent.id)
    ).all()
    assert [(e.kind, e.from_folder, e.to_folder, e.reason) for e in events] == [
        ("created", None, "inbox", None),
        ("moved", "inbox", "shortlisted", "Great call"),
        ("moved", "shortlisted", "hired", None),
    ]
    assert all(e.created_at is not None and e.actor_type for e in events)
    assert evaluation_status(application) == "APPROVED"


def test_evaluation_status_follows_the_folder_after_an_auto_reject(factory, session):
    company = factory.company()
    # As the career-site apply auto-rejects.
    rejected = {"status": "rejected", "folder": "rejected", "step": "rejected"}
    application = factory.application(factory.job(company), factory.candidate(company), **rejected)
    assert evaluation_status(application) == "REJECTED"
    # A recruiter overrides the AI: the folder decides, the stored status is the AI's record.
    move_application(session, application, "inbox", Actor("user", 3))
    assert evaluation_status(application) == "PENDING"
    move_application(session, application, "hired", Actor("user", 3))
    assert evaluation_status(application) == "APPROVED"
    assert application.status == "rejected"


def test_unknown_folder_is_refused(factory, session):
    company = factory.company()
    application = factory.application(factory.job(company), factory.candidate(company))
    with pytest.raises(Invalid):
        move_application(session, application, "trash", Actor.system())


def test_a_candidate_cannot_join_another_companys_job(factory, session):
    a, b = factory.company(), factory.company()
    with pytest.raises(NotFound):
        create_application(session, factory.job(b), factory.candidate(a), Actor.system())


def _history(session, application_id):
    return session.execute(
        select(ApplicationEvent.kind, ApplicationEvent.job_id)
        .where(ApplicationEvent.application_id == application_id)
        .order_by(ApplicationEvent.id)
    ).all()


def test_history_outlives_a_campaign_the_application_left(factory, session):
    """An event names the campaign the application was in then; deleting that campaign
    later leaves the history of the application (now elsewhere) whole."""
    company = factory.company()
    old, new = factory.job(company), factory.job(company)
    application = factory.application(old, factory.candidate(company))
    change_job(session, application, new, Actor("user", 3), reason="Better fit")
    session.execute(delete(Job).where(Job.id == old.id))
    session.expire_all()
    assert _history(session, application.id) == [
        ("created", old.id),
        ("campaign_changed", new.id),
    ]


def test_history_goes_with_its_application(factory, session):
    company = factory.company()
    job = factory.job(company)
    kept = factory.application(job, factory.candidate(company))
    gone = factory.application(job, factory.candidate(company))
    move_application(session, gone, "shortlisted", Actor("user", 3))
    session.execute(delete(Application).where(Application.id == gone.id))
    assert _history(session, gone.id) == []
    assert _history(session, kept.id) == [("created", job.id)]
    # A deleted campaign takes its applications, and they their history.
    session.execute(delete(Job).where(Job.id == job.id))
    assert _history(session, kept.id) == []


def test_folder_counts_are_spread_over_slots_and_summed(factory, session):
    """Each application counts in its own slot (concurrent applies to one campaign do not
    wait on one row); the totals are the slots' sums, also after moves, and with counts
    written before the slots existed (all in slot 0)."""
    company = factory.company()
    job = factory.job(company)
    apps = [factory.application(job, factory.candidate(company)) for _ in range(20)]
    assert folder_totals(session, [job.id]) == {job.id: {"inbox": 20}}
    slots = session.scalars(
        select(JobFolderCount.slot).where(JobFolderCount.job_id == job.id)
    ).all()
    assert sorted(slots) == sorted({a.id % FOLDER_COUNT_SLOTS for a in apps})
    assert len(slots) == min(20, FOLDER_COUNT_SLOTS)

    for a in apps[:5]:
        move_application(session, a, "shortlisted", Actor("user", 3))
    move_application(session, apps[0], "hired", Actor("user", 3))
    assert folder_totals(session, [job.id]) == {job.id: {"inbox": 15, "shortlisted": 4, "hired": 1}}

    # Counts from before migration 0011 sit in slot 0: moving out through another slot
    # leaves that slot negative, and the sum right.
    session.execute(delete(JobFolderCount).where(JobFolderCount.job_id == job.id))
    session.add_all(
        [
            JobFolderCount(job_id=job.id, folder_key=k, company_id=company.id, count=n)
            for k, n in (("inbox", 15), ("shortlisted", 4), ("hired", 1))
        ]
    )
    session.flush()
    moved = next(a for a in apps[5:] if a.id % FOLDER_COUNT_SLOTS != 0)
    move_application(session, moved, "rejected", Actor("user", 3))
    assert folder_totals(session, [job.id]) == {
        job.id: {"inbox": 14, "shortlisted": 4, "hired": 1, "rejected": 1}
    }
    assert (
        session.scalar(
            select(JobFolderCount.count).where(
                JobFolderCount.job_id == job.id,
                JobFolderCount.folder_key == "inbox",
                JobFolderCount.slot == moved.id % FOLDER_COUNT_SLOTS,
            )
        )
        == -1
    )
