"""Headless Chromium for the web tests (Debian's /usr/bin/chromium driven by Playwright).

Browser test modules set ``pytestmark = requires_browser`` and use the ``browser``
fixture of tests/web/conftest.py; they skip with the reason when either is missing.
"""

from __future__ import annotations

import os

import pytest

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    Browser = Page = expect = None  # type: ignore[assignment,misc]
    sync_playwright = None  # type: ignore[assignment]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

requires_browser = [
    pytest.mark.skipif(sync_playwright is None, reason="Python playwright is not installed"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"{CHROMIUM} is missing (Debian package 'chromium'; `make test` installs it)",
    ),
]

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "Browser",
    "Page",
    "expect",
    "requires_browser",
    "sync_playwright",
]
