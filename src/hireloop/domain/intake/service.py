"""Bulk intake: many leads into one campaign in one pass, under the rules of single lead
creation, with an ImportRun that records progress and per-row errors.

Set-based on purpose: a 100k-row file is read in chunks, and each chunk costs a handful
of multi-row statements (look-ups with ``IN``, ``INSERT ... ON CONFLICT ... RETURNING``)
instead of one ORM object per row. The rules are those of
``candidates.service.create_candidate`` (match="email") and
``applications.service.create_application``:

* a row with an email is the company's candidate with that normalized email (the oldest
  one), else a new candidate; a row with only a phone is the company's candidate with that
  E.164 phone, else a new one; rows of the same file match each other the same way;
* a candidate already in the campaign (before the import, or earlier in the file) is a
  duplicate: its application gets the automatic label Duplicate and nothing else changes;
* a new application goes to the Inbox with a PIN, counts in the folder totals and has a
  ``created`` ApplicationEvent;
* outbox events are per chunk, not per row: when the campaign's invitation is enabled, one
  ``intake.invitations_requested`` event with the chunk's new applications, which the
  messaging side turns into invitations; then one ``intake.leads_created`` event with the
  chunk's new candidates and applications, which stands for their ``candidate.created``
  and ``application.created`` events (its handler scores the applications, as the
  ``application.created`` one does). A 100k-row file writes 100 events, not 200k that
  the relay would work through one by one before the last chunk's invitations.

Services flush and never commit: a failed import leaves nothing behind.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import orjson
from sqlalchemy import String, and_, bindparam, cast, func, or_, select, text, update
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.labels import DUPLICATE, ensure_label
from hireloop.domain.applications.models import (
    FOLDER_COUNT_SLOTS,
    Application,
    ApplicationEvent,
    ApplicationLabel,
)
from hireloop.domain.applications.service import add_to_folder_counts
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.intake.bulk import (
    Gate,
    collector_paused,
    insert_rows,
    pins,
    public_ids,
    read_ahead,
)
from hireloop.domain.intake.csv_import import CsvFile, read_csv
from hireloop.domain.intake.models import ImportRun
from hireloop.domain.intake.rows import IntakeRow, RowError
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads.service import CAMPAIGN_NOT_FOUND, CLOSED_CAMPAIGN, phone_region
from hireloop.domain.outbox.service import emit
from hireloop.errors import Invalid, NotFound

# Rows per chunk: each chunk costs a handful of statements. 10,000 rather than 2,000 took
# a 100k-row import from 3.2 to 2.7 times the raw insert baseline (bench/csv_import.py,
# docs/intake.md); 20,000 was no better (the first chunk is checked before any write).
CHUNK_ROWS = 10_000
# A CSV file's first chunk is smaller: it is checked before anything can be written, the
# next ones while the previous one is (see import_csv).
FIRST_CHUNK_ROWS = 2_000
MAX_STORED_ERRORS = 1_000  # ImportRun.errors keeps the first ones; failed_count counts all
INVITATIONS_EVENT = "intake.invitations_requested"
LEADS_CREATED_EVENT = "intake.leads_created"
INBOX = "inbox"

Progress = Callable[[ImportRun], None]
# The valid rows of a part of a source, and the rows of that part that were rejected.
Chunk = tuple[Sequence[IntakeRow], Sequence[RowError]]


def ensure_takes_leads(job: Job) -> None:
    """Invalid for an archived campaign (the rule of leads.service.create_lead)."""
    if job.status == CLOSED_CAMPAIGN:
        raise Invalid(
            f"Campaign {job.id} is archived and takes no new candidates.",
            details={"campaign_id": "archived"},
        )


def invitation_enabled(job: Job) -> bool:
    invitation = (job.messaging_settings or {}).get("invitation")
    return isinstance(invitation, dict) and bool(invitation.get("enabled"))


def start_run(
    session: Session,
    job: Job,
    *,
    kind: str,
    filename: str | None,
    actor: Actor,
    total_rows: int = 0,
    status: str = "running",
    public_id: str | None = None,
) -> ImportRun:
    """A new ImportRun of the campaign ``job`` (``status`` running, or the web app's
    ``preview``; ``public_id`` when the caller names it)."""
    run = ImportRun(
        company_id=job.company_id,
        job_id=job.id,
        kind=kind,
        filename=(filename or "")[:300] or None,
        status=status,
        total_rows=total_rows,
        processed_rows=0,
        created_count=0,
        duplicate_count=0,
        failed_count=0,
        errors=[],
        created_by_user_id=actor.id if actor.type == "user" else None,
    )
    if public_id is not None:
        run.public_id = public_id
    session.add(run)
    session.flush()
    return run


def import_csv(
    session: Session,
    company: Company,
    job: Job,
    data: bytes,
    *,
    filename: str | None,
    actor: Actor,
    ttl_hours: int,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> ImportRun:
    """Import a CSV file of leads (Talkpush's ``first name, last name, email, country
    code, phone number, referee``) into the campaign ``job``; source ``csv``.

    A file that cannot be read as that table raises Invalid before anything is written;
    rows that break a rule are counted as failed and listed (row number + reason) in the
    run's errors while the others go in. ``progress`` is called after each chunk.
    ``encoding`` is the one the user stated; else it is detected, the company's country
    breaking ties between legacy code pages.

    The rows of a chunk are checked (names, email, phone: CPU-bound Python) in a thread
    while the previous chunk is written (the database works meanwhile), so a large file
    costs about the longer of the two rather than their sum."""
    if job.company_id != company.id:
        raise NotFound(CAMPAIGN_NOT_FOUND)
    ensure_takes_leads(job)
    with collector_paused():
        table = read_csv(
            data,
            default_region=phone_region(company, job),
            encoding=encoding,
            country=company.default_country,
        )
        run = start_run(
            session, job, kind="csv", filename=filename, actor=actor, total_rows=table.total_rows
        )
        run.encoding = table.encoding
        _import_table(session, run, job, table, actor=actor, ttl_hours=ttl_hours, progress=progress)
    finish_run(run)
    session.flush()
    return run


def _import_table(
    session: Session,
    run: ImportRun,
    job: Job,
    table: CsvFile,
    *,
    actor: Actor,
    ttl_hours: int,
    progress: Progress | None,
) -> None:
    """The rows of a CSV file read by ``read_csv``, checked in a thread (all but the
    first chunk) while the previous chunk is written."""
    parts = chunk_bounds(table.total_rows)
    with Gate(session) as gate:
        pause = gate.wait if len(parts) > 1 else None
        chunks: Iterable[Chunk] = (
            (parsed.rows, parsed.errors)
            for parsed in (table.validate(start, stop, pause=pause) for start, stop in parts)
        )
        if len(parts) > 1:
            chunks = read_ahead(chunks, gate=gate)
        import_chunks(
            session,
            run,
            job,
            chunks,
            source="csv",
            actor=actor,
            ttl_hours=ttl_hours,
            progress=progress,
        )


def chunk_bounds(total: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of a file's chunks: FIRST_CHUNK_ROWS, then CHUNK_ROWS each."""
    if total <= 0:
        return []
    starts = [0, *range(min(FIRST_CHUNK_ROWS, CHUNK_ROWS), total, CHUNK_ROWS)]
    return list(zip(starts, [*starts[1:], total], strict=True))


