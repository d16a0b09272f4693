"""The hosted career pages through HTTP (TestClient): listing, job page, apply form."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.files.models import File
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.models import Message
from hireloop.web.security import CSRF_COOKIE
from tests.api.careers.conftest import hold_apply_turns
from tests.cv_files import make_docx, make_encrypted_office_file, make_pdf, make_word_online_docx
from tests.factories import Factory
from tests.web.conftest import csrf_from

CV = make_pdf(["Jean Dupont", "jean.dupont@example.com", "", "Skills", "Python, SQL"])


def job_url(company: Company, job: Job) -> str:
    return f"/careers/{company.slug}/jobs/{job.public_id}"


def fields(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Jean",
        "last_name": "Dupont",
        "email": "jean.dupont@example.com",
        "phone": "+33 1 23 45 67 89",
        "linkedin_url": "https://linkedin.com/in/jeandupont",
        "cover_letter": "Je suis motivé par ce poste.",
    }
    data.update(overrides)
    return data


def post_apply(
    client: TestClient,
    company: Company,
    job: Job,
    *,
    cv: tuple[str, bytes, str] | None = ("cv.pdf", CV, "application/pdf"),
    token: str | None = "fetch",
    **overrides: str,
):  # type: ignore[no-untyped-def]
    data = fields(**overrides)
    if token == "fetch":
        token = csrf_from(client.get(job_url(company, job)).text)
    if token is not None:
        data["csrf_token"] = token
    files = {"cv": cv} if cv else {"unused": ("", b"", "application/octet-stream")}
    return client.post(job_url(company, job) + "/apply", data=data, files=files)


# --- Listing ------------------------------------------------------------------------------


def test_listing_shows_only_published_open_jobs_of_the_company(
    client: TestClient, factory: Factory, session: Session, company: Company, job: Job
) -> None:
    factory.job(company, title="Active Role", status="active")
    factory.job(company, title="Draft Role", status="draft")
    factory.job(company, title="Closed Role", status="closed")
    factory.job(company, title="Paused Role", status="paused")
    later = factory.job(company, title="Future Role")
    later.published_at = utcnow() + timedelta(days=3)
    session.commit()
    other = factory.company("Globex")
    factory.job(other, title="Globex Role")

    r = client.get(f"/careers/{company.slug}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "Full Stack Developer" in html and "Active Role" in html
    for hidden in ("Draft Role", "Closed Role", "Paused Role", "Future Role", "Globex Role"):
        assert hidden not in html
    assert "2 open positions" in html
    assert f'href="{job_url(company, job)}"' in html
    assert "<title>Careers at Acme Careers</title>" in html


def test_listing_of_a_company_without_jobs_says_so(client: TestClient, factory: Factory) -> None:
    empty = factory.company("Quiet Co")
    r = client.get(f"/careers/{empty.slug}")
    assert r.status_code == 200
    assert "no open positions right now" in r.text


def test_listing_paginates(client: TestClient, factory: Factory, company: Company) -> None:
    for i in range(23):
        factory.job(company, title=f"Role {i:02d}")
    first = client.get(f"/careers/{company.slug}").text
    assert first.count('class="job-card"') == 20
    assert "Page 1 of 2" in first and "?page=2" in first
    second = client.get(f"/careers/{company.slug}?page=2").text
    assert second.count('class="job-card"') == 3
    assert client.get(f"/careers/{company.slug}?page=abc").status_code == 200


def test_unknown_or_inactive_company_is_a_404_page(
    client: TestClient, factory: Factory, session: Session
) -> None:
    r = client.get("/careers/no-such-company")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Page not found" in r.text
    sleepy = factory.company("Sleepy Co")
    factory.job(sleepy, title="Hidden")
    sleepy.active = False
    session.commit()
    assert client.get(f"/careers/{sleepy.slug}").status_code == 404


def test_trailing_slash_and_jobs_index_redirect(client: TestClient, company: Company) -> None:
    r = client.get(f"/careers/{company.slug}/")
    assert r.status_code in (307, 308) and r.headers["location"].endswith(
        f"/careers/{company.slug}"
    )
    r = client.get(f"/careers/{company.slug}/jobs")
    assert r.status_code == 308 and r.headers["location"] == f"/careers/{company.slug}"
    r = client.get(f"/careers/{company.slug}/anything/else")
    assert r.status_code == 404 and "Page not found" in r.text


# --- Job page -----------------------------------------------------------------------------


def test_job_page_renders_markdown_safely(client: TestClient, company: Company, job: Job) -> None:
    r = client.get(job_url(company, job))
    assert r.status_code == 200
    html = r.text
    description = html.split('<div class="description">')[1].split("</article>")[0]
    assert '<div class="table-scroll">\n<table>' in description  # scrolls on its own
    assert "<th>Skill</th>" in description
    assert "<td>Python</td>" in description
    assert "<s>Beginner</s>" in description
    assert "<h2>About the role</h2>" in description  # the title is the only <h1>
    assert html.count("<h1") == 1
    assert "<strong>Python</strong>" in description
    assert "<script" not in html
    assert "&lt;script&gt;" in description
    assert 'href="https://blog.example.com" rel="nofollow noopener"' in description
    # An unsafe link is its text, not a link and not its Markdown source.
    assert "and <span>a trap</span>." in description
    assert "javascript:" not in description and "[a trap]" not in description


def test_job_page_has_title_opengraph_and_security_headers(
    client: TestClient, company: Company, job: Job
) -> None:
    r = client.get(job_url(company, job))
    html = r.text
    assert "<title>Full Stack Developer — Acme Careers</title>" in html
    url = f"http://127.0.0.1:8000{job_url(company, job)}"
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:title" content="Full Stack Developer — Acme Careers">' in html
    assert '<meta property="og:description" content="About the role We are hiring a Python' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    csp = r.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp  # no script may run
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Path=/careers" in cookie
    assert client.head(job_url(company, job)).status_code == 200


def test_stylesheet_is_served(client: TestClient, company: Company) -> None:
    html = client.get(f"/careers/{company.slug}").text
    href = re.search(r'rel="stylesheet" href="([^"]+)"', html)
    assert href
    r = client.get(href.group(1))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert "@media" in r.text


def test_unknown_malformed_draft_and_foreign_jobs_are_404(
    client: TestClient, factory: Factory, company: Company
) -> None:
    base = f"/careers/{company.slug}/jobs/"
    assert client.get(base + "00000000-0000-4000-8000-000000000000").status_code == 404
    r = client.get(base + "not-a-uuid")
    assert r.status_code == 404 and "Page not found" in r.text
    assert f'href="/careers/{company.slug}"' in r.text  # a way back to the list
    draft = factory.job(company, title="Draft Role", status="draft")
    assert client.get(job_url(company, draft)).status_code == 404
    other = factory.company("Globex")
    foreign = factory.job(other, title="Globex Role")
    r = client.get(base + foreign.public_id)
    assert r.status_code == 404 and "Globex Role" not in r.text
    # ... and nobody can apply to it through this company's page.
    r = client.post(base + foreign.public_id + "/apply", data=fields())
    assert r.status_code == 404


def test_closed_job_link_says_it_is_closed(
    client: TestClient, factory: Factory, session: Session, company: Company
) -> None:
    closed = factory.job(company, title="Old Role")  # published, then closed
    closed.status = "closed"
    session.commit()
    r = client.get(job_url(company, closed))
    assert r.status_code == 410
    assert "no longer accepts applications" in r.text
    assert "<form" not in r.text
    # A post to it (a form opened before it closed): the form again with the message.
    r = client.post(job_url(company, closed) + "/apply", data=fields())
    assert r.status_code == 409 and "this job offer has just closed" in r.text
    never = factory.job(company, title="Never Published", status="closed")
    assert client.get(job_url(company, never)).status_code == 404


# --- Applying -----------------------------------------------------------------------------


def test_apply_redirects_to_a_confirmation(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    r = post_apply(client, company, job)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith(job_url(company, job) + "/applied?ref=")
    page = client.get(location)
    assert page.status_code == 200
    assert "Application received" in page.text
    assert "Thank you, Jean!" in page.text
    assert page.headers["cache-control"] == "no-store"
    application = session.scalar(select(Application).where(Application.job_id == job.id))
    assert application is not None
    assert application.source == "careers_page"
    assert application.cover_letter == "Je suis motivé par ce poste."


def test_apply_twice_shows_the_existing_application(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    assert post_apply(client, company, job).status_code == 303
    new_cv = make_pdf(["Jean Dupont", "jean.dupont@example.com", "", "Skills", "Go, Rust"])
    again = post_apply(
        client,
        company,
        job,
        cv=("cv-2025.pdf", new_cv, "application/pdf"),
        first_name="JEAN",
        last_name="dupont",
        email="Jean.Dupont@Example.com",
    )
    assert again.status_code == 303
    # The seed's lifecycle: the CV just sent is the candidate's CV now, the earlier one
    # is gone; the page says so instead of implying that nothing changed.
    cvs = session.scalars(select(File).where(File.kind == "cv")).all()
    assert [f.name for f in cvs] == ["cv-2025.pdf"]
    page = client.get(again.headers["location"])
    assert "You have already applied" in page.text
    assert "Your application from that day is kept as it was" in page.text
    assert "The CV you just sent has replaced the one you sent before" in page.text
    count = session.scalars(select(Application).where(Application.job_id == job.id)).all()
    assert len(count) == 1


def test_an_apply_from_the_page_waits_for_a_turn_shared_with_the_api(
    client: TestClient, company: Company, job: Job
) -> None:
    import threading

    token = csrf_from(client.get(job_url(company, job)).text)
    release = hold_apply_turns(client)  # the process's turns, as API applies would
    answers: list[int] = []
    waiting = threading.Thread(
        target=lambda: answers.append(post_apply(client, company, job, token=token).status_code)
    )
    try:
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive() and answers == []  # queued, not refused
    finally:
        release()
    waiting.join(timeout=60)
    assert answers == [303]


def test_apply_with_a_docx(client: TestClient, company: Company, job: Job) -> None:
    docx = make_docx(["Jean Dupont", "jean.dupont@example.com", "Python"])
    r = post_apply(
        client,
        company,
        job,
        cv=(
            "cv.docx",
            docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    )
    assert r.status_code == 303, r.text


def test_missing_csrf_token_is_refused_and_keeps_the_values(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    client.get(job_url(company, job))  # has the cookie, but the post has no token
    r = post_apply(client, company, job, token=None)
    assert r.status_code == 403
    assert "this form has expired" in r.text
    assert 'value="jean.dupont@example.com"' in r.text
    assert session.scalars(select(Application)).all() == []


def test_csrf_token_must_match_the_cookie(
    client: TestClient, app, company: Company, job: Job
) -> None:  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(job_url(company, job)).text)
    with TestClient(app, follow_redirects=False) as other_browser:
        other_browser.get(job_url(company, job))  # its own cookie
        r = post_apply(other_browser, company, job, token=token)
        assert r.status_code == 403
    client.cookies.clear()
    assert post_apply(client, company, job, token=token).status_code == 403
    assert post_apply(client, company, job, token="123.forged").status_code == 403


def test_form_errors_keep_what_was_typed(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    r = post_apply(
        client,
        company,
        job,
        first_name='Jean"><script>alert(1)</script>',
        last_name="  ",
        email="not-an-email",
        phone="call me maybe",
        linkedin_url="linkedin.com/in/x",
        cover_letter="Line one\n</textarea><b>bold</b>",
    )
    assert r.status_code == 400
    html = r.text
    assert "<title>Error: Full Stack Developer — Acme Careers</title>" in html
    assert "Your application was not sent" in html
    assert "Please enter your last name." in html
    assert "Please enter a valid email address" in html
    assert "Please enter a valid phone number" in html
    assert "starting with https://" in html
    assert 'value="Jean&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'value="not-an-email"' in html
    assert 'value="call me maybe"' in html
    assert "Line one\n&lt;/textarea&gt;&lt;b&gt;bold&lt;/b&gt;</textarea>" in html
    assert "<script>alert(1)" not in html
    assert "attach your CV again" in html
    assert 'aria-invalid="true"' in html
    assert session.scalars(select(Application)).all() == []


def test_missing_cv(client: TestClient, company: Company, job: Job) -> None:
    r = post_apply(client, company, job, cv=None)
    assert r.status_code == 400
    assert "Please attach your CV" in r.text


def test_non_pdf_cv_is_refused(client: TestClient, company: Company, job: Job) -> None:
    r = post_apply(client, company, job, cv=("cv.txt", b"Jean Dupont\nPython\n", "text/plain"))
    assert r.status_code == 400
    assert "Your CV must be a PDF or a Word (.docx) file." in r.text
    assert 'value="Dupont"' in r.text
    r = post_apply(
        client, company, job, cv=("cv.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "image/png")
    )
    assert "Your CV must be a PDF or a Word (.docx) file." in r.text
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    r = post_apply(client, company, job, cv=("cv.doc", legacy, "application/msword"))
    assert "Old Word .doc files are not supported" in r.text
    r = post_apply(client, company, job, cv=("cv.pdf", b"", "application/pdf"))
    assert "Please attach your CV" in r.text or "is empty" in r.text


def test_cv_over_10_mb_is_refused(client: TestClient, company: Company, job: Job) -> None:
    # Over 10 MB but within the body cap (10 MB + 256 KB): read, checked, 400, values kept.
    big = CV + b"%" * (10 * 1024 * 1024)
    r = post_apply(client, company, job, cv=("cv.pdf", big, "application/pdf"))
    assert r.status_code == 400
    assert "Your CV is larger than 10 MB" in r.text
    assert 'value="jean.dupont@example.com"' in r.text
    # Past the body cap the body is not read: 413, the typed values cannot come back.
    huge = CV + b"%" * (10 * 1024 * 1024 + 300 * 1024)
    r = post_apply(client, company, job, cv=("cv.pdf", huge, "application/pdf"))
    assert r.status_code == 413
    assert "Your CV is larger than 10 MB" in r.text


def test_applied_page_needs_a_valid_reference(
    client: TestClient, company: Company, job: Job, factory: Factory
) -> None:
    location = post_apply(client, company, job).headers["location"]
    assert client.get(location).status_code == 200
    tampered = location.replace("~new~", "~existing~")
    assert tampered != location and client.get(tampered).status_code == 404
    # Nor can the first name or the email flag be changed.
    assert client.get(location.replace("~mail~", "~nomail~")).status_code == 404
    assert client.get(job_url(company, job) + "/applied").status_code == 404
    # A valid reference for this job does not work under another job's address.
    other_job = factory.job(company, title="Other Role")
    ref = location.split("ref=")[1]
    assert client.get(job_url(company, other_job) + "/applied?ref=" + ref).status_code == 404


def test_get_on_the_apply_address_goes_back_to_the_job(
    client: TestClient, company: Company, job: Job
) -> None:
    r = client.get(job_url(company, job) + "/apply")
    assert r.status_code == 303 and r.headers["location"] == job_url(company, job)


def test_the_error_summary_takes_the_focus_without_script(
    client: TestClient, company: Company, job: Job
) -> None:
    """The form is far below the description: the browser must bring the summary into
    view by itself (autofocus; the browser test checks the scroll and the focus)."""
    r = post_apply(client, company, job, email="nope")
    assert r.status_code == 400
    summary = re.search(r'<div class="error-summary"[^>]*>', r.text)
    assert summary and " autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert "<script" not in r.text
    # Only one element asks for the focus, and a page without errors asks for none.
    assert r.text.count(" autofocus") == 1
    assert " autofocus" not in client.get(job_url(company, job)).text


def test_a_field_with_a_hint_and_an_error_is_described_by_both(
    client: TestClient, company: Company, job: Job
) -> None:
    r = post_apply(
        client, company, job, linkedin_url="linkedin.com/in/x", cv=("cv.txt", b"x", "text/plain")
    )
    assert r.status_code == 400
    linkedin = re.search(r'<input id="linkedin_url"[^>]*>', r.text)
    assert linkedin and 'aria-describedby="linkedin_url-hint linkedin_url-error"' in linkedin.group(
        0
    )
    assert 'id="linkedin_url-hint"' in r.text and 'id="linkedin_url-error"' in r.text
    cv = re.search(r'<input id="cv"[^>]*>', r.text)
    assert cv and 'aria-describedby="cv-hint cv-error"' in cv.group(0)
    # Without an error: the hint only; a field with neither has no aria-describedby.
    page = client.get(job_url(company, job)).text
    linkedin = re.search(r'<input id="linkedin_url"[^>]*>', page)
    assert linkedin and 'aria-describedby="linkedin_url-hint"' in linkedin.group(0)
    email = re.search(r'<input id="email"[^>]*>', page)
    assert email and "aria-describedby" not in email.group(0)
    r = post_apply(client, company, job, email="nope")
    email = re.search(r'<input id="email"[^>]*>', r.text)
    assert email and 'aria-describedby="email-error"' in email.group(0)


def test_a_cover_letter_at_the_limit_with_browser_line_breaks_is_accepted(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    """Browsers send a textarea's line breaks as CRLF while its maxlength counts one
    character each: 10,000 characters as typed must pass, and are stored with LF."""
    typed = ("word " * 199 + "\n") * 10  # 10 lines of 996 characters
    typed = typed + "x" * (10_000 - len(typed))
    assert len(typed) == 10_000 and typed.count("\n") == 10
    r = post_apply(client, company, job, cover_letter=typed.replace("\n", "\r\n"))
    assert r.status_code == 303, r.text
    application = session.scalar(select(Application).where(Application.job_id == job.id))
    assert application is not None and application.cover_letter == typed
    # A lone CR (old Mac) counts as one line break too; one character more is too long.
    r = post_apply(
        client, company, job, email="b@example.com", cover_letter=typed[:500] + "\r" + typed[500:]
    )
    assert r.status_code == 400
    assert "This is too long: please keep it to at most 10000 characters." in r.text
    assert "\r" not in r.text.split('id="cover_letter"')[1].split("</textarea>")[0]


def test_a_job_closed_while_the_form_was_open_says_so_next_to_the_form(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    token = csrf_from(client.get(job_url(company, job)).text)
    job.status = "closed"
    session.commit()
    r = post_apply(client, company, job, token=token, cover_letter="Three paragraphs of me.")
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "Sorry, this job offer has just closed and no longer accepts applications." in html
    assert "Your application was not sent" in html
    assert 'value="jean.dupont@example.com"' in html
    assert ">Three paragraphs of me.</textarea>" in html
    assert f'href="/careers/{company.slug}">See the open positions at Acme Careers' in html
    assert "Send my application" not in html  # nothing to send any more
    assert "attach your CV again" not in html
    assert session.scalars(select(Application)).all() == []
    # Opening the link afterwards: the closed page.
    assert client.get(job_url(company, job)).status_code == 410


def test_past_the_rate_limit_the_form_comes_back_with_the_message(
    settings: Settings, session_factory, session: Session, company: Company, job: Job
) -> None:  # type: ignore[no-untyped-def]
    limited = settings.model_copy(update={"career_rate_limit_per_ip": 2})
    app = create_app(limited, session_factory=session_factory)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as browser:
        token = csrf_from(browser.get(job_url(company, job)).text)
        for _ in range(2):  # two posts with an error: counted, not refused
            assert post_apply(browser, company, job, token=token, email="x").status_code == 400
        r = post_apply(
            browser, company, job, token=token, first_name="Zoé", cover_letter="Line 1\nLine 2"
        )
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("text/html")
    retry_after = int(r.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert r.headers["x-ratelimit-remaining"] == "0" and r.headers["x-ratelimit-limit"] == "2"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    html = r.text
    seconds = f"{retry_after} second{'s' if retry_after != 1 else ''}"
    assert f"Too many attempts from your network; please try again in {seconds}." in html
    assert "you will need to attach your CV again" in html
    assert "<title>Error: Full Stack Developer — Acme Careers</title>" in html
    assert 'value="Zoé"' in html and 'value="jean.dupont@example.com"' in html
    assert ">Line 1\nLine 2</textarea>" in html
    assert "Send my application" in html and 'name="csrf_token"' in html
    assert session.scalars(select(Application)).all() == []


def test_careers_without_a_company_is_the_404_page(client: TestClient) -> None:
    for path in ("/careers", "/careers/"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html"), path
        assert "Page not found" in r.text
        assert r.headers["x-frame-options"] == "DENY"
    assert client.head("/careers").status_code == 404


def test_a_slug_in_another_case_redirects_to_the_canonical_address(
    client: TestClient, company: Company, job: Job
) -> None:
    upper = company.slug.upper()
    assert upper != company.slug
    r = client.get(f"/careers/{upper}?page=1")
    assert r.status_code == 308 and r.headers["location"] == f"/careers/{company.slug}?page=1"
    r = client.get(f"/careers/{upper}/jobs/{job.public_id}")
    assert r.status_code == 308 and r.headers["location"] == job_url(company, job)
    r = client.get(f"/careers/{upper}/")
    assert r.status_code == 308
    assert client.get(r.headers["location"]).status_code in (200, 308)
    # Another address under it: redirected too, then the 404 page under the right slug.
    r = client.get(f"/careers/{upper}/nothing")
    assert r.status_code == 308 and r.headers["location"] == f"/careers/{company.slug}/nothing"
    # No company by that name in any case: the 404 page, no redirect.
    assert client.get("/careers/NO-SUCH-COMPANY").status_code == 404


# --- Audit fixes (docs/career-pages.md) ---------------------------------------------------


def confirmation_text(html: str) -> str:
    box = re.search(r'<div class="confirmation.*?</div>', html, re.S)
    assert box, "a confirmation box"
    return re.sub(r"\s+", " ", box.group(0))


def test_applying_again_greets_with_the_name_typed_now_not_the_stored_one(
    client: TestClient, app, session: Session, company: Company, job: Job
) -> None:  # type: ignore[no-untyped-def]
    first = post_apply(
        client, company, job, first_name="Jérôme", last_name="Martin",
        email="jerome.martin@example.com",
    )  # fmt: skip
    assert first.status_code == 303
    assert "Thank you, Jérôme!" in client.get(first.headers["location"]).text
    # Someone else, with no cookie of the first browser, sends the same person's details.
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as other:
        again = post_apply(
            other, company, job, first_name="jerome", last_name="MARTIN",
            email="Jerome.Martin@example.com",
        )  # fmt: skip
        assert again.status_code == 303
        page = client.get(again.headers["location"]).text
    # The existing application is shown (the product rule), greeted as typed just now:
    # the spelling stored for the candidate is not revealed.
    assert "You have already applied" in page
    assert "jerome, you applied for" in page
    assert "Jérôme" not in page


def test_a_new_application_of_a_known_candidate_greets_with_the_typed_name(
    client: TestClient, factory: Factory, company: Company, job: Job
) -> None:
    factory.candidate(
        company, first_name="Jérôme", last_name="Martin", email="jerome.martin@example.com"
    )
    r = post_apply(
        client, company, job, first_name="jerome", last_name="martin",
        email="jerome.martin@example.com",
    )  # fmt: skip
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Thank you, jerome!" in page and "Jérôme" not in page


def test_a_long_first_name_still_gets_its_confirmation(
    client: TestClient, company: Company, job: Job
) -> None:
    name = "Ééééé" * 40  # 200 characters, 400 bytes of UTF-8 in the signed reference
    r = post_apply(client, company, job, first_name=name)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and f"Thank you, {name}!" in page.text


def test_a_word_online_docx_is_accepted_and_read(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    cv = make_word_online_docx(["Jean Dupont", "jean.dupont@example.com", "Python, SQL"])
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    r = post_apply(client, company, job, cv=("CV.docx", cv, docx_type))
    assert r.status_code == 303, r.text
    candidate = session.scalar(select(Candidate))
    assert candidate is not None and "Python, SQL" in (candidate.resume_text or "")
    stored = session.scalar(select(File).where(File.kind == "cv"))
    assert stored is not None and stored.media_type == docx_type


def test_a_password_protected_docx_gets_the_unreadable_message(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    r = post_apply(client, company, job, cv=("CV.docx", make_encrypted_office_file(), docx_type))
    assert r.status_code == 400
    assert "not a scan or a password-protected file" in r.text
    assert "Old Word .doc files are not supported" not in r.text
    assert session.scalars(select(Application)).all() == []


def test_a_page_past_the_last_one_leads_to_the_open_jobs(
    client: TestClient, factory: Factory, company: Company, job: Job
) -> None:
    factory.job(company, title="Second Role")
    r = client.get(f"/careers/{company.slug}?page=2")
    assert r.status_code == 200
    assert "There are no jobs on this page." in r.text
    assert f'<a href="/careers/{company.slug}">See all open positions</a>' in r.text
    assert "open positions</p>" not in r.text and "Page 2 of" not in r.text
    for i in range(23):
        factory.job(company, title=f"Role {i:02d}")
    r = client.get(f"/careers/{company.slug}?page=7")
    assert "There are no jobs on this page." in r.text
    assert "Page 7 of 2" not in r.text and "?page=6" not in r.text


def test_null_characters_are_a_form_error_next_to_the_field(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    for name in ("first_name", "linkedin_url", "cover_letter"):
        r = post_apply(client, company, job, **{name: "hello\x00world"})
        assert r.status_code == 400, name
        assert re.search(
            rf'<p class="error-message" id="{name}-error">This must not contain null characters',
            r.text,
        ), name
        assert "Something went wrong on our side" not in r.text
    assert session.scalars(select(Application)).all() == []


def test_a_null_character_is_dropped_from_the_cv_file_name(
    client: TestClient, session: Session, company: Company, job: Job
) -> None:
    token = csrf_from(client.get(job_url(company, job)).text)
    boundary = "b0undary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in {**fields(), "csrf_token": token}.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="cv"; filename="a\x00b.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + CV
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    r = client.post(
        job_url(company, job) + "/apply",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r.status_code == 303, r.text
    assert session.scalar(select(File.name).where(File.kind == "cv")) == "ab.pdf"


def test_an_invalid_input_the_service_refuses_is_a_400_not_the_500_page(
    client: TestClient, company: Company, job: Job, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from hireloop.domain.careers import service

    def refuse(message: str):  # type: ignore[no-untyped-def]
        def submit(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise service.BadRequest(message)

        return submit

    monkeypatch.setattr(
        service, "submit_application", refuse("phone is too long (at most 50 characters)")
    )
    r = post_apply(client, company, job)
    assert r.status_code == 400
    assert '<p class="error-message" id="phone-error">This cannot be accepted.' in r.text
    monkeypatch.setattr(service, "submit_application", refuse("something else is wrong"))
    r = post_apply(client, company, job)
    assert r.status_code == 400
    assert "Some of your details cannot be accepted." in r.text
    assert "Something went wrong on our side" not in r.text


def test_the_confirmation_email_is_promised_only_when_one_was_queued(
    client: TestClient, factory: Factory, session: Session, company: Company, job: Job
) -> None:
    r = post_apply(client, company, job)
    assert "A confirmation email is on its way to you." in client.get(r.headers["location"]).text
    quiet = factory.candidate(
        company, first_name="Ana", last_name="Cruz", email="ana.cruz@example.com"
    )
    quiet.do_not_contact = True
    session.commit()
    r = post_apply(client, company, job, first_name="Ana", last_name="Cruz",
                   email="ana.cruz@example.com")  # fmt: skip
    assert r.status_code == 303
    box = confirmation_text(client.get(r.headers["location"]).text)
    assert "Application received" in box
    assert "confirmation email" not in box
    assert "The recruiting team will contact you about the next steps." in box
    assert session.scalars(select(Message).where(Message.candidate_id == quiet.id)).all() == []


def test_the_csrf_cookie_is_secure_when_the_site_is_https(
    settings: Settings, session_factory, company: Company, job: Job
) -> None:  # type: ignore[no-untyped-def]
    # Behind a TLS-terminating proxy the request arrives over http.
    https = settings.model_copy(update={"base_url": "https://jobs.example.com"})
    app = create_app(https, session_factory=session_factory)
    with TestClient(app, raise_server_exceptions=False) as browser:
        cookie = browser.get(job_url(company, job)).headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=") and "Secure" in cookie


def test_redirects_keep_the_query_string(client: TestClient, company: Company, job: Job) -> None:
    r = client.get(f"/careers/{company.slug}/?utm_source=linkedin")
    assert r.status_code == 308
    assert r.headers["location"] == f"/careers/{company.slug}?utm_source=linkedin"
    r = client.get(job_url(company, job) + "/?utm_source=linkedin&utm_medium=social")
    assert r.headers["location"] == job_url(company, job) + "?utm_source=linkedin&utm_medium=social"
    r = client.get(f"/careers/{company.slug}/jobs?page=2")
    assert r.status_code == 308 and r.headers["location"] == f"/careers/{company.slug}?page=2"


def test_the_error_summary_follows_the_form_order(
    client: TestClient, company: Company, job: Job
) -> None:
    r = post_apply(
        client, company, job, cv=None, email="not-an-email", phone="call me",
        cover_letter="x" * 10_001,
    )  # fmt: skip
    assert r.status_code == 400
    summary = r.text.split('class="error-summary"')[1].split("</ul>")[0]
    assert re.findall(r'<a href="#(\w+)">', summary) == ["email", "phone", "cv", "cover_letter"]
    assert "This is too long: please keep it to at most 10000 characters." in summary


def test_other_methods_get_the_html_page(client: TestClient, company: Company, job: Job) -> None:
    for method, path in (
        ("POST", f"/careers/{company.slug}"),
        ("POST", job_url(company, job)),
        ("PUT", job_url(company, job) + "/apply"),
        ("DELETE", f"/careers/{company.slug}/jobs/{job.public_id}/applied"),
        ("PATCH", "/careers"),
    ):
        r = client.request(method, path)
        assert r.status_code == 405, (method, path)
        assert r.headers["content-type"].startswith("text/html"), (method, path)
        assert "<h1>" in r.text and "detail" not in r.text
        assert "GET" in r.headers["allow"]
    # HEAD on the form's address answers as GET does: back to the job.
    r = client.head(job_url(company, job) + "/apply")
    assert r.status_code == 303 and r.headers["location"] == job_url(company, job)


def test_past_the_rate_limit_without_a_form_or_on_a_closed_job(
    settings: Settings, session_factory, session: Session, factory: Factory, company: Company
) -> None:  # type: ignore[no-untyped-def]
    closed = factory.job(company, title="Old Role")
    closed.status = "closed"
    session.commit()
    limited = settings.model_copy(update={"career_rate_limit_per_ip": 1})
    app = create_app(limited, session_factory=session_factory)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as browser:
        browser.post(f"/careers/nope/jobs/{closed.public_id}/apply", data=fields())
        unknown = browser.post(f"/careers/nope/jobs/{closed.public_id}/apply", data=fields())
        on_closed = browser.post(job_url(company, closed) + "/apply", data=fields())
    assert unknown.status_code == 429
    assert "Too many attempts from your network; please try again in" in unknown.text
    assert "kept below" not in unknown.text and "<form" not in unknown.text
    assert on_closed.status_code == 429
    assert "Sorry, this job offer has just closed" in on_closed.text
    assert "Too many attempts" not in on_closed.text and "Send my application" not in on_closed.text
    assert 'value="jean.dupont@example.com"' in on_closed.text
