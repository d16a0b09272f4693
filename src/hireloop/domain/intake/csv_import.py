"""CSV files of leads in Talkpush's format: ``first name, last name, email, country code,
phone number, referee`` (the referee column may be left out).

Reading is forgiving about how the file was saved (encoding, delimiter, a header row or
none) and strict about its shape: a file that cannot be read as that table is refused as a
whole (``Invalid``) before anything is written; a row that breaks a rule is reported with
its number while the other rows go in.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from hireloop.domain.intake.encodings import decode_bytes, unreadable
from hireloop.domain.intake.rows import IntakeRow, RowError, RowInvalid, build_row, region_for
from hireloop.errors import Invalid

COLUMNS = ("first name", "last name", "email", "country code", "phone number", "referee")
FORMAT = ", ".join(COLUMNS)
MAX_ROWS = 200_000
DELIMITERS = (",", ";", "\t")
# Rows checked between two calls of a validation's ``pause`` (~5 ms of work).
PAUSE_ROWS = 200
# What a header cell of each column may say, normalized (see _label_words): English and
# the languages of the markets recruiters work in (Spanish, Portuguese, French, Filipino),
# plus German. A cell names a column when one of these appears in it as whole words.
HEADER_LABELS: tuple[tuple[str, ...], ...] = (
    (
        "first name", "firstname", "first", "given name", "given names", "forename", "fname",
        "name", "names", "nombre", "nombres", "primer nombre", "nome", "primeiro nome",
        "prenom", "prenoms", "pangalan", "unang pangalan", "vorname",
    ),
    (
        "last name", "lastname", "last", "surname", "surnames", "family name", "lname",
        "apellido", "apellidos", "sobrenome", "apelido", "apelidos", "nom", "nom de famille",
        "apelyido", "huling pangalan", "nachname", "familienname",
    ),
    (
        "email", "e mail", "mail", "email address", "correo", "correo electronico",
        "courriel", "adresse mail", "endereco de email", "emails",
    ),
    (
        "country code", "country", "code", "calling code", "dial code", "dialing code",
        "prefix", "cc", "codigo", "codigo de pais", "codigo del pais", "codigo do pais",
        "pais", "prefijo", "ddi", "indicatif", "code pays", "pays", "bansa", "kodigo",
        "laendervorwahl", "landesvorwahl", "vorwahl", "land",
    ),
    (
        "phone", "phone number", "number", "mobile", "mobile number", "mobile no", "cell",
        "cellphone", "cell phone", "cellular", "contact", "contact number", "contact no",
        "tel", "telephone", "telefono", "celular", "movil", "numero", "telefone",
        "telemovel", "portable", "mobile", "numero de telephone", "telepono", "numero ng",
        "selpon", "telefon", "handy", "handynummer", "telefonnummer", "whatsapp",
    ),
    (
        "referee", "referrer", "referral", "referred by", "reference", "referent",
        "referido", "referente", "referido por", "recomendado por", "recomendacion",
        "indicacao", "indicado por", "parrain", "parrainage", "recommande par",
        "tagapag refer", "nag refer", "ni refer", "empfehlung", "empfohlen von", "ref",
        "referee name", "referrer name",
    ),
)  # fmt: skip
_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)  # Excel's "sep=;" first line
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Python's csv reader refuses a cell longer than 128 KB ("field larger than field limit")
# by default. Without that limit (this module is the app's only csv reader), a stray
# quote in a large file gets the unclosed-quote message of read_csv, and one huge cell is
# its row's error ("First name is longer than 200 characters").
csv.field_size_limit(2**31 - 1)


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

    def validate(
        self, start: int = 0, stop: int | None = None, *, pause: Callable[[], None] | None = None
    ) -> ParsedCsv:
        """The records ``[start:stop]`` checked: valid rows and rejected ones. ``pause``,
        when given, is called before each PAUSE_ROWS records (a thread that checks while
        another one writes waits there for its turn: see ``bulk.Gate``)."""
        parsed = ParsedCsv(
            encoding=self.encoding, delimiter=self.delimiter, has_header=self.has_header
        )
        for i, (number, cells) in enumerate(self.records[start:stop]):
            if pause is not None and i % PAUSE_ROWS == 0:
                pause()
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


def decode(
    data: bytes, *, encoding: str | None = None, country: str | None = None
) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in: ``encoding`` when the user
    stated one, else a byte-order mark, UTF-16, strict UTF-8, or the usual legacy code
    page that reads it plausibly, ``country``'s first (see ``intake.encodings``).
    Invalid when the bytes are not text or no encoding reads them."""
    if not data.strip():
        raise Invalid("The file is empty.", details={"file": "empty"})
    text, name = decode_bytes(data, encoding=encoding, country=country)
    return _checked(text), name


def _checked(text: str) -> str:
    # Binary files (a spreadsheet, an image) decode as text full of control characters
    # (NULs included); a few NULs in a text file are dropped, as a cell drops them.
    if len(_CONTROL.findall(text[:20_000])) > 10:
        raise unreadable()
    return text.replace("\x00", "") if "\x00" in text else text


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


_PARENTHESIZED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LABELS = tuple(tuple(tuple(label.split()) for label in labels) for labels in HEADER_LABELS)


