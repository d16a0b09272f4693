"""Partner API benchmark: job-candidates page latency and ``POST /candidates`` throughput.

What it does:

1. Drops and recreates the benchmark database (default ``hireloop_bench`` on
   127.0.0.1:5432), applies the migrations with ``hireloop.migrate.upgrade``, creates the
   company through ``hireloop.domain.companies.service`` and bulk-loads ``--jobs`` jobs,
   ``--n`` candidates and ``--n`` applications (one per candidate) with COPY. The jobs get
   a skewed share of the applications (a few big jobs, a long tail of small ones). The
   secondary indexes are dropped during COPY and rebuilt afterwards (same definitions, read
   from the catalog), then the tables are ``VACUUM (ANALYZE)``-ed: autovacuum may be off,
   and a steady-state table has its visibility map and statistics.
2. Starts the real app (``uvicorn --factory hireloop.app:create_app --workers N``) on
   127.0.0.1 against that database and waits for ``/healthz``.
3. Measures, with a light asyncio HTTP/1.1 keep-alive client (``--client httpx`` for
   httpx.AsyncClient instead), each phase bounded by ``--requests`` and ``--duration``:

   * for each ``--concurrency`` level (default 1 and 4 concurrent clients):
     ``GET /healthz`` latency, the baseline (a bare endpoint of the same server), then
     ``GET /v1/partner/job-candidates/job/{jobId}/candidates?pageNumber=P&perPage=20``
     with random jobs, mostly first pages (1-5) and ``--deep-fraction`` deep pages;
   * at ``--post-concurrency`` (8): ``GET /healthz`` throughput, then
     ``POST /v1/partner/candidates`` with new unique emails and a ``jobId`` (so each also
     creates an application).

   Every response must be 200 (and is checked further on a sample); errors are counted.
   Besides client-side latencies, the CPU time per request of the server processes, of the
   PostgreSQL backends and of the client is measured (from /proc): unlike latencies, it
   does not depend on what else runs on the machine.
4. Prints a table (p50/p90/p99/max, req/s, CPU ms per request, ratios to the baseline, the
   targets with pass/fail) and writes it as JSON to
   ``bench/results/partner_api-<timestamp>.json``. The candidates created by the POST
   phase are deleted afterwards, so the data set stays the same from one ``--reuse`` run to
   the next (``--keep-posted`` keeps them). The exit status is 1 when a target is missed.

Targets (2-core machine, 1M applications): page p99 <= 20 ms; POST /candidates >= 400/s.

Run it:

    make bench                                   # = .venv/bin/python bench/partner_api.py
    .venv/bin/python bench/partner_api.py --n 1000000
    .venv/bin/python bench/partner_api.py --reuse            # measure the loaded data again
    .venv/bin/python bench/partner_api.py --reuse --explain  # + EXPLAIN ANALYZE of the page

The database named by ``--database-url`` is dropped: its name must contain "bench".
The server subprocess is always stopped, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hireloop_bench"
COMPANY_NAME = "Hireloop Bench"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
PER_PAGE = 20
FIRST_PAGES = 5  # "first pages" are 1..FIRST_PAGES; deep pages are beyond
JOB_SKEW = 0.6  # job k (1-based) gets a share proportional to 1 / k**JOB_SKEW
SPAN_DAYS = 240  # applications are spread over the last ~8 months
TARGET_PAGE_P99_MS = 20.0
TARGET_POST_RATE = 400.0
TARGET_N = 1_000_000  # the targets are stated for 1M applications


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = words(
    "James Maria Wei Aisha Juan Emma Liam Sofia Noah Olivia Mateo Chloe Arjun Priya Kenji Yuki "
    "Lucas Camille Hugo Léa Zoé Chloé Élodie Benoît Jérôme Ana José Lucía Andrés Mónica "
    "Nguyen Minh Anh Siti Nurul Ahmad Farah Omar Layla Kwame Ama Chidi Ngozi Ivan Olga "
    "Mikhail Anna Jakub Zofia Søren Ingrid Björn Åsa Mia Ella Jack Grace Daniel Sarah "
    "Michael Laura David Rachel Paolo Giulia Marco Francesca Rafael Beatriz Tiago Inês "
    "Mohammed Fatima Ravi Deepa Rohan Ananya Jia Hao Mei Ling Jun Seo-yeon Min-jun Ji-woo"
)
LAST_NAMES = words(
    "Smith Garcia Tan Lim Lee Wong Santos Reyes Cruz Bautista Dubois Martin Bernard Lefèvre "
    "Müller Schmidt Schneider Fischer Rossi Russo Bianchi Silva Santos Pereira Costa "
    "Fernández González Rodríguez López Martínez Sánchez Pérez Nguyen Tran Pham Le Hoang "
    "Kumar Sharma Patel Singh Gupta Iyer Rao Chen Wang Li Zhang Liu Yang Huang Zhao Wu "
    "Kim Park Choi Jung Kang Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Kowalski "
    "Nowak Novák Horváth Ivanov Petrov Smirnov Jensen Hansen Nielsen Andersson Johansson "
    "O'Brien Murphy Kelly Walsh Okafor Mensah Adeyemi Abdullah Rahman Hassan Haddad"
)
DOMAINS = words(
    "gmail.com yahoo.com outlook.com hotmail.com icloud.com proton.me mail.com "
    "example.org example.net fastmail.com"
)
CITIES = (
    ("Singapore", "Singapore", "Singapore", "SG"),
    ("Manila", "Metro Manila", "Philippines", "PH"),
    ("Cebu City", "Cebu", "Philippines", "PH"),
    ("Paris", "Île-de-France", "France", "FR"),
    ("Lyon", "Auvergne-Rhône-Alpes", "France", "FR"),
    ("London", "England", "United Kingdom", "GB"),
    ("New York", "NY", "United States", "US"),
    ("Austin", "TX", "United States", "US"),
    ("Bengaluru", "Karnataka", "India", "IN"),
    ("Jakarta", "DKI Jakarta", "Indonesia", "ID"),
    ("Kuala Lumpur", "Wilayah Persekutuan", "Malaysia", "MY"),
    ("Dubai", "Dubai", "United Arab Emirates", "AE"),
)
JOB_TITLES = (
    "Software Engineer",
    "Senior Backend Engineer",
    "Frontend Developer",
    "Data Analyst",
    "Data Scientist",
    "Product Manager",
    "UX Designer",
    "Customer Support Representative",
    "Call Center Agent",
    "Sales Development Representative",
    "Account Executive",
    "Marketing Specialist",
    "HR Generalist",
    "Recruiter",
    "Financial Analyst",
    "Accountant",
    "Operations Manager",
    "Warehouse Associate",
    "Registered Nurse",
    "DevOps Engineer",
)
COMPANIES = (
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Pied Piper",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Aperture",
    "Vandelay Industries",
    "Wonka",
    "Gringotts",
)
SKILLS = words(
    "python sql excel customer-service english tagalog french salesforce javascript react "
    "typescript aws docker kubernetes figma communication negotiation accounting sap "
    "project-management data-analysis machine-learning go java c# spanish mandarin"
)
SOURCES = ("partner_api", "career_site", "linkedin", "indeed", "referral", "jobstreet", "talkpush")
# folder -> share of the applications
FOLDER_SHARES = (
    ("inbox", 0.42),
    ("completed", 0.14),
    ("shortlisted", 0.08),
    ("on_hold", 0.05),
    ("rejected", 0.21),
    ("hired", 0.02),
    ("no_response", 0.06),
    ("no_campaign_invitation", 0.02),
)
STEPS = ("screening", "assessment", "interview", "offer")
LANGUAGES = ('["English"]', '["English", "Filipino"]', '["French", "English"]', "[]")

# --- Small helpers ----------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def conninfo(url: str) -> str:
    """libpq URI for a SQLAlchemy ``postgresql+psycopg://`` URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_name(url: str) -> str:
    name = make_url(url).database
    if not name:
        raise SystemExit(f"--database-url has no database name: {url}")
    return name


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (``q`` in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def ts(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(sep=" ", timespec="seconds")


def name_key(value: str) -> str:
    from hireloop.domain.candidates.identity import name_key as key

    return key(value)


def e164(country: str, rnd: random.Random) -> str:
    if country == "SG":
        return f"+65{rnd.choice('89')}{rnd.randrange(10**7):07d}"
    if country == "PH":
        return f"+639{rnd.randrange(10**9):09d}"
    if country == "FR":
        return f"+33{rnd.choice('67')}{rnd.randrange(10**8):08d}"
    if country == "GB":
        return f"+447{rnd.randrange(10**9):09d}"
    if country == "IN":
        return f"+91{rnd.choice('6789')}{rnd.randrange(10**9):09d}"
    if country == "ID":
        return f"+628{rnd.randrange(10**9):09d}"
    if country == "MY":
        return f"+601{rnd.randrange(10**8):08d}"
    if country == "AE":
        return f"+9715{rnd.randrange(10**8):08d}"
    # US / NANP: area code and exchange start with 2-9
    return f"+1{rnd.randint(2, 9)}{rnd.randrange(100):02d}{rnd.randint(2, 9)}{rnd.randrange(10**6):06d}"


# --- Loading ----------------------------------------------------------------------------


@dataclass
class LoadStats:
    seconds: float
    rows: int
    rows_per_second: float
    copy_seconds: float
    index_seconds: float
    vacuum_seconds: float
    table_sizes: dict[str, str] = field(default_factory=dict)


def recreate_database(url: str) -> None:
    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    admin = make_url(url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def create_company(url: str) -> int:
    from hireloop.db import Database
    from hireloop.domain.companies.service import create_company as create

    db = Database(url)
    try:
        with db.unit_of_work() as session:
            company = create(session, COMPANY_NAME, default_country="SG")
            return company.id
    finally:
        db.dispose()


def issue_key(url: str, company_id: int) -> tuple[int, str]:
    """A real Partner API key, created by the service (only its hash is stored)."""
    from hireloop.db import Database
    from hireloop.domain.companies.service import create_api_key

    db = Database(url)
    try:
        with db.unit_of_work() as session:
            issued = create_api_key(
                session, company_id, name=f"bench {datetime.now():%Y-%m-%d %H:%M}", scope="partner"
            )
            return issued.api_key.id, issued.key
    finally:
        db.dispose()


JOB_COLUMNS = words(
    "id public_id company_id title description city state country job_type work_mode "
    "contract_type status published_at screening_questions criteria campaign_settings "
    "messaging_settings interview_settings ai_settings created_at updated_at"
)
CANDIDATE_COLUMNS = words(
    "id public_id company_id first_name last_name first_name_key last_name_key email phone "
    "phone_e164 city state country current_job_title current_company employment education "
    "skills skills_index languages links gender source custom_attributes consents "
    "do_not_contact do_not_hire created_at updated_at"
)
APPLICATION_COLUMNS = words(
    "id public_id company_id job_id candidate_id folder status step source cover_letter "
    "ai_score ai_breakdown ai_recommended answers created_at updated_at folder_changed_at"
)
Row = tuple[str, ...]
NULL = "\\N"


def uuid4(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


def job_rows(company_id: int, jobs: int, start: float, rnd: random.Random) -> list[Row]:
    """Jobs 1..jobs, in JOB_COLUMNS order (COPY text format)."""
    rows = []
    for k in range(jobs):
        title = JOB_TITLES[k % len(JOB_TITLES)]
        if k >= len(JOB_TITLES):
            title = f"{title} ({rnd.choice(('Night Shift', 'Remote', 'Contract', 'Team Lead'))})"
        city, state, country, _ = rnd.choice(CITIES)
        created = start - rnd.uniform(1, 30) * 86400
        mode = rnd.choice(("ONSITE", "REMOTE", "HYBRID"))
        rows.append(
            (
                str(k + 1),
                uuid4(rnd),
                str(company_id),
                title,
                f"# {title}\\n\\n**Location:** {city}, {country}  \\n**Work mode:** {mode}",
                city,
                state,
                country,
                rnd.choice(("Full-time", "Part-time", "Contract")),
                mode,
                rnd.choice(("Permanent", "Fixed term contract", "Freelance / Consultant")),
                "active" if rnd.random() < 0.9 else "closed",
                ts(created + 3600),
                '[{"type": "text", "question": "Why do you want this job?"}]',
                '{"items": [{"type": "Must Have", "criterion": "English"}]}',
                "{}",
                "{}",
                "{}",
                "{}",
                ts(created),
                ts(created + 3600),
            )
        )
    return rows


def person_rows(
    company_id: int,
    ids: range,
    total: int,
    job_of: list[int],
    start: float,
    rnd: random.Random,
    keys: dict[str, str],
) -> tuple[list[Row], list[Row]]:
    """Candidates ``ids`` and their applications (same ids), in CANDIDATE_COLUMNS and
    APPLICATION_COLUMNS order. Candidate i applied to job ``job_of[i - 1] + 1``."""
    cands: list[Row] = []
    apps: list[Row] = []
    span = SPAN_DAYS * 86400
    now = start + span
    folders = [f for f, _ in FOLDER_SHARES]
    cum = list(itertools.accumulate(share for _, share in FOLDER_SHARES))
    for i in ids:
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        fk = keys.get(first) or keys.setdefault(first, name_key(first))
        lk = keys.get(last) or keys.setdefault(last, name_key(last))
        handle = f"{fk}.{lk}.{i}".replace("'", "")
        city, state, country, iso = rnd.choice(CITIES)
        phone = e164(iso, rnd)
        # ids follow time, as they do in a live database; a candidate is created when
        # applying through the API.
        created = start + span * (i - 1) / total + rnd.uniform(0, 600)
        created_s = ts(created)
        skills = rnd.sample(SKILLS, rnd.randint(0, 5))
        employed = rnd.random() < 0.7
        title = rnd.choice(JOB_TITLES) if employed else None
        employer = rnd.choice(COMPANIES) if employed else None
        source = rnd.choice(SOURCES)
        cands.append(
            (
                str(i),
                uuid4(rnd),
                str(company_id),
                first,
                last,
                fk,
                lk,
                f"{handle}@{rnd.choice(DOMAINS)}",
                phone,
                phone,
                city,
                state,
                country,
                title or NULL,
                employer or NULL,
                f'[{{"title": "{title}", "company": "{employer}"}}]' if employed else "[]",
                "[]",
                "[" + ", ".join(f'"{s}"' for s in skills) + "]",
                "," + ",".join(skills) + "," if skills else "",
                rnd.choice(LANGUAGES),
                f'{{"linkedin": "https://www.linkedin.com/in/{handle.replace(".", "-")}"}}'
                if rnd.random() < 0.3
                else "{}",
                rnd.choice(("male", "female", NULL, NULL)),
                source,
                "{}",
                '{"marketing": false}' if rnd.random() < 0.5 else "{}",
                "t" if rnd.random() < 0.01 else "f",
                "f",
                created_s,
                created_s,
            )
        )
        r = rnd.random()
        folder = next((f for f, c in zip(folders, cum, strict=True) if r < c), "inbox")
        moved = folder != "inbox"
        changed_s = ts(min(now, created + rnd.uniform(0.5, 30) * 86400)) if moved else created_s
        score = min(100, max(0, int(rnd.gauss(62, 18)))) if rnd.random() < 0.4 else None
        apps.append(
            (
                str(i),
                uuid4(rnd),
                str(company_id),
                str(job_of[i - 1] + 1),
                str(i),
                folder,
                "rejected" if folder == "rejected" else "new",
                rnd.choice(STEPS) if moved and folder != "rejected" else NULL,
                source,
                "I would love to join your team." if rnd.random() < 0.25 else "",
                NULL if score is None else str(score),
                "{}"
                if score is None
                else f'{{"criteriaMatches": {{"English": {str(score > 50).lower()}}}}}',
                NULL if score is None else ("t" if score >= 75 else "f"),
                "{}",
                created_s,
                changed_s,
                changed_s,
            )
        )
    return cands, apps


@dataclass
class Layout:
    """Generated rows as COPY text for one table as the migrations made it: generated
    columns the table lacks are left out, NOT NULL columns the generator does not know
    (added to the schema since) get a plain value of their type."""

    table: str
    columns: list[str]
    picks: list[int]
    fillers: list[str]  # kind per extra column: uuid | '' | {} | [] | f | 0 | now
    now: str

    def copy_sql(self) -> sql.Composed:
        return sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table), sql.SQL(", ").join(map(sql.Identifier, self.columns))
        )

    def render(self, rows: list[Row], rnd: random.Random) -> str:
        if not self.fillers and self.picks == list(range(len(self.picks))):
            return "".join("\t".join(r) + "\n" for r in rows)
        out = []
        for r in rows:
            fields = [r[i] for i in self.picks]
            for kind in self.fillers:
                fields.append(uuid4(rnd) if kind == "uuid" else self.now if kind == "now" else kind)
            out.append("\t".join(fields) + "\n")
        return "".join(out)


def table_layout(conn: psycopg.Connection[Any], table: str, generated: tuple[str, ...]) -> Layout:
    cols = conn.execute(
        "SELECT a.attname, a.attnotnull AND NOT a.atthasdef, format_type(a.atttypid, NULL), "
        "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique "
        "AND i.indkey::int2[] = ARRAY[a.attnum]) "
        "FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0 "
        "AND NOT a.attisdropped ORDER BY a.attnum",
        (table,),
    ).fetchall()
    present = {c[0] for c in cols}
    picks = [i for i, c in enumerate(generated) if c in present]
    columns = [generated[i] for i in picks]
    fillers = []
    for name, required, type_, unique in cols:
        if name in generated or not required:
            continue
        if type_ in ("jsonb", "json"):
            kind = "[]" if name.endswith("s") else "{}"
        elif type_ == "boolean":
            kind = "f"
        elif type_.startswith("timestamp") or type_ == "date":
            kind = "now"
        elif type_ in ("integer", "bigint", "smallint", "numeric", "double precision", "real"):
            kind = "0"
        elif unique or name.endswith("public_id") or name == "uuid":
            kind = "uuid"
        else:
            kind = ""
        log(f"  note: {table}.{name} ({type_}) is new to this benchmark; filled with {kind!r}")
        columns.append(name)
        fillers.append(kind)
    return Layout(table, columns, picks, fillers, ts(time.time()))


def _secondary_indexes(conn: psycopg.Connection[Any], table: str) -> tuple[list, list]:
    """(unique constraints, plain indexes) of ``table`` as (name, definition) pairs."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
        (table,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        (table,),
    ).fetchall()
    return constraints, indexes


def load(url: str, n: int, jobs: int, seed: int) -> tuple[int, LoadStats]:
    """Recreate the database, migrate, and COPY the data set in. Returns the company id."""
    from hireloop.migrate import upgrade

    t0 = time.perf_counter()
    log(f"recreating database {database_name(url)} and applying migrations")
    recreate_database(url)
    upgrade(url)
    company_id = create_company(url)
    rnd = random.Random(seed)
    start = time.time() - SPAN_DAYS * 86400
    weights = [1 / (k**JOB_SKEW) for k in range(1, jobs + 1)]
    rnd.shuffle(weights)  # big and small jobs are not in id order
    job_of = rnd.choices(range(jobs), weights=weights, k=n)
    keys: dict[str, str] = {}
    with psycopg.connect(conninfo(url)) as conn:
        t_copy = time.perf_counter()
        # Bulk-load settings, for this session only.
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET synchronous_commit = off")
        # FK triggers off (superuser only): the generated rows are consistent.
        with contextlib.suppress(psycopg.Error), conn.transaction():
            conn.execute("SET session_replication_role = replica")
        layouts = {
            "jobs": table_layout(conn, "jobs", JOB_COLUMNS),
            "candidates": table_layout(conn, "candidates", CANDIDATE_COLUMNS),
            "applications": table_layout(conn, "applications", APPLICATION_COLUMNS),
        }
        # Secondary indexes are built once at the end: far faster than row by row.
        dropped: list[tuple[str, list, list]] = []
        for table in ("candidates", "applications"):
            constraints, indexes = _secondary_indexes(conn, table)
            for name, _ in constraints:
                conn.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                )
            for name, _ in indexes:
                conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            dropped.append((table, constraints, indexes))
        with conn.cursor() as cur:
            with cur.copy(layouts["jobs"].copy_sql()) as copy:
                copy.write(layouts["jobs"].render(job_rows(company_id, jobs, start, rnd), rnd))
            chunk = 20_000
            app_chunks: list[str] = []
            with cur.copy(layouts["candidates"].copy_sql()) as copy:
                for first in range(1, n + 1, chunk):
                    ids = range(first, min(n, first + chunk - 1) + 1)
                    cands, apps = person_rows(company_id, ids, n, job_of, start, rnd, keys)
                    copy.write(layouts["candidates"].render(cands, rnd))
                    app_chunks.append(layouts["applications"].render(apps, rnd))
                    if ids[-1] % 200_000 == 0:
                        log(f"  candidates: {ids[-1]:,} rows")
            log(f"  candidates: {n:,} rows copied; copying applications")
            with cur.copy(layouts["applications"].copy_sql()) as copy:
                for text in app_chunks:
                    copy.write(text)
            app_chunks.clear()
        copy_seconds = time.perf_counter() - t_copy
        log(f"  COPY done in {copy_seconds:.1f}s; rebuilding indexes")
        t_index = time.perf_counter()
        for table, constraints, indexes in dropped:
            for name, definition in constraints:
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        sql.Identifier(table), sql.Identifier(name), sql.SQL(definition)
                    )
                )
            for _, definition in indexes:
                conn.execute(sql.SQL(definition))
        for table in ("jobs", "candidates", "applications"):
            conn.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}").format(
                    sql.Literal(table), sql.Identifier(table)
                )
            )
        conn.execute("SET session_replication_role = DEFAULT")
        rebuild_folder_counts(conn)
        conn.commit()
        index_seconds = time.perf_counter() - t_index
    vacuum_seconds = vacuum(url)
    mark_complete(url, company_id, n, jobs, seed)
    seconds = time.perf_counter() - t0
    rows = jobs + 2 * n
    stats = LoadStats(
        seconds=round(seconds, 2),
        rows=rows,
        rows_per_second=round(rows / seconds),
        copy_seconds=round(copy_seconds, 2),
        index_seconds=round(index_seconds, 2),
        vacuum_seconds=round(vacuum_seconds, 2),
        table_sizes=table_sizes(url),
    )
    log(
        f"loaded {rows:,} rows in {seconds:.1f}s ({stats.rows_per_second:,} rows/s; COPY "
        f"{copy_seconds:.1f}s, indexes {index_seconds:.1f}s, VACUUM ANALYZE "
        f"{vacuum_seconds:.1f}s)"
    )
    return company_id, stats


def vacuum(url: str) -> float:
    t = time.perf_counter()
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute(
            "VACUUM (ANALYZE) companies, api_keys, jobs, candidates, applications, "
            "application_events, outbox_events"
        )
    return time.perf_counter() - t


def mark_complete(url: str, company_id: int, n: int, jobs: int, seed: int) -> None:
    """The completion marker ``--reuse`` looks for, in the company's settings."""
    info = {"n": n, "jobs": jobs, "seed": seed, "loaded_at": datetime.now(UTC).isoformat()}
    with psycopg.connect(conninfo(url)) as conn:
        conn.execute(
            "UPDATE companies SET settings = settings || jsonb_build_object('bench', %s::jsonb) "
            "WHERE id = %s",
            (json.dumps(info), company_id),
        )


def table_sizes(url: str) -> dict[str, str]:
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
            "WHERE relname IN ('jobs', 'candidates', 'applications') ORDER BY relname"
        ).fetchall()
    return dict(rows)


@dataclass
class Dataset:
    company_id: int
    n: int
    jobs: int
    job_sizes: dict[int, int]


def schema_differences(url: str, conn: psycopg.Connection[Any]) -> list[str]:
    """How the loaded schema differs from the current models (the migrations may have changed
    since the data set was loaded). Tables that are missing altogether are created from the
    models, since no loaded row depends on them; column differences are returned."""
    import hireloop.models  # noqa: F401 - registers every table on the metadata
    from hireloop.db import Base

    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    ).fetchall()
    in_db = {(t, c) for t, c in rows}
    tables = {t for t, _ in in_db}
    new_tables = [t for name, t in Base.metadata.tables.items() if name not in tables]
    if new_tables:
        from sqlalchemy import create_engine

        log(f"creating tables added since the load: {', '.join(t.name for t in new_tables)}")
        engine = create_engine(url)
        try:
            Base.metadata.create_all(engine, tables=new_tables)
        finally:
            engine.dispose()
    in_models = {
        (t.name, c.name)
        for t in Base.metadata.tables.values()
        if t.name in tables
        for c in t.columns
    }
    known = {t.name for t in Base.metadata.tables.values()}
    missing = sorted(f"+{t}.{c}" for t, c in in_models - in_db)
    extra = sorted(f"-{t}.{c}" for t, c in in_db - in_models if t in known)
    return missing + extra


