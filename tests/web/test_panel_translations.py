"""The candidate panels in the recruiter's language: the composer's token help, the AI
score's criteria, the standard shortlist and reject reasons (a company's own reasons keep
their name); and the campaign settings' email preview, whose token links go nowhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications import reasons as reason_service
from hireloop.domain.applications.models import MovementReason
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.tokens import TOKENS
from hireloop.web.app import candidate_panels
from hireloop.web.app.i18n import gettext_for
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


@pytest.fixture
def world(session: Session, factory: Factory) -> dict[str, Any]:
    company = factory.company("Acme Recruiting")
    owner = create_user(
        session, company.id, email="olga@acme.com", name="Olga", password=PASSWORD, role="owner"
    )
    job = factory.job(company, title="Call Center Agent")
    application = factory.application(job, factory.candidate(company, first_name="Ana"))
    application.ai_score = 80
    application.ai_breakdown = {
        "reasons": [],
        "components": {
            "skills": {"score": 90, "weight": 0.4, "detail": "customer service"},
            "must_have": {"score": 100, "weight": 0.3, "detail": "Has 1 of 1 must-have skills"},
            "nice_to_have": {"score": 50, "weight": 0.2, "detail": ""},
            "bonus": {"score": 0, "weight": 0.1, "detail": ""},
        },
    }
    session.commit()
    return {"company": company, "owner": owner, "job": job, "application": application}


def sign_in(client: TestClient, session: Session, world: dict[str, Any], language: str) -> None:
    world["owner"].language = language
    session.commit()
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": "olga@acme.com", "password": PASSWORD},
    )
    assert r.status_code == 303, r.text


def panel_html(client: TestClient, world: dict[str, Any]) -> str:
    r = client.get(f"/app/applications/{world['application'].id}")
    assert r.status_code == 200, r.text
    return r.text


def token_help(html: str) -> dict[str, str]:
    """The composer's "type tokens yourself" list: token -> description."""
    box = html.split('class="cp-tokens"', 1)[1].split("</details>", 1)[0]
    found = re.findall(r"<dt><code>@(\w+)</code></dt>\s*<dd>([^<]*)</dd>", box)
    return {token: unescape(text) for token, text in found}


# --- 3. the composer's token help -----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "job_title", "candidate_name"),
    [
        ("es", "El título de la campaña.", "El nombre del candidato."),
        ("fr", None, "Le nom du candidat."),
        ("pt", None, "O nome do candidato."),
    ],
)
def test_the_token_help_of_the_composer_is_in_the_users_language(
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    language: str,
    job_title: str | None,
    candidate_name: str,
) -> None:
    sign_in(client, session, world, language)
    html = panel_html(client, world)
    shown = token_help(html)
    assert set(shown) == {t.id for t in TOKENS}
    assert shown["candidate_name"] == candidate_name
    if job_title:
        assert shown["job_title"] == job_title
    assert "The campaign&#39;s title." not in html and "The campaign's title." not in html
    assert "going straight to the first question" not in html
    # Every description is translated: none is its English text.
    english = {t.id: candidate_panels.TOKEN_HELP.get(t.id, t.description) for t in TOKENS}
    for token, text in shown.items():
        assert text != english[token], (language, token)


def test_the_token_help_in_english_matches_the_settings_page(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, session, world, "en")
    shown = token_help(panel_html(client, world))
    assert shown["job_title"] == "The campaign's title."
    assert shown["webdialout_skip_confirmation"] == (
        "The browser interview link, straight to the first question."
    )


# --- 4. the AI score's criteria ---------------------------------------------------------


def ai_score_names(html: str) -> list[str]:
    return re.findall(r"<li><strong>([^<]*)</strong>: \d+", html)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Skills", "Must-have criteria", "Nice-to-have criteria", "Bonus criteria"]),
        (
            "es",
            [
                "Habilidades",
                "Criterios imprescindibles",
                "Criterios deseables",
                "Criterios adicionales",
            ],
        ),
        (
            "fr",
            ["Compétences", "Critères indispensables", "Critères souhaitables", "Critères bonus"],
        ),
        (
            "pt",
            [
                "Competências",
                "Critérios obrigatórios",
                "Critérios desejáveis",
                "Critérios de bônus",
            ],
        ),
    ],
)
def test_the_ai_score_names_the_campaign_criteria(
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    language: str,
    expected: list[str],
) -> None:
    sign_in(client, session, world, language)
    html = panel_html(client, world)
    # In any order: PostgreSQL's JSONB keeps the breakdown's keys in an order of its own.
    assert sorted(ai_score_names(html)) == sorted(expected)
    for raw in ("must_have", "nice_to_have", "bonus"):
        assert f"<strong>{raw}</strong>" not in html


# --- 5. shortlist and reject reasons ----------------------------------------------------


def reason_options(html: str, group: str) -> dict[str, str]:
    """The folder-move select's options of one group: value -> text."""
    start = html.index(f'<optgroup label="{group}">')
    block = html[start : html.index("</optgroup>", start)]
    return dict(re.findall(r'<option value="([^"]+)">([^<]*)</option>', block))


def test_every_standard_reason_has_a_name_that_reads_as_before_in_english() -> None:
    standard = {name for names in reason_service.DEFAULT_REASONS.values() for name in names}
    assert set(candidate_panels.REASON_NAMES) == standard
    for name, msgid in candidate_panels.REASON_NAMES.items():
        assert msgid == reason_service.display_name(name)
        for language in ("es", "fr", "pt"):
            assert gettext_for(language)(msgid) != msgid, (language, name)


