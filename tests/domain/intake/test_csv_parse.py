"""Reading CSV files of leads: encodings, delimiters, header or none, bad rows, bad files."""

from __future__ import annotations

import pytest

from hireloop.domain.intake.csv_import import decode, parse_csv, sniff_delimiter
from hireloop.domain.intake.rows import clean_email, neutralize
from hireloop.errors import Invalid

HEADER = "first name,last name,email,country code,phone number,referee\n"
ROWS = (
    "José,Müller,jose@example.com,63,9171234567,Françoise Lefèvre\n"
    "Ana,Núñez,ana@example.com,PH,09171234568,\n"
)


def test_header_rows_and_normalization() -> None:
    parsed = parse_csv((HEADER + ROWS).encode())
    assert parsed.has_header and parsed.encoding == "utf-8" and not parsed.errors
    jose, ana = parsed.rows
    assert (jose.row, jose.first_name, jose.last_name) == (2, "José", "Müller")
    assert jose.email == "jose@example.com"
    assert jose.phone_e164 == "+639171234567"
    assert jose.referrer_name == "Françoise Lefèvre"
    assert jose.others == {"referee": "Françoise Lefèvre"}
    assert ana.phone_e164 == "+639171234568", "trunk prefix 0 dropped, region PH"
    assert ana.referrer_name is None and ana.others == {}


def test_no_header_is_detected() -> None:
    parsed = parse_csv(ROWS.encode())
    assert not parsed.has_header
    assert [r.row for r in parsed.rows] == [1, 2]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab(delimiter: str) -> None:
    text = (HEADER + ROWS).replace(",", delimiter)
    parsed = parse_csv(text.encode())
    assert parsed.delimiter == delimiter
    assert [r.last_name for r in parsed.rows] == ["Müller", "Núñez"]


def test_quoted_cells_with_delimiters_and_newlines() -> None:
    text = HEADER + '"Cruz, Ana",Santos,ana@example.com,63,9171234567,"Ref\nOn two lines"\n'
    parsed = parse_csv(text.encode())
    assert parsed.rows[0].first_name == "Cruz, Ana"
    assert parsed.rows[0].referrer_name == "Ref On two lines"


def test_excel_sep_line() -> None:
    parsed = parse_csv(("sep=;\n" + (HEADER + ROWS).replace(",", ";")).encode())
    assert parsed.delimiter == ";" and len(parsed.rows) == 2


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", None),
        ("cp1252", "cp1252"),
        ("latin-1", "cp1252"),
    ],
)
def test_encodings(encoding: str, expected: str | None) -> None:
    data = (HEADER + ROWS + "Zoë,Brontë,zoe@example.com,44,7700900123,“Quoted” Referee\n").encode(
        encoding, errors="replace" if encoding == "latin-1" else "strict"
    )
    parsed = parse_csv(data)
    if expected:
        assert parsed.encoding == expected
    assert parsed.has_header, "a BOM never sticks to the first header cell"
    names = [(r.first_name, r.last_name) for r in parsed.rows]
    assert names[:3] == [("José", "Müller"), ("Ana", "Núñez"), ("Zoë", "Brontë")]
    assert parsed.rows[0].referrer_name == "Françoise Lefèvre"
    if encoding == "cp1252":
        assert parsed.rows[2].referrer_name == "“Quoted” Referee"


def test_bom_utf8_without_header() -> None:
    parsed = parse_csv(b"\xef\xbb\xbf" + ROWS.encode())
    assert parsed.rows[0].first_name == "José"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 8,
    ],
)
def test_unreadable_files_are_refused(data: bytes) -> None:
    with pytest.raises(Invalid) as err:
        parse_csv(data)
    assert err.value.details["file"] in ("empty", "unreadable encoding")


