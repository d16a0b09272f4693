"""Campaign view benchmark (issue 6 §9): the candidate list, its search and its folder
counts at 1M candidates on PostgreSQL, and the full campaign-view page through a real
server. Targets: p95 <= 50 ms per query, p95 <= 300 ms server time for a full page.

What it does:

1. Reuses the 1M-lead database that ``bench/leads_search.py`` builds
   (``hireloop_bench_leads``; loaded by this script the same way when it is missing):
   200 campaigns of ~5,000 leads on average (skewed: the biggest has ~50,000), real
   names, emails and phones, trigram indexes.
2. Adds an owner user to the data set's company (kept for later runs) to sign in with.
3. Measures, in process, each query the list panel runs (the functions of
   ``web/app/campaign_view_queries.py``, on the same database), its latency and its CPU
   time per call (``cpu_ms``: this process + its PostgreSQL backend, which unlike the
   latency does not grow with the machine's load):
   - ``list: campaign inbox`` — page 1 of a campaign's Inbox (total from folder counts)
   - ``list: campaign page 20`` — a deep page of a campaign's every folder
   - ``list: campaign filtered`` — a campaign with source + score range (counted rows)
   - ``list: show all inbox`` — page 1 of every campaign's Inbox (420k leads)
   - ``list: show all score`` — every campaign, score >= 80 (counted rows)
   - ``search: <kind>`` — Show All searched by full name, email part, phone digits, lead id
   - ``search: in campaign`` — a campaign searched by name
   - ``folder counts: campaign`` / ``folder counts: show all``
4. Starts the app under uvicorn (``bench.partner_api.serve``), signs in through the real
   form, and measures whole pages: ``GET /app/campaigns/{id}?selected=<lead>`` (list +
   chat + profile panels), ``GET /app/campaigns/all`` and a Show All search; ``GET
   /healthz`` of the same server is the baseline (these machines are shared and noisy).
5. Prints a table and writes JSON to ``bench/results/campaign_view.json``. Exit status 1
   when a target is missed.

Run it:

    .venv/bin/python bench/campaign_view.py
    .venv/bin/python bench/campaign_view.py --iterations 100 --requests 100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import sqlalchemy.exc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.leads_search import DEFAULT_URL, ensure_indexes, stats  # noqa: E402
from bench.partner_api import (  # noqa: E402 - the shared loader, server and client
    CpuMeter,
    RawConnection,
    conninfo,
    find_dataset,
    free_port,
    load,
    log,
    serve,
)

RESULTS = Path(__file__).resolve().parent / "results" / "campaign_view.json"
TARGET_QUERY_P95_MS = 50.0
TARGET_PAGE_P95_MS = 300.0
USER_EMAIL = "campaign-view-bench@bench.test"
USER_PASSWORD = "campaign view bench password"


def ensure_user(url: str, company_id: int) -> None:
    """An owner of the data set's company to sign in with (created once, kept)."""
    from sqlalchemy import select

    from hireloop.db import Database
    from hireloop.domain.companies.models import User
    from hireloop.domain.companies.service import create_user

    db = Database(url)
    try:
        with db.unit_of_work() as session:
            found = session.scalar(select(User).where(User.email == USER_EMAIL))
            if found is None:
                create_user(
                    session,
                    company_id,
                    email=USER_EMAIL,
                    name="Bench Owner",
                    password=USER_PASSWORD,
                    role="owner",
                )
    finally:
        db.dispose()