def find_dataset(url: str) -> Dataset | None:
    """The loaded data set, if a previous run finished loading it."""
    try:
        conn = psycopg.connect(conninfo(url))
    except psycopg.OperationalError:
        return None
    with conn:
        try:
            row = conn.execute(
                "SELECT id, settings->'bench' FROM companies WHERE name = %s "
                "AND settings ? 'bench' ORDER BY id LIMIT 1",
                (COMPANY_NAME,),
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            return None
        if row is None:
            return None
        company_id, info = row
        stale = schema_differences(url, conn)
        if stale:
            log(f"the loaded schema differs from the current models ({', '.join(stale)})")
            return None
        sizes = dict(
            conn.execute(
                "SELECT job_id, count(*) FROM applications WHERE company_id = %s GROUP BY job_id",
                (company_id,),
            ).fetchall()
        )
        for (job_id,) in conn.execute(
            "SELECT id FROM jobs WHERE company_id = %s", (company_id,)
        ).fetchall():
            sizes.setdefault(job_id, 0)
    return Dataset(company_id=company_id, n=info["n"], jobs=info["jobs"], job_sizes=sizes)


# --- The server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(url: str, port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """The real app under uvicorn, on 127.0.0.1:port; always stopped on the way out."""
    with tempfile.TemporaryDirectory(prefix="hireloop-bench-") as tmp:
        env = dict(os.environ)
        env.update(
            HIRELOOP_DATABASE_URL=url,
            HIRELOOP_DATA_DIR=str(Path(tmp) / "data"),
            HIRELOOP_LOG_LEVEL="WARNING",
        )
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "hireloop.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as server_log:
            # cwd=tmp: no stray .env of the caller's directory changes the settings.
            proc = subprocess.Popen(
                cmd,
                cwd=tmp,
                env=env,
                stdout=server_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                wait_healthy(proc, port, log_path)
                yield proc
            finally:
                stop(proc)
                tail = log_path.read_text(errors="replace").strip()
                if tail:
                    log("server output (last lines):\n" + "\n".join(tail.splitlines()[-15:]))


def wait_healthy(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not answer /healthz within 60 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # uvicorn stops its workers on SIGTERM
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the group started for this server only
        proc.wait(timeout=5)


# --- HTTP clients -----------------------------------------------------------------------


class RawConnection:
    """A minimal HTTP/1.1 keep-alive connection: far less client CPU than a full client."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.prefix = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        if self.writer is None:
            await self._connect()
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.prefix}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
            status = int(raw[9:12])
            headers = {}
            for line in raw.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip().lower()
            if headers.get(b"transfer-encoding") == b"chunked":
                parts = []
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    data = await self.reader.readexactly(size + 2)
                    if size == 0:
                        break
                    parts.append(data[:-2])
                content = b"".join(parts)
            else:
                content = await self.reader.readexactly(int(headers.get(b"content-length", 0)))
            if headers.get(b"connection") == b"close":
                await self.close()
        except BaseException:
            await self.close()
            raise
        return status, content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


class HttpxConnection:
    """The same interface over a shared httpx.AsyncClient."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else None
        response = await self.client.request(method, path, content=body, headers=headers)
        return response.status_code, response.content

    async def close(self) -> None:
        return None


# --- CPU accounting ---------------------------------------------------------------------


class CpuMeter:
    """CPU seconds used by the server (uvicorn and its workers), by the PostgreSQL backends
    of the bench database and by this client. Per request, these figures do not depend on
    what else runs on the machine, unlike latencies (Linux /proc only; else empty)."""

    def __init__(self, server_pid: int, url: str) -> None:
        self.server_pid = server_pid
        self.database = database_name(url)
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.conn = psycopg.connect(conninfo(url), autocommit=True)

    def _stat(self, pid: int) -> tuple[int, float, float] | None:
        """(parent pid, user CPU seconds, system CPU seconds) of a process."""
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = raw[raw.rindex(")") + 2 :].split()
        return int(fields[1]), int(fields[11]) / self.tick, int(fields[12]) / self.tick

    def snapshot(self) -> dict[str, float]:
        if not Path("/proc/self/stat").exists():
            return {}
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (st := self._stat(int(entry.name))) is not None:
                stats[int(entry.name)] = st
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        user = system = 0.0
        todo = [self.server_pid]
        while todo:
            pid = todo.pop()
            if pid in stats:
                user, system = user + stats[pid][1], system + stats[pid][2]
            todo.extend(children.get(pid, []))
        backends = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (self.database,),
        ).fetchall()
        postgres = sum(stats[pid][1] + stats[pid][2] for (pid,) in backends if pid in stats)
        return {
            "server": user + system,
            "server_system": system,
            "postgres": postgres,
            "client": time.process_time(),
        }

    def close(self) -> None:
        self.conn.close()


# --- Phases -----------------------------------------------------------------------------

# (method, path, body, tag, check): check(status, body) -> error text or None
Request = tuple[str, str, bytes | None, str, Callable[[int, bytes], str | None] | None]


@dataclass
class PhaseResult:
    name: str
    kind: str  # healthz | page | post
    concurrency: int
    requests: int
    errors: int
    seconds: float
    rate: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    error_samples: list[str] = field(default_factory=list)
    by_tag: dict[str, dict[str, float]] = field(default_factory=dict)
    cpu_ms_per_request: dict[str, float] = field(default_factory=dict)
    loadavg_1m: float | None = None


def _stats(latencies: list[float]) -> dict[str, float]:
    values = sorted(latencies)
    return {
        "requests": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 2),
        "p90_ms": round(percentile(values, 90) * 1000, 2),
        "p99_ms": round(percentile(values, 99) * 1000, 2),
        "max_ms": round(values[-1] * 1000, 2) if values else math.nan,
        "mean_ms": round(sum(values) / len(values) * 1000, 2) if values else math.nan,
    }


async def run_phase(
    name: str,
    make_request: Callable[[int], Request],
    *,
    kind: str = "",
    total: int,
    concurrency: int,
    duration: float,
    connect: Callable[[], Awaitable[Any]],
    cpu: CpuMeter | None = None,
) -> PhaseResult:
    """``total`` requests (or ``duration`` seconds, whichever first) over ``concurrency``
    keep-alive connections; latencies are client-side, from send to last body byte."""
    latencies: dict[str, list[float]] = {}
    all_latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(total))
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        conn = await connect()
        try:
            for i in counter:
                if time.perf_counter() > deadline:
                    break
                method, path, body, tag, check = make_request(i)
                t = time.perf_counter()
                try:
                    status, content = await conn.request(method, path, body)
                except Exception as exc:  # noqa: BLE001 - counted as an error
                    errors.append(f"{method} {path}: {type(exc).__name__}: {exc}")
                    continue
                elapsed = time.perf_counter() - t
                problem = f"HTTP {status}: {content[:200]!r}" if status != 200 else None
                if problem is None and check is not None:
                    problem = check(status, content)
                if problem is not None:
                    errors.append(f"{method} {path}: {problem}")
                    continue
                all_latencies.append(elapsed)
                latencies.setdefault(tag, []).append(elapsed)
        finally:
            await conn.close()

    loadavg = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    before = cpu.snapshot() if cpu else {}
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - t0
    after = cpu.snapshot() if cpu else {}
    overall = _stats(all_latencies)
    done = len(all_latencies) + len(errors)
    cpu_ms = {
        k: round((after[k] - before[k]) * 1000 / done, 3) for k in after if k in before and done
    }
    return PhaseResult(
        name=name,
        kind=kind,
        concurrency=concurrency,
        requests=done,
        errors=len(errors),
        seconds=round(seconds, 2),
        rate=round(len(all_latencies) / seconds, 1) if seconds else 0.0,
        p50_ms=overall["p50_ms"],
        p90_ms=overall["p90_ms"],
        p99_ms=overall["p99_ms"],
        max_ms=overall["max_ms"],
        mean_ms=overall["mean_ms"],
        error_samples=errors[:5],
        by_tag={tag: _stats(v) for tag, v in sorted(latencies.items())}
        if len(latencies) > 1
        else {},
        cpu_ms_per_request=cpu_ms,
        loadavg_1m=round(loadavg, 2) if loadavg is not None else None,
    )


