"""A local fake of Twilio's Programmable Messaging API, for tests.

``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` (form fields ``To``, ``From``,
``Body``, ``StatusCallback``; HTTP basic auth ``AccountSid:AuthToken``) answers like
Twilio: 201 with the message as JSON (``sid`` ``SM...``, ``status`` ``queued``), 401 code
20003 for bad credentials, 400 code 21211 for an invalid ``To`` number. After accepting a
message it POSTs its status callbacks (``sent`` then ``delivered`` by default) to
``StatusCallback``, signed with ``X-Twilio-Signature`` as Twilio documents: HMAC-SHA1,
keyed with the auth token, over the full URL followed by every POST parameter name and
value sorted by name, base64-encoded. (Written from the documentation, independently of
the twilio library the application verifies with.)

Tests can make the next answers fail (``fail_next``: HTTP statuses such as 500 or 429),
take the next messages but answer them with a raw reply of their choosing (``raw_next``:
status, headers, body — an empty or HTML 201, one without ``sid``, a broken gzip body),
slow the API down (``delay``) and send signed inbound messages (``send_inbound``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import httpx

_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def twilio_signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """The ``X-Twilio-Signature`` of a POST of ``params`` to ``url``."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass
class SentSms:
    sid: str
    to: str
    from_: str
    body: str
    status_callback: str | None
    status: str = "queued"


@dataclass
class Callback:
    url: str
    params: dict[str, str]
    status_code: int | None
    error: str | None = None


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    callback_statuses: tuple[str, ...] = ("sent", "delivered")
    delay: float = 0.0
    url: str = ""
    messages: list[SentSms] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)
    requests: int = 0
    fail_next: list[int] = field(default_factory=list)
    # Sent as the Retry-After header of the 429 and 503 answers of ``fail_next``.
    retry_after: str | None = None
    raw_next: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _threads: list[threading.Thread] = field(default_factory=list)

    # Callbacks ----------------------------------------------------------------------

    def post_signed(
        self, url: str, params: dict[str, str], *, signature: str | None = None
    ) -> httpx.Response:
        """POST ``params`` form-encoded to ``url`` signed like Twilio (or with the given
        ``signature``)."""
        pairs = list(params.items())
        sig = signature if signature is not None else twilio_signature(self.auth_token, url, pairs)
        return httpx.post(url, data=params, headers={"X-Twilio-Signature": sig}, timeout=10)

    def _send_callbacks(self, sms: SentSms) -> None:
        assert sms.status_callback
        for status in self.callback_statuses:
            sms.status = status
            params = {
                "AccountSid": self.account_sid,
                "ApiVersion": "2010-04-01",
                "From": sms.from_,
                "MessageSid": sms.sid,
                "MessageStatus": status,
                "SmsSid": sms.sid,
                "SmsStatus": status,
                "To": sms.to,
            }
            if status in ("failed", "undelivered"):
                params["ErrorCode"] = "30003"
            try:
                response = self.post_signed(sms.status_callback, params)
                self.callbacks.append(Callback(sms.status_callback, params, response.status_code))
            except httpx.HTTPError as exc:
                self.callbacks.append(Callback(sms.status_callback, params, None, str(exc)))

    def send_inbound(self, url: str, *, from_: str, to: str, body: str) -> httpx.Response:
        """A candidate's SMS reply, POSTed to ``url`` as Twilio's incoming-message webhook."""
        sid = "SM" + secrets.token_hex(16)
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "Body": body,
            "From": from_,
            "MessageSid": sid,
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsMessageSid": sid,
            "SmsSid": sid,
            "SmsStatus": "received",
            "To": to,
        }
        return self.post_signed(url, params)

    def wait_for_callbacks(self, count: int, timeout: float = 15.0) -> list[Callback]:
        deadline = time.monotonic() + timeout
        while len(self.callbacks) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.callbacks)

    # The Messages endpoint ----------------------------------------------------------

    def _authorized(self, header: str | None, sid: str) -> bool:
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return (
            sid == self.account_sid
            and hmac.compare_digest(user, self.account_sid)
            and hmac.compare_digest(password, self.auth_token)
        )

    def _create(
        self, sid: str, auth: str | None, form: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        if self.fail_next:
            status = self.fail_next.pop(0)
            return status, {
                "code": 20500 if status >= 500 else 20429,
                "message": "Try later",
                "status": status,
            }
        if not self._authorized(auth, sid):
            return 401, {
                "code": 20003,
                "message": "Authenticate",
                "more_info": "https://www.twilio.com/docs/errors/20003",
                "status": 401,
            }
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not to:
            return 400, {
                "code": 21604,
                "message": "A 'To' phone number is required.",
                "more_info": "https://www.twilio.com/docs/errors/21604",
                "status": 400,
            }
        if not _E164.match(to):
            return 400, {
                "code": 21211,
                "message": f"The 'To' number {to} is not a valid phone number.",
                "more_info": "https://www.twilio.com/docs/errors/21211",
                "status": 400,
            }
        if not sender:
            return 400, {
                "code": 21603,
                "message": "A 'From' phone number is required.",
                "more_info": "https://www.twilio.com/docs/errors/21603",
                "status": 400,
            }
        if not body:
            return 400, {
                "code": 21602,
                "message": "Message body is required.",
                "more_info": "https://www.twilio.com/docs/errors/21602",
                "status": 400,
            }
        sms = SentSms("SM" + secrets.token_hex(16), to, sender, body, form.get("StatusCallback"))
        self.messages.append(sms)
        if sms.status_callback and self.callback_statuses:
            thread = threading.Thread(target=self._send_callbacks, args=(sms,), daemon=True)
            self._threads.append(thread)
            thread.start()
        now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        return 201, {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sms.sid,
            "status": "queued",
            "to": to,
            "uri": f"/2010-04-01/Accounts/{sid}/Messages/{sms.sid}.json",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _answer(self, status: int, data: dict[str, Any]) -> None:
                payload = json.dumps(data).encode()
                # The client may have given up already (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    if status in (429, 503) and fake.retry_after is not None:
                        self.send_header("Retry-After", fake.retry_after)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                fake.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if fake.delay:
                    time.sleep(fake.delay)
                match = _PATH.match(self.path)
                if match is None:
                    self._answer(
                        404,
                        {
                            "code": 20404,
                            "message": "The requested resource was not found",
                            "status": 404,
                        },
                    )
                    return
                form = dict(parse_qsl(raw, keep_blank_values=True))
                status, data = fake._create(match["sid"], self.headers.get("Authorization"), form)
                if fake.raw_next and 200 <= status < 300:
                    # The message is taken (and its callbacks go), but the answer is odd.
                    status, headers, body = fake.raw_next.pop(0)
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self._answer(status, data)

        return Handler

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        for thread in self._threads:
            thread.join(timeout=10)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def fake_twilio(
    account_sid: str = "AC" + "0" * 32, auth_token: str = "test-auth-token", **kwargs: Any
) -> Iterator[FakeTwilio]:
    fake = FakeTwilio(account_sid=account_sid, auth_token=auth_token, **kwargs)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