def _label_words(cell: str) -> tuple[str, ...]:
    """A cell as label words: lower-case, accents stripped, parenthesized parts and
    punctuation dropped (``Country code (+63)`` -> ``country code``). Empty for a cell that
    cannot be a label (an ``@``, digits, a long text)."""
    if "@" in cell or len(cell) > 80:
        return ()
    text = unicodedata.normalize("NFKD", _PARENTHESIZED.sub(" ", cell).lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("ß", "ss")
    words = tuple(_NOT_WORD.sub(" ", text).split())
    if any(ch.isdigit() for w in words for ch in w):
        return ()
    return words


def label_columns(cell: str) -> set[int]:
    """The columns (0-based) a header cell names: those with the best-matching label (a
    label equal to the cell beats one found among its words, a longer one a shorter)."""
    words = _label_words(cell)
    if not words:
        return set()
    best, found = 0, set()
    for column, labels in enumerate(_LABELS):
        for label in labels:
            size = len(label)
            if words == label:
                score = 100 + size
            elif any(words[k : k + size] == label for k in range(len(words) - size + 1)):
                score = size
            else:
                continue
            if score > best:
                best, found = score, {column}
            elif score == best:
                found.add(column)
    return found


def _is_header(cells: list[str]) -> bool:
    # A header row names columns: at least two of its cells are labels of some column.
    # (A lead row may hold a word that is also a label, rarely two.)
    return sum(1 for c in cells if label_columns(c)) >= 2


def _check_header(cells: list[str]) -> None:
    for index, cell in enumerate(cells):
        if index == len(COLUMNS) - 1 and not cell.strip():
            continue  # an unnamed (optional) referee column
        if index not in label_columns(cell):
            raise Invalid(
                f"Wrong header: column {index + 1} is {cell.strip()!r}, expected "
                f"{COLUMNS[index]!r} (columns: {FORMAT}).",
                details={"file": "wrong header"},
            )


def _breaks(text: str) -> int:
    """Line breaks in ``text`` (LF, CRLF or CR)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _quote_error(cells: list[str], index: int, first_line: int, end: str) -> Invalid:
    line = first_line + _breaks("".join(cells[:index]))
    start = cells[index].lstrip().splitlines()[0][:40] if cells[index].strip() else ""
    shown = f' ("{start}...)' if start else ""
    return Invalid(
        f"Unclosed quote on line {line}: the cell that starts with a quote there{shown} "
        f"{end}. Close the quote (or delete it) and send the file again.",
        details={"file": "malformed"},
    )


def read_csv(
    data: bytes,
    *,
    default_region: str | None = None,
    encoding: str | None = None,
    country: str | None = None,
) -> CsvFile:
    """Read a CSV file of leads as a table: Invalid for a file that is not such a table
    (unreadable, wrong columns, wrong header, no rows, more than MAX_ROWS, broken
    quoting). ``default_region`` reads phone numbers of rows without a country code;
    ``encoding`` is the one the user stated (else it is detected, ``country``'s code page
    breaking ties)."""
    text, encoding = decode(data, encoding=encoding, country=country)
    delimiter = None
    sep = _SEP_LINE.match(text)
    if sep and sep.group(1) in DELIMITERS:
        delimiter = sep.group(1)
        text = text[sep.end() :]
    delimiter = delimiter or sniff_delimiter(text)
    table = CsvFile(encoding=encoding, delimiter=delimiter, default_region=default_region)
    ended = False

    def lines() -> Iterator[str]:
        # The reader asks for a line past the last one only inside a quoted cell.
        nonlocal ended
        yield from io.StringIO(text, newline="")
        ended = True

    reader = csv.reader(lines(), delimiter=delimiter)
    number = 0
    lines_read = 0
    first = True
    try:
        for raw in reader:
            number += 1
            first_line, lines_read = lines_read + 1, reader.line_num
            if ended:  # EOF inside quotes: the last cell swallowed the rest of the file
                raise _quote_error(raw, len(raw) - 1, first_line, "never ends")
            joined = "".join(raw)
            if not joined.strip():  # a blank line
                continue
            if "\n" in joined or "\r" in joined:
                for index, cell in enumerate(raw):
                    # A quoted cell may hold line breaks, but not whole rows of the file.
                    if any(line.count(delimiter) >= 4 for line in cell.splitlines()[1:]):
                        raise _quote_error(
                            raw, index, first_line, f"ends only on line {lines_read}"
                        )
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


def parse_csv(
    data: bytes,
    *,
    default_region: str | None = None,
    encoding: str | None = None,
    country: str | None = None,
) -> ParsedCsv:
    """Read and check a whole CSV file of leads (see read_csv for the file-level errors)."""
    return read_csv(
        data, default_region=default_region, encoding=encoding, country=country
    ).validate()


def _parse_row(parsed: ParsedCsv, number: int, cells: list[str], region: str | None) -> None:
    if not 5 <= len(cells) <= len(COLUMNS):
        parsed.errors.append(
            RowError(
                number,
                f"Expected {len(COLUMNS)} columns ({FORMAT}), found {len(cells)}",
                "column_count",
                {"expected": len(COLUMNS), "format": FORMAT, "found": len(cells)},
            )
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
        parsed.errors.append(RowError.of(number, exc))
        return
    if row.referrer_name:
        row.others["referee"] = row.referrer_name
    parsed.rows.append(row)