def page_requests(
    dataset: Dataset, deep_fraction: float, rnd: random.Random
) -> Callable[[int], Request]:
    jobs = sorted(dataset.job_sizes)

    def check_for(expected: int) -> Callable[[int, bytes], str | None]:
        def check(status: int, content: bytes) -> str | None:
            data = json.loads(content)["data"]
            got = len(data["jobCandidates"])
            return None if got == expected else f"expected {expected} items, got {got}"

        return check

    def make(i: int) -> Request:
        job = rnd.choice(jobs)
        pages = max(1, math.ceil(dataset.job_sizes[job] / PER_PAGE))
        if rnd.random() < deep_fraction and pages > FIRST_PAGES:
            page, tag = rnd.randint(FIRST_PAGES + 1, pages), "deep pages (>5)"
        else:
            page, tag = rnd.randint(1, min(FIRST_PAGES, pages)), "first pages (1-5)"
        expected = max(0, min(PER_PAGE, dataset.job_sizes[job] - (page - 1) * PER_PAGE))
        path = (
            f"/v1/partner/job-candidates/job/{job}/candidates?pageNumber={page}&perPage={PER_PAGE}"
        )
        # Parse and count the items of one response in 10 (keeps the client light).
        return "GET", path, None, tag, check_for(expected) if i % 10 == 0 else None

    return make


