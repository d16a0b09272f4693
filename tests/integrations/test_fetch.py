"""The SSRF guard, against a real local HTTP server."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hireloop.integrations.fetch import FetchError, address_allowed, fetch_url


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass

    def do_GET(self) -> None:  # noqa: N802
        routes = {
            "/cv.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 fake"),
            "/named": (
                200,
                {"Content-Disposition": 'attachment; filename="Jean Dupont.pdf"'},
                b"%PDF-1.7",
            ),
            "/redirect-local": (302, {"Location": "/cv.pdf"}, b""),
            "/redirect-metadata": (
                302,
                {"Location": "http://169.254.169.254/latest/meta-data/"},
                b"",
            ),
            "/redirect-private": (302, {"Location": "http://10.0.0.5/cv.pdf"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/big": (200, {}, b"x" * 5000),
            "/missing": (404, {}, b"no"),
        }
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/chunked-big":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(10):
                self.wfile.write(b"3e8\r\n" + b"y" * 1000 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        status, headers, body = routes.get(self.path, (200, {}, b"slow"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        # The guard hanging up on /slow and /chunked-big is what those tests want: not an
        # error of this server (it would print a traceback past pytest's capture).
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetch(url: str, **kwargs):  # type: ignore[no-untyped-def]
    options = {"max_bytes": 1000, "timeout": 1.0, "allow_loopback": True}
    options.update(kwargs)
    return fetch_url(url, **options)


def test_fetches_a_file_when_loopback_is_allowed(server):
    result = fetch(f"{server}/cv.pdf")
    assert result.data == b"%PDF-1.7 fake"
    assert result.content_type == "application/pdf"
    assert result.filename == "cv.pdf"
    assert fetch(f"{server}/named").filename == "Jean Dupont.pdf"


def test_loopback_is_refused_by_default(server):
    with pytest.raises(FetchError, match="private or internal"):
        fetch(f"{server}/cv.pdf", allow_loopback=False)


def test_redirects_are_followed_and_each_hop_is_checked(server):
    assert fetch(f"{server}/redirect-local").data == b"%PDF-1.7 fake"
    with pytest.raises(FetchError, match="private or internal"):
        fetch(f"{server}/redirect-metadata")
    with pytest.raises(FetchError, match="private or internal"):
        fetch(f"{server}/redirect-private")
    with pytest.raises(FetchError, match="Too many redirects"):
        fetch(f"{server}/loop")


def test_size_cap_declared_and_streamed(server):
    with pytest.raises(FetchError, match="too large"):
        fetch(f"{server}/big")
    with pytest.raises(FetchError, match="too large"):
        fetch(f"{server}/chunked-big", max_bytes=5000)


def test_timeout_and_http_errors(server):
    with pytest.raises(FetchError, match="Timed out"):
        fetch(f"{server}/slow", timeout=0.5)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{server}/missing")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/cv.pdf",
        "gopher://127.0.0.1/",
        "http:///nohost",
    ],
)
def test_only_http_urls(url):
    with pytest.raises(FetchError):
        fetch(url, allow_loopback=False)


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "127.0.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "2002:a00:1::",  # 6to4 of 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_internal_addresses_are_refused(address):
    assert not address_allowed(address)


def test_public_addresses_are_allowed():
    assert address_allowed("93.184.216.34")
    assert address_allowed("2606:4700:4700::1111")
    assert address_allowed("2002:808:808::")  # 6to4 of a public address
    assert address_allowed("127.0.0.1", allow_loopback=True)
    assert not address_allowed("10.0.0.1", allow_loopback=True)


@pytest.mark.parametrize(
    "url", ["http://999.1.1.1/x", "http://[::1/x", "http://1.2.3.04/x", "http://0177.0.0.1/cv.pdf"]
)
def test_urls_httpx_cannot_read_are_a_fetch_error(url):
    with pytest.raises(FetchError):
        fetch(url, allow_loopback=False)


def test_hosts_resolving_to_loopback_are_refused():
    for url in ("http://localhost:9/", "http://2130706433/", "http://[::ffff:127.0.0.1]/"):
        with pytest.raises(FetchError, match="private or internal"):
            fetch(url, allow_loopback=False)