@pytest.mark.parametrize(
    "text",
    [
        "name,email\nAna,ana@example.com\n",
        "a,b,c,d,e,f,g,h\n1,2,3,4,5,6,7,8\n",
        "Ana Cruz ana@example.com 9171234567\n",
    ],
)
def test_wrong_columns_are_refused(text: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_csv(text.encode())
    assert err.value.details == {"file": "wrong columns"}
    assert "first name, last name, email, country code, phone number, referee" in (
        err.value.message
    )


def test_wrong_header_is_refused() -> None:
    with pytest.raises(Invalid) as err:
        parse_csv(b"first name,last name,city,country code,phone number,referee\n")
    assert err.value.details == {"file": "wrong header"}
    assert "column 3 is 'city'" in err.value.message


def test_header_only_file_has_no_rows() -> None:
    with pytest.raises(Invalid) as err:
        parse_csv(HEADER.encode())
    assert err.value.details == {"file": "no rows"}


def test_bad_rows_are_reported_and_good_rows_kept() -> None:
    text = (
        HEADER
        + (
            "Ana,Cruz,ana@example.com,63,9171234567,\n"  # 2 ok
            ",,nobody@example.com,63,9171234567,\n"  # 3 no name
            "Ben,Reyes,,,,\n"  # 4 no email or phone
            "Cy,Lim,not-an-email,63,,\n"  # 5 bad email
            "Di,Go,,63,12,\n"  # 6 bad phone
            "Ed,Uy,ed@example.com,999,9171234567,\n"  # 7 bad country code
            "Fe,Ko,fe@example.com,63,9171234567,ref,extra\n"  # 8 too many columns
            "\n"  # 9 blank: skipped
            "Gi,Lo,,PH,9171234569\n"  # 10 ok, 5 columns
            "Ho,Ma,ho@example.com\n"  # 11 too few columns
            + "Ivy,"
            + "x" * 201
            + ",ivy@example.com,,,\n"  # 12 name too long
            "Jo,Na,=1+2@example.com,,,\n"  # 13 formula email
        )
    )
    parsed = parse_csv(text.encode(), default_region="PH")
    assert [r.row for r in parsed.rows] == [2, 10]
    assert parsed.rows[1].email is None and parsed.rows[1].phone_e164 == "+639171234569"
    errors = {e.row: e.error for e in parsed.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 11, 12, 13]
    assert errors[3] == "A first or last name is required"
    assert errors[4] == "An email or a phone number is required"
    assert errors[5].startswith("Invalid email")
    assert errors[6].startswith("Invalid phone number")
    assert errors[7] == "Unknown country code '999'"
    assert errors[8].startswith("Expected 6 columns") and "found 7" in errors[8]
    assert "found 3" in errors[11]
    assert errors[12] == "Last name is longer than 200 characters"
    assert "formula" in errors[13]
    assert parsed.total_rows == 11


def test_formula_cells_are_neutralized() -> None:
    text = HEADER + (
        '"=HYPERLINK(""http://evil.example"",""x"")",+Cruz,ana@example.com,,+639171234567,'
        "@SUM(A1)\n"
        "-Ben,\tReyes,ben@example.com,+63,9171234568,=cmd|' /C calc'!A0\n"
    )
    parsed = parse_csv(text.encode())
    ana, ben = parsed.rows
    assert ana.first_name == '\'=HYPERLINK("http://evil.example","x")'
    assert ana.last_name == "'+Cruz"
    assert ana.phone_e164 == "+639171234567", "a valid +E.164 phone is not a formula"
    assert ana.referrer_name == "'@SUM(A1)" and ana.others == {"referee": "'@SUM(A1)"}
    assert ben.first_name == "'-Ben"
    assert ben.last_name == "Reyes", "leading whitespace is trimmed first"
    assert ben.referrer_name == "'=cmd|' /C calc'!A0"
    assert ben.phone_e164 == "+639171234568"


def test_neutralize() -> None:
    assert neutralize("=1") == "'=1"
    assert neutralize("Ana") == "Ana"
    assert neutralize("\t=1") == "'\t=1"


def test_country_code_forms() -> None:
    text = (
        "A,B,a@example.com,63,9171234567,\n"
        "A,C,c@example.com,+63,9171234567,\n"
        "A,D,d@example.com,0063,9171234567,\n"
        "A,E,e@example.com,ph,9171234567,\n"
        "A,F,f@example.com,,9171234567,\n"
        "A,G,g@example.com,44,+63 917 123 4567,\n"
    )
    parsed = parse_csv(text.encode(), default_region="PH")
    assert {r.phone_e164 for r in parsed.rows} == {"+639171234567"}


@pytest.mark.parametrize(
    "email",
    [
        "ana@example.com",
        "Ana.Cruz+tag@Example.COM",
        "a@b.co",
        "o'brien@example.ie",
        "ana@bücher.ch",
        '"quoted"@example.com',
        "a@xn--bcher-kva.ch",
        "a@b.test",
        "a@localhost",
        "a..b@example.com",
        ".a@example.com",
        "a@-b.com",
        "a@1.2",
        "a" * 65 + "@example.com",
    ],
)
def test_email_fast_path_agrees_with_email_validator(email: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    try:
        expected: str | None = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        expected = None
    try:
        got: str | None = clean_email(email)
    except ValueError:
        got = None
    assert got == expected


def test_decode_and_sniff_helpers() -> None:
    assert decode("a;b".encode("utf-16"))[0] == "a;b"
    assert sniff_delimiter("a\tb\tc\td\te\tf\n") == "\t"
