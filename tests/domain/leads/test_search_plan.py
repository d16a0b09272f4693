"""The leads search uses migration 0005's trigram indexes on PostgreSQL (the expression
the query builds must be the indexed one), and is correct on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.candidates.models import Candidate
from hireloop.domain.leads.schemas import LeadFilters
from hireloop.domain.leads.search import candidate_match, search_leads
from tests.factories import Factory


def _plan(session: Session, query: str, regions: tuple[str, ...] = ()) -> str:
    """EXPLAIN of the candidate match with every scan but bitmap index scans disabled: it
    only plans when each OR-ed condition can use an index."""
    stmt = select(Candidate.id).where(candidate_match(query, regions))
    connection = session.connection()
    compiled = stmt.compile(connection)
    for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    rows = connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
    return "\n".join(r[0] for r in rows)


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("maria santos", "ix_candidates_name_trgm"),
        ("bulk1 lead", "ix_candidates_name_trgm"),
        ("someone@example", "ix_candidates_email_trgm"),
        ("+63 917 123 4567", "ix_candidates_phone_trgm"),
    ],
)
def test_search_uses_the_trigram_indexes(session: Session, query: str, index: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    plan = _plan(session, query)
    assert index in plan and "Seq Scan" not in plan, plan


def test_a_national_phone_number_is_looked_for_through_the_phone_index(
    session: Session,
) -> None:
    """``0917 123 4567`` read in the Philippines (+639171234567) is one more LIKE on the
    E.164 column itself: the phone trigram index still serves it (no function of the
    column, no scan of 1M rows)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    plan = _plan(session, "0917 123 4567", ("PH",))
    assert "ix_candidates_phone_trgm" in plan and "Seq Scan" not in plan, plan
    assert "639171234567" in str(
        candidate_match("0917 123 4567", ("PH",)).compile(compile_kwargs={"literal_binds": True})
    )


def test_email_parts_with_digits_are_not_looked_for_in_names(session: Session) -> None:
    """The bench's email searches (``maria.garcia.123``) scan the email index alone, as
    before names could hold digits; a term that can be nothing (no letter, a space, too
    few digits) scans nothing."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    plan = _plan(session, "maria.garcia.123")
    assert "ix_candidates_email_trgm" in plan and "ix_candidates_name_trgm" not in plan, plan
    assert "trgm" not in _plan(session, "- 12")


def test_search_finds_by_each_kind(factory: Factory, session: Session) -> None:
    company = factory.company()
    job = factory.job(company)
    cand = factory.candidate(
        company,
        first_name="Éloïse",
        last_name="Dupont",
        email="eloise.d@example.fr",
        phone="+33 6 12 34 56 78",
    )
    app = factory.application(job, cand)
    for query in ("eloise", "ÉLOÏSE DUP", "d@example.fr", "612345678", f"AP{app.id}", str(app.id)):
        page = search_leads(session, company.id, LeadFilters(query=query), page=1)
        assert [r.application.id for r in page.items] == [app.id], query
        assert page.total == 1
    other = factory.company()
    assert search_leads(session, other.id, LeadFilters(query="eloise"), page=1).total == 0
