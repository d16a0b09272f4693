"""A decompression-bomb PDF sent to the career API: refused with the extraction error, and
the server process does not grow (the PDF reader process pays for it)."""

from __future__ import annotations

from sqlalchemy import select

from hireloop.domain.candidates.models import Candidate
from tests.api.careers.test_applications import apply, err
from tests.pdf_bomb import flate_bomb_pdf, pdf_limits, peak_rss_growth  # noqa: F401


def test_a_pdf_bomb_is_an_extraction_failure(client, auth, session, job, pdf_limits) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    pdf_limits(memory_mb=256)
    bomb = flate_bomb_pdf(600)  # a 0.6 MB file; 600 MB once inflated
    with peak_rss_growth() as growth:
        r = apply(client, auth, job.public_id, cv=bomb)
    err(r, 500, "Failed to extract text from CV: the PDF is too large to read once decompressed")
    assert growth.megabytes < 100, f"the server process grew by {growth.megabytes:.0f} MB"
    assert session.scalar(select(Candidate.id)) is None
    # The next apply is read by a fresh reader.
    assert apply(client, auth, job.public_id).status_code == 201