def finish_run(run: ImportRun, *, status: str = "completed") -> None:
    run.status = status
    run.finished_at = utcnow()


def record_errors(run: ImportRun, errors: Iterable[RowError]) -> None:
    """Count rejected rows and keep the first MAX_STORED_ERRORS of them on the run."""
    errors = list(errors)
    if not errors:
        return
    run.failed_count += len(errors)
    room = MAX_STORED_ERRORS - len(run.errors or [])
    if room > 0:
        # A new list, so that the JSON column is seen as changed.
        run.errors = [*(run.errors or []), *(e.as_dict() for e in errors[:room])]


@dataclass
class _Seen:
    """Who this import already met: identity keys to candidate ids, and the candidates it
    put in the campaign (their application ids)."""

    by_email: dict[str, int] = field(default_factory=dict)
    by_phone: dict[str, int] = field(default_factory=dict)
    applications: dict[int, int] = field(default_factory=dict)  # candidate -> application
    created: set[int] = field(default_factory=set)  # candidates this import created
    # The new applications by folder-count slot, added to the counts once at the end: the
    # count rows stay locked until the import commits, so they are written last, and
    # concurrent applies to the campaign wait for them only while the import commits.
    counted: Counter[tuple[str, int]] = field(default_factory=Counter)


def chunked(rows: Sequence[IntakeRow], errors: Sequence[RowError]) -> Iterator[Chunk]:
    """Rows and rejected rows of one source as chunks of at most CHUNK_ROWS rows, in row
    order (a rejected row is reported with the chunk around it)."""
    errors = sorted(errors, key=lambda e: e.row)
    numbers = [e.row for e in errors]
    taken = 0
    for start in range(0, max(len(rows), 1), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        last = start + CHUNK_ROWS >= len(rows)
        upto = len(errors) if last else bisect_left(numbers, chunk[-1].row)
        yield chunk, errors[taken:upto]
        taken = upto


def import_chunks(
    session: Session,
    run: ImportRun,
    job: Job,
    chunks: Iterable[Chunk],
    *,
    source: str,
    actor: Actor,
    ttl_hours: int,
    progress: Progress | None = None,
) -> ImportRun:
    """Put the valid rows of each chunk into the campaign ``job`` and count them (and the
    chunk's rejected rows) on ``run``; ``progress(run)`` after each chunk. See the module
    docstring for the rules. The new leads' PINs have no expiry yet: their lifetime starts
    when the invitation is queued (automatic.queue_invitations); ``ttl_hours`` is not
    used by the import itself."""
    _serialize_imports(session, job.company_id)
    seen = _Seen()
    duplicate_label: int | None = None
    invite = invitation_enabled(job)
    for rows, errors in chunks:
        if rows:
            created, duplicates = _import_chunk(
                session, job, rows, seen, source=source, actor=actor
            )
            if duplicates:
                if duplicate_label is None:
                    duplicate_label = ensure_label(session, job.company_id, DUPLICATE).id
                _label_duplicates(session, job, duplicates, duplicate_label)
            if created:
                _emit_created(session, job, created, seen, source=source, invite=invite)
            run.created_count += len(created)
            run.duplicate_count += len(rows) - len(created)
            run.processed_rows += len(rows)
        # Counted after the chunk's statements: the run is written once per chunk.
        record_errors(run, errors)
        run.processed_rows += len(errors)
        session.flush()
        if progress is not None:
            progress(run)
    add_to_folder_counts(session, job.company_id, job.id, dict(seen.counted))
    return run


def _serialize_imports(session: Session, company_id: int) -> None:
    """Imports into one company run one after the other: phone-only rows have no unique
    key, so two imports of the same people at once would each create them. PostgreSQL: a
    transaction-scoped advisory lock on the company, held until the import commits;
    SQLite already runs one write transaction at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:company, hashtext(:key))"),
            {"company": company_id, "key": "intake:import"},
        )


def _import_chunk(
    session: Session,
    job: Job,
    chunk: Sequence[IntakeRow],
    seen: _Seen,
    *,
    source: str,
    actor: Actor,
) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """One chunk: returns the new applications ``[(application_id, candidate_id)]`` and
    the duplicates' applications ``{application_id: folder}``."""
    company_id = job.company_id
    _match_existing(session, company_id, chunk, seen)
    # A row may give a phone to a person who has none (the first such row of the person,
    # as _fill_missing does): a later phone-only row with it is that person, as single
    # lead creation finds the phone an earlier lead filled in.
    phoneless = _phoneless(session, company_id, chunk, seen)
    # Rows matching nobody yet: one new candidate per identity key, in file order.
    new_rows: dict[tuple[str, str], IntakeRow] = {}
    # The phones new candidates get, and whose they are (their email; None: a new
    # phone-only candidate, whom _insert_candidates registers).
    new_phones: dict[str, str | None] = {}
    new_phoneless: set[str] = set()  # emails of new candidates without a phone so far
    for row in chunk:
        phone = row.phone_e164
        cid = _candidate_of(row, seen)
        if cid is not None:
            if phone and cid in phoneless:
                phoneless.discard(cid)
                if phone not in new_phones:
                    seen.by_phone.setdefault(phone, cid)
            continue
        if not row.email and phone in new_phones:
            continue  # the phone of a new candidate above
        key = _key(row)
        if key not in new_rows:
            new_rows[key] = row
            if row.email and not phone:
                new_phoneless.add(row.email)
        elif phone and row.email in new_phoneless:
            new_phoneless.discard(row.email)  # a later row gives the new candidate a phone
        else:
            continue
        if phone:
            new_phones.setdefault(phone, row.email)
    if new_rows:
        _insert_candidates(session, company_id, list(new_rows.values()), seen, source=source)
        for phone, email in new_phones.items():
            if email:
                seen.by_phone.setdefault(phone, seen.by_email[email])
    creators = {id(row) for row in new_rows.values()}
    _fill_missing(session, company_id, [r for r in chunk if id(r) not in creators], seen)

    # A candidate this import created has no application but those it made (in ``seen``).
    candidate_ids = {cid for row in chunk if (cid := _candidate_of(row, seen)) is not None}
    existing = _applications_in_job(
        session,
        job.id,
        [c for c in candidate_ids if c not in seen.applications and c not in seen.created],
    )
    duplicates: dict[int, str] = {}
    to_create: dict[int, IntakeRow] = {}
    again: set[int] = set()  # candidates met twice in this chunk, both times new here
    for row in chunk:
        cid = _candidate_of(row, seen)
        assert cid is not None
        if cid in existing:
            app_id, folder = existing[cid]
            duplicates[app_id] = folder
        elif cid in seen.applications:
            duplicates[seen.applications[cid]] = INBOX
        elif cid in to_create:
            again.add(cid)
        else:
            to_create[cid] = row
    created = _insert_applications(session, job, to_create, seen, source=source, actor=actor)
    # Applications another transaction created meanwhile (lost ON CONFLICT) are
    # duplicates too; then every candidate of the chunk has its application in ``seen``.
    missing = [c for c in to_create if c not in seen.applications]
    for cid, (app_id, folder) in _applications_in_job(session, job.id, missing).items():
        duplicates[app_id] = folder
        seen.applications[cid] = app_id
    for cid in again:
        duplicates.setdefault(seen.applications[cid], INBOX)
    # A known person's new application is labelled Duplicate when they have leads in
    # other campaigns (as leads.service.create_lead does).
    known = [cid for _, cid in created if cid not in seen.created]
    if known:
        elsewhere = set(
            session.scalars(
                select(Application.candidate_id)
                .where(
                    Application.company_id == company_id,
                    Application.candidate_id.in_(known),
                    Application.job_id != job.id,
                )
                .distinct()
            )
        )
        for app_id, cid in created:
            if cid in elsewhere:
                duplicates[app_id] = INBOX
    return created, duplicates


# Candidate fields a known person's new row fills when they lack them (the email cannot
# be one: a row with an email was matched by that email).
_FILLABLE = ("phone", "phone_e164", "referrer_name", "referrer_email", "referrer_phone")


def _fill_missing(
    session: Session, company_id: int, rows: Sequence[IntakeRow], seen: _Seen
) -> None:
    """A known person keeps what they have; their rows fill what they lack (as
    leads.service.create_lead does): one UPDATE per candidate that gets something."""
    fills: dict[int, dict[str, str]] = {}
    for row in rows:
        values = {f: v for f in _FILLABLE if (v := getattr(row, f))}
        if values:
            cid = _candidate_of(row, seen)
            assert cid is not None
            for name, value in values.items():
                fills.setdefault(cid, {}).setdefault(name, value)
    if not fills:
        return
    if session.get_bind().dialect.name == "postgresql":
        _fill_missing_pg(session, company_id, fills)
        return
    table = Candidate.__table__
    param = {f: cast(bindparam(f), String) for f in _FILLABLE}
    lacking = [and_(table.c[f].is_(None), param[f].is_not(None)) for f in _FILLABLE]
    session.execute(
        update(table)
        .where(table.c.id == bindparam("cid"), table.c.company_id == company_id, or_(*lacking))
        .values(
            updated_at=utcnow(),
            **{f: func.coalesce(table.c[f], param[f]) for f in _FILLABLE},
        ),
        [{"cid": cid, **{f: values.get(f) for f in _FILLABLE}} for cid, values in fills.items()],
    )


def _fill_missing_pg(session: Session, company_id: int, fills: dict[int, dict[str, str]]) -> None:
    """_fill_missing in one statement: the values as one JSON parameter."""
    values = [{"cid": cid, **{f: v.get(f) for f in _FILLABLE}} for cid, v in fills.items()]
    record = ", ".join(f"{f} TEXT" for f in _FILLABLE)
    lacking = " OR ".join(f"(c.{f} IS NULL AND x.{f} IS NOT NULL)" for f in _FILLABLE)
    session.execute(
        text(
            f"UPDATE candidates AS c SET "
            f"{', '.join(f'{f} = coalesce(c.{f}, x.{f})' for f in _FILLABLE)}, "
            f"updated_at = :now "
            f"FROM json_to_recordset(CAST(:values AS JSON)) AS x(cid BIGINT, {record}) "
            f"WHERE c.id = x.cid AND c.company_id = :company AND ({lacking})"
        ),
        {"values": orjson.dumps(values).decode(), "company": company_id, "now": utcnow()},
    )


def _key(row: IntakeRow) -> tuple[str, str]:
    if row.email:
        return ("email", row.email)
    assert row.phone_e164 is not None
    return ("phone", row.phone_e164)


def _candidate_of(row: IntakeRow, seen: _Seen) -> int | None:
    if row.email:
        return seen.by_email.get(row.email)
    assert row.phone_e164 is not None
    return seen.by_phone.get(row.phone_e164)


def _match_existing(
    session: Session, company_id: int, chunk: Sequence[IntakeRow], seen: _Seen
) -> None:
    """Look the chunk's new emails and phones up among the company's candidates."""
    emails = {r.email for r in chunk if r.email and r.email not in seen.by_email}
    phones = {
        r.phone_e164
        for r in chunk
        if not r.email and r.phone_e164 and r.phone_e164 not in seen.by_phone
    }
    if emails:
        seen.by_email.update(_first_candidates(session, company_id, "email", emails))
    if phones:
        seen.by_phone.update(_first_candidates(session, company_id, "phone_e164", phones))


def _phoneless(
    session: Session, company_id: int, chunk: Sequence[IntakeRow], seen: _Seen
) -> set[int]:
    """The known people (candidate ids) without a phone whom a row of the chunk may give
    the phone of one of its phone-only rows (usually none: no look-up then)."""
    wanted = {r.phone_e164 for r in chunk if not r.email and r.phone_e164 not in seen.by_phone}
    if not wanted:
        return set()
    ids = {
        cid
        for r in chunk
        if r.email and r.phone_e164 in wanted and (cid := seen.by_email.get(r.email))
    }
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Candidate.id).where(
                Candidate.company_id == company_id,
                Candidate.id.in_(ids),
                Candidate.phone_e164.is_(None),
            )
        )
    )


