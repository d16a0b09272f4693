"""Token values of an application and their rendering (one renderer for every message)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hireloop.domain.messaging.context import token_values
from hireloop.domain.messaging.tokens import find_tokens, render, to_handlebars, unknown_tokens
from tests.factories import Factory


def test_the_three_spellings_render_and_email_addresses_are_not_tokens() -> None:
    values = {"candidate_name": "Ana", "company": "Acme"}
    text = "Hi @candidate_name! <%= @candidate_name %> / {{ company }} — write to jobs@acme.com"
    assert render(text, values) == "Hi Ana! Ana / Acme — write to jobs@acme.com"
    assert find_tokens(text) == ["candidate_name", "company"]
    assert unknown_tokens("Hi {{upload_link}} @candidate_name @bogus") == ["upload_link", "bogus"]
    # Unknown tokens are left as written; missing values render empty.
    assert render("{{upload_link}} @access_code.", {}) == "{{upload_link}} ."
    assert to_handlebars("<%= @candidate_name %> @company {{job_title}}") == (
        "{{candidate_name}} {{company}} {{job_title}}"
    )


def test_html_rendering_escapes_values() -> None:
    assert render(
        "<p>Hi @candidate_name</p>", {"candidate_name": "<b>Ana</b> & Co"}, html=True
    ) == ("<p>Hi &lt;b&gt;Ana&lt;/b&gt; &amp; Co</p>")


def test_token_values_of_an_application(session: Session, factory: Factory) -> None:
    company = factory.company("Acme BPO")
    job = factory.job(company, title="Customer Service Rep")
    candidate = factory.candidate(company, first_name="Ana", last_name="Cruz", referrer_name="Bo")
    application = factory.application(job, candidate)
    application.pin = "042917"
    application.others = {"referee_first_name": "Maria", "referee_last_name": "Santos"}
    values = token_values(session, application, base_url="https://jobs.example.com/")
    link = f"https://jobs.example.com/interview/{application.public_id}"
    assert values == {
        "candidate_name": "Ana",
        "company": "Acme BPO",
        "access_code": "042917",
        "referee": "Maria Santos",
        "job_title": "Customer Service Rep",
        "messenger_interview_link": link,
        "webdialout": f"{link}?mode=web",
        "webdialout_skip_confirmation": f"{link}?mode=web&skip_confirmation=1",
    }
    application.others = {"referee": " Jo Reyes "}
    assert token_values(session, application)["referee"] == "Jo Reyes"
    application.others = {}
    assert token_values(session, application)["referee"] == "Bo"
    candidate.first_name = ""
    assert token_values(session, application)["candidate_name"] == candidate.last_name
