"""Google Sheets API v4 client: reads cell values with a service account.

Authentication is Google's service-account flow (google-auth): a JWT signed with the
account's private key is exchanged at the key file's ``token_uri`` for an access token,
sent as ``Authorization: Bearer``. The values come from
``GET {base_url}/v4/spreadsheets/{id}/values/{range}`` (httpx, with a timeout; 429, 5xx
and network errors are retried with backoff; a 401 refreshes the token once). The
spreadsheet must be shared with the service account's email.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import google.auth.transport
import httpx
from google.auth.exceptions import GoogleAuthError
from google.oauth2 import service_account
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
_RANGE_START = re.compile(r"^\$?[A-Za-z]*\$?(\d+)")


class SheetsError(Exception):
    """The Sheets API refused or failed; ``message`` says why, for the sheet's owner."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class _Retryable(SheetsError):
    pass


@dataclass
class SheetValues:
    """The rows of a range: ``values[i]`` is sheet row ``first_row + i`` (trailing empty
    cells and rows left out, as the API does)."""

    range: str
    first_row: int
    values: list[list[str]] = field(default_factory=list)


class _HttpxRequest(google.auth.transport.Request):
    """google-auth's transport interface over httpx (used for the token exchange)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> google.auth.transport.Response:
        try:
            response = self.client.request(
                method, url, content=body, headers=dict(headers or {}), timeout=timeout
            )
        except httpx.HTTPError as exc:
            raise google.auth.exceptions.TransportError(str(exc)) from exc
        return _HttpxResponse(response)


class _HttpxResponse(google.auth.transport.Response):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class GoogleSheetsClient:
    """Reads values of spreadsheets shared with one service account."""

    def __init__(
        self,
        credentials: service_account.Credentials,
        *,
        base_url: str = "https://sheets.googleapis.com",
        timeout: float = 15.0,
        attempts: int = 3,
        http: httpx.Client | None = None,
    ) -> None:
        self.credentials = credentials
        self.base_url = base_url.rstrip("/")
        self.attempts = attempts
        self._http = http or httpx.Client(timeout=timeout)
        self._transport = _HttpxRequest(self._http)

    @classmethod
    def from_service_account_file(
        cls, path: str | Path, *, base_url: str, timeout: float = 15.0
    ) -> GoogleSheetsClient:
        credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            str(path), scopes=list(SCOPES)
        )
        return cls(credentials, base_url=base_url, timeout=timeout)

    @property
    def account_email(self) -> str:
        return str(self.credentials.service_account_email)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GoogleSheetsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def values(self, spreadsheet_id: str, cell_range: str) -> SheetValues:
        """The formatted values of ``cell_range`` (A1 notation, e.g. ``A2:ZZ`` or
        ``'Form Responses 1'!A2:ZZ``), row by row."""
        url = (
            f"{self.base_url}/v4/spreadsheets/{quote(spreadsheet_id, safe='')}"
            f"/values/{quote(cell_range, safe='')}"
        )
        params = {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.5, max=8),
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            reraise=True,
        )
        body = retrying(self._get, url, params)
        values = body.get("values") or []
        returned = str(body.get("range") or cell_range)
        return SheetValues(
            range=returned,
            first_row=first_row(returned) or first_row(cell_range) or 1,
            values=[[_cell(c) for c in row] for row in values if isinstance(row, list)],
        )

    def _get(self, url: str, params: dict[str, str]) -> dict[str, Any]:
        response = self._authorized_get(url, params)
        if response.status_code == 401:  # a revoked or expired token: one more, fresh
            self.credentials.token = None
            response = self._authorized_get(url, params)
        status = response.status_code
        if status == 200:
            try:
                data = response.json()
            except ValueError:
                raise _Retryable(
                    "The Sheets API sent an unreadable answer.", status=status
                ) from None
            if not isinstance(data, dict):
                raise SheetsError("The Sheets API sent an unexpected answer.", status=status)
            return data
        reason = _reason(response)
        if status == 429 or status >= 500:
            raise _Retryable(f"The Sheets API is unavailable ({status}): {reason}", status=status)
        if status == 403:
            raise SheetsError(
                f"No access to the spreadsheet: share it with {self.account_email} ({reason})",
                status=status,
            )
        if status == 404:
            raise SheetsError("Spreadsheet not found.", status=status)
        raise SheetsError(f"The Sheets API refused the request ({status}): {reason}", status=status)

    def _authorized_get(self, url: str, params: dict[str, str]) -> httpx.Response:
        headers: dict[str, str] = {}
        try:
            self.credentials.before_request(self._transport, "GET", url, headers)  # type: ignore[no-untyped-call]
        except google.auth.exceptions.TransportError as exc:
            raise _Retryable(f"Google's token endpoint is unreachable: {exc}") from exc
        except GoogleAuthError as exc:
            raise SheetsError(f"The service account was refused: {exc}") from exc
        try:
            return self._http.get(url, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise _Retryable(f"The Sheets API is unreachable: {exc}") from exc


def service_account_email(path: str | Path | None) -> str | None:
    """The email a spreadsheet must be shared with (``client_email`` of the key file), or
    None when no usable key file is configured."""
    if not path:
        return None
    try:
        info = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    email = info.get("client_email") if isinstance(info, dict) else None
    return email if isinstance(email, str) else None


def first_row(cell_range: str) -> int | None:
    """The first row number of an A1 range (``'Sheet 1'!A2:Z9`` -> 2), if it names one."""
    match = _RANGE_START.match(cell_range.rpartition("!")[2])
    return int(match.group(1)) if match else None


def _cell(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _reason(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
        return str(error.get("message") or error.get("status") or response.reason_phrase)
    except (ValueError, AttributeError):
        return response.reason_phrase