def post_requests(dataset: Dataset, token: str, rnd: random.Random) -> Callable[[int], Request]:
    jobs = sorted(dataset.job_sizes)

    def check(status: int, content: bytes) -> str | None:
        data = json.loads(content)["data"]
        if data.get("isExistingCandidate") is not False:
            return "candidate was not new"
        if not data.get("jobCandidate"):
            return "no jobCandidate in the response"
        return None

    serial = itertools.count(1)  # unique across the warm-up and the measured phase

    def make(i: int) -> Request:
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        city, state, country, iso = rnd.choice(CITIES)
        body = {
            "firstName": first,
            "lastName": last,
            "email": f"bench-post-{token}-{next(serial)}@example.com",
            "phone": e164(iso, rnd),
            "city": city,
            "state": state,
            "country": country,
            "currentJobTitle": rnd.choice(JOB_TITLES),
            "currentCompany": rnd.choice(COMPANIES),
            "skills": rnd.sample(SKILLS, 3),
            "source": "bench",
            "jobId": rnd.choice(jobs),
        }
        return "POST", "/v1/partner/candidates", json.dumps(body).encode(), "post", check

    return make


def healthz_requests() -> Callable[[int], Request]:
    def make(i: int) -> Request:
        return "GET", "/healthz", None, "healthz", None

    return make


