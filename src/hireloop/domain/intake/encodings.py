"""Which encoding a CSV file of leads was saved in.

What a mature product does, in order:

1. the encoding the user stated (``--encoding``, the web form's "File encoding"), checked
   with ``codecs.lookup``; bytes it cannot decode refuse the file;
2. a byte-order mark (UTF-8, UTF-16, UTF-32);
3. UTF-16 without a mark (every other byte zero in the first kilobytes);
4. strict UTF-8, when the whole file decodes;
5. otherwise one of the legacy code pages spreadsheet programs actually write
   (:data:`LEGACY`: the Windows code pages, Shift-JIS, GB18030, Big5, UHC, Mac Roman) —
   never an exotic one (cp775, hp_roman8, johab, ...), however well it fits a short file.
   Each candidate decodes a bounded sample (the lines holding non-ASCII bytes, at most
   :data:`SAMPLE_BYTES`) and gets a *mess score* (:func:`mess`): the share of its non-ASCII
   words that look like mojibake. The company's country breaks ties: its code page
   (:data:`COUNTRY_CODE_PAGES`, default cp1252) is chosen when it decodes the sample and
   scores within :data:`TIE_MARGIN` of the best; else the best candidate, when it scores
   at most :data:`MAX_MESS` (the country's code page: :data:`MAX_MESS_COUNTRY`). When
   nothing is plausible the file is refused with a message asking for "CSV UTF-8".

Only the sample is decoded by each candidate; the file is decoded in full once (more only
when a byte beyond a capped sample does not decode under the chosen code page).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from hireloop.errors import Invalid

# The legacy code pages spreadsheet programs write, in the order that breaks remaining ties.
LEGACY: tuple[str, ...] = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "cp1258",
    "cp874",
    "cp1255",
    "cp1256",
    "cp949",
    "gb18030",
    "cp932",
    "big5",
    "mac_roman",
)
DEFAULT_CODE_PAGE = "cp1252"
# The code page Windows (and Excel's "CSV" format) uses in a country (ISO alpha-2).
_BY_CODE_PAGE: dict[str, tuple[str, ...]] = {
    "cp1250": ("PL", "CZ", "SK", "HU", "SI", "HR", "RO", "RS", "BA", "AL", "ME", "MK"),
    "cp1251": ("RU", "UA", "BG", "BY", "KZ", "KG", "MN", "TJ"),
    "cp1253": ("GR", "CY"),
    "cp1254": ("TR", "AZ"),
    "cp1255": ("IL",),
    "cp1256": (
        "SA",
        "AE",
        "EG",
        "IQ",
        "JO",
        "KW",
        "LB",
        "LY",
        "MA",
        "DZ",
        "TN",
        "OM",
        "QA",
        "BH",
        "SY",
        "YE",
        "IR",
        "PK",
    ),  # fmt: skip
    "cp1257": ("LT", "LV", "EE"),
    "cp1258": ("VN",),
    "cp874": ("TH",),
    "cp932": ("JP",),
    "gb18030": ("CN", "SG"),
    "big5": ("TW", "HK", "MO"),
    "cp949": ("KR",),
}
COUNTRY_CODE_PAGES: dict[str, str] = {
    country: page for page, countries in _BY_CODE_PAGE.items() for country in countries
}
SAMPLE_BYTES = 64 * 1024
TIE_MARGIN = 0.05
MAX_MESS = 0.25
# The country's own code page is ruled out only above this: a short file holds few
# non-ASCII words, and real names such as Łoś, Öğüt or Żółć look like mojibake to mess()
# (mostly accented letters), so one of them would rule out the right code page.
MAX_MESS_COUNTRY = 0.5
SAVE_AS_UTF8 = 'save it as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8) and send it again'

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HIGH = re.compile(rb"[\x80-\xff]")
# Words: runs of characters that are neither spaces nor punctuation (ASCII or not).
_WORD = re.compile(
    r"[^\s!-/:-@\[-`{-~\u00a1\u00ab\u00b7\u00bb\u00bf\u2000-\u206f\u3000-\u303f\uff01-\uff0f]+"
)
_HARD = {"Cc", "Co", "Cn", "Cs"}  # controls, private use, unassigned, surrogates
_VOWELS = set("аеёиоуыэюяіїєўαεηιουωάέήίόύώϊϋΐΰ")
_ICELANDIC = set("þðÞÐ")  # Turkish ş ğ Ş Ğ read as Windows-1252
_MAX_WORDS = 1500
_LONG = re.compile(r"[^\s!-/:-@\[-`{-~]{41,}")  # no cell holds a word this long
# Symbols and punctuation that text hardly ever holds, while other code pages' letters
# read as Windows-1252 (or a neighbour) often are: each one counts as a bad word.
_ODD = re.compile(
    "[\u00a4\u00a6\u00a8\u00ac\u00af\u00b1-\u00b6\u00b8-\u00ba\u00bc-\u00be"
    "\u00d7\u00f7\u0192\u02c6\u02dc\u2020\u2021\u2030\u201a\u201e\u2039\u203a]"
)
_CJK = {"CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "IDEOGRAPHIC"}


def code_page_for(country: str | None) -> str:
    """The legacy code page files from ``country`` (ISO alpha-2) are most likely in."""
    return COUNTRY_CODE_PAGES.get((country or "").strip().upper(), DEFAULT_CODE_PAGE)


# Codecs Python counts as text encodings that no file is saved in: they transform text
# (escapes, domain names) rather than store it.
_NOT_FILE_ENCODINGS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7", "undefined"}
)


def checked_encoding(name: str) -> str:
    """The canonical name of a text encoding the user stated; Invalid for an unknown one
    (or a codec that is not a file's text encoding, such as base64, rot13 or punycode)."""
    try:
        info = codecs.lookup(name.strip())
        "".encode(info.name)  # LookupError for bytes-to-bytes codecs
        if info.name in _NOT_FILE_ENCODINGS or not getattr(info, "_is_text_encoding", True):
            raise LookupError(info.name)
    except (LookupError, ValueError, TypeError):
        raise Invalid(
            f"Unknown encoding {name.strip()[:40]!r}: use a name such as utf-8, cp1252, "
            "cp1250, cp1251, gb18030, big5, cp932 or cp949.",
            details={"encoding": "unknown encoding"},
        ) from None
    return info.name


def unreadable(reason: str = "") -> Invalid:
    return Invalid(
        f"The file could not be read as text{reason}: {SAVE_AS_UTF8}.",
        details={"file": "unreadable encoding"},
    )


def decode_bytes(
    data: bytes, *, encoding: str | None = None, country: str | None = None
) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in (see the module's docstring).
    Invalid when no encoding reads it plausibly, or when the stated one cannot."""
    if encoding:
        name = checked_encoding(encoding)
        try:
            text = data.decode(name)
        except UnicodeError as exc:  # a decoding error, or what a codec raises instead
            start = exc.start if isinstance(exc, UnicodeDecodeError) else len(data)
            line = data.count(b"\n", 0, start) + 1
            raise Invalid(
                f"The file is not valid {name}: the bytes on line {line} cannot be read in "
                f"that encoding. Choose the encoding the file was saved in, or {SAVE_AS_UTF8}.",
                details={"file": "wrong encoding"},
            ) from None
        return _normalized(text.removeprefix("\ufeff"), name), name
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name).removeprefix("\ufeff"), name
            except UnicodeDecodeError:
                raise unreadable() from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy(data, code_page_for(country))


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even = head[0 : pairs * 2 : 2].count(0)
    odd = head[1 : pairs * 2 : 2].count(0)
    if odd >= 0.4 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def sample(data: bytes, limit: int = SAMPLE_BYTES) -> tuple[bytes, bool]:
    """The whole lines of ``data`` that hold non-ASCII bytes, at most about ``limit``
    bytes of them, and whether they are all of them. Lines end at LF, which no trail
    byte of the legacy multi-byte code pages can be (they are all >= 0x40)."""
    parts: list[bytes] = []
    size = 0
    pos = 0
    while True:
        found = _HIGH.search(data, pos)
        if found is None:
            return b"\n".join(parts), True
        start = data.rfind(b"\n", 0, found.start()) + 1
        end = data.find(b"\n", found.start())
        end = len(data) if end < 0 else end
        if size and size + end - start > limit:
            return b"\n".join(parts), False
        parts.append(data[start:end])
        size += end - start + 1
        pos = end + 1


@dataclass
class Candidate:
    encoding: str
    score: float


def rank(chunk: bytes, preferred: str) -> list[Candidate]:
    """The legacy code pages that decode ``chunk`` plausibly (scoring at most MAX_MESS,
    the preferred one MAX_MESS_COUNTRY), best first: the preferred one when within
    TIE_MARGIN of the best, then by score and LEGACY order."""
    order = [preferred, *(e for e in LEGACY if e != preferred)]
    scored: list[Candidate] = []
    for encoding in order:
        try:
            text = chunk.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = mess(_normalized(text, encoding), encoding)
        if score <= (MAX_MESS_COUNTRY if encoding == preferred else MAX_MESS):
            scored.append(Candidate(encoding, score))
    if not scored:
        return []
    best = min(c.score for c in scored)
    first = [c for c in scored if c.encoding == preferred and c.score <= best + TIE_MARGIN]
    rest = sorted((c for c in scored if c not in first), key=lambda c: c.score)
    return first + rest


def _legacy(data: bytes, preferred: str) -> tuple[str, str]:
    chunk, complete = sample(data)
    candidates = rank(chunk, preferred)
    if not candidates:
        raise unreadable(" in UTF-8 or a usual code page")
    for candidate in candidates:
        if complete and candidate is not candidates[0]:
            break  # the sample held every non-ASCII line: the first decodes the file
        try:
            text = data.decode(candidate.encoding)
        except UnicodeDecodeError:
            continue
        return _normalized(text, candidate.encoding), candidate.encoding
    raise unreadable(" in UTF-8 or a usual code page")


def _normalized(text: str, encoding: str) -> str:
    # Vietnamese (cp1258) writes tone marks as combining characters: compose them.
    return unicodedata.normalize("NFC", text) if encoding == "cp1258" else text


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    head = name.split(" ", 1)[0]
    if head in _CJK:
        return "CJK"
    return head


def mess(text: str, encoding: str = "") -> float:
    """How much ``text`` looks like mojibake, from 0 (clean) to 1: the share of its words
    with a non-ASCII character that mix scripts (``Josй``), glue a symbol to a letter
    (``M³ller``, ``£ukasz``), are Latin words made mostly of accented letters
    (``Èâàí``, Cyrillic read as Windows-1252), or CJK words made mostly of characters
    outside the everyday set of ``encoding`` (what a wrong CJK code page makes of text).
    Any control, private-use or unassigned non-ASCII character makes it 1."""
    words = 0
    bad = 0
    for char in set(text):
        if char >= "\x80" and unicodedata.category(char) in _HARD:
            return 1.0
    for word in {w for w in _WORD.findall(text) if not w.isascii()}:
        words += 1
        if words > _MAX_WORDS:
            words -= 1
            break
        if _bad_word(word, encoding):
            bad += 1
    odd = len(_ODD.findall(text)) + len(_LONG.findall(text))
    return (bad + odd) / (words + odd) if words + odd else 0.0


def _bad_word(word: str, encoding: str) -> bool:
    scripts: set[str] = set()
    letters = accented = vowels = 0
    rare = cjk = 0
    previous_letter = previous_symbol = previous_lower = False
    if len(word) > 40:
        return True  # no name is one word this long
    if unicodedata.category(word[0])[0] == "M":
        return True  # a combining mark (a Thai vowel, an accent) on nothing
    for char in word:
        category = unicodedata.category(char)
        if category[0] == "L":
            if previous_symbol or (category == "Lu" and previous_lower) or char in _ICELANDIC:
                return True
            script = _script(char)
            scripts.add(script)
            if script in ("CJK", "HANGUL"):
                cjk += 1
                rare += _rare_cjk(char, encoding)
            elif script in ("LATIN", "CYRILLIC", "GREEK"):
                letters += 1
                accented += not char.isascii()
                vowels += char.lower() in _VOWELS
            previous_letter, previous_symbol, previous_lower = True, False, category == "Ll"
        elif category[0] == "M":
            continue
        elif not char.isascii() and (category[0] == "S" or category[0] == "N"):
            if previous_letter:
                return True
            previous_letter = previous_lower = False
            previous_symbol = True
        else:
            previous_letter = previous_symbol = previous_lower = False
    if len(scripts) > 1:
        return True
    if scripts == {"LATIN"}:
        # Latin words have few accented letters; Cyrillic or Greek read as Windows-1252
        # (or CJK read as any single-byte code page) is all accents.
        return accented >= 2 and accented > 0.6 * letters
    if scripts & {"CYRILLIC", "GREEK"}:
        # Words of these alphabets have vowels; another code page's text read as them
        # rarely does.
        return letters >= 4 and vowels < 0.2 * letters
    return cjk > 0 and rare * 2 > cjk


def _rare_cjk(char: str, encoding: str) -> bool:
    """A CJK character outside the everyday set of the code page ``encoding``: GB2312
    for GB18030, JIS X 0208 for Shift-JIS, KS X 1001 for UHC, Big5's frequent characters
    (lead bytes up to 0xC8) for Big5."""
    if encoding == "big5":
        try:
            return char.encode("big5")[0] > 0xC8
        except UnicodeEncodeError:
            return True
    common = _COMMON_SETS.get(encoding)
    if common is None:
        return False
    try:
        # EUC-KR writes syllables outside KS X 1001 as 8-byte jamo sequences.
        return len(char.encode(common)) != 2
    except UnicodeEncodeError:
        return True


_COMMON_SETS = {"gb18030": "gb2312", "cp932": "euc_jp", "cp949": "euc_kr"}
