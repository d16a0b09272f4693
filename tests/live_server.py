"""A real server process on 127.0.0.1 for tests that talk to it over the network."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def uvicorn_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "hireloop.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-proxy-headers",  # as docs/operations.md runs it
    ]


@contextmanager
def live_server(
    env: dict[str, str],
    log_path: Path,
    *,
    command: Callable[[int], list[str]] = uvicorn_command,
    port: int | None = None,
    timeout: float = 30.0,
) -> Iterator[str]:
    """Start ``command(port)`` with ``env`` added to the environment, wait until
    ``/healthz`` answers, yield the base URL, and stop the process afterwards. A server that
    does not come up fails with its log."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, **env}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command(port), env=full_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the server did not start:\n" + log_path.read_text())
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
