"""Reading CSV files of leads: encodings, delimiters, header or none, bad rows, bad files."""

from __future__ import annotations

import pytest

from hireloop.domain.candidates.identity import normalize_email
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
    for formula in ("+Cruz", "-Ben", "@SUM(A1)", "=1+2", "+A1", "-1+cmd|' /C calc'!A0"):
        assert neutralize(formula) == "'" + formula
    # Values that start like a formula but cannot compute anything are kept as typed.
    for inert in ("-", "+", "@", "=", "+63 917 555 0000", "(02) 8555-1234", "-5", "+1.5/2"):
        assert neutralize(inert) == inert


def test_placeholders_and_phone_like_cells_are_stored_as_typed() -> None:
    """A "-" for "none" or a referee given as a phone number is no formula: no apostrophe,
    which would show in the app, the messages (@referee) and the export."""
    text = HEADER + (
        "Cher,-,cher@x.com,63,9171234567,-\n"
        "Ana,Cruz,ana@x.com,63,9171234560,+63 917 555 0000\n"
        "Ben,Diaz,ben@x.com,63,9171234561,@juan.dc\n"
        "Cy,+,cy@x.com,63,9171234562,(02) 8555-1234\n"
    )
    cher, ana, ben, cy = parse_csv(text.encode()).rows
    assert (cher.last_name, cher.referrer_name) == ("-", "-")
    assert ana.referrer_name == "+63 917 555 0000"
    assert ana.others == {"referee": "+63 917 555 0000"}
    assert ben.referrer_name == "'@juan.dc", "a handle is text that starts like a formula"
    assert (cy.last_name, cy.referrer_name) == ("+", "(02) 8555-1234")


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
    """Valid as email-validator judges, stored as single lead creation stores it
    (identity.normalize_email: an IDN domain stays as typed)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
        expected: str | None = normalize_email(email)
    except EmailNotValidError:
        expected = None
    try:
        got: str | None = clean_email(email)
    except ValueError:
        got = None
    assert got == expected


def test_nul_characters_in_a_text_file_are_dropped() -> None:
    text = HEADER + "Ana\x00,Cruz,a@x.com\x00,63,9171234567,\nJosé,Díaz,b@x.com,63,9171234568,\n"
    for encoding in ("utf-8", "cp1252"):
        parsed = parse_csv(text.encode(encoding))
        assert parsed.encoding == encoding and not parsed.errors
        assert [(r.first_name, r.email) for r in parsed.rows] == [
            ("Ana", "a@x.com"),
            ("José", "b@x.com"),
        ]


def test_a_row_with_an_email_keeps_a_phone_that_is_not_a_number() -> None:
    """As single lead creation does: the email is enough, the phone is kept as typed (not
    matched on); without an email such a phone is the row's error."""
    text = HEADER + "Ben,Diaz,ben@x.com,63,9.17123E+09,\nCy,Lim,,63,9.17123E+09,\n"
    parsed = parse_csv(text.encode(), default_region="PH")
    [ben] = parsed.rows
    assert (ben.email, ben.phone_e164, ben.phone) == ("ben@x.com", None, "9.17123E+09")
    assert [(e.row, e.error) for e in parsed.errors] == [(3, "Invalid phone number '9.17123E+09'")]


def test_decode_and_sniff_helpers() -> None:
    assert decode("a;b".encode("utf-16"))[0] == "a;b"
    assert sniff_delimiter("a\tb\tc\td\te\tf\n") == "\t"


# --- Encodings: what a recruiter's spreadsheet program writes -----------------------------

AUDIT_CP1252 = (
    "first name,last name,email,country code,phone number,referee\r\n"
    "José,Müller,jose@x.com,63,9171234567,Renée\r\n"
).encode("cp1252")


def test_a_short_windows_1252_file_reads_as_windows_1252() -> None:
    """The audit's file: read as cp775 it gave 'Josķ', 'M³ller'."""
    parsed = parse_csv(AUDIT_CP1252, default_region="PH", country="PH")
    assert parsed.encoding == "cp1252"
    [row] = parsed.rows
    assert (row.first_name, row.last_name, row.referrer_name) == ("José", "Müller", "Renée")
    assert parse_csv(AUDIT_CP1252).encoding == "cp1252", "no country: Windows-1252"


@pytest.mark.parametrize("country", ["PH", "US", "FR", "ES", "CN", "JP", "RU"])
def test_many_short_western_files_never_read_as_another_code_page(country: str) -> None:
    import random

    rng = random.Random(1)
    firsts = ["José", "María", "Renée", "Zoë", "François", "Jürgen", "Niño", "Iñigo", "João"]
    lasts = ["Müller", "García", "Núñez", "Lefèvre", "Groß", "Peña", "Brontë", "Gonçalves"]
    for i in range(60):
        text = "".join(
            f"{rng.choice(firsts)},{rng.choice(lasts)},u{i}_{j}@x.com,63,91712345{j:02d},\r\n"
            for j in range(rng.randint(1, 6))
        )
        assert decode(text.encode("cp1252"), country=country) == (text, "cp1252")


