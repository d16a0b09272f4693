"""Safe text extraction from CV files.

The format is decided by the file's first bytes, never by its name or declared type.
Every guard runs before a parser sees the file: size, zip entry count and uncompressed size,
XML doctypes (no DTD or entity is ever resolved), page cap. PDFs are read by a separate
process with a memory limit and a timeout (``pdf_reader``): what a PDF's streams inflate to
cannot be known before reading them.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from hireloop.errors import DomainError

MAX_CV_BYTES = 10 * 1024 * 1024
MAX_PAGES = 50
MAX_ZIP_ENTRIES = 500
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_TEXT_CHARS = 200_000

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "rtf": "application/rtf",
    "txt": "text/plain",
}


class CVValidationError(DomainError):
    """The file cannot be a CV at all (empty, too large, unsupported format)."""

    kind = "invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(f"CV validation failed: {reason}")
        self.reason = reason


class ExtractionError(DomainError):
    """The file looked like a CV but no text could be read from it."""

    kind = "unprocessable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"Failed to extract text from CV: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class ExtractedText:
    text: str
    format: str  # pdf | docx | rtf | txt
    pages: int

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


def detect_format(data: bytes) -> str:
    """pdf | docx | doc | encrypted | rtf | txt | zip | unknown, from the content alone.

    ``encrypted``: a password-protected Office file (an OLE container with an
    ``EncryptedPackage`` stream), which is not a legacy .doc although it has the same
    first bytes."""
    head = data[:1024]
    if head.lstrip(b"\x00\t\r\n ")[:5] == b"%PDF-" or b"%PDF-" in head:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return "docx" if _has_word_main_part(zf) else "zip"
        except Exception:  # noqa: BLE001 - a broken or hostile zip is no Word file
            return "zip"
    if head[:8] == OLE_MAGIC:
        return "encrypted" if _has_encrypted_package(data) else "doc"
    if head[:5] == b"{\\rtf":
        return "rtf"
    if _looks_like_text(head):
        return "txt"
    return "unknown"


# The main part of a Word document: its content type in [Content_Types].xml, or the
# officeDocument relationship of _rels/.rels. Word writes word/document.xml; Word Online
# and SharePoint write word/document2.xml (or another name).
WORD_MAIN_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_OFFICE_DOCUMENT_REL = "/officeDocument"
_MAX_PACKAGE_XML = 256 * 1024  # [Content_Types].xml and _rels/.rels are a few KB


def _package_xml(zf: zipfile.ZipFile, name: str) -> ET.Element | None:
    """A small XML part of the package, parsed; None when it is missing, too large or
    declares a DTD (never resolved)."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_PACKAGE_XML:
        return None
    with zf.open(info) as part:
        content = part.read(_MAX_PACKAGE_XML)
    if _DOCTYPE.search(content):
        return None
    return ET.fromstring(content)  # noqa: S314 - small, and no DTD (checked above)


def _has_word_main_part(zf: zipfile.ZipFile) -> bool:
    """Whether the zip is a Word package: its main document part (whatever its name)
    exists, found through [Content_Types].xml or _rels/.rels."""
    names = set(zf.namelist())
    if "word/document.xml" in names:
        return True
    types = _package_xml(zf, "[Content_Types].xml")
    for element in types.iter() if types is not None else ():
        if (
            element.tag.endswith("Override")
            and (element.get("ContentType") or "").lower() == WORD_MAIN_CONTENT_TYPE
            and (element.get("PartName") or "").lstrip("/") in names
        ):
            return True
    rels = _package_xml(zf, "_rels/.rels")
    for element in rels.iter() if rels is not None else ():
        target = (element.get("Target") or "").lstrip("/")
        if (
            element.tag.endswith("Relationship")
            and (element.get("Type") or "").endswith(_OFFICE_DOCUMENT_REL)
            and target.startswith("word/")
            and target in names
        ):
            return True
    return False


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A directory entry of an OLE compound file: the name in UTF-16LE with its terminator,
# then at byte 64 the name's length in bytes (34 here) and at byte 66 the type (2: stream).
_ENCRYPTED_PACKAGE = "EncryptedPackage\x00".encode("utf-16-le")
_ENCRYPTED_PACKAGE_ENTRY = b"\x22\x00\x02"


def _has_encrypted_package(data: bytes) -> bool:
    """Whether an OLE file has an ``EncryptedPackage`` stream: how Office saves a
    password-protected .docx (and .xlsx/.pptx). Directory entries are 128-byte records
    in the sectors after the 512-byte header, so only a name at such a record's start
    with the matching length and type counts (not the same words in a .doc's text)."""
    start = data.find(_ENCRYPTED_PACKAGE, 512)
    while start != -1:
        if start % 128 == 0 and data[start + 64 : start + 67] == _ENCRYPTED_PACKAGE_ENTRY:
            return True
        start = data.find(_ENCRYPTED_PACKAGE, start + 1)
    return False


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return False
    return True


