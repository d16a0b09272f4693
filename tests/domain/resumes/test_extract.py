"""CV text extraction, and every hostile file it must refuse."""

from __future__ import annotations

import io
import zipfile

import pytest

from hireloop.domain.resumes.extract import (
    CVValidationError,
    ExtractionError,
    detect_format,
    extract_text,
)
from tests.cv_files import (
    make_docx,
    make_encrypted_office_file,
    make_image_only_pdf,
    make_pdf,
    make_word_online_docx,
)


def test_pdf_text_in_reading_order():
    result = extract_text(make_pdf(["Jean Dupont", "jean.dupont@example.com", "Experience"]))
    assert result.format == "pdf" and result.pages == 1
    assert result.text.splitlines()[:3] == ["Jean Dupont", "jean.dupont@example.com", "Experience"]


def test_docx_paragraphs_and_table_columns():
    data = make_docx(
        ["Maria Santos", "maria@example.com"],
        table=[["Experience\nAcme Corp, Agent", "Skills\nZendesk\nEnglish"]],
    )
    result = extract_text(data)
    assert result.format == "docx"
    lines = result.text.splitlines()
    assert lines[:2] == ["Maria Santos", "maria@example.com"]
    # Each column is kept whole rather than interleaved line by line.
    assert lines.index("Acme Corp, Agent") < lines.index("Skills")


def test_format_comes_from_content_not_name():
    assert detect_format(make_pdf(["x"])) == "pdf"
    assert detect_format(make_docx(["x"])) == "docx"
    assert detect_format(b"{\\rtf1\\ansi Hello}") == "rtf"
    assert detect_format("Jean Dupont\nDéveloppeur".encode()) == "txt"
    assert detect_format(b"\x89PNG\r\n\x1a\n\x00\x00") == "unknown"


def test_plain_text_and_rtf():
    assert extract_text(b"Ana Cruz\nana@example.com").text == "Ana Cruz\nana@example.com"
    assert "Hello world" in extract_text(b"{\\rtf1\\ansi Hello world\\par}").text


def test_empty_file():
    with pytest.raises(CVValidationError, match="CV validation failed: CV file is empty"):
        extract_text(b"")


def test_eleven_megabytes():
    data = b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024)
    with pytest.raises(CVValidationError, match="too large"):
        extract_text(data)


def test_legacy_doc_is_unsupported():
    with pytest.raises(CVValidationError, match="legacy Word .doc"):
        extract_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_fake_magic_bytes():
    with pytest.raises(ExtractionError, match="^Failed to extract text from CV: "):
        extract_text(b"%PDF-1.7\nthis is not really a pdf\n%%EOF")


def test_unknown_bytes_are_refused_or_read_as_pdf_when_asked():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    with pytest.raises(CVValidationError, match="unsupported file format"):
        extract_text(png)
    with pytest.raises(ExtractionError, match="^Failed to extract text from CV: "):
        extract_text(png, unknown_as="pdf")


def test_encrypted_pdf():
    with pytest.raises(ExtractionError, match="password"):
        extract_text(make_pdf(["secret"], encrypt="s3cret"))


def test_image_only_pdf():
    with pytest.raises(ExtractionError, match="no readable text"):
        extract_text(make_image_only_pdf())


def test_page_cap():
    with pytest.raises(ExtractionError, match="pages"):
        extract_text(make_pdf(["page"], pages=60))


def _docx_with(part: str, content: bytes, base: bytes | None = None) -> bytes:
    base = base or make_docx(["hello"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = content if item.filename == part else src.read(item.filename)
            dst.writestr(item, data)
    return out.getvalue()


def test_xxe_is_never_resolved():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(ExtractionError, match="DTD"):
        extract_text(_docx_with("word/document.xml", xxe))


def test_zip_bomb_is_refused_before_reading():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<a>" + b" " * (100 * 1024 * 1024) + b"</a>")
    with pytest.raises(ExtractionError, match="zip bomb"):
        extract_text(out.getvalue())


def test_zip_with_too_many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<a/>")
        for i in range(600):
            zf.writestr(f"junk/{i}.txt", "x")
    with pytest.raises(ExtractionError, match="too many parts"):
        extract_text(out.getvalue())


def test_corrupt_docx():
    data = make_docx(["hello"])
    with pytest.raises(ExtractionError, match="^Failed to extract text from CV: "):
        extract_text(_docx_with("word/document.xml", b"<not xml", base=data))


def test_concurrent_pdf_extraction_is_safe():
    """PDFium is not thread-safe; the server extracts CVs in a thread pool."""
    from concurrent.futures import ThreadPoolExecutor

    pdfs = [make_pdf([f"Person {i}", f"person{i}@example.com"], pages=3) for i in range(8)]

    def read(i: int) -> str:
        return extract_text(pdfs[i % 8]).text

    with ThreadPoolExecutor(max_workers=8) as pool:
        texts = list(pool.map(read, range(200)))
    assert all(t.startswith(f"Person {i % 8}\n") for i, t in enumerate(texts))


def test_a_word_online_docx_is_found_through_its_package_parts():
    # Word Online / SharePoint name the main part word/document2.xml.
    data = make_word_online_docx(["Jean Dupont", "jean.dupont@example.com"])
    assert detect_format(data) == "docx"
    result = extract_text(data)
    assert result.format == "docx"
    assert result.text.splitlines() == ["Jean Dupont", "jean.dupont@example.com"]
    # Without the content type override, the officeDocument relationship still finds it.
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                part = part.replace(b'PartName="/word/document2.xml"', b'PartName="/word/x.xml"')
            out.writestr(info.filename, part)
    assert detect_format(buf.getvalue()) == "docx"
    # A zip with neither is no Word file.
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as out:
        out.writestr("word/notes.xml", "<x/>")
    assert detect_format(plain.getvalue()) == "zip"


def test_a_password_protected_office_file_is_not_a_legacy_doc():
    data = make_encrypted_office_file()
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the same first bytes as a .doc
    assert detect_format(data) == "encrypted"
    with pytest.raises(ExtractionError, match="the file is password-protected"):
        extract_text(data)
    with pytest.raises(ExtractionError):
        extract_text(data, unknown_as="pdf")
    # A Word 97 file stays a .doc, even with the stream's name in its text.
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert detect_format(legacy) == "doc"
    assert detect_format(legacy + b"x" + "EncryptedPackage\0".encode("utf-16-le")) == "doc"
