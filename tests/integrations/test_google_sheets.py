"""The Google Sheets client against a local fake of Google's token endpoint and Sheets API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hireloop.integrations.google_sheets import GoogleSheetsClient, SheetsError, first_row
from tests.fakes.google_sheets import FakeGoogleSheets

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"


@pytest.fixture
def fake() -> Iterator[FakeGoogleSheets]:
    with FakeGoogleSheets().running() as server:
        server.sheet(
            SHEET_ID,
            [
                ["Timestamp", "Full Name", "Email"],
                ["6/14/2024 10:32:11", "Ana Cruz", "ana@example.com"],
                ["", "Ben Reyes", "", ""],
                [],
                ["6/14/2024 11:00:00", "Cy Lim", "cy@example.com", "", ""],
            ],
        )
        yield server


@pytest.fixture
def client(fake: FakeGoogleSheets, tmp_path: Path) -> Iterator[GoogleSheetsClient]:
    key_file = fake.service_account_file(tmp_path)
    with GoogleSheetsClient.from_service_account_file(key_file, base_url=fake.url) as c:
        yield c


def test_reads_values_with_a_service_account_token(
    fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    values = client.values(SHEET_ID, "A2:ZZ")
    assert values.first_row == 2
    assert values.values == [
        ["6/14/2024 10:32:11", "Ana Cruz", "ana@example.com"],
        ["", "Ben Reyes"],
        [],
        ["6/14/2024 11:00:00", "Cy Lim", "cy@example.com"],
    ]
    assert fake.token_requests == 1
    header = client.values(SHEET_ID, "'Form Responses 1'!A1:ZZ1")
    assert header.values == [["Timestamp", "Full Name", "Email"]]
    assert fake.token_requests == 1, "the token is reused while valid"
    assert fake.value_requests == ["A2:ZZ", "'Form Responses 1'!A1:ZZ1"]


def test_rows_past_the_end_are_empty(client: GoogleSheetsClient) -> None:
    values = client.values(SHEET_ID, "A9:ZZ")
    assert values.values == [] and values.first_row == 9


def test_retries_unavailable_and_rate_limited(
    fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    fake.fail_next = [503, 429]
    assert client.values(SHEET_ID, "A1:C1").values == [["Timestamp", "Full Name", "Email"]]
    fake.fail_next = [500, 500, 500]
    with pytest.raises(SheetsError) as err:
        client.values(SHEET_ID, "A1:C1")
    assert err.value.status == 500


def test_expired_token_is_refreshed(fake: FakeGoogleSheets, client: GoogleSheetsClient) -> None:
    client.values(SHEET_ID, "A1:C1")
    fake.tokens.clear()  # revoked on Google's side: the API answers 401
    assert client.values(SHEET_ID, "A1:C1").values
    assert fake.token_requests == 2


def test_not_found_and_not_shared(fake: FakeGoogleSheets, client: GoogleSheetsClient) -> None:
    with pytest.raises(SheetsError, match="not found") as err:
        client.values("1NoSuchSheet000000000000", "A1:C1")
    assert err.value.status == 404
    fake.sheet("1Private00000000000000000", [["x"]], shared=False)
    with pytest.raises(SheetsError, match=fake.client_email):
        client.values("1Private00000000000000000", "A1:C1")


def test_a_key_the_token_endpoint_does_not_know_is_refused(
    fake: FakeGoogleSheets, tmp_path: Path
) -> None:
    other = FakeGoogleSheets()  # another key pair, same token URI
    other.url = fake.url
    key_file = other.service_account_file(tmp_path)
    with (
        GoogleSheetsClient.from_service_account_file(key_file, base_url=fake.url) as client,
        pytest.raises(SheetsError, match="refused"),
    ):
        client.values(SHEET_ID, "A1:C1")


def test_first_row() -> None:
    assert first_row("'Form Responses 1'!A2:Z9") == 2
    assert first_row("Sheet1!B7:C") == 7
    assert first_row("A:C") is None
