"""Decompression-bomb PDFs, the peak memory of the test process around a call, and the
PDF reader's limits for a test.

A bomb: a small, valid one-page PDF whose content stream (FlateDecode) inflates to
``megabytes`` MB of filler after a line of real text. 600 MB of spaces deflate to ~0.6 MB,
so the file is far under the 10 MB CV limit."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path

import pytest

from hireloop.config import get_settings


@pytest.fixture
def pdf_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """``pdf_limits(memory_mb=256, timeout=0.3)`` sets the PDF reader's limits (the
    settings; the next PDF starts a reader with them). Unset again after the test."""
    names = {"memory_mb": "HIRELOOP_PDF_MEMORY_LIMIT_MB", "timeout": "HIRELOOP_PDF_TIMEOUT_SECONDS"}

    def set_limits(**limits: float) -> None:
        for key, value in limits.items():
            monkeypatch.setenv(names[key], str(value))
        get_settings.cache_clear()

    yield set_limits
    for name in names.values():
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()


@lru_cache
def flate_bomb_pdf(megabytes: int) -> bytes:
    """Text ("Bomb"), then ``megabytes`` MB of spaces: PDFium needs about twice that much
    memory, for about a second per 300 MB."""
    return _one_page_pdf(b"BT /F1 12 Tf 72 720 Td (Bomb) Tj ET\n", b" ", megabytes)


@lru_cache
def slow_pdf(megabytes: int) -> bytes:
    """Text ("Slow"), then ``megabytes`` MB of ``q Q`` (save and restore the graphics
    state, drawing nothing): ~12 ms of CPU per MB, ~2 MB of memory per MB."""
    return _one_page_pdf(b"BT /F1 12 Tf 72 720 Td (Slow) Tj ET\n", b"q Q ", megabytes)


def _one_page_pdf(text: bytes, filler: bytes, megabytes: int) -> bytes:
    """Built in 1 MB steps: the test process never holds the inflated stream."""
    deflate = zlib.compressobj(6)
    parts = [deflate.compress(text)]
    chunk = filler * (1024 * 1024 // len(filler))
    parts += [deflate.compress(chunk) for _ in range(megabytes)]
    parts.append(deflate.flush())
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


class PeakGrowth:
    megabytes: float = 0.0


@contextmanager
def peak_rss_growth() -> Iterator[PeakGrowth]:
    """How far this process's peak resident size (VmHWM) rose above its size at the start,
    in MB. The peak is reset first (``/proc/self/clear_refs``, Linux 4.0+), so an earlier
    test's peak cannot hide this one's."""
    # The peak becomes the current size; where that is not allowed, the growth is
    # measured above the old peak.
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    start = _status_kb("VmHWM")
    growth = PeakGrowth()
    try:
        yield growth
    finally:
        growth.megabytes = (_status_kb("VmHWM") - start) / 1024