def _first_candidates(
    session: Session, company_id: int, column: str, values: set[str]
) -> list[tuple[str, int]]:
    """(value, oldest candidate id) of the company's candidates whose ``column`` is one of
    ``values``. On PostgreSQL each value is looked up on its own in a btree led by
    (company_id, column) (for email, the identity key): with a long ``IN`` list the planner
    picks lead search's trigram index (slow right after a large insert) or a scan of all the
    company's candidates."""
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text(
                f"SELECT u.v, (SELECT min(c.id) FROM candidates c "
                f"WHERE c.company_id = :company AND c.{column} = u.v) "
                f"FROM json_array_elements_text(CAST(:values AS JSON)) AS u(v)"
            ),
            {"values": orjson.dumps(sorted(values)).decode(), "company": company_id},
        )
        return [(value, cid) for value, cid in rows.all() if cid is not None]
    col = Candidate.__table__.c[column]
    rows = session.execute(
        select(col, func.min(Candidate.id))
        .where(Candidate.company_id == company_id, col.in_(values))
        .group_by(col)
    )
    return [(value, cid) for value, cid in rows]


def _insert_candidates(
    session: Session, company_id: int, rows: list[IntakeRow], seen: _Seen, *, source: str
) -> None:
    now = utcnow()
    inserted = insert_rows(
        session,
        Candidate.__table__,
        [
            {
                "public_id": public_id,
                "first_name": r.first_name,
                "last_name": r.last_name,
                "first_name_key": r.first_name_key,
                "last_name_key": r.last_name_key,
                "email": r.email,
                "phone": r.phone,
                "phone_e164": r.phone_e164,
                "referrer_name": r.referrer_name,
                "referrer_email": r.referrer_email,
                "referrer_phone": r.referrer_phone,
            }
            for r, public_id in zip(rows, public_ids(len(rows)), strict=True)
        ],
        constants={
            "company_id": company_id,
            "source": source,
            "employment": [],
            "education": [],
            "skills": [],
            "skills_index": "",
            "languages": [],
            "links": {},
            "custom_attributes": {},
            "consents": {},
            "do_not_contact": False,
            "do_not_hire": False,
            "created_at": now,
            "updated_at": now,
        },
        # The identity key of candidates.service.create_candidate.
        on_conflict=("company_id", "email", "first_name_key", "last_name_key"),
        returning=("id", "email", "phone_e164"),
    )
    for cid, email, phone in inserted:
        seen.created.add(cid)
        if email:
            seen.by_email.setdefault(email, cid)
        elif phone:
            seen.by_phone.setdefault(phone, cid)
    # Rows another transaction inserted meanwhile (same email and names): theirs.
    lost = {r.email for r in rows if r.email and r.email not in seen.by_email}
    if lost:
        _match_existing(session, company_id, [r for r in rows if r.email in lost], seen)


