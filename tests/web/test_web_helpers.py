"""Markdown rendering, the app secret and CSRF tokens, and the demo's career page URL."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.demo import ensure_demo
from hireloop.domain.companies.onboarding import onboard_company
from hireloop.web.markdown import plain_text, render_markdown
from hireloop.web.security import (
    CSRF_APP,
    CSRF_CAREERS,
    CSRF_MAX_AGE,
    app_secret,
    csrf_token,
    csrf_valid,
    load_or_create_secret,
    sign,
    unsign,
)

# --- Markdown -----------------------------------------------------------------------------


def test_gfm_table_strikethrough_and_task_list() -> None:
    html = render_markdown(
        "| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\n- [x] done\n- [ ] todo\n\nSee www.example.com"
    )
    assert "<table>" in html and "<td><s>2</s></td>" in html
    assert 'type="checkbox"' in html and "disabled" in html
    assert '<a href="http://www.example.com" rel="nofollow noopener">' in html


def test_raw_html_is_text() -> None:
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_only_safe_link_schemes() -> None:
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:x",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
    ):
        html = render_markdown(f"[click]({bad}) <{bad}>")
        assert "href" not in html, bad
    html = render_markdown(
        "[a](https://x.example) [b](http://x.example) [c](mailto:a@b.example) "
        "[d](tel:+33123) [e](/careers/acme) [f](#apply)"
    )
    assert html.count('rel="nofollow noopener"') == 6


def test_unsafe_links_are_their_plain_text() -> None:
    html = render_markdown(
        "Please [click me](javascript:alert(1)) or <vbscript:x> [r][ref]\n\n[ref]: data:text/html,x"
    )
    assert html == "<p>Please <span>click me</span> or <span>vbscript:x</span> <span>r</span></p>\n"


def test_tables_scroll_in_their_own_container() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert html.startswith('<div class="table-scroll">\n<table>')
    assert html.rstrip().endswith("</table>\n</div>")


def test_images_only_over_https() -> None:
    assert 'src="https://x.example/a.png"' in render_markdown("![logo](https://x.example/a.png)")
    assert 'src="/static/a.png"' in render_markdown("![logo](/static/a.png)")
    # The pages' CSP (img-src 'self' https:) would block an http image anyway.
    html = render_markdown("![logo](http://x.example/a.png)")
    assert "src=" not in html and 'alt="logo"' in html
    html = render_markdown("![x](data:image/png;base64,AAAA) ![y](javascript:alert(1))")
    assert "data:image" not in html.replace("![x](data:image/png;base64,AAAA)", "")
    assert 'src="javascript' not in html


def test_headings_move_one_level_down() -> None:
    assert render_markdown("# Role\n\n###### Small").startswith("<h2>Role</h2>")
    assert "<h6>Small</h6>" in render_markdown("###### Small")


def test_plain_text_excerpt() -> None:
    assert plain_text("# About\n\nWe are **hiring** a *dev*.") == "About We are hiring a dev."
    long = plain_text("word " * 100, limit=50)
    assert len(long) <= 50 and long.endswith("…")
    assert render_markdown("") == "" and plain_text(None) == ""


# --- The secret and CSRF ------------------------------------------------------------------


def test_secret_is_created_once_private_and_reused(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path / "data")
    path = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64
    assert load_or_create_secret(tmp_path / "data") == first
    assert app_secret(Settings(data_dir=tmp_path / "data")) == first
    assert load_or_create_secret(tmp_path / "other") != first


def test_csrf_token_is_bound_to_the_nonce_and_expires() -> None:
    secret = b"s" * 32
    nonce = "n" * 43
    token = csrf_token(secret, nonce, scope=CSRF_APP)
    assert csrf_valid(secret, nonce, token, scope=CSRF_APP)
    assert not csrf_valid(secret, "m" * 43, token, scope=CSRF_APP)
    assert not csrf_valid(b"t" * 32, nonce, token, scope=CSRF_APP)
    assert not csrf_valid(secret, None, token, scope=CSRF_APP)
    assert not csrf_valid(secret, nonce, None, scope=CSRF_APP)
    assert not csrf_valid(secret, nonce, "", scope=CSRF_APP)
    old = csrf_token(secret, nonce, scope=CSRF_APP, now=time.time() - CSRF_MAX_AGE - 10)
    assert not csrf_valid(secret, nonce, old, scope=CSRF_APP)


def test_csrf_token_is_bound_to_its_scope_and_session() -> None:
    secret = b"s" * 32
    nonce = "n" * 43
    careers = csrf_token(secret, nonce, scope=CSRF_CAREERS)
    assert csrf_valid(secret, nonce, careers, scope=CSRF_CAREERS)
    assert not csrf_valid(secret, nonce, careers, scope=CSRF_APP)
    signed_in = csrf_token(secret, nonce, scope=CSRF_APP, binding="session-a")
    assert csrf_valid(secret, nonce, signed_in, scope=CSRF_APP, binding="session-a")
    assert not csrf_valid(secret, nonce, signed_in, scope=CSRF_APP, binding="session-b")
    assert not csrf_valid(secret, nonce, signed_in, scope=CSRF_APP)
    anonymous = csrf_token(secret, nonce, scope=CSRF_APP)
    assert not csrf_valid(secret, nonce, anonymous, scope=CSRF_APP, binding="session-a")


def test_signed_values() -> None:
    secret = b"k" * 32
    signed = sign(secret, "applied", "abc~new")
    assert unsign(secret, "applied", signed) == "abc~new"
    assert unsign(secret, "other", signed) is None
    assert unsign(secret, "applied", signed.replace("new", "old")) is None
    assert unsign(secret, "applied", None) is None


# --- Career page URL in the credentials ---------------------------------------------------


def test_company_create_credentials_have_the_career_page(session: Session) -> None:
    company, credentials = onboard_company(
        session, "Globex Hiring", base_url="https://jobs.example.com/"
    )
    assert credentials["career_page_url"] == f"https://jobs.example.com/careers/{company.slug}"


def test_demo_prints_the_career_page_and_adds_it_to_an_old_file(
    session: Session, tmp_path: Path
) -> None:
    credentials = ensure_demo(session, tmp_path, base_url="http://127.0.0.1:8000")
    assert credentials["career_page_url"] == "http://127.0.0.1:8000/careers/acme-recruiting"
    stored_path = tmp_path / "demo-credentials.json"
    assert json.loads(stored_path.read_text())["career_page_url"] == credentials["career_page_url"]
    # Idempotent.
    assert ensure_demo(session, tmp_path, base_url="http://127.0.0.1:8000") == credentials
    # A credentials file written before career pages existed gets the URL added.
    old = dict(credentials)
    del old["career_page_url"]
    stored_path.write_text(json.dumps(old))
    again = ensure_demo(session, tmp_path, base_url="http://127.0.0.1:8000")
    assert again == credentials
    assert json.loads(stored_path.read_text()) == credentials
    # It follows the public URL of the server.
    moved = ensure_demo(session, tmp_path, base_url="https://careers.acme.example")
    assert moved["career_page_url"] == "https://careers.acme.example/careers/acme-recruiting"