def rebuild_folder_counts(conn: psycopg.Connection[Any]) -> None:
    """The per-folder counts the app keeps on every write, computed once from the rows."""
    conn.execute("DELETE FROM job_folder_counts")
    conn.execute(
        "INSERT INTO job_folder_counts (job_id, folder_key, company_id, count) "
        "SELECT job_id, CASE WHEN folder = 'custom' THEN 'custom:' || custom_folder_id "
        "ELSE folder END, company_id, count(*) FROM applications GROUP BY 1, 2, 3"
    )


def cleanup_posted(url: str, token: str, outbox_before: int, key_id: int, keep: bool) -> None:
    """Delete what the POST phase created, so that the data set is the same next time."""
    with psycopg.connect(conninfo(url)) as conn:
        if not keep:
            deleted = conn.execute(
                "DELETE FROM candidates WHERE email LIKE %s", (f"bench-post-{token}-%",)
            ).rowcount
            conn.execute("DELETE FROM outbox_events WHERE id > %s", (outbox_before,))
            rebuild_folder_counts(conn)
            log(f"deleted the {deleted:,} candidates created by the POST phase")
        conn.execute("DELETE FROM api_keys WHERE id = %s", (key_id,))
    if not keep:
        vacuum(url)


def max_outbox_id(url: str) -> int:
    with psycopg.connect(conninfo(url)) as conn:
        row = conn.execute("SELECT coalesce(max(id), 0) FROM outbox_events").fetchone()
    return int(row[0]) if row else 0