def _applications_in_job(
    session: Session, job_id: int, candidate_ids: Iterable[int]
) -> dict[int, tuple[int, str]]:
    ids = list(candidate_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Application.candidate_id, Application.id, Application.folder).where(
            Application.job_id == job_id, Application.candidate_id.in_(ids)
        )
    )
    return {cid: (app_id, folder) for cid, app_id, folder in rows}


def _insert_applications(
    session: Session,
    job: Job,
    rows: dict[int, IntakeRow],
    seen: _Seen,
    *,
    source: str,
    actor: Actor,
) -> list[tuple[int, int]]:
    if not rows:
        return []
    now = utcnow()
    inserted = insert_rows(
        session,
        Application.__table__,
        [
            {"public_id": public_id, "candidate_id": cid, "pin": pin, "others": r.others}
            for (cid, r), public_id, pin in zip(
                rows.items(), public_ids(len(rows)), pins(len(rows)), strict=True
            )
        ],
        constants={
            "company_id": job.company_id,
            "job_id": job.id,
            "folder": INBOX,
            "status": "new",
            "source": source,
            "cover_letter": "",
            "ai_breakdown": {},
            "answers": {},
            "bot_paused": False,
            # The PIN's lifetime starts when the invitation is queued
            # (automatic.queue_invitations): a lead never invited does not expire.
            "pin_expires_at": None,
            "created_at": now,
            "updated_at": now,
            "folder_changed_at": now,
        },
        on_conflict=("job_id", "candidate_id"),
        returning=("id", "candidate_id"),
    )
    created = [(app_id, cid) for app_id, cid in inserted]
    if not created:
        return created
    for app_id, cid in created:
        seen.applications[cid] = app_id
        seen.counted[(INBOX, app_id % FOLDER_COUNT_SLOTS)] += 1
    insert_rows(
        session,
        ApplicationEvent.__table__,
        [{"application_id": app_id} for app_id, _ in created],
        constants={
            "company_id": job.company_id,
            "job_id": job.id,
            "kind": "created",
            "to_folder": INBOX,
            "actor_type": actor.type,
            "actor_id": actor.id,
            "data": {},
            "created_at": now,
        },
    )
    return created


