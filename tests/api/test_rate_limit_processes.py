"""Two real uvicorn server processes share one Redis rate limit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.smtp_server import free_port

REDIS_URL = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parents[2]


def _redis():  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return client


def _serve(port: int, key_prefix: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RL_TEST_STORAGE": REDIS_URL,
        "RL_TEST_LIMIT": "5",
        "RL_TEST_KEY_PREFIX": key_prefix,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.api.rate_limit_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_ready(base: str, proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"uvicorn exited: {out}")
        try:
            return int(httpx.get(f"{base}/healthz", timeout=1).json()["pid"])
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail(f"{base} did not start")


@pytest.fixture
def servers() -> Iterator[tuple[list[str], str]]:
    client = _redis()
    # A namespace of this run under hireloop:career: (rather than flushing a shared
    # Redis database another test run may be using); its keys are deleted afterwards.
    key_prefix = f"hireloop:career:test-{uuid.uuid4().hex[:12]}"
    ports = [free_port(), free_port()]
    procs = [_serve(port, key_prefix) for port in ports]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        pids = {_wait_ready(base, proc) for base, proc in zip(bases, procs, strict=True)}
        assert len(pids) == 2, "two distinct server processes"
        yield bases, key_prefix
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for key in client.scan_iter(f"{key_prefix}:*"):
            client.delete(key)


def test_two_processes_share_one_redis_limit(servers: tuple[list[str], str]) -> None:
    bases, key_prefix = servers
    answers = []
    for i in range(8):
        response = httpx.get(f"{bases[i % 2]}/api/job_offers", timeout=5)
        answers.append(response)

    assert [r.status_code for r in answers] == [200] * 5 + [429] * 3
    assert len({r.json()["pid"] for r in answers[:5]}) == 2, "both processes answered"
    assert [r.headers["X-RateLimit-Remaining"] for r in answers] == [
        "4",
        "3",
        "2",
        "1",
        "0",
        "0",
        "0",
        "0",
    ]
    for refused in answers[5:]:
        assert refused.json() == {
            "status": "error",
            "data": None,
            "message": "Too many requests. Please retry later.",
        }
        assert refused.headers["X-RateLimit-Limit"] == "5"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60

    keys = [k.decode() for k in _redis().scan_iter(f"{key_prefix}:*")]
    assert len(keys) == 1 and keys[0].startswith("hireloop:career:")
