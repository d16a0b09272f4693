"""CV files for tests, built with the same libraries people's tools use."""

from __future__ import annotations

import io
import os
import struct
import zipfile

import docx
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def make_pdf(lines: list[str], *, encrypt: str | None = None, pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for _ in range(pages):
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()


def make_image_only_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(72, 600, 300, 150, fill=1)  # a drawing, no text layer
    c.showPage()
    c.save()
    return buf.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_word_online_docx(paragraphs: list[str]) -> bytes:
    """A .docx as Word Online / SharePoint save it: the main part is
    ``word/document2.xml``, referenced from [Content_Types].xml and _rels/.rels."""
    src = zipfile.ZipFile(io.BytesIO(make_docx(paragraphs)))
    renamed = {
        "word/document.xml": "word/document2.xml",
        "word/_rels/document.xml.rels": "word/_rels/document2.xml.rels",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"word/document.xml", b"word/document2.xml")
            out.writestr(renamed.get(info.filename, info.filename), data)
    return buf.getvalue()


def make_encrypted_office_file(size: int = 4096) -> bytes:
    """What Office saves for a password-protected .docx: an OLE compound file (the same
    first bytes as a Word 97 .doc) whose ``EncryptedPackage`` stream holds the encrypted
    package. A minimal valid container (version 3, 512-byte sectors): sector 0 the FAT,
    sector 1 the directory, then the stream's ``size`` bytes (at least 4096, so it lives
    in regular sectors)."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    stream_sectors = -(-size // 512)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    chain = [fat_sector, end] + [3 + i for i in range(stream_sectors - 1)] + [end]
    fat = struct.pack(f"<{len(chain)}I", *chain) + b"\xff" * (512 - 4 * len(chain))

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le")
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, free, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, length)
        )

    directory = (
        entry("Root Entry", 5, 1, end, 0)
        + entry("EncryptedPackage", 2, free, 2, size)
        + bytes(128) * 2
    )
    return header + fat + directory + os.urandom(stream_sectors * 512)