CHINESE = (
    "名,姓,电子邮件,国家代码,电话,推荐人\r\n"
    "伟,张,zhang.wei@x.com,86,13912345678,王芳\r\n"
    "娜,李,li.na@x.com,86,13912345679,\r\n"
    "洋,刘,liu.yang@x.com,86,13912345680,陈静\r\n"
)


def test_a_small_gbk_file_of_a_chinese_company_reads_as_gb18030() -> None:
    data = CHINESE.replace("名,姓,电子邮件,国家代码,电话,推荐人\r\n", "").encode("gbk")
    parsed = parse_csv(data, country="CN")
    assert parsed.encoding == "gb18030"
    assert [(r.first_name, r.last_name) for r in parsed.rows] == [
        ("伟", "张"),
        ("娜", "李"),
        ("洋", "刘"),
    ]
    assert parsed.rows[0].referrer_name == "王芳"


@pytest.mark.parametrize("country", ["RU", "PH", "PL", None])
def test_a_russian_windows_1251_file(country: str | None) -> None:
    text = (
        HEADER + "Иван,Петров,ivan@x.ru,7,9161234567,Сергей Смирнов\nМария,Кузнецова,m@x.ru,7,,\n"
    )
    parsed = parse_csv(text.encode("cp1251"), country=country)
    assert parsed.encoding == "cp1251"
    assert [(r.first_name, r.last_name) for r in parsed.rows] == [
        ("Иван", "Петров"),
        ("Мария", "Кузнецова"),
    ]


@pytest.mark.parametrize(
    ("text", "encoding", "country"),
    [
        ("Łukasz,Wójcik,l@x.pl,48,501234567,Michał Świątek\n", "cp1250", "PL"),
        ("Γιώργος,Παπαδόπουλος,g@x.gr,30,6912345678,\n", "cp1253", "GR"),
        ("Ayşe,Yılmaz,a@x.tr,90,5321234567,Özlem Şahin\n", "cp1254", "TR"),
        ("สมชาย,ใจดี,s@x.th,66,812345678,\n", "cp874", "TH"),
        ("Trần,Nguyễn Văn Đức,t@x.vn,84,912345678,\n", "cp1258", "VN"),
        ("太郎,山田,t@x.jp,81,9012345678,さくら\n", "cp932", "JP"),
        ("민준,김,m@x.kr,82,1012345678,\n", "cp949", "KR"),
        ("志明,陳,c@x.tw,886,912345678,\n", "big5", "TW"),
    ],
)
def test_the_company_country_decides_between_code_pages(
    text: str, encoding: str, country: str
) -> None:
    data = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    assert decode(data, country=country) == (text, encoding)


@pytest.mark.parametrize(
    ("text", "encoding", "country"),
    [
        (
            "Paweł,Łoś,a@x.com,48,512345678,\nAnna,Wójcik,b@x.com,48,512345679,\n"
            "Jan,Kowalski,c@x.com,48,512345670,\n",
            "cp1250",
            "PL",
        ),
        ("Łukasz,Żółć,l@x.pl,48,501234567,\n", "cp1250", "PL"),
        (
            "Ayşe,Öğüt,a@x.com,90,5321234567,\nMehmet,Yılmaz,b@x.com,90,5321234568,\n",
            "cp1254",
            "TR",
        ),
    ],
)
def test_small_files_of_accented_names_read_in_the_country_code_page(
    text: str, encoding: str, country: str
) -> None:
    """Names made mostly of accented letters (Łoś, Öğüt, Żółć) look like mojibake to the
    score; in a short file one of them used to refuse the file."""
    parsed = parse_csv((HEADER + text).encode(encoding), country=country)
    assert parsed.encoding == encoding and not parsed.errors
    rows = [line.split(",")[:2] for line in text.splitlines()]
    assert [[r.first_name, r.last_name] for r in parsed.rows] == rows


def _cp1258(text: str) -> bytes:
    """Vietnamese as Windows writes it: a letter, then its tone as a combining mark."""
    import unicodedata

    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258")
            out += parts[-1].encode("cp1258")
    return out


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_unicode_files_still_pass(encoding: str, expected: str) -> None:
    text = HEADER + ROWS + "张,伟,zw@x.com,86,13912345678,Иван\n"
    parsed = parse_csv(text.encode(encoding), country="FR")
    assert parsed.encoding == expected and parsed.has_header
    assert [r.last_name for r in parsed.rows] == ["Müller", "Núñez", "伟"]
    assert parsed.rows[2].referrer_name == "Иван"


