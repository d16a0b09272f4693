"""Credentials in query strings are masked in the access log (api/access_log.py); the
real server's log is checked in test_cli.py."""

from __future__ import annotations

import logging

import pytest

from hireloop.api.access_log import SecretQueryFilter, mask_secrets


@pytest.mark.parametrize(
    ("path", "masked"),
    [
        ("/api/talkpush_services/campaigns?api_key=k1&api_secret=s2",
         "/api/talkpush_services/campaigns?api_key=***&api_secret=***"),
        ("/x?page=2&API_KEY=k1&sort=asc", "/x?page=2&API_KEY=***&sort=asc"),
        ("/app/password/reset?token=abc-DEF_123", "/app/password/reset?token=***"),
        ("/x?my_token=keep&tokens=keep", "/x?my_token=keep&tokens=keep"),
        ("/x?api_key=", "/x?api_key=***"),
        ("/share/token=notaquery", "/share/token=notaquery"),
        ("/api/job_offers?page=1", "/api/job_offers?page=1"),
    ],
)  # fmt: skip
def test_mask_secrets(path: str, masked: str) -> None:
    assert mask_secrets(path) == masked


def test_the_filter_rewrites_uvicorns_access_record() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/c?api_key=sk_live_x", "1.1", 401), None,
    )  # fmt: skip
    assert SecretQueryFilter().filter(record) is True
    assert record.getMessage() == '127.0.0.1:5000 - "GET /c?api_key=*** HTTP/1.1" 401'
