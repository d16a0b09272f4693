"""Career-site apply benchmark: ``POST /api/job_applications`` (multipart, 150 KB two-page
PDF) throughput and latency, against ``GET /healthz`` of the same server as the baseline.

1. Drops and recreates the PostgreSQL database ``--database-url`` (its name must contain
   "bench"), migrates it, creates a company, a career API key and an open job.
2. Builds a ~150 KB two-page PDF CV with reportlab (real text + an embedded photo-like
   image, so both extraction and the upload size are realistic).
3. For each scorer (``default``; ``ml`` when the ml extra is installed), starts uvicorn
   with ``--workers 2`` (``HIRELOOP_SCORER`` set), warms up, then measures for
   ``--duration`` seconds at ``--concurrency`` keep-alive connections: ``GET /healthz``,
   then the applies (a unique email per request, so each one creates a candidate, stores
   the CV, scores it and creates an application with its confirmation email).
4. With ``ml``: the raw embedding throughput of the same model in this process (the CV's
   chunks encoded, CVs/s), and the ratio of ml applies/s to it.
5. Prints a table and writes JSON to ``bench/results/career_apply-<timestamp>.json``, with
   the CPU milliseconds each request cost the server, PostgreSQL and the load generator
   (from /proc): comparable between machines where requests/s are not.

Targets (default scorer): >= 150 applications/s and p99 <= 150 ms. The load generator runs
on the same machine as the server and PostgreSQL: on a small box it takes CPU from them.

    .venv/bin/python bench/career_apply.py
    .venv/bin/python bench/career_apply.py --duration 20 --concurrency 8 --scorers default
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hireloop_bench_careers"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Data ---------------------------------------------------------------------------------


def make_cv(target_bytes: int = 150_000, variant: int = 0) -> bytes:
    """A two-page CV: text on both pages and a noisy (incompressible) picture, sized to
    about ``target_bytes``. Each ``variant`` has its own text, so that no cache (the ml
    scorer's embeddings) can answer for a CV it has seen."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rnd = random.Random(7)
    lines_1 = [
        "Camille Martin", "camille.martin@example.com", "+33 6 12 34 56 78", "Paris, France", "",
        "Summary", "Full stack developer with 7 years of experience building web platforms",
        "in Python and TypeScript, from API design to deployment on Kubernetes.", "",
        "Experience",
        "Senior Full Stack Developer at Doctolib", "Jan 2021 - Present",
        "Built the booking API in Python/FastAPI and PostgreSQL; led a team of four.",
        "Full Stack Developer at BlaBlaCar", "Mar 2017 - Dec 2020",
        "React front-end, Django back-end, Redis caching, CI/CD with GitHub Actions.",
    ]  # fmt: skip
    lines_2 = [
        "Education", "Universite Paris-Saclay", "Master in Computer Science, 2016", "",
        "Skills", "Python, FastAPI, Django, TypeScript, React, PostgreSQL, Redis, Docker,",
        "Kubernetes, AWS, Terraform, GraphQL, REST, CI/CD", "",
        f"Projects: open-source contribution number {variant} to a scheduling library,",
        f"mentoring programme cohort {variant % 97}, conference talk {variant * 7 % 113}.", "",
        "Languages", "French (native), English (fluent), Spanish (intermediate)", "",
        "Certifications", "AWS Certified Solutions Architect - Associate",
    ]  # fmt: skip

    def build(side: int) -> bytes:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A4)
        for page, lines in enumerate((lines_1, lines_2)):
            y = 800
            for line in lines:
                c.drawString(72, y, line)
                y -= 16
            if page == 0 and side:
                noise = bytes(rnd.getrandbits(8) for _ in range(side * side * 3))
                img = Image.frombytes("RGB", (side, side), noise)
                c.drawImage(ImageReader(img), 400, 650, width=120, height=120)
            c.showPage()
        c.save()
        return buf.getvalue()

    side = 120
    data = build(side)
    while len(data) < target_bytes * 0.95:
        side = int(side * (target_bytes / len(data)) ** 0.5) + 2
        data = build(side)
    return data