# --- EXPLAIN ------------------------------------------------------------------------------


def explain_page_queries(url: str, dataset: Dataset) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements list_job_applications really runs, for
    the biggest job: first page and a deep page."""
    from sqlalchemy import event

    from hireloop.db import Database
    from hireloop.domain.applications.schemas import ApplicationFilters
    from hireloop.domain.applications.service import list_job_applications
    from hireloop.domain.jobs.models import Job

    job_id = max(dataset.job_sizes, key=lambda j: dataset.job_sizes[j])
    pages = max(1, math.ceil(dataset.job_sizes[job_id] / PER_PAGE))
    db = Database(url)
    out: list[dict[str, Any]] = []
    try:
        for page in sorted({1, max(1, pages // 2), pages}):
            captured: list[tuple[str, Any]] = []

            def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
                captured.append((statement, params))  # noqa: B023 - used within this page

            with db.unit_of_work() as session:
                job = session.get(Job, job_id)
                assert job is not None
                event.listen(db.engine, "before_cursor_execute", capture)
                try:
                    list_job_applications(
                        session, job, ApplicationFilters(), page=page, per_page=PER_PAGE
                    )
                finally:
                    event.remove(db.engine, "before_cursor_execute", capture)
                for statement, params in captured:
                    plan = session.connection().exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statement, params
                    )
                    out.append(
                        {
                            "job_id": job_id,
                            "job_applications": dataset.job_sizes[job_id],
                            "page": page,
                            "statement": statement,
                            "params": {k: str(v) for k, v in (params or {}).items()},
                            "plan": "\n".join(r[0] for r in plan),
                        }
                    )
    finally:
        db.dispose()
    return out


# --- Report -------------------------------------------------------------------------------


def fmt(value: float, digits: int = 2) -> str:
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:,.{digits}f}")
    )


def print_table(report: dict[str, Any]) -> None:
    phases: list[PhaseResult] = report["_phases"]
    print()
    print(
        f"Partner API benchmark: n={report['dataset']['n']:,} applications over "
        f"{report['dataset']['jobs']} jobs; {report['config']['workers']} uvicorn workers; "
        f"client={report['config']['client']}; {os.cpu_count()} CPUs"
    )
    if report.get("load"):
        load_stats = report["load"]
        print(
            f"Load: {load_stats['rows']:,} rows in {load_stats['seconds']:.1f} s "
            f"({load_stats['rows_per_second']:,} rows/s); sizes {load_stats['table_sizes']}"
        )
    header = (
        f"{'phase':<40} {'conc':>4} {'reqs':>6} {'err':>4} {'req/s':>9} "
        f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'CPU ms/req: app':>15} {'pg':>6} {'client':>6}"
    )
    print(header)
    print("-" * len(header))
    for p in phases:
        print(
            f"{p.name:<40} {p.concurrency:>4} {p.requests:>6} {p.errors:>4} {fmt(p.rate, 1):>9} "
            f"{fmt(p.p50_ms):>8} {fmt(p.p90_ms):>8} {fmt(p.p99_ms):>8} {fmt(p.max_ms):>8} "
            f"{fmt(p.cpu_ms_per_request.get('server', math.nan)):>15} "
            f"{fmt(p.cpu_ms_per_request.get('postgres', math.nan)):>6} "
            f"{fmt(p.cpu_ms_per_request.get('client', math.nan)):>6}"
        )
        for tag, s in p.by_tag.items():
            print(
                f"{'  ' + tag:<40} {'':>4} {int(s['requests']):>6} {'':>4} {'':>9} "
                f"{fmt(s['p50_ms']):>8} {fmt(s['p90_ms']):>8} {fmt(s['p99_ms']):>8} "
                f"{fmt(s['max_ms']):>8}"
            )
    print()
    print("Ratios to the baseline (GET /healthz on the same server):")
    for name, value in report["ratios"].items():
        print(f"  {name:<44} {fmt(value)}")
    print()
    print("Targets:")
    for t in report["targets"]:
        note = "" if report["dataset"]["n"] >= TARGET_N else "  (target is stated for n=1M)"
        print(
            f"  {t['name']:<38} measured {fmt(t['measured'])} {t['unit']:<6} "
            f"target {t['op']} {fmt(t['target'])}  {'PASS' if t['pass'] else 'FAIL'}{note}"
        )
    for p in phases:
        for sample in p.error_samples:
            print(f"  error in {p.name}: {sample}")
    if report.get("explain"):
        print()
        for e in report["explain"]:
            statement = e["statement"]
            if statement.startswith("SELECT ") and len(statement.split("\nFROM")[0]) > 100:
                statement = "SELECT ...\nFROM" + statement.split("\nFROM", 1)[1]
            print(
                f"EXPLAIN ANALYZE, job {e['job_id']} ({e['job_applications']:,} applications), "
                f"page {e['page']}:\n{statement}\n{e['params']}\n{e['plan']}\n"
            )


# --- Main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--n", type=int, default=None, help="candidates = applications (100000)")
    p.add_argument("--jobs", type=int, default=None, help="jobs they are spread over (200)")
    p.add_argument("--database-url", default=DEFAULT_URL, help="dropped and recreated!")
    p.add_argument("--reuse", action="store_true", help="keep the loaded data if it is there")
    p.add_argument("--workers", type=int, default=2, help="uvicorn workers (2)")
    p.add_argument("--requests", type=int, default=3000, help="requests per phase (3000)")
    p.add_argument("--duration", type=float, default=60.0, help="max seconds per phase (60)")
    p.add_argument(
        "--concurrency",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[1, 4],
        help="concurrent clients of the latency phases, comma-separated (1,4)",
    )
    p.add_argument("--post-concurrency", type=int, default=8, help="throughput phases (8)")
    p.add_argument("--deep-fraction", type=float, default=0.1, help="share of deep pages (0.1)")
    p.add_argument("--warmup", type=int, default=300, help="warm-up requests per endpoint (300)")
    p.add_argument("--port", type=int, default=0, help="server port (0: a free one)")
    p.add_argument("--client", choices=("raw", "httpx"), default="raw", help="HTTP client")
    p.add_argument("--seed", type=int, default=42, help="random seed of the data set")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the page queries")
    p.add_argument("--keep-posted", action="store_true", help="keep the POSTed candidates")
    return p.parse_args(argv)


async def measure(
    args: argparse.Namespace, dataset: Dataset, port: int, key: str, token: str, server_pid: int
) -> list[PhaseResult]:
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    httpx_client = None
    if args.client == "httpx":
        import httpx

        httpx_client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers=headers,
            limits=httpx.Limits(max_connections=max(*args.concurrency, args.post_concurrency)),
            timeout=30,
        )

    async def connect() -> Any:
        if httpx_client is not None:
            return HttpxConnection(httpx_client)
        return RawConnection("127.0.0.1", port, headers)

    rnd = random.Random()
    common = {"duration": args.duration, "connect": connect}
    thr, total = args.post_concurrency, args.requests
    pages = page_requests(dataset, args.deep_fraction, rnd)
    posts = post_requests(dataset, token, rnd)
    healthz = healthz_requests()
    plan = []
    for conc in args.concurrency:
        plan.append((f"GET /healthz (baseline, latency, c={conc})", "healthz", healthz, conc))
        plan.append((f"GET job candidates page (c={conc})", "page", pages, conc))
    plan.append((f"GET /healthz (baseline, throughput, c={thr})", "healthz", healthz, thr))
    plan.append((f"POST /candidates (with jobId, c={thr})", "post", posts, thr))
    cpu = CpuMeter(server_pid, args.database_url)
    try:
        log("warming up")
        warm = max(args.concurrency)
        await run_phase("warmup", healthz, total=args.warmup, concurrency=warm, **common)
        await run_phase("warmup", pages, total=args.warmup, concurrency=warm, **common)
        results = []
        for name, kind, make, conc in plan:
            if kind == "post":  # after the page phases: POSTs change the jobs' sizes
                await run_phase("warmup", posts, total=args.warmup // 5, concurrency=conc, **common)
            log(f"measuring {name}: {total} requests")
            result = await run_phase(
                name, make, kind=kind, total=total, concurrency=conc, cpu=cpu, **common
            )
            log(
                f"  {result.rate:,.1f} req/s, p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
                f"{result.errors} errors; CPU ms/request {result.cpu_ms_per_request}; "
                f"load average {result.loadavg_1m}"
            )
            results.append(result)
        return results
    finally:
        cpu.close()
        if httpx_client is not None:
            await httpx_client.aclose()


def build_report(
    args: argparse.Namespace,
    dataset: Dataset,
    load_stats: LoadStats | None,
    phases: list[PhaseResult],
    explain: list[dict[str, Any]],
) -> dict[str, Any]:
    def ratio(a: float, b: float) -> float:
        return round(a / b, 2) if b else math.nan

    def find(kind: str, conc: int) -> PhaseResult:
        return next(p for p in phases if p.kind == kind and p.concurrency == conc)

    ratios: dict[str, float] = {}
    targets: list[dict[str, Any]] = []
    for conc in args.concurrency:
        base, page = find("healthz", conc), find("page", conc)
        ratios[f"page p50 / healthz p50 (c={conc})"] = ratio(page.p50_ms, base.p50_ms)
        ratios[f"page p99 / healthz p99 (c={conc})"] = ratio(page.p99_ms, base.p99_ms)
        ratios[f"page req/s / healthz req/s (c={conc})"] = ratio(page.rate, base.rate)
        targets.append(
            {
                "name": f"page p99 (c={conc})",
                "measured": page.p99_ms,
                "unit": "ms",
                "op": "<=",
                "target": TARGET_PAGE_P99_MS,
                "pass": page.p99_ms <= TARGET_PAGE_P99_MS and page.errors == 0,
                "ratio_to_baseline": ratios[f"page p99 / healthz p99 (c={conc})"],
            }
        )
    thr = args.post_concurrency
    base, post = find("healthz", thr), find("post", thr)
    ratios[f"POST req/s / healthz req/s (c={thr})"] = ratio(post.rate, base.rate)
    ratios[f"POST p50 / healthz p50 (c={thr})"] = ratio(post.p50_ms, base.p50_ms)
    ratios[f"POST p99 / healthz p99 (c={thr})"] = ratio(post.p99_ms, base.p99_ms)
    targets.append(
        {
            "name": f"POST /candidates throughput (c={thr})",
            "measured": post.rate,
            "unit": "req/s",
            "op": ">=",
            "target": TARGET_POST_RATE,
            "pass": post.rate >= TARGET_POST_RATE and post.errors == 0,
            "ratio_to_baseline": ratios[f"POST req/s / healthz req/s (c={thr})"],
        }
    )
    no_errors = all(p.errors == 0 for p in phases)
    with psycopg.connect(conninfo(args.database_url)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        pg_version = row[0] if row else "?"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent,
        check=False,
    ).stdout.strip()
    return {
        "_phases": phases,
        "timestamp": datetime.now(UTC).isoformat(),
        "config": {
            "workers": args.workers,
            "requests_per_phase": args.requests,
            "max_seconds_per_phase": args.duration,
            "latency_concurrency": args.concurrency,
            "throughput_concurrency": args.post_concurrency,
            "deep_fraction": args.deep_fraction,
            "per_page": PER_PAGE,
            "client": args.client,
            "database": database_name(args.database_url),
        },
        "environment": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": pg_version,
            "git_commit": commit,
        },
        "dataset": {
            "n": dataset.n,
            "jobs": dataset.jobs,
            "largest_job": max(dataset.job_sizes.values(), default=0),
            "smallest_job": min(dataset.job_sizes.values(), default=0),
            "reused": load_stats is None,
        },
        "load": asdict(load_stats) if load_stats else None,
        "phases": [asdict(p) for p in phases],
        "ratios": ratios,
        "targets": targets,
        "all_ok": no_errors and all(t["pass"] for t in targets),
        "explain": explain,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url
    dataset = find_dataset(url) if args.reuse else None
    load_stats = None
    if dataset is not None:
        asked = (args.n, args.jobs)
        if asked != (None, None) and asked != (dataset.n, dataset.jobs):
            log(f"--reuse: keeping the loaded n={dataset.n:,}, jobs={dataset.jobs} (not {asked})")
        log(f"reusing the loaded data set: n={dataset.n:,}, jobs={dataset.jobs}")
        with psycopg.connect(conninfo(url)) as conn:
            rebuild_folder_counts(conn)  # the table may be newer than the loaded data
    else:
        if args.reuse:
            log("--reuse: no complete data set found; loading")
        n, jobs = args.n or 100_000, args.jobs or 200
        if n < 1 or jobs < 1:
            raise SystemExit("--n and --jobs must be >= 1")
        _, load_stats = load(url, n, jobs, args.seed)
        dataset = find_dataset(url)
        assert dataset is not None
    explain = explain_page_queries(url, dataset) if args.explain else []
    key_id, key = issue_key(url, dataset.company_id)
    outbox_before = max_outbox_id(url)
    port = args.port or free_port()
    token = f"{int(time.time())}{random.randrange(10**6):06d}"  # in the POSTed emails
    try:
        log(f"starting uvicorn ({args.workers} workers) on 127.0.0.1:{port}")
        with serve(url, port, args.workers) as server:
            phases = asyncio.run(measure(args, dataset, port, key, token, server.pid))
    finally:
        cleanup_posted(url, token, outbox_before, key_id, args.keep_posted)
    report = build_report(args, dataset, load_stats, phases, explain)
    print_table(report)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"partner_api-{datetime.now():%Y%m%d-%H%M%S}.json"
    data = {k: v for k, v in report.items() if not k.startswith("_")}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"\nResults written to {path}")
    return 0 if report["all_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
