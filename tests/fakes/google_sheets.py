"""A local fake of Google's OAuth token endpoint and of the Sheets API v4 ``values.get``.

* ``POST /token`` implements the service-account JWT bearer grant (RFC 7523, as Google
  documents it for service accounts): form fields ``grant_type`` =
  ``urn:ietf:params:oauth:grant-type:jwt-bearer`` and ``assertion`` = a JWT signed RS256
  with the account's private key, whose header names the key (``kid``) and whose claims
  are ``iss`` (the account email), ``aud`` (Google's token endpoint
  ``https://oauth2.googleapis.com/token``, as documented), ``scope``, ``iat`` and
  ``exp`` (at most one hour later). The signature is verified with the public key of the
  RSA key pair the fake generated (``cryptography``); the answer is
  ``{"access_token", "expires_in", "token_type": "Bearer"}`` or 400 ``invalid_grant``.
* ``GET /v4/spreadsheets/{id}/values/{range}`` requires ``Authorization: Bearer`` with a
  token issued above (401 ``UNAUTHENTICATED`` otherwise), answers 404 ``NOT_FOUND`` for an
  unknown spreadsheet, 403 ``PERMISSION_DENIED`` for one not shared with the account, and
  otherwise ``{"range", "majorDimension": "ROWS", "values"}`` with trailing empty cells
  and rows left out, as Google does.

``service_account_file(dir)`` writes the key file (its ``token_uri`` points here). Tests
fill sheets with ``sheet(id, rows)`` / ``append``, and make the next answers fail with
``fail_next`` (HTTP statuses such as 503 or 429).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Google's documented audience of the assertion (whatever URI the key file's token_uri is).
AUDIENCE = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
_VALUES = re.compile(r"^/v4/spreadsheets/(?P<id>[^/]+)/values/(?P<range>.+)$")
_A1 = re.compile(r"^([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?$")


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class Sheet:
    title: str
    rows: list[list[str]]
    shared: bool = True


@dataclass
class FakeGoogleSheets:
    client_email: str = "intake@hireloop-test.iam.gserviceaccount.com"
    key_id: str = "test-key-1"
    token_seconds: int = 3600
    url: str = ""
    sheets: dict[str, Sheet] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)  # access token -> expiry
    token_requests: int = 0
    value_requests: list[str] = field(default_factory=list)  # the ranges asked
    fail_next: list[int] = field(default_factory=list)
    _key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    _server: ThreadingHTTPServer | None = None

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    def service_account_file(self, directory: Path) -> Path:
        """A service-account key file (JSON) whose ``token_uri`` is this fake."""
        pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        info = {
            "type": "service_account",
            "project_id": "hireloop-test",
            "private_key_id": self.key_id,
            "private_key": pem,
            "client_email": self.client_email,
            "client_id": "100000000000000000001",
            "token_uri": self.token_uri,
        }
        path = directory / "service-account.json"
        path.write_text(json.dumps(info))
        return path

    def sheet(self, spreadsheet_id: str, rows: list[list[str]], **kwargs: Any) -> Sheet:
        sheet = self.sheets[spreadsheet_id] = Sheet(
            title=kwargs.pop("title", "Form Responses 1"), rows=rows, **kwargs
        )
        return sheet

    # Token endpoint ---------------------------------------------------------------

    def issue_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        if form.get("grant_type") != GRANT_TYPE:
            return 400, {"error": "unsupported_grant_type"}
        try:
            claims = self._verify(form.get("assertion", ""))
        except ValueError as exc:
            return 400, {"error": "invalid_grant", "error_description": str(exc)}
        token = "ya29." + secrets.token_urlsafe(24)
        self.tokens[token] = time.time() + self.token_seconds
        assert SCOPE in claims["scope"].split()
        return 200, {
            "access_token": token,
            "expires_in": self.token_seconds,
            "token_type": "Bearer",
        }

    def _verify(self, assertion: str) -> dict[str, Any]:
        parts = assertion.split(".")
        if len(parts) != 3:
            raise ValueError("Invalid JWT: expected three segments.")
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
        if header.get("alg") != "RS256" or header.get("kid") != self.key_id:
            raise ValueError("Invalid JWT Signature.")
        try:
            self._key.public_key().verify(
                _b64decode(parts[2]),
                f"{parts[0]}.{parts[1]}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            raise ValueError("Invalid JWT Signature.") from None
        now = time.time()
        if claims.get("iss") != self.client_email:
            raise ValueError("Invalid issuer.")
        if claims.get("aud") != AUDIENCE:
            raise ValueError("Invalid JWT audience.")
        if SCOPE not in str(claims.get("scope", "")).split():
            raise ValueError("Invalid scope.")
        iat, exp = float(claims.get("iat", 0)), float(claims.get("exp", 0))
        if iat > now + 60 or exp <= now or exp - iat > 3600:
            raise ValueError("Invalid JWT: Token must be a short-lived token (60 minutes).")
        return claims

    # Values endpoint -----------------------------------------------------------------

    def values(self, spreadsheet_id: str, cell_range: str, auth: str) -> tuple[int, Any]:
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if self.tokens.get(token, 0) <= time.time():
            return 401, _error(401, "Request had invalid authentication credentials.")
        self.value_requests.append(cell_range)
        sheet = self.sheets.get(spreadsheet_id)
        if sheet is None:
            return 404, _error(404, "Requested entity was not found.")
        if not sheet.shared:
            return 403, _error(403, "The caller does not have permission")
        name, _, a1 = cell_range.rpartition("!")
        if name.startswith("'") and name.endswith("'") and len(name) > 1:
            name = name[1:-1].replace("''", "'")
        if name and name != sheet.title:
            return 400, _error(400, f"Unable to parse range: {cell_range}")
        match = _A1.match(a1.upper())
        if not match:
            return 400, _error(400, f"Unable to parse range: {cell_range}")
        col1 = _column_number(match.group(1) or "A")
        row1 = int(match.group(2) or 1)
        col2 = _column_number(match.group(3)) if match.group(3) else 18278
        row2 = int(match.group(4)) if match.group(4) else len(sheet.rows)
        rows = []
        for row in sheet.rows[row1 - 1 : row2]:
            cells = [str(c) for c in row[col1 - 1 : col2]]
            while cells and cells[-1] == "":
                cells.pop()
            rows.append(cells)
        while rows and not rows[-1]:
            rows.pop()
        last_row = row1 + max(len(rows), 1) - 1
        width = max((len(r) for r in rows), default=1)
        body: dict[str, Any] = {
            "range": f"'{sheet.title}'!{_column_letters(col1)}{row1}:"
            f"{_column_letters(col1 + width - 1)}{last_row}",
            "majorDimension": "ROWS",
        }
        if rows:
            body["values"] = rows
        return 200, body

    # Server ----------------------------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[FakeGoogleSheets]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _failure(self) -> bool:
                if fake.fail_next:
                    status = fake.fail_next.pop(0)
                    self._send(status, _error(status, "Backend Error"))
                    return True
                return False

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                if urlsplit(self.path).path != "/token":
                    self._send(404, _error(404, "Not found"))
                    return
                if self._failure():
                    return
                self._send(*fake.issue_token(form))

            def do_GET(self) -> None:  # noqa: N802
                match = _VALUES.match(urlsplit(self.path).path)
                if not match:
                    self._send(404, _error(404, "Not found"))
                    return
                if self._failure():
                    return
                self._send(
                    *fake.values(
                        unquote(match.group("id")),
                        unquote(match.group("range")),
                        self.headers.get("Authorization", ""),
                    )
                )

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _error(code: int, message: str) -> dict[str, Any]:
    status = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        429: "RESOURCE_EXHAUSTED",
    }.get(code, "UNAVAILABLE" if code >= 500 else "UNKNOWN")
    return {"error": {"code": code, "message": message, "status": status}}