def test_a_stated_encoding_wins() -> None:
    # cp1250 and cp1252 both read these bytes; the user says which.
    data = "Nino,Peña,n@x.com,63,9171234567,\n".encode("cp1252")
    assert parse_csv(data, country="PL").rows[0].last_name == "Peńa", "PL: cp1250"
    parsed = parse_csv(data, country="PL", encoding="Windows-1252")
    assert parsed.encoding == "cp1252" and parsed.rows[0].last_name == "Peña"
    assert parse_csv(b"\xef\xbb\xbf" + ROWS.encode(), encoding="utf-8").has_header is False


def test_a_wrong_stated_encoding_is_a_clear_error() -> None:
    with pytest.raises(Invalid) as err:
        parse_csv(ROWS.encode(), encoding="klingon")
    assert err.value.details == {"encoding": "unknown encoding"}
    assert "Unknown encoding 'klingon'" in err.value.message
    with pytest.raises(Invalid) as err:
        parse_csv(ROWS.encode(), encoding="base64")
    assert err.value.details == {"encoding": "unknown encoding"}
    with pytest.raises(Invalid) as err:
        parse_csv(HEADER.encode() + "Ana,Núñez,a@x.com,,,\n".encode("cp1252"), encoding="utf-8")
    assert err.value.details == {"file": "wrong encoding"}
    assert "not valid utf-8" in err.value.message and "line 2" in err.value.message


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(0x80, 0x100)) * 8,
        __import__("random").Random(5).randbytes(3000),
        b"Ana,Cruz,a@x.com,63,9171234567,\n" + bytes([0xC7] * 300) + b"\n",
        b"Ana,Cruz,a@x.com,63,9171234567,\n" + bytes(range(0x80, 0x100)) * 2 + b"\n",
    ],
)
def test_undecodable_garbage_is_refused_asking_for_csv_utf8(data: bytes) -> None:
    with pytest.raises(Invalid) as err:
        parse_csv(data, country="PH")
    assert err.value.details == {"file": "unreadable encoding"}
    assert '"CSV UTF-8"' in err.value.message


def test_exotic_code_pages_are_never_chosen() -> None:
    from hireloop.domain.intake.encodings import LEGACY

    assert not {"cp775", "hp_roman8", "mac_latin2", "cp857", "johab"} & set(LEGACY)


# --- Quotes -------------------------------------------------------------------------------


def test_an_unclosed_quote_refuses_the_file_naming_its_line() -> None:
    """The audit's file: the quote opened on line 3 swallowed the 20 rows after it."""
    rows = "".join(f"U{i},V,uq{i}@x.com,63,91712346{i:02d},\n" for i in range(20))
    text = (
        HEADER + "Ann,Lee,annq@x.com,63,9171234500,\n" + "Bob,\"O'Neil,bobq@x.com,63,9171234501,\n"
    )
    with pytest.raises(Invalid) as err:
        parse_csv((text + rows).encode())
    assert err.value.details == {"file": "malformed"}
    assert err.value.message.startswith("Unclosed quote on line 3")
    assert "O'Neil,bobq@x.com" in err.value.message


def test_a_quote_closed_rows_later_refuses_the_file() -> None:
    text = (
        HEADER
        + "Bob,\"O'Neil,bob@x.com,63,9171234501,\n"
        + "Cy,Lim,cy@x.com,63,9171234502,\n"
        + 'Di,Go",di@x.com,63,9171234503,\n'
    )
    with pytest.raises(Invalid) as err:
        parse_csv(text.encode())
    assert err.value.details == {"file": "malformed"}
    assert "Unclosed quote on line 2" in err.value.message and "line 4" in err.value.message


def test_an_unclosed_quote_in_a_file_with_multiline_cells_names_the_right_line() -> None:
    text = HEADER + 'Ana,Cruz,ana@x.com,63,9171234567,"Ref\non two lines"\r\nBo,"Lee,b@x.com,,,\n'
    with pytest.raises(Invalid) as err:
        parse_csv(text.encode())
    assert "Unclosed quote on line 4" in err.value.message


def test_a_stray_quote_in_a_large_file_names_its_line() -> None:
    """The rest of a 5,000-row file is longer than the csv module's 128 KB cell limit."""
    rows = [f"N{i},L{i},n{i}@example.com,63,91700{i:05d}," for i in range(5000)]
    rows[9] = 'N9,"L9,n9@example.com,63,9170000009,'
    with pytest.raises(Invalid) as err:
        parse_csv((HEADER + "\n".join(rows) + "\n").encode())
    assert err.value.details == {"file": "malformed"}
    assert err.value.message.startswith(
        'Unclosed quote on line 11: the cell that starts with a quote there ("L9,n9@example.com'
    )
    assert "never ends" in err.value.message


