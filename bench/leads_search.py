"""Leads search benchmark: ``GET /api/talkpush_services/campaign_invitations?filter[query]=…``
at 1M leads (issue 5 §7). Target: p95 <= 50 ms.

What it does:

1. Loads the data set into its own PostgreSQL database (default ``hireloop_bench_leads``):
   ``--n`` candidates with one lead (application) each, over ``--jobs`` campaigns, with
   COPY and the indexes rebuilt afterwards (the loader of ``bench/partner_api.py``, so the
   rows look the same: real names with accents, emails, E.164 phones). The database is
   kept: later runs reuse it (``--reload`` drops and loads it again).
2. Starts the real app under uvicorn on 127.0.0.1 against it, with a Leads API key.
3. Picks random loaded leads and searches for them the four ways a recruiter does: the full
   name (``maria garcia``), a part of the email (its local part), the phone number's last
   9 digits, and the lead id (``AP123``). Each response must be 200 and find at least one
   lead (checked on every response). ``GET /healthz`` of the same server, measured in the
   same run, is the baseline.
4. Prints p50 / p95 / p99 per query kind and overall, and writes them as JSON to
   ``bench/results/leads_search.json``. Exit status 1 when p95 misses the target.

Run it:

    .venv/bin/python bench/leads_search.py                  # 1M leads, loads once
    .venv/bin/python bench/leads_search.py --explain        # + EXPLAIN ANALYZE per kind
    .venv/bin/python bench/leads_search.py --n 100000 --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/hireloop_bench_leads_small
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy.exc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.partner_api import (  # noqa: E402 - the shared loader, server and client
    CpuMeter,
    Dataset,
    RawConnection,
    conninfo,
    find_dataset,
    free_port,
    load,
    log,
    percentile,
    serve,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hireloop_bench_leads"
RESULTS = Path(__file__).resolve().parent / "results" / "leads_search.json"
PATH = "/api/talkpush_services/campaign_invitations"
TARGET_P95_MS = 50.0
KINDS = ("name", "email", "phone", "id")


def issue_leads_key(url: str, company_id: int) -> tuple[int, str]:
    from hireloop.db import Database
    from hireloop.domain.companies.service import create_api_key

    db = Database(url)
    try:
        with db.unit_of_work() as session:
            issued = create_api_key(session, company_id, name="leads bench", scope="leads")
            return issued.api_key.id, issued.key
    finally:
        db.dispose()


def drop_key(url: str, key_id: int) -> None:
    with psycopg.connect(conninfo(url)) as conn:
        conn.execute("DELETE FROM api_keys WHERE id = %s", (key_id,))


def ensure_indexes(url: str) -> list[str]:
    """Bring the schema up to date (a data set loaded before 0005 lacks the trigram
    indexes); returns the trigram indexes found."""
    from hireloop.migrate import upgrade

    upgrade(url)
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'candidates' "
            "AND indexname LIKE '%%trgm' ORDER BY 1"
        ).fetchall()
    return [r[0] for r in rows]


def sample_queries(url: str, company_id: int, count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, query) pairs for ``count`` random leads of the data set, kinds interleaved."""
    rnd = random.Random(seed)
    with psycopg.connect(conninfo(url)) as conn:
        top = conn.execute(
            "SELECT max(id) FROM applications WHERE company_id = %s", (company_id,)
        ).fetchone()[0]
        ids = [rnd.randint(1, top) for _ in range(count)]
        rows = conn.execute(
            "SELECT a.id, c.first_name, c.last_name, c.email, c.phone_e164 FROM applications a "
            "JOIN candidates c ON c.id = a.candidate_id WHERE a.id = ANY(%s)",
            (ids,),
        ).fetchall()
    queries = []
    for i, (app_id, first, last, email, phone) in enumerate(rows):
        kind = KINDS[i % len(KINDS)]
        if kind == "name":
            queries.append((kind, f"{first} {last}"))
        elif kind == "email":
            queries.append((kind, email.split("@")[0]))
        elif kind == "phone":
            queries.append((kind, phone[-9:]))
        else:
            queries.append((kind, f"AP{app_id}"))
    rnd.shuffle(queries)
    return queries


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"requests": 0}
    return {
        "requests": len(ordered),
        "p50_ms": round(percentile(ordered, 50) * 1000, 2),
        "p95_ms": round(percentile(ordered, 95) * 1000, 2),
        "p99_ms": round(percentile(ordered, 99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


async def run(
    port: int, requests: list[tuple[str, str]], concurrency: int
) -> tuple[dict[str, list[float]], list[str]]:
    """Send ``requests`` ((tag, path)) over ``concurrency`` keep-alive connections."""
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    todo = iter(requests)

    async def worker() -> None:
        conn = RawConnection("127.0.0.1", port, {})
        try:
            for tag, path in todo:
                t = time.perf_counter()
                status, body = await conn.request("GET", path, None)
                elapsed = time.perf_counter() - t
                if status != 200:
                    errors.append(f"{path}: HTTP {status} {body[:200]!r}")
                    continue
                if tag != "healthz" and json.loads(body).get("total", 0) < 1:
                    errors.append(f"{path}: no lead found")
                    continue
                latencies.setdefault(tag, []).append(elapsed)
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors


def search_path(key: str, query: str) -> str:
    return f"{PATH}?" + urllib.parse.urlencode({"api_key": key, "filter[query]": query})


def explain(url: str, company_id: int, queries: list[tuple[str, str]]) -> dict[str, str]:
    """EXPLAIN ANALYZE of the statements the search runs, one query per kind."""
    from sqlalchemy import event

    from hireloop.db import Database
    from hireloop.domain.leads.schemas import LeadFilters
    from hireloop.domain.leads.search import search_leads

    db = Database(url)
    plans: dict[str, str] = {}
    try:
        for kind in KINDS:
            query = next(q for k, q in queries if k == kind)
            captured: list[tuple[str, Any]] = []

            def capture(
                conn: Any, cursor: Any, statement: str, params: Any, *_: Any, out: Any = captured
            ) -> None:
                out.append((statement, params))

            event.listen(db.engine, "before_cursor_execute", capture)
            try:
                with db.unit_of_work() as session:
                    search_leads(session, company_id, LeadFilters(query=query), page=1)
            finally:
                event.remove(db.engine, "before_cursor_execute", capture)
            out = []
            with psycopg.connect(conninfo(url)) as conn:
                for statement, params in captured:
                    rows = conn.execute(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statement, params
                    ).fetchall()
                    out.append("\n".join(r[0] for r in rows))
            plans[f"{kind}: {query}"] = "\n\n".join(out)
    finally:
        db.dispose()
    return plans


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--n", type=int, default=1_000_000, help="leads (1000000)")
    p.add_argument("--jobs", type=int, default=200, help="campaigns (200)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--reload", action="store_true", help="drop and load the data set again")
    p.add_argument("--requests", type=int, default=800, help="search requests (800)")
    p.add_argument("--warmup", type=int, default=100, help="warm-up requests (100)")
    p.add_argument("--concurrency", type=int, default=1, help="concurrent clients (1)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn workers (1)")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE one query per kind")
    args = p.parse_args(argv)

    url = args.database_url
    if not args.reload:
        # Migrate first: find_dataset would otherwise create tables added since the load
        # straight from the models, which a later migration then fails to create.
        with contextlib.suppress(psycopg.OperationalError, sqlalchemy.exc.OperationalError):
            ensure_indexes(url)
    dataset: Dataset | None = None if args.reload else find_dataset(url)
    load_stats = None
    if dataset is None or dataset.n != args.n:
        company_id, load_stats = load(url, args.n, args.jobs, args.seed)
        dataset = find_dataset(url)
        assert dataset is not None
    else:
        log(f"reusing the loaded data set: {dataset.n:,} leads in {dataset.jobs} campaigns")
    indexes = ensure_indexes(url)
    log(f"trigram indexes: {', '.join(indexes) or 'none'}")
    key_id, key = issue_leads_key(url, dataset.company_id)
    queries = sample_queries(url, dataset.company_id, args.requests + args.warmup, args.seed)
    warm, measured = queries[: args.warmup], queries[args.warmup :]
    health = [("healthz", "/healthz")] * len(measured)
    searches = [(kind, search_path(key, q)) for kind, q in measured]
    port = free_port()
    try:
        with serve(url, port, args.workers) as proc:
            meter = CpuMeter(proc.pid, url)
            asyncio.run(run(port, [("warm", search_path(key, q)) for _, q in warm], 1))
            asyncio.run(run(port, health[: args.warmup], 1))
            cpu0, t0 = meter.snapshot(), time.perf_counter()
            base, base_errors = asyncio.run(run(port, health, args.concurrency))
            cpu1, base_seconds = meter.snapshot(), time.perf_counter() - t0
            found, errors = asyncio.run(run(port, searches, args.concurrency))
            cpu2, search_seconds = meter.snapshot(), time.perf_counter() - t0 - base_seconds
            meter.close()
    finally:
        drop_key(url, key_id)

    def cpu_ms(before: dict[str, float], after: dict[str, float], n: int) -> dict[str, float]:
        """CPU milliseconds per request (server processes, PostgreSQL backends): unlike
        latencies, they do not depend on what else runs on the machine."""
        keys = ("server", "postgres")
        return {k: round((after[k] - before[k]) * 1000 / n, 2) for k in keys if k in after}

    overall = stats([v for values in found.values() for v in values])
    baseline = stats(base.get("healthz", []))
    report: dict[str, Any] = {
        "benchmark": "leads_search",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        },
        "dataset": {"leads": dataset.n, "campaigns": dataset.jobs, "trigram_indexes": indexes},
        "load": load_stats.__dict__ if load_stats else None,
        "config": {"concurrency": args.concurrency, "workers": args.workers},
        "baseline_healthz": {
            **baseline,
            "rate": round(baseline["requests"] / base_seconds, 1),
            "errors": len(base_errors),
            "cpu_ms_per_request": cpu_ms(cpu0, cpu1, len(health)),
        },
        "search": {
            **overall,
            "rate": round(overall["requests"] / search_seconds, 1),
            "errors": len(errors),
            "error_samples": errors[:5],
            "cpu_ms_per_request": cpu_ms(cpu1, cpu2, len(searches)),
            "by_kind": {kind: stats(found.get(kind, [])) for kind in KINDS},
            "p95_over_baseline_p95": round(overall["p95_ms"] / baseline["p95_ms"], 1)
            if overall.get("p95_ms") and baseline.get("p95_ms")
            else math.nan,
        },
        "target": {"p95_ms": TARGET_P95_MS},
    }
    report["target"]["met"] = bool(overall.get("p95_ms", math.inf) <= TARGET_P95_MS and not errors)
    if args.explain:
        report["explain"] = explain(url, dataset.company_id, measured)
        for title, plan in report["explain"].items():
            print(f"\n--- {title}\n{plan}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    print(f"\nleads search at {dataset.n:,} leads ({args.concurrency} client(s))")
    print(f"{'':14}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    rows = [("GET /healthz", baseline), ("search (all)", overall)]
    rows += [(f"  {kind}", report["search"]["by_kind"][kind]) for kind in KINDS]
    for title, s in rows:
        if not s.get("requests"):
            continue
        print(
            f"{title:14}{s['requests']:>6}{s['p50_ms']:>9.2f}{s['p95_ms']:>9.2f}"
            f"{s['p99_ms']:>9.2f}{s['max_ms']:>9.2f}"
        )
    print(
        f"CPU ms per request (server / PostgreSQL): healthz "
        f"{report['baseline_healthz']['cpu_ms_per_request']}, search "
        f"{report['search']['cpu_ms_per_request']}; load average "
        f"{report['machine']['loadavg_1m']}"
    )
    print(
        f"errors: {len(errors)}; target p95 <= {TARGET_P95_MS:g} ms: "
        f"{'met' if report['target']['met'] else 'MISSED'}; JSON: {RESULTS}"
    )
    return 0 if report["target"]["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