@pytest.mark.parametrize(
    ("language", "reject", "shortlist", "not_qualified", "meets", "filled"),
    [
        ("en", "Reject", "Shortlist", "Not Qualified", "Meets Requirements", "Position Filled"),
        (
            "es",
            "Rechazar",
            "Preseleccionar",
            "No cualificado",
            "Cumple los requisitos",
            "Puesto cubierto",
        ),
        (
            "fr",
            "Refuser",
            "Présélectionner",
            "Non qualifié",
            "Répond aux exigences",
            "Poste pourvu",
        ),
        (
            "pt",
            "Rejeitar",
            "Pré-selecionar",
            "Não qualificado",
            "Atende aos requisitos",
            "Vaga preenchida",
        ),
    ],
)
def test_standard_reasons_are_translated_and_the_companys_own_keep_their_name(
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    language: str,
    reject: str,
    shortlist: str,
    not_qualified: str,
    meets: str,
    filled: str,
) -> None:
    company_id = world["company"].id
    reason_service.ensure_default_reasons(session, company_id)
    session.add(MovementReason(company_id=company_id, type="rejected", name="no_work_permit"))
    session.commit()
    sign_in(client, session, world, language)
    html = panel_html(client, world)
    rejected = reason_options(html, reject)
    assert rejected["rejected:not_qualified"] == not_qualified
    assert rejected["rejected:position_filled"] == filled
    assert rejected["rejected:no_work_permit"] == "No Work Permit"  # the company's own
    assert reason_options(html, shortlist)["shortlisted:meets_requirements"] == meets
    if language != "en":
        assert "Failed Background Check" not in html
        assert "Referred Candidate" not in html
    # The company's reasons are not changed: stored names as before.
    stored = set(
        session.scalars(select(MovementReason.name).where(MovementReason.company_id == company_id))
    )
    assert {"not_qualified", "meets_requirements", "no_work_permit"} <= stored


def test_a_translated_reason_is_still_saved_by_its_stored_name(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    from hireloop.domain.applications.models import ApplicationEvent

    sign_in(client, session, world, "es")
    path = f"/app/applications/{world['application'].id}"
    token = csrf_from(client.get(path).text)
    r = client.post(
        path + "/folder",
        data={"csrf_token": token, "action": "reject", "reason": "rejected:not_qualified"},
    )
    assert r.status_code == 303
    event = session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.to_folder == "rejected")
    ).one()
    assert event.reason == "not_qualified"


# --- 6. the email preview of the campaign settings -------------------------------------


TEMPLATE = (
    '<p>Hi {{candidate_name}}, <a href="{{messenger_interview_link}}">Start the interview in '
    'Messenger</a> or <a href="<%= @webdialout %>">take it from your browser</a>. '
    '<a href="https://acme.example.com/jobs?code={{access_code}}">Status</a> '
    '<a href="https://acme.example.com/about">About us</a> '
    '<img src="{{company}}" alt="Logo"></p>'
)


def preview_of(html: str) -> str:
    start = html.index('data-testid="email-preview">')
    return html[start : html.index("</div>", start)]


def test_the_email_preview_has_no_links_to_token_addresses(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    job: Job = world["job"]
    sign_in(client, session, world, "en")
    page = f"/app/campaigns/{job.id}/settings/messages"
    token = csrf_from(client.get(page).text)
    form = {
        "csrf_token": token,
        "kind": "invitation",
        "enabled": "on",
        "sms": "Hi @candidate_name",
        "email_subject": "Welcome to @company",
        "email_html": TEMPLATE,
        "action": "preview",
    }
    r = client.post(page, data=form)
    assert r.status_code == 200, r.text
    preview = preview_of(r.text)
    # No address with a token (a relative URL: a 404 page of the app when clicked).
    assert re.findall(r'(?:href|src)="([^"]*)"', preview) == [
        "#",
        "#",
        "#",
        "https://acme.example.com/about",
    ]
    assert "{{" not in "".join(re.findall(r'(?:href|src)="([^"]*)"', preview))
    assert 'title="{{messenger_interview_link}}"' in preview  # shown on hover
    assert "Start the interview in Messenger</a>" in preview
    assert 'alt="Logo"' in preview
    # The template itself is kept as typed, and saved with its token links.
    assert "{{messenger_interview_link}}" in r.text.split('id="email_html"', 1)[1]
    r = client.post(page, data={**form, "action": "save"})
    assert r.status_code == 303, r.text
    session.expire_all()
    saved = session.get(Job, job.id).messaging_settings["invitation"]["email_html"]  # type: ignore[union-attr]
    assert 'href="{{messenger_interview_link}}"' in saved
    assert "{{webdialout}}" in saved or "@webdialout" in saved
    assert 'href="#"' not in saved

    # The saved template's preview (the page as it opens) has no token address either.
    preview = preview_of(client.get(page + "?kind=invitation").text)
    assert 'href="{{' not in preview and 'src="{{' not in preview
    assert 'href="#"' in preview


def test_the_default_email_preview_has_no_token_links(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    job: Job = world["job"]
    sign_in(client, session, world, "en")
    for kind in ("invitation", "shortlisted", "rejection"):
        r = client.get(f"/app/campaigns/{job.id}/settings/messages?kind={kind}")
        assert r.status_code == 200
        preview = preview_of(r.text)
        assert not re.search(r'(?:href|src)="[^"]*(?:\{\{|%7B%7B|<%)', preview), kind