def _emit_created(
    session: Session,
    job: Job,
    created: list[tuple[int, int]],
    seen: _Seen,
    *,
    source: str,
    invite: bool,
) -> None:
    """The chunk's outbox events: invitations first (the relay takes events in order, so
    candidates hear from the campaign before their applications are scored), then the
    new leads."""
    application_ids = [app_id for app_id, _ in created]
    if invite:
        emit(
            session,
            job.company_id,
            INVITATIONS_EVENT,
            {"jobId": job.id, "applicationIds": application_ids},
        )
    emit(
        session,
        job.company_id,
        LEADS_CREATED_EVENT,
        {
            "jobId": job.id,
            "source": source,
            "folder": INBOX,
            "applicationIds": application_ids,
            # The new candidates among them: a candidate the import created gets its
            # application in the same chunk; a known person's has only the application.
            "candidateIds": [cid for _, cid in created if cid in seen.created],
        },
    )


def _label_duplicates(
    session: Session, job: Job, duplicates: dict[int, str], label_id: int
) -> None:
    """Put the Duplicate label on the applications (once each); those that did not have
    it get a ``labeled`` event, as labels.add_automatic_label records."""
    now = utcnow()
    labeled = insert_rows(
        session,
        ApplicationLabel.__table__,
        [{"application_id": app_id} for app_id in duplicates],
        constants={"label_id": label_id, "created_at": now},
        on_conflict=("application_id", "label_id"),
        returning=("application_id",),
    )
    system = Actor.system()
    insert_rows(
        session,
        ApplicationEvent.__table__,
        [
            {
                "application_id": app_id,
                "from_folder": duplicates[app_id],
                "to_folder": duplicates[app_id],
            }
            for (app_id,) in labeled
        ],
        constants={
            "company_id": job.company_id,
            "job_id": job.id,
            "kind": "labeled",
            "actor_type": system.type,
            "actor_id": system.id,
            "data": {"added": [DUPLICATE], "removed": []},
            "created_at": now,
        },
    )


def get_run(session: Session, company_id: int, public_id: str) -> ImportRun:
    """The company's import run by public id (a UUID, in any case); NotFound otherwise."""
    try:
        key = str(uuid.UUID(str(public_id).strip()))
    except ValueError:
        raise NotFound("Import not found") from None
    run = session.scalar(
        select(ImportRun).where(ImportRun.company_id == company_id, ImportRun.public_id == key)
    )
    if run is None:
        raise NotFound("Import not found")
    return run