def validate_cv(data: bytes) -> str:
    """The CV's format, or CVValidationError (the seed's 'CV validation failed: …')."""
    if not data:
        raise CVValidationError("CV file is empty")
    if len(data) > MAX_CV_BYTES:
        raise CVValidationError("CV file too large (maximum 10 MB)")
    fmt = detect_format(data)
    if fmt == "doc":
        raise CVValidationError(
            "legacy Word .doc files are not supported; save the CV as PDF or DOCX"
        )
    return fmt


def extract_text(data: bytes, *, unknown_as: str | None = None) -> ExtractedText:
    """Text of a PDF, DOCX, RTF or plain-text CV.

    ``unknown_as="pdf"`` reads an unrecognized file as a PDF (the career-site rule);
    otherwise an unrecognized file is a CVValidationError.
    """
    fmt = validate_cv(data)
    if fmt == "encrypted":
        raise ExtractionError("the file is password-protected")
    if fmt in ("unknown", "zip"):
        if unknown_as is None:
            raise CVValidationError("unsupported file format (expected PDF or DOCX)")
        fmt = unknown_as
    if fmt == "pdf":
        text, pages = _pdf_text(data)  # tidied by the PDF reader process
    else:
        if fmt == "docx":
            text, pages = _docx_text(data), 1
        elif fmt == "rtf":
            text, pages = _rtf_text(data), 1
        else:
            text, pages = data.decode("utf-8", errors="replace"), 1
        text = _tidy(text)
    if not text.strip():
        raise ExtractionError("the file contains no readable text (is it a scanned image?)")
    return ExtractedText(text=text[:MAX_TEXT_CHARS], format=fmt, pages=pages)


def _pdf_text(data: bytes) -> tuple[str, int]:
    """A PDF's text, already tidied and cut to MAX_TEXT_CHARS, and its page count.

    Read by a separate process with memory and time limits (``pdf_reader``): PDFium
    inflates streams whatever their size, and a small PDF can ask for gigabytes."""
    from hireloop.domain.resumes.pdf_reader import read_pdf

    return read_pdf(data)


def _pdf_text_unlocked(data: bytes) -> tuple[str, int]:
    """A PDF's raw text and page count, read with PDFium in this process. Only the PDF
    reader process calls it (``pdf_reader.serve``), one file at a time: PDFium is not
    thread-safe (two threads inside it at once corrupt its heap) and a hostile PDF can
    exhaust the memory of whatever process opens it."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ExtractionError("the PDF is password-protected") from None
        raise ExtractionError("the PDF is damaged or not a PDF") from None
    try:
        count = len(pdf)
        if count == 0:
            raise ExtractionError("the PDF has no pages")
        if count > MAX_PAGES:
            raise ExtractionError(f"the PDF has {count} pages (at most {MAX_PAGES} are read)")
        parts = []
        for index in range(count):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    parts.append(textpage.get_text_range())
                finally:
                    textpage.close()
            finally:
                page.close()
        return "\n\n".join(parts), count
    except pdfium.PdfiumError:
        raise ExtractionError("the PDF is damaged") from None
    finally:
        pdf.close()


_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ExtractionError("the DOCX file is damaged") from None
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ExtractionError("the DOCX file has too many parts")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise ExtractionError("the DOCX file expands to an unsafe size (zip bomb?)")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as part:
                if _DOCTYPE.search(part.read(4096)):
                    raise ExtractionError("the DOCX file declares an XML DTD, which is refused")
    return zf


def _docx_text(data: bytes) -> str:
    import docx
    from docx.oxml.ns import qn

    _check_zip(data).close()
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on broken files
        raise ExtractionError("the DOCX file is damaged") from None

    def block_text(element) -> list[str]:  # type: ignore[no-untyped-def]
        if element.tag == qn("w:p"):
            return [_paragraph_text(element)]
        if element.tag == qn("w:tbl"):
            lines = []
            for row in element.iter(qn("w:tr")):
                cells = []
                for cell in row.iter(qn("w:tc")):
                    cell_lines = [_paragraph_text(p) for p in cell.iter(qn("w:p"))]
                    cells.append("\n".join(t for t in cell_lines if t.strip()))
                # Cells of one row are usually side-by-side columns: keep each whole.
                lines.extend(c for c in cells if c.strip())
            return lines
        return []

    lines: list[str] = []
    for section in document.sections:
        for part in (section.header,):
            if part is not None and not part.is_linked_to_previous:
                for element in part._element:
                    lines.extend(block_text(element))
    for element in document.element.body:
        lines.extend(block_text(element))
    return "\n".join(lines)


def _paragraph_text(paragraph) -> str:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn

    out = []
    for node in paragraph.iter():
        if node.tag == qn("w:t") and node.text:
            out.append(node.text)
        elif node.tag == qn("w:tab"):
            out.append("\t")
        elif node.tag in (qn("w:br"), qn("w:cr")):
            out.append("\n")
        elif node.tag == qn("w:p") and node is not paragraph:
            out.append("\n")  # paragraph inside a text box
    return "".join(out)


def _rtf_text(data: bytes) -> str:
    from striprtf.striprtf import rtf_to_text

    try:
        return rtf_to_text(data.decode("latin-1"), errors="ignore")
    except Exception:  # noqa: BLE001
        raise ExtractionError("the RTF file is damaged") from None


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = text.replace("\u00a0", " ").replace("\ufffe", "").replace("\ufeff", "")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
