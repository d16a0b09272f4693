"""CSV files of leads in Talkpush's format: ``first name, last name, email, country code,
phone number, referee`` (the referee column may be left out).

Reading is forgiving about how the file was saved (encoding, delimiter, a header row or
none) and strict about its shape: a file that cannot be read as that table is refused as a
whole (``Invalid``) before anything is written; a row that breaks a rule is reported with
its number while the other rows go in.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

import charset_normalizer

from hireloop.domain.intake.rows import IntakeRow, RowError, RowInvalid, build_row, region_for
from hireloop.errors import Invalid

COLUMNS = ("first name", "last name", "email", "country code", "phone number", "referee")
FORMAT = ", ".join(COLUMNS)
MAX_ROWS = 200_000
DELIMITERS = (",", ";", "\t")
# What a header cell of each column may say (lower-cased, letters only), in order.
_HEADER_WORDS: tuple[tuple[str, ...], ...] = (
    ("first", "given", "forename", "fname", "name"),
    ("last", "surname", "family", "lname"),
    ("mail",),
    ("country", "code", "dial", "prefix", "cc"),
    ("phone", "mobile", "number", "tel", "cell", "contact"),
    ("refer", "referee", "referral"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)  # Excel's "sep=;" first line
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CsvFile:
    """A file read as a table of the expected shape; its rows are validated on demand
    (by chunks, so that a large file's rows can be checked while earlier ones are saved)."""

    records: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)
    encoding: str = "utf-8"
    delimiter: str = ","
    has_header: bool = False
    default_region: str | None = None

    @property
    def total_rows(self) -> int:
        return len(self.records)

    def validate(self, start: int = 0, stop: int | None = None) -> ParsedCsv:
        """The records ``[start:stop]`` checked: valid rows and rejected ones."""
        parsed = ParsedCsv(
            encoding=self.encoding, delimiter=self.delimiter, has_header=self.has_header
        )
        for number, cells in self.records[start:stop]:
            _parse_row(parsed, number, cells, self.default_region)
        return parsed


@dataclass
class ParsedCsv:
    """Rows read: valid rows, rejected rows, and how the file was read."""

    rows: list[IntakeRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    has_header: bool = False

    @property
    def total_rows(self) -> int:
        return len(self.rows) + len(self.errors)


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in: a byte-order mark decides,
    then UTF-8, then charset-normalizer's guess (Windows-1252 preferred among the
    single-byte code pages it cannot tell apart, since Excel writes it). Invalid when the
    bytes are not text."""
    if not data.strip():
        raise Invalid("The file is empty.", details={"file": "empty"})
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    if encoding is None:
        try:
            return _checked(data.decode("utf-8")), "utf-8"
        except UnicodeDecodeError:
            encoding = _guess(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise _unreadable() from None
    return _checked(text.removeprefix("\ufeff")), encoding


def _guess(data: bytes) -> str:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise _unreadable()
    similar = {best.encoding, *best.could_be_from_charset}
    similar |= {m.encoding for m in matches if m.chaos <= best.chaos}
    if "cp1252" in similar and _decodes(data, "cp1252"):
        return "cp1252"
    return best.encoding


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _checked(text: str) -> str:
    # Binary files (a spreadsheet, an image) decode as text full of control characters.
    if "\x00" in text or len(_CONTROL.findall(text[:20_000])) > 10:
        raise _unreadable()
    return text


def _unreadable() -> Invalid:
    return Invalid(
        "The file could not be read as text: save it as CSV (UTF-8 or Windows-1252).",
        details={"file": "unreadable encoding"},
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon or tab) with which the first lines split into the
    expected number of columns most often."""
    sample = text[:64_000].splitlines()[:50]
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        rows = [r for r in csv.reader(sample, delimiter=delimiter) if any(c.strip() for c in r)]
        score = sum(1 for r in rows if len(_trimmed(r)) in (5, 6))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _trimmed(cells: list[str]) -> list[str]:
    """Trailing empty cells past the sixth dropped (spreadsheets pad rows)."""
    if len(cells) <= len(COLUMNS):
        return cells
    cells = list(cells)
    while len(cells) > len(COLUMNS) and not cells[-1].strip():
        cells.pop()
    return cells


def _is_header(cells: list[str]) -> bool:
    # A lead row has an email or a phone, so a first row without "@" and digits is a header.
    return any(c.strip() for c in cells) and not any(
        "@" in c or any(ch.isdigit() for ch in c) for c in cells
    )


def _check_header(cells: list[str]) -> None:
    for index, cell in enumerate(cells):
        words = re.sub(r"[^a-z]", "", cell.lower())
        if not any(w in words for w in _HEADER_WORDS[index]):
            raise Invalid(
                f"Wrong header: column {index + 1} is {cell.strip()!r}, expected "
                f"{COLUMNS[index]!r} (columns: {FORMAT}).",
                details={"file": "wrong header"},
            )


def read_csv(data: bytes, *, default_region: str | None = None) -> CsvFile:
    """Read a CSV file of leads as a table: Invalid for a file that is not such a table
    (unreadable, wrong columns, wrong header, no rows, more than MAX_ROWS, broken
    quoting). ``default_region`` reads phone numbers of rows without a country code."""
    text, encoding = decode(data)
    delimiter = None
    sep = _SEP_LINE.match(text)
    if sep and sep.group(1) in DELIMITERS:
        delimiter = sep.group(1)
        text = text[sep.end() :]
    delimiter = delimiter or sniff_delimiter(text)
    table = CsvFile(encoding=encoding, delimiter=delimiter, default_region=default_region)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    first = True
    try:
        for raw in reader:
            number += 1
            if not "".join(raw).strip():  # a blank line
                continue
            cells = _trimmed(raw)
            if first:
                first = False
                if len(cells) not in (5, 6):
                    raise Invalid(
                        f"Wrong number of columns: expected {len(COLUMNS)} ({FORMAT}), "
                        f"found {len(cells)}.",
                        details={"file": "wrong columns"},
                    )
                if _is_header(cells):
                    _check_header(cells)
                    table.has_header = True
                    continue
            if len(table.records) >= MAX_ROWS:
                raise Invalid(
                    f"The file has more than {MAX_ROWS} rows; split it.",
                    details={"file": "too many rows"},
                )
            table.records.append((number, cells))
    except csv.Error as exc:
        raise Invalid(
            f"Malformed CSV at row {number + 1}: {exc}", details={"file": "malformed"}
        ) from None
    if not table.records:
        raise Invalid("The file has no rows to import.", details={"file": "no rows"})
    return table


def parse_csv(data: bytes, *, default_region: str | None = None) -> ParsedCsv:
    """Read and check a whole CSV file of leads (see read_csv for the file-level errors)."""
    return read_csv(data, default_region=default_region).validate()


def _parse_row(parsed: ParsedCsv, number: int, cells: list[str], region: str | None) -> None:
    if not 5 <= len(cells) <= len(COLUMNS):
        parsed.errors.append(
            RowError(number, f"Expected {len(COLUMNS)} columns ({FORMAT}), found {len(cells)}")
        )
        return
    first, last, email, country_code, phone, *rest = cells
    referee = rest[0] if rest else ""
    try:
        row = build_row(
            number,
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            # A number written with + or 00 carries its own country.
            region=region_for(country_code, region)
            if phone.strip() and not phone.strip().startswith(("+", "00"))
            else region,
            referrer_name=referee,
        )
    except RowInvalid as exc:
        parsed.errors.append(RowError(number, str(exc)))
        return
    if row.referrer_name:
        row.others["referee"] = row.referrer_name
    parsed.rows.append(row)
