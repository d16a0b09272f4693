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


def test_misspelled_tokens_are_reported_as_written() -> None:
    for text, bad in (
        ("Hi {{candidate-name}}", "{{candidate-name}}"),
        ("Hi {{candidate.name}}", "{{candidate.name}}"),
        ("Hi <%= candidate_name %>", "<%= candidate_name %>"),
        ("Hi <%= @candidate_name -%>", "<%= @candidate_name -%>"),
        ("Hi {{{candidate_name}}}", "{{{candidate_name}}}"),
        ("{{#if candidate_name}}x", "{{#if candidate_name}}"),
    ):
        assert unknown_tokens(text) == [bad], text
    # The three spellings, with spaces, and email addresses pass.
    assert unknown_tokens("@company <%=@referee%> {{ job_title }} jobs@acme.com") == []


def test_html_is_checked_with_its_entities_decoded() -> None:
    hidden = "<p>Hi &#64;bogus_token &#123;&#123;nope}} &lt;%= x %&gt;</p>"
    assert unknown_tokens(hidden) == []
    assert unknown_tokens(hidden, html=True) == ["bogus_token", "nope", "<%= x %>"]


def test_only_known_tokens_are_rewritten_in_handlebars() -> None:
    assert to_handlebars("@candidate_name <%= @company %> @handle <%= @bogus %>") == (
        "{{candidate_name}} {{company}} @handle <%= @bogus %>"
    )


def test_values_inside_urls_are_percent_encoded() -> None:
    values = {
        "candidate_name": 'Mary Ann&ref=evil "x"',
        "company": "Acme & <Co>",
        "webdialout": "https://hire.example.com/interview/1?mode=web",
    }
    name = "Mary%20Ann%26ref%3Devil%20%22x%22"
    # A URL written out in text: the value cannot add a parameter or end the link.
    assert render("Apply https://jobs.acme.com/apply?n=@candidate_name&src=sms now", values) == (
        f"Apply https://jobs.acme.com/apply?n={name}&src=sms now"
    )
    # Elsewhere the value is written as is (SMS) or HTML-escaped (email).
    assert render("Hi <%= @candidate_name %>", values) == 'Hi Mary Ann&ref=evil "x"'
    html = (
        '<a href="https://ex.com/apply?n={{candidate_name}}&amp;c={{company}}">@company</a>'
        '<a href="{{webdialout}}">go</a><a href="{{webdialout}}&amp;n={{ candidate_name }}">x</a>'
    )
    assert render(html, values, html=True) == (
        f'<a href="https://ex.com/apply?n={name}&amp;c=Acme%20%26%20%3CCo%3E">'
        "Acme &amp; &lt;Co&gt;</a>"
        # A token that starts the link is the link itself.
        '<a href="https://hire.example.com/interview/1?mode=web">go</a>'
        f'<a href="https://hire.example.com/interview/1?mode=web&amp;n={name}">x</a>'
    )