@pytest.mark.parametrize(
    ("column", "error"),
    [
        (0, "First name is longer than 200 characters"),
        (2, "Invalid email: The email address is too long"),
        (3, "Unknown country code 'xxxx"),
        (4, "Phone number is longer than 50 characters"),
        (5, "Referee is longer than 200 characters"),
    ],
)
def test_a_huge_cell_is_its_rows_error(column: int, error: str) -> None:
    cells = ["Ana", "Cruz", "ana@x.com", "63", "9171234567", "Ref"]
    cells[column] = "x" * 200_000 + ("@x.com" if column == 2 else "")
    text = HEADER + ",".join(cells) + "\nBen,Diaz,ben@x.com,63,9171234568,\n"
    parsed = parse_csv(text.encode(), default_region="PH")
    [failed] = parsed.errors
    assert failed.row == 2 and failed.error.startswith(error) and len(failed.error) < 200
    assert [r.email for r in parsed.rows] == ["ben@x.com"]


def test_quoted_cells_with_line_breaks_still_work() -> None:
    text = (
        HEADER
        + '"Mary\nAnn",Smith,mary@x.com,1,2025550123,"Ref, Jr"\r\n'
        + 'Ana,Cruz,ana@x.com,63,9171234567,"Ref\r\nOn, two, lines"\n'
        + "Bo,Lee,bo@x.com,63,9171234568,\n"
    )
    parsed = parse_csv(text.encode())
    assert not parsed.errors
    assert [r.first_name for r in parsed.rows] == ["Mary Ann", "Ana", "Bo"]
    assert parsed.rows[1].referrer_name == "Ref On, two, lines"


# --- Header or not ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_row", "error"),
    [
        ("Maria,Santos,,,,", "An email or a phone number is required"),
        ("Maria,Santos,maria.santos(at)gmail.com,PH,,", "Invalid email"),
    ],
)
def test_an_incomplete_first_lead_is_a_row_not_a_wrong_header(first_row: str, error: str) -> None:
    parsed = parse_csv(f"{first_row}\nAna,Cruz,ana@x.com,63,9171234567,\n".encode())
    assert not parsed.has_header
    assert [(e.row, e.error[: len(error)]) for e in parsed.errors] == [(1, error)]
    assert [(r.row, r.first_name) for r in parsed.rows] == [(2, "Ana")]


@pytest.mark.parametrize(
    "header",
    [
        "First name,Last name,E-mail,Country code (+63),Phone number,Referee",
        "First Name,Surname,E-mail,Country Code,Mobile,Referral",
        "Given name,Family name,Email address,Dial code,Contact No.,Referred by",
        "Nombre,Apellidos,Correo electrónico,Código de país,Teléfono,Referido",
        "Primeiro nome,Sobrenome,E-mail,Código do país,Telefone,Indicado por",
        "Prénom,Nom,Courriel,Indicatif,Téléphone portable,Parrain",
        "Pangalan,Apelyido,Email,Bansa,Numero ng telepono,Nag-refer",
        "FIRST NAME;LAST NAME;EMAIL;COUNTRY CODE;PHONE NUMBER",
        "first name,last name,email,country code,phone number,",
    ],
)
def test_headers_in_the_recruiters_languages(header: str) -> None:
    delimiter = ";" if ";" in header else ","
    row = "Ana,Cruz,ana@x.com,63,9171234567" + ("," if header.count(delimiter) == 5 else "")
    parsed = parse_csv((header + "\n" + row.replace(",", delimiter) + "\n").encode())
    assert parsed.has_header and not parsed.errors
    assert [(r.row, r.first_name, r.email) for r in parsed.rows] == [(2, "Ana", "ana@x.com")]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Last name,First name,Email,Country code,Phone,Referee", "column 1 is 'Last name'"),
        ("Nom,Prénom,Courriel,Indicatif,Téléphone,Parrain", "column 1 is 'Nom'"),
        ("First name,Last name,Phone,Country code,Email,Referee", "column 3 is 'Phone'"),
    ],
)
def test_labels_in_the_wrong_order_are_a_wrong_header(header: str, column: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_csv((header + "\nAna,Cruz,ana@x.com,63,9171234567,\n").encode())
    assert err.value.details == {"file": "wrong header"}
    assert column in err.value.message


def test_a_lead_whose_cells_look_like_one_label_is_still_a_lead() -> None:
    parsed = parse_csv(b"Mark,Code,mark@mail.com,63,9171234567,\n")
    assert not parsed.has_header and parsed.rows[0].last_name == "Code"