def samples(url: str, company_id: int, count: int, seed: int) -> dict[str, list[Any]]:
    """Random campaigns, their newest Inbox leads, and search terms of random leads."""
    rnd = random.Random(seed)
    with psycopg.connect(conninfo(url)) as conn:
        jobs = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM jobs WHERE company_id = %s ORDER BY id", (company_id,)
            ).fetchall()
        ]
        picked = [rnd.choice(jobs) for _ in range(count)]
        selected = []
        for job_id in picked[: min(count, 200)]:
            row = conn.execute(
                "SELECT id FROM applications WHERE job_id = %s AND folder = 'inbox' "
                "ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET %s",
                (job_id, rnd.randint(0, 20)),
            ).fetchone()
            if row:
                selected.append((job_id, row[0]))
        top = conn.execute(
            "SELECT max(id) FROM applications WHERE company_id = %s", (company_id,)
        ).fetchone()[0]
        rows = conn.execute(
            "SELECT a.id, a.job_id, c.first_name, c.last_name, c.email, c.phone_e164 "
            "FROM applications a JOIN candidates c ON c.id = a.candidate_id "
            "WHERE a.id = ANY(%s)",
            ([rnd.randint(1, top) for _ in range(count)],),
        ).fetchall()
    terms: dict[str, list[Any]] = {"name": [], "email": [], "phone": [], "id": [], "campaign": []}
    for app_id, job_id, first, last, email, phone in rows:
        terms["name"].append(f"{first} {last}")
        terms["email"].append(email.split("@")[0])
        terms["phone"].append(phone[-9:])
        terms["id"].append(f"AP{app_id}")
        terms["campaign"].append((job_id, f"{first} {last}"))
    return {"jobs": picked, "selected": selected, **terms}


