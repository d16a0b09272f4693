"""The hireloop command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hireloop.db import Database
from hireloop.domain.companies.service import authenticate_api_key
from hireloop.errors import Unauthorized
from tests.conftest import create_database
from tests.live_server import live_server

CREDENTIAL_KEYS = {
    "company_id",
    "partner_api_key",
    "career_api_key",
    "talkpush_api_key",
    "talkpush_api_secret",
    "admin_email",
    "admin_password",
    "job_ids",
}


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    url = create_database(f"hireloop_cli_{os.getpid()}")
    env = {**os.environ, "HIRELOOP_DATABASE_URL": url, "HIRELOOP_DATA_DIR": str(tmp_path)}
    env.pop("HIRELOOP_REDIS_URL", None)
    return env


def hireloop(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "hireloop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_demo_json_is_one_object_and_idempotent(cli_env: dict[str, str]) -> None:
    first = json.loads(hireloop(cli_env, "demo", "--json"))
    assert first.keys() >= CREDENTIAL_KEYS
    assert first["partner_api_key"].startswith(("sk_live_", "sk_test_"))
    assert len(first["partner_api_key"]) == len("sk_test_") + 22
    assert len(first["job_ids"]) >= 3
    second = json.loads(hireloop(cli_env, "demo", "--json"))
    assert second == first

    db = Database(cli_env["HIRELOOP_DATABASE_URL"])
    try:
        with db.unit_of_work() as session:
            key = authenticate_api_key(session, first["partner_api_key"], scope="partner")
            assert key.company_id == first["company_id"]
            leads = authenticate_api_key(
                session,
                first["talkpush_api_key"],
                scope="leads",
                secret=first["talkpush_api_secret"],
            )
            assert leads.company_id == first["company_id"]
            with pytest.raises(Unauthorized):
                authenticate_api_key(session, first["career_api_key"], scope="partner")
    finally:
        db.dispose()


def test_demo_prints_sign_in_and_keys_for_people(cli_env: dict[str, str]) -> None:
    out = hireloop(cli_env, "demo")
    assert "admin@acme.example.com" in out
    assert "Partner API key" in out and "sk_" in out


def test_company_create_makes_a_separate_tenant(cli_env: dict[str, str]) -> None:
    demo = json.loads(hireloop(cli_env, "demo", "--json"))
    created = json.loads(hireloop(cli_env, "company", "create", "Globex Hiring", "--json"))
    assert created.keys() >= CREDENTIAL_KEYS
    assert created["company_id"] != demo["company_id"]
    assert created["job_ids"] == []
    assert created["partner_api_key"] != demo["partner_api_key"]


def test_apikey_create_list_revoke(cli_env: dict[str, str]) -> None:
    company = json.loads(hireloop(cli_env, "company", "create", "Initech", "--json"))
    cid = str(company["company_id"])
    issued = json.loads(
        hireloop(
            cli_env,
            "apikey",
            "create",
            "--company",
            cid,
            "--name",
            "ATS sync",
            "--scope",
            "partner",
        )
    )
    assert issued["key"].startswith("sk_")
    listing = hireloop(cli_env, "apikey", "list", "--company", cid)
    assert "ATS sync" in listing
    assert issued["key"] not in listing, "only a prefix is ever shown again"
    assert issued["key"][:12] in listing
    hireloop(cli_env, "apikey", "revoke", str(issued["id"]), "--company", cid)
    assert "revoked" in hireloop(cli_env, "apikey", "list", "--company", cid)
    db = Database(cli_env["HIRELOOP_DATABASE_URL"])
    try:
        with db.unit_of_work() as session, pytest.raises(Unauthorized):
            authenticate_api_key(session, issued["key"], scope="partner")
    finally:
        db.dispose()


def _serve_command(port: int) -> list[str]:
    return [sys.executable, "-m", "hireloop", "serve", "--port", str(port)]


def test_serve_ignores_x_forwarded_for_without_trusted_proxies(cli_env: dict[str, str]) -> None:
    import httpx

    env = {**cli_env, "HIRELOOP_CAREER_RATE_LIMIT_PER_IP": "2", "HIRELOOP_TRUSTED_PROXIES": ""}
    with live_server(
        env, Path(cli_env["HIRELOOP_DATA_DIR"]) / "serve-xff.log", command=_serve_command
    ) as base:
        # Each request claims another client address; all come from one socket peer.
        statuses = [
            httpx.get(
                f"{base}/api/job_offers", headers={"X-Forwarded-For": f"203.0.113.{n}"}
            ).status_code
            for n in range(3)
        ]
    assert statuses == [401, 401, 429]


def test_serve_keeps_credentials_in_addresses_out_of_its_access_log(
    cli_env: dict[str, str],
) -> None:
    import httpx

    log = Path(cli_env["HIRELOOP_DATA_DIR"]) / "serve-access.log"
    with live_server(
        {**cli_env, "HIRELOOP_LOG_LEVEL": "INFO"}, log, command=_serve_command
    ) as base:
        httpx.get(
            f"{base}/api/talkpush_services/campaigns",
            params={"api_key": "sk_live_SECRETKEY", "api_secret": "TOPSECRET", "page": "2"},
        )
        httpx.get(f"{base}/app/password/reset", params={"token": "RESETTOKEN123"})
    text = log.read_text()
    assert "/api/talkpush_services/campaigns?api_key=***&api_secret=***&page=2" in text
    assert "/app/password/reset?token=***" in text
    assert "SECRETKEY" not in text and "TOPSECRET" not in text and "RESETTOKEN123" not in text


def test_serve_migrates_serves_the_demo_and_runs_the_worker(cli_env: dict[str, str]) -> None:
    import time

    import httpx
    from sqlalchemy import select

    from hireloop.domain.outbox.models import OutboxEvent

    demo = json.loads(hireloop(cli_env, "demo", "--json"))
    env = {**cli_env, "HIRELOOP_OUTBOX_POLL_SECONDS": "0.2"}
    with live_server(
        env, Path(cli_env["HIRELOOP_DATA_DIR"]) / "serve.log", command=_serve_command
    ) as base:
        auth = {"Authorization": f"Bearer {demo['partner_api_key']}"}
        jobs = httpx.get(f"{base}/v1/partner/jobs", headers=auth).json()
        assert jobs["totalJobs"] == len(demo["job_ids"])
        assert httpx.get(f"{base}/docs").status_code == 200
        r = httpx.post(
            f"{base}/v1/partner/candidates",
            headers=auth,
            json={
                "firstName": "Live",
                "lastName": "Server",
                "email": "live@example.com",
                "jobId": demo["job_ids"][0],
            },
        )
        assert r.status_code == 200, r.text
        application_id = r.json()["data"]["jobCandidate"]["id"]

        db = Database(cli_env["HIRELOOP_DATABASE_URL"])
        try:

            def relayed() -> bool:
                with db.unit_of_work() as session:
                    events = session.scalars(
                        select(OutboxEvent).where(OutboxEvent.event_type == "application.created")
                    ).all()
                    mine = [e for e in events if e.payload["applicationId"] == application_id]
                    return bool(mine) and mine[0].status == "done"

            deadline = time.monotonic() + 20
            while not relayed():
                assert time.monotonic() < deadline, "the in-process worker did not relay"
                time.sleep(0.2)
        finally:
            db.dispose()


def test_cli_errors_are_one_line_and_exit_1(cli_env: dict[str, str]) -> None:
    for args in (
        ("apikey", "create", "--company", "999"),
        ("company", "create", "Nowhere Ltd", "--country", "XYZ"),
        ("company", "deactivate", "999"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "hireloop", *args],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1, args
        assert result.stderr.startswith("error: "), result.stderr
        assert "Traceback" not in result.stderr


def test_deactivated_company_keys_get_403(cli_env: dict[str, str]) -> None:
    company = json.loads(hireloop(cli_env, "company", "create", "Sleepy Co", "--json"))
    hireloop(cli_env, "company", "deactivate", str(company["company_id"]))
    db = Database(cli_env["HIRELOOP_DATABASE_URL"])
    try:
        from hireloop.errors import Forbidden

        with db.unit_of_work() as session, pytest.raises(Forbidden):
            authenticate_api_key(session, company["partner_api_key"], scope="partner")
        hireloop(cli_env, "company", "activate", str(company["company_id"]))
        with db.unit_of_work() as session:
            authenticate_api_key(session, company["partner_api_key"], scope="partner")
    finally:
        db.dispose()


def test_import_resumes_parses_a_folder_into_a_job(cli_env: dict[str, str], tmp_path: Path) -> None:
    from tests.cv_files import make_docx, make_pdf

    demo = json.loads(hireloop(cli_env, "demo", "--json"))
    folder = tmp_path / "cvs"
    (folder / "sub").mkdir(parents=True)
    people = [("Ana", "Reyes"), ("Ben", "Santos"), ("Carla", "Lim")]
    for i, (first, last) in enumerate(people):
        lines = [
            f"{first} {last}",
            f"{first.lower()}.{last.lower()}@example.com",
            "",
            "Skills",
            "Excel",
        ]
        maker, suffix = (make_pdf, "pdf") if i % 2 else (make_docx, "docx")
        (folder / ("sub" if i == 2 else "") / f"{first}.{suffix}").write_bytes(maker(lines))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 nothing")
    (folder / "notes.md").write_text("ignored")
    out = hireloop(
        cli_env,
        "import",
        "resumes",
        str(folder),
        "--job",
        str(demo["job_ids"][0]),
        "--company",
        str(demo["company_id"]),
    )
    assert "3 parsed, 1 failed" in out
    db = Database(cli_env["HIRELOOP_DATABASE_URL"])
    try:
        from sqlalchemy import select

        from hireloop.domain.applications.models import Application
        from hireloop.domain.candidates.models import Candidate

        with db.unit_of_work() as session:
            emails = set(
                session.scalars(
                    select(Candidate.email)
                    .join(Application, Application.candidate_id == Candidate.id)
                    .where(
                        Application.job_id == demo["job_ids"][0],
                        Application.source == "bulk_upload",
                    )
                )
            )
        assert emails == {
            "ana.reyes@example.com",
            "ben.santos@example.com",
            "carla.lim@example.com",
        }
    finally:
        db.dispose()
