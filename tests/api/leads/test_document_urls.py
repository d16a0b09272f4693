"""PUT /campaign_invitations/{id}/documents with ``file`` given as a URL (the reference:
"It can be sent as raw binary data or a file URL"): the server fetches it through the SSRF
guard (integrations/fetch.py). The tests' local server is on 127.0.0.1, which the guard
lets through only because these tests allow loopback (HIRELOOP_FETCH_ALLOW_LOOPBACK); a
private address is refused all the same."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.domain.files.models import File
from hireloop.domain.leads.service import MAX_DOCUMENT_BYTES
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.factories import Factory

PDF = b"%PDF-1.4 an ID card"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass

    def do_GET(self) -> None:  # noqa: N802
        routes: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/id-card.pdf": (200, {"Content-Type": "application/pdf"}, PDF),
            "/download?id=7": (
                200,
                {"Content-Disposition": 'attachment; filename="nbi.png"'},
                b"\x89PNG\r\n\x1a\n image",
            ),
            "/untyped.pdf": (200, {}, PDF + b" again"),
            "/missing.pdf": (404, {}, b"no"),
            "/to-private": (302, {"Location": "http://10.0.0.5/id.pdf"}, b""),
            "/big.pdf": (200, {"Content-Type": "application/pdf"}, b"x" * (MAX_DOCUMENT_BYTES + 1)),
        }
        status, headers, body = routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status == 200 and len(body) <= MAX_DOCUMENT_BYTES:
            self.wfile.write(body)


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the guard hanging up
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, with loopback allowed (the local server) and a short timeout."""
    return settings.model_copy(update={"fetch_allow_loopback": True, "fetch_timeout_seconds": 5})


def attach(client: TestClient, t: Tenant, lead: dict[str, Any], file: str, **extra: Any):  # type: ignore[no-untyped-def]
    return client.put(
        f"{P}/campaign_invitations/{lead['id']}/documents",
        params={"api_key": t.key, "document_tag_name": "Government ID"},
        files={"file": (None, file)},
        **extra,
    )


def test_a_document_given_as_a_url_is_fetched_and_attached(
    client: TestClient, factory: Factory, session: Session, server: str
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="url@example.com")
    r = attach(client, t, lead, f"{server}/id-card.pdf")
    assert r.status_code == 200, r.text
    file = r.json()["document"]["files"][0]
    assert (file["name"], file["content_type"]) == ("id-card.pdf", "application/pdf")
    assert r.json()["document"]["tag"] == "Government ID"
    download = client.get(urlsplit(file["url"]).path, params={"api_key": t.key})
    assert download.status_code == 200 and download.content == PDF

    # The name from Content-Disposition, the type from the name when the server gives none;
    # a JSON body's URL works as a form field's does.
    r = attach(client, t, lead, f"{server}/download?id=7")
    assert r.status_code == 200, r.text
    assert r.json()["document"]["files"][0]["name"] == "nbi.png"
    assert r.json()["document"]["files"][0]["content_type"] == "image/png"
    r = client.put(
        f"{P}/campaign_invitations/{lead['id']}/documents",
        params={"api_key": t.key},
        json={"document_tag_name": "Government ID", "file": f"  {server}/untyped.pdf "},
    )
    assert r.status_code == 200, r.text
    assert r.json()["document"]["files"][0]["content_type"] == "application/pdf"
    count = session.scalar(
        select(func.count()).select_from(File).where(File.application_id == lead["id"])
    )
    assert count == 3


def test_a_url_that_cannot_be_fetched_is_a_400(
    client: TestClient, factory: Factory, session: Session, server: str
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="refused@example.com")
    cases = {
        f"{server}/missing.pdf": "HTTP 404",
        f"{server}/to-private": "private or internal address",
        "http://10.0.0.5/id-card.pdf": "private or internal address",
        "http://169.254.169.254/latest/meta-data/": "private or internal address",
        f"{server}/big.pdf": "larger than 10 MB",
    }
    for url, reason in cases.items():
        r = attach(client, t, lead, url)
        assert r.status_code == 400, (url, r.text)
        body = r.json()
        assert body["error"] == "bad_request"
        assert body["message"].startswith("The file URL could not be fetched: "), body
        assert reason in body["message"] and reason in body["details"]["file"], body
    count = session.scalar(
        select(func.count()).select_from(File).where(File.application_id == lead["id"])
    )
    assert count == 0
    # An unknown lead is a 404 before anything is fetched.
    r = client.put(
        f"{P}/campaign_invitations/987654/documents",
        params={"api_key": t.key, "document_tag_name": "Government ID"},
        files={"file": (None, "http://10.0.0.5/id-card.pdf")},
    )
    assert r.status_code == 404


def test_loopback_is_refused_unless_allowed(
    client: TestClient, factory: Factory, session: Session, server: str, app
) -> None:  # type: ignore[no-untyped-def]
    # Production settings: 127.0.0.1 is an internal address like any other.
    app.state.settings = app.state.settings.model_copy(update={"fetch_allow_loopback": False})
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="loop@example.com")
    r = attach(client, t, lead, f"{server}/id-card.pdf")
    assert r.status_code == 400
    assert "private or internal address" in r.json()["message"]
