"""Against a live uvicorn server with its own database: the seed's multipart call made
with curl ``-F`` (the nested keys, ``campaign_invitation[ source]`` with its space, the
raw CV file), and the same lead sent many times at once (retry-safety: one lead)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.service import create_api_key, create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from tests.conftest import create_database
from tests.cv_files import make_pdf
from tests.live_server import live_server


@dataclass
class Live:
    base: str
    key: str
    secret: str
    job_id: int
    company_id: int
    db: Database
    tmp: Path


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_leads_live"
    url = create_database(name)
    tmp = Path(tempfile.mkdtemp(prefix="hireloop-leads-live-"))
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "Live BPO", default_country="PH")
        issued = create_api_key(session, company.id, name="leads", scope="leads", with_secret=True)
        job = create_job(session, company.id, JobData(title="CSR", status="active"), Actor.system())
        session.flush()
        ids = (company.id, job.id)
    env = {
        "HIRELOOP_DATABASE_URL": url,
        "HIRELOOP_DATA_DIR": str(tmp / "data"),
        "HIRELOOP_LOG_LEVEL": "WARNING",
    }
    try:
        with live_server(env, tmp / "server.log") as base:
            assert issued.secret is not None
            yield Live(base, issued.key, issued.secret, ids[1], ids[0], db, tmp)
    finally:
        db.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


def _count(live: Live, model: Any) -> int:
    with live.db.unit_of_work() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(model).where(model.company_id == live.company_id)
            )
            or 0
        )


def test_seed_call_with_curl_multipart(live: Live) -> None:
    cv = live.tmp / "resume.pdf"
    cv.write_bytes(make_pdf(["Rosa Diaz", "rosa.diaz@example.com", "Skills: Excel, English"]))
    url = f"{live.base}/api/talkpush_services/campaigns/{live.job_id}/campaign_invitations"
    command = [
        "curl", "-sS", "-X", "POST", url,
        "-F", f"api_key={live.key}",
        "-F", f"api_secret={live.secret}",
        "-F", "campaign_invitation[first_name]=Rosa",
        "-F", "campaign_invitation[last_name]=Diaz",
        "-F", "campaign_invitation[user_phone_number]=9175550000",
        "-F", "campaign_invitation[email]=rosa.diaz@example.com",
        "-F", f"campaign_invitation[temporary_cv]=@{cv};type=application/pdf",
        "-F", "campaign_invitation[ source]=Careers microsite",
        "-F", "campaign_invitation[others][referee_first_name]=Ana",
        "-F", "campaign_invitation[others][referee_last_name]=Reyes",
        "-F", "campaign_invitation[others][column_title]=Any extra data",
        "-w", "\\n%{http_code}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    body, _, status = done.stdout.rpartition("\n")
    assert status == "200", body
    lead = json.loads(body)["campaign_invitation"]
    assert lead["source"] == "Careers microsite" and len(lead["pin"]) == 6
    assert lead["others"]["column_title"] == "Any extra data"
    with live.db.unit_of_work() as session:
        cand = session.get(Candidate, lead["candidate_id"])
        assert cand is not None and cand.resume_file_id is not None
        assert cand.referrer_name == "Ana Reyes" and "Excel" in (cand.resume_text or "")


@pytest.mark.parametrize(
    "contact",
    [{"email": "race@example.com"}, {"user_phone_number": "+63 917 000 1111"}],
    ids=["email", "phone-only"],
)
def test_the_same_lead_sent_at_once_is_one_lead(live: Live, contact: dict[str, str]) -> None:
    before = (_count(live, Candidate), _count(live, Application))
    url = f"{live.base}/api/talkpush_services/campaigns/{live.job_id}/campaign_invitations"
    body = {
        "api_key": live.key,
        "api_secret": live.secret,
        "campaign_invitation": {"first_name": "Race", "last_name": "Cond", **contact},
    }

    def send(_: int) -> tuple[int, dict[str, Any]]:
        r = httpx.post(url, json=body, timeout=30)
        return r.status_code, r.json()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, range(8)))
    assert all(status == 200 for status, _ in results), results
    assert len({r["campaign_invitation"]["id"] for _, r in results}) == 1
    messages = [r["message"] for _, r in results]
    assert messages.count("Candidate has been successfully created") == 1
    assert (_count(live, Candidate), _count(live, Application)) == (before[0] + 1, before[1] + 1)