def backend_cpu(pid: int) -> float:
    """CPU seconds used so far by a PostgreSQL backend (Linux /proc; 0 elsewhere). Counted
    in clock ticks: a single query's share is coarse, the sum over a query's calls is not."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_queries(
    url: str, company_id: int, data: dict[str, list[Any]], iterations: int
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """p50/p95 of each list-panel query, called as the page calls it."""
    from hireloop.db import Database
    from hireloop.domain.jobs.models import Job
    from hireloop.web.app.campaign_view_queries import (
        ListFilters,
        candidate_list,
        folder_entries,
    )

    db = Database(url)
    errors: list[str] = []
    timings: dict[str, list[float]] = {}
    cpu: dict[str, float] = {}

    def timed(name: str, call: Callable[[Any], Any], expect_rows: bool = True) -> None:
        with db.unit_of_work() as session:
            backend = session.connection().connection.dbapi_connection.info.backend_pid
            cpu0 = time.process_time() + backend_cpu(backend)
            t = time.perf_counter()
            result = call(session)
            elapsed = time.perf_counter() - t
            cpu1 = time.process_time() + backend_cpu(backend)
        if expect_rows and hasattr(result, "page") and not result.page.items:
            errors.append(f"{name}: no row")
        timings.setdefault(name, []).append(elapsed)
        cpu[name] = cpu.get(name, 0.0) + cpu1 - cpu0

    try:
        # Warm the caches and the connection pool the way a running server is warm.
        for i in range(min(20, iterations)):
            job_id = data["jobs"][i]
            timed(
                "warm",
                lambda s, j=job_id: candidate_list(s, company_id, [j], ListFilters(), page=1),
            )
        for i in range(iterations):
            job_id = data["jobs"][i % len(data["jobs"])]
            job_ids = [job_id]
            timed(
                "list: campaign inbox",
                lambda s, j=job_ids: candidate_list(s, company_id, j, ListFilters(), page=1),
            )
            timed(
                "list: campaign page 20",
                lambda s, j=job_ids: candidate_list(
                    s, company_id, j, ListFilters(folder="all"), page=20
                ),
            )
            timed(
                "list: campaign filtered",
                lambda s, j=job_ids: candidate_list(
                    s,
                    company_id,
                    j,
                    ListFilters(folder="all", source="referral", score_min=50, score_max=100),
                    page=1,
                ),
                expect_rows=False,
            )
            timed(
                "list: show all inbox",
                lambda s: candidate_list(s, company_id, None, ListFilters(), page=1),
            )
            timed(
                "list: show all score",
                lambda s: candidate_list(
                    s, company_id, None, ListFilters(folder="all", score_min=80), page=1
                ),
                expect_rows=False,
            )
            for kind in ("name", "email", "phone", "id"):
                term = data[kind][i % len(data[kind])]
                timed(
                    f"search: {kind}",
                    lambda s, q=term: candidate_list(
                        s, company_id, None, ListFilters(query=q, folder="all"), page=1
                    ),
                )
            search_job, term = data["campaign"][i % len(data["campaign"])]
            timed(
                "search: in campaign",
                lambda s, j=search_job, q=term: candidate_list(
                    s, company_id, [j], ListFilters(query=q, folder="all"), page=1
                ),
            )
            timed(
                "folder counts: campaign",
                lambda s, j=job_id: folder_entries(s, company_id, s.get(Job, j), [j]),
            )
            timed(
                "folder counts: show all",
                lambda s: folder_entries(s, company_id, None, None),
            )
    finally:
        db.dispose()
    timings.pop("warm", None)
    return {
        name: {**stats(values), "cpu_ms": round(cpu[name] * 1000 / len(values), 2)}
        for name, values in timings.items()
    }, errors


def sign_in(port: int) -> str:
    """The session cookie, from the real sign-in form."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as client:
        form = client.get("/app/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token, form.text[:500]
        r = client.post(
            "/app/login",
            data={"csrf_token": token.group(1), "email": USER_EMAIL, "password": USER_PASSWORD},
        )
        assert r.status_code == 303, (r.status_code, r.text[:500])
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


async def fetch(
    port: int, cookie: str, requests: list[tuple[str, str, str | None]]
) -> tuple[dict[str, list[float]], list[str]]:
    """GET each (tag, path, text the page must hold) over one keep-alive connection."""
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    conn = RawConnection("127.0.0.1", port, {"Cookie": cookie})
    try:
        for tag, path, needle in requests:
            t = time.perf_counter()
            status, body = await conn.request("GET", path, None)
            elapsed = time.perf_counter() - t
            if status != 200:
                errors.append(f"{path}: HTTP {status} {body[:200]!r}")
                continue
            if needle and needle.encode() not in body:
                errors.append(f"{path}: {needle!r} not in the page")
                continue
            latencies.setdefault(tag, []).append(elapsed)
    finally:
        await conn.close()
    return latencies, errors


def measure_pages(
    url: str, data: dict[str, list[Any]], count: int, workers: int
) -> tuple[dict[str, Any], list[str]]:
    pages: list[tuple[str, str, str | None]] = []
    for i in range(count):
        job_id, app_id = data["selected"][i % len(data["selected"])]
        pages.append(
            (
                "page: campaign + selected",
                f"/app/campaigns/{job_id}?selected={app_id}",
                'class="cv-row cv-row-selected"',
            )
        )
        pages.append(("page: show all", "/app/campaigns/all", 'class="cv-row'))
        name = data["name"][i % len(data["name"])]
        pages.append(
            (
                "page: show all search",
                "/app/campaigns/all?" + httpx.QueryParams({"q": name}).__str__(),
                'class="cv-row',
            )
        )
    health = [("healthz", "/healthz", None)] * count
    port = free_port()
    with serve(url, port, workers) as proc:
        cookie = sign_in(port)
        meter = CpuMeter(proc.pid, url)
        asyncio.run(fetch(port, cookie, pages[:30] + health[:30]))  # warm-up
        cpu0 = meter.snapshot()
        base, _ = asyncio.run(fetch(port, cookie, health))
        cpu1 = meter.snapshot()
        found, errors = asyncio.run(fetch(port, cookie, pages))
        cpu2 = meter.snapshot()
        meter.close()

    def cpu_ms(before: dict[str, float], after: dict[str, float], n: int) -> dict[str, float]:
        keys = ("server", "postgres")
        return {k: round((after[k] - before[k]) * 1000 / n, 2) for k in keys if k in after}

    report = {
        "healthz": {
            **stats(base.get("healthz", [])),
            "cpu_ms_per_request": cpu_ms(cpu0, cpu1, count),
        },
        **{tag: stats(values) for tag, values in found.items()},
        "cpu_ms_per_page": cpu_ms(cpu1, cpu2, len(pages)),
    }
    return report, errors


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--n", type=int, default=1_000_000, help="leads when loading (1000000)")
    p.add_argument("--jobs", type=int, default=200, help="campaigns when loading (200)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--iterations", type=int, default=200, help="calls of each query (200)")
    p.add_argument("--requests", type=int, default=150, help="pages of each kind (150)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn workers (1)")
    args = p.parse_args(argv)

    url = args.database_url
    with contextlib.suppress(psycopg.OperationalError, sqlalchemy.exc.OperationalError):
        ensure_indexes(url)
    dataset = find_dataset(url)
    if dataset is None:
        load(url, args.n, args.jobs, args.seed)
        dataset = find_dataset(url)
        assert dataset is not None
    else:
        log(f"reusing the loaded data set: {dataset.n:,} leads in {dataset.jobs} campaigns")
    ensure_user(url, dataset.company_id)
    data = samples(url, dataset.company_id, max(args.iterations, args.requests), args.seed)

    log("measuring the list panel's queries")
    queries, query_errors = measure_queries(url, dataset.company_id, data, args.iterations)
    log("measuring whole pages through uvicorn")
    pages, page_errors = measure_pages(url, data, args.requests, args.workers)

    query_met = all(s.get("p95_ms", 1e9) <= TARGET_QUERY_P95_MS for s in queries.values())
    page_tags = [t for t in pages if t.startswith("page:")]
    page_met = all(pages[t].get("p95_ms", 1e9) <= TARGET_PAGE_P95_MS for t in page_tags)
    report: dict[str, Any] = {
        "benchmark": "campaign_view",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        },
        "dataset": {"leads": dataset.n, "campaigns": dataset.jobs},
        "config": {
            "iterations": args.iterations,
            "requests": args.requests,
            "workers": args.workers,
            "concurrency": 1,
        },
        "queries": queries,
        "pages": pages,
        "errors": {"queries": query_errors[:10], "pages": page_errors[:10]},
        "target": {
            "query_p95_ms": TARGET_QUERY_P95_MS,
            "page_p95_ms": TARGET_PAGE_P95_MS,
            "queries_met": query_met and not query_errors,
            "pages_met": page_met and not page_errors,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    print(f"\ncampaign view at {dataset.n:,} leads, {dataset.jobs} campaigns (1 client)")
    print(f"{'':30}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'CPU ms':>9}")
    rows = [(name, s) for name, s in queries.items()]
    rows += [("GET /healthz", pages["healthz"])] + [(t, pages[t]) for t in page_tags]
    for title, s in rows:
        if not s.get("requests"):
            continue
        print(
            f"{title:30}{s['requests']:>6}{s['p50_ms']:>9.2f}{s['p95_ms']:>9.2f}"
            f"{s['p99_ms']:>9.2f}{s['max_ms']:>9.2f}"
            + (f"{s['cpu_ms']:>9.2f}" if "cpu_ms" in s else "")
        )
    print(
        f"CPU ms per page (server / PostgreSQL): {pages['cpu_ms_per_page']}; healthz "
        f"{pages['healthz']['cpu_ms_per_request']}; load average {report['machine']['loadavg_1m']}"
    )
    print(
        f"errors: {len(query_errors)} queries, {len(page_errors)} pages "
        f"{(query_errors + page_errors)[:3]}"
    )
    print(
        f"targets: queries p95 <= {TARGET_QUERY_P95_MS:g} ms "
        f"{'met' if report['target']['queries_met'] else 'MISSED'}; pages p95 <= "
        f"{TARGET_PAGE_P95_MS:g} ms {'met' if report['target']['pages_met'] else 'MISSED'}; "
        f"JSON: {RESULTS}"
    )
    return 0 if report["target"]["queries_met"] and report["target"]["pages_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
