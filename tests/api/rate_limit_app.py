"""A small app behind RateLimitMiddleware, served by real uvicorn processes in
test_rate_limit_processes.py. Configured by environment variables:
RL_TEST_STORAGE (storage URI), RL_TEST_LIMIT (per minute), RL_TEST_KEY_PREFIX."""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hireloop.api.rate_limit import RateLimitMiddleware

TOO_MANY = {"status": "error", "data": None, "message": "Too many requests. Please retry later."}


def too_many_requests(request: Request, retry_after: int) -> Response:
    return JSONResponse(TOO_MANY, status_code=429)


async def job_offers(request: Request) -> Response:
    return JSONResponse({"status": "success", "data": [], "pid": os.getpid()})


async def healthz(request: Request) -> Response:
    return JSONResponse({"pid": os.getpid()})


app = RateLimitMiddleware(
    Starlette(routes=[Route("/api/job_offers", job_offers), Route("/healthz", healthz)]),
    prefixes=("/api/job_offers", "/api/job_applications"),
    limit_per_minute=int(os.environ.get("RL_TEST_LIMIT", "5")),
    storage_uri=os.environ.get("RL_TEST_STORAGE", "memory://"),
    key_prefix=os.environ.get("RL_TEST_KEY_PREFIX", "hireloop:career"),
    response_for=too_many_requests,
)