def recreate_database(url: str) -> None:
    import psycopg
    from sqlalchemy import make_url

    parsed = make_url(url)
    name = parsed.database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the database name must contain 'bench'")
    admin = parsed.set(database="postgres", drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(url: str) -> tuple[str, str]:
    from hireloop.db import Database
    from hireloop.domain.actor import Actor
    from hireloop.domain.companies.service import create_api_key, create_company
    from hireloop.domain.jobs.schemas import JobData
    from hireloop.domain.jobs.service import create_job
    from hireloop.migrate import upgrade

    upgrade(url)
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            company = create_company(session, "Bench Careers", default_country="FR")
            key = create_api_key(session, company.id, name="bench", scope="career").key
            job = create_job(
                session,
                company.id,
                JobData(
                    title="Senior Full Stack Developer",
                    description="# About the role\n\nPython, FastAPI, React and PostgreSQL. "
                    "5+ years of experience; Kubernetes is a plus.",
                    city="Paris",
                    country="France",
                    job_type="CDI",
                    status="open",
                    years_of_experience=5,
                ),
                Actor.system(),
            )
            session.flush()
            return key, job.public_id
    finally:
        db.dispose()


# --- Server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(
    url: str, port: int, workers: int, scorer: str, ml_threads: int = 0
) -> Iterator[subprocess.Popen[bytes]]:
    with tempfile.TemporaryDirectory(prefix="hireloop-bench-careers-") as tmp:
        env = dict(os.environ)
        env.update(
            HIRELOOP_DATABASE_URL=url,
            HIRELOOP_DATA_DIR=str(Path(tmp) / "data"),
            HIRELOOP_LOG_LEVEL="WARNING",
            HIRELOOP_SCORER=scorer,
            HIRELOOP_ML_THREADS=str(ml_threads),
            # One client address sends everything here: the per-IP limit would measure 429s.
            HIRELOOP_CAREER_RATE_LIMIT_PER_IP="100000000",
            PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        cmd = [
            sys.executable, "-m", "uvicorn", "--factory", "hireloop.app:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as server_log:
            proc = subprocess.Popen(
                cmd, cwd=tmp, env=env, stdout=server_log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            try:
                deadline = time.monotonic() + 90
                while True:
                    if proc.poll() is not None:
                        raise RuntimeError(log_path.read_text(errors="replace"))
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                            break
                    except OSError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError("server did not start")
                    time.sleep(0.2)
                yield proc
            finally:
                tail = log_path.read_text(errors="replace").strip()
                if tail:
                    log("server output (last lines):\n" + "\n".join(tail.splitlines()[-15:]))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait(timeout=5)


# --- CPU accounting -----------------------------------------------------------------------


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes ``pids`` have used (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                name, _, rest = (entry / "stat").read_text().partition(" (")[2].rpartition(") ")
                out.append((int(entry.name), int(rest.split()[1]), name))
    return out


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server (its process and children) and of PostgreSQL (every
    ``postgres`` process: the backends and the background writers). Machines differ by
    2-3x in speed; CPU per request says what one apply costs whatever the machine."""
    procs = _processes()
    tree, grew = {server_pid}, True
    while grew:
        more = {pid for pid, ppid, _ in procs if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    postgres = [pid for pid, _, name in procs if name == "postgres"]
    return {"server": _cpu_seconds(sorted(tree)), "postgres": _cpu_seconds(postgres)}


# --- Client -------------------------------------------------------------------------------


class Connection:
    """A minimal HTTP/1.1 keep-alive connection (little client CPU)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(head + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status = int(raw[9:12])
        length = 0
        for line in raw.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


def multipart(job_id: str, n: int, cv: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    fields = {
        "job_offer_id": job_id,
        "first_name": "Camille",
        "last_name": f"Martin{n}",
        "email": f"camille.martin.{n}.{boundary[:8]}@example.com",
        "phone": "+33612345678",
        "cover_letter": "Je suis motivee par ce poste.",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + cv
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


# Each client connection is closed and opened again after this many requests. The server's
# processes share one listening socket and whichever accepts first keeps the connection: a
# few long-lived connections can all land on one process and leave the other idle, which
# made runs differ by up to 1.6x. Career-site traffic comes over many connections anyway.
RECONNECT_EVERY = 5


async def phase(
    port: int, concurrency: int, duration: float, make: Any, expect: tuple[int, ...]
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(10**9))
    stop_at = time.perf_counter() + duration

    async def worker() -> None:
        conn = Connection(port)
        sent = 0
        try:
            while time.perf_counter() < stop_at:
                if sent and sent % RECONNECT_EVERY == 0:
                    await conn.close()
                    conn = Connection(port)
                sent += 1
                head, body = make(next(counter))
                t0 = time.perf_counter()
                try:
                    status, content = await conn.request(head, body)
                except (asyncio.IncompleteReadError, ConnectionError) as exc:
                    await conn.close()
                    conn = Connection(port)
                    status, content = 599, repr(exc).encode()
                latencies.append((time.perf_counter() - t0) * 1000)
                if status not in expect:
                    key = f"{status}: {content[:120].decode(errors='replace')}"
                    errors[key] = errors.get(key, 0) + 1
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)

    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1], 1),
        "errors": errors,
    }


def run_scorer(
    url: str, scorer: str, key: str, job_id: str, cvs: list[bytes], args: argparse.Namespace
) -> dict[str, Any]:
    port = free_port()

    def healthz(_n: int) -> tuple[bytes, bytes]:
        return b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n", b""

    def apply(n: int) -> tuple[bytes, bytes]:
        content_type, body = multipart(job_id, n + args.offset[scorer], cvs[n % len(cvs)])
        head = (
            "POST /api/job_applications HTTP/1.1\r\nHost: bench\r\n"
            f"X-API-Key: {key}\r\nOrigin: https://careers.bench.example\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode(), body

    def measured(make: Any, expect: tuple[int, ...]) -> dict[str, Any]:
        before, client = cpu_snapshot(proc.pid), time.process_time()
        result = asyncio.run(phase(port, args.concurrency, args.duration, make, expect))
        after, client = cpu_snapshot(proc.pid), time.process_time() - client
        n = max(1, result["requests"])
        result["cpu_ms_per_request"] = {
            "server": round((after["server"] - before["server"]) / n * 1000, 2),
            "postgres": round((after["postgres"] - before["postgres"]) / n * 1000, 2),
            "client": round(client / n * 1000, 2),
        }
        return result

    with serve(url, port, args.workers, scorer, args.ml_threads) as proc:
        log(f"[{scorer}] warm-up")
        asyncio.run(phase(port, args.concurrency, 3.0, apply, (201,)))
        args.offset[scorer] += 1_000_000
        log(f"[{scorer}] GET /healthz for {args.duration} s")
        health = measured(healthz, (200,))
        log(f"[{scorer}] POST /api/job_applications for {args.duration} s")
        applies = measured(apply, (201,))
    return {"healthz": health, "apply": applies}


def embedding_throughput(cvs: list[bytes], seconds: float = 8.0) -> dict[str, Any]:
    """CVs/s of the ml scorer's model alone: each CV's chunks encoded, nothing else."""
    from hireloop.domain.resumes.extract import extract_text
    from hireloop.domain.screening.semantic import get_semantic_model

    model = get_semantic_model()
    chunked = [model.chunks(extract_text(cv).text) for cv in cvs]
    model._encode(chunked[0])  # load + warm
    n, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        model._encode(chunked[n % len(chunked)])
        n += 1
    elapsed = time.perf_counter() - started
    return {"cvs_per_second": round(n / elapsed, 1), "chunks_per_cv": len(chunked[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scorers", default="default,ml")
    parser.add_argument(
        "--ml-threads",
        type=int,
        default=None,
        help="HIRELOOP_ML_THREADS of the server (default: cores / workers, so the workers' "
        "torch threads do not outnumber the cores); the raw embedding baseline uses torch's "
        "default (every core in one process)",
    )
    parser.add_argument(
        "--variants", type=int, default=300, help="distinct CVs cycled through (no cache hits)"
    )
    args = parser.parse_args()
    if args.ml_threads is None:
        args.ml_threads = max(1, (os.cpu_count() or 1) // max(1, args.workers))

    sys.path.insert(0, str(ROOT))
    from bench.machine import describe
    from hireloop.domain.screening import semantic

    machine = describe()  # before the server and PostgreSQL load the machine
    log(f"machine: {machine['cpus']} CPUs, Python loop {machine['python_loop_seconds']} s")

    scorers = [s.strip() for s in args.scorers.split(",") if s.strip()]
    if "ml" in scorers and not semantic.is_available():
        log("ml extra not installed: skipping the ml scorer")
        scorers.remove("ml")
    args.offset = dict.fromkeys(scorers, 0)

    recreate_database(args.database_url)
    key, job_id = seed(args.database_url)
    cvs = [make_cv(variant=i) for i in range(args.variants)]
    log(f"CVs: {len(cvs)} variants of {len(cvs[0])} bytes, 2 pages")

    results: dict[str, Any] = {}
    for scorer in scorers:
        results[scorer] = run_scorer(args.database_url, scorer, key, job_id, cvs, args)
    if "ml" in results:
        raw = embedding_throughput(cvs)
        results["ml"]["raw_embedding"] = raw
        results["ml"]["ratio_to_raw_embedding"] = round(
            results["ml"]["apply"]["per_second"] / raw["cvs_per_second"], 3
        )

    default = results.get("default", {}).get("apply")
    targets = (
        {
            "applications_per_second >= 150": default["per_second"] >= 150
            and not default["errors"],
            "p99 <= 150 ms": default["p99_ms"] <= 150 and not default["errors"],
        }
        if default
        else {}
    )
    report = {
        "benchmark": "career_apply",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "settings": {
            "duration_s": args.duration,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "ml_threads": args.ml_threads,
            "cv_bytes": len(cvs[0]),
            "cv_variants": len(cvs),
        },
        "results": results,
        "targets": targets,
    }
    print(
        f"{'scorer':8} {'phase':8} {'req/s':>8} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}"
        f" {'errors':>6}   CPU ms/request: server + postgres + client"
    )
    for scorer, r in results.items():
        for name in ("healthz", "apply"):
            m = r[name]
            cpu = m["cpu_ms_per_request"]
            print(
                f"{scorer:8} {name:8} {m['per_second']:8.1f} {m['p50_ms']:8.1f} {m['p90_ms']:8.1f}"
                f" {m['p99_ms']:8.1f} {m['max_ms']:8.1f} {sum(m['errors'].values()):6}"
                f"   {cpu['server']} + {cpu['postgres']} + {cpu['client']}"
            )
        if "raw_embedding" in r:
            print(
                f"ml raw embedding: {r['raw_embedding']['cvs_per_second']} CVs/s; "
                f"applies/s ÷ raw = {r['ratio_to_raw_embedding']:.0%}"
            )
    print(f"machine: {machine['cpus']} CPUs, Python loop {machine['python_loop_seconds']} s")
    for target, ok in targets.items():
        print(f"target {target}: {'PASS' if ok else 'MISS'}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"career_apply-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
