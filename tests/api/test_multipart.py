"""api/multipart.py: the parts of a multipart/form-data body already in memory, as
Starlette's ``request.form()`` reads them."""

from __future__ import annotations

import asyncio
import random

import pytest
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from hireloop.api.multipart import FormPart, MultipartError, parse_form

BOUNDARY = "b0und4ry"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def body(*parts: tuple[str, bytes], boundary: str = BOUNDARY) -> bytes:
    """``parts``: (headers, content) with the headers as written, CRLF-separated."""
    out = b""
    for headers, content in parts:
        out += f"--{boundary}\r\n{headers}\r\n\r\n".encode("latin-1") + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def field(name: str, value: bytes) -> tuple[str, bytes]:
    return f'Content-Disposition: form-data; name="{name}"', value


def file(name: str, filename: str, content: bytes) -> tuple[str, bytes]:
    return (
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf",
        content,
    )


def starlette_parts(data: bytes, content_type: str = CONTENT_TYPE, **limits: int) -> list[FormPart]:
    """What ``request.form()`` makes of ``data``, as FormParts."""

    async def stream():  # type: ignore[no-untyped-def]
        yield data

    async def parse() -> list[FormPart]:
        parser = MultiPartParser(
            Headers({"content-type": content_type}),
            stream(),
            max_files=limits.get("max_files", 1000),
            max_fields=limits.get("max_fields", 1000),
            max_part_size=limits.get("max_field_bytes", 1024 * 1024),
        )
        form = await parser.parse()
        out = []
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                out.append(FormPart(name, value.filename, await value.read()))
            else:
                out.append(FormPart(name, None, value))
        await form.close()
        return out

    return asyncio.run(parse())


def test_fields_and_files_in_order() -> None:
    pdf = b"%PDF-1.4\r\n" + bytes(range(256)) * 600 + b"\r\n--b0und4r\r\n%%EOF"
    data = body(
        field("first_name", "Zoé".encode()),
        file("cv", "cv.pdf", pdf),
        field("first_name", b"second"),
        file("other", "", b""),
        field("empty", b""),
    )
    parts = parse_form(data, CONTENT_TYPE)
    assert parts == [
        FormPart("first_name", None, "Zoé"),
        FormPart("cv", "cv.pdf", pdf),
        FormPart("first_name", None, "second"),
        FormPart("other", "", b""),
        FormPart("empty", None, ""),
    ]
    assert parts == starlette_parts(data)


def test_text_not_valid_in_the_charset_is_read_as_latin_1() -> None:
    data = body(field("last_name", "Müller".encode("latin-1")), field("city", "Zürich".encode()))
    assert parse_form(data, CONTENT_TYPE) == [
        FormPart("last_name", None, "Müller"),
        FormPart("city", None, "Zürich"),
    ]
    latin = CONTENT_TYPE + "; charset=iso-8859-1"
    assert parse_form(data, latin)[1].value == "ZÃ¼rich"
    assert parse_form(data, latin) == starlette_parts(data, latin)
    unknown = CONTENT_TYPE + "; charset=no-such-charset"
    assert parse_form(data, unknown) == starlette_parts(data, unknown)


@pytest.mark.parametrize(
    ("data", "limits"),
    [
        (body(("Content-Disposition: form-data", b"x")), {}),  # no name
        (body(("Content-Type: text/plain", b"x")), {}),  # no Content-Disposition
        (body(file("a", "a.pdf", b"1"), file("b", "b.pdf", b"2")), {"max_files": 1}),
        (body(field("a", b"1"), field("b", b"2")), {"max_fields": 1}),
        (body(field("cover_letter", b"x" * 2049)), {"max_field_bytes": 2048}),
        (b"--b0und4ry\r\nContent-Disposition form-data\r\n\r\nx\r\n--b0und4ry--\r\n", {}),
        (b"garbage before --b0und4ry\r\n", {}),
    ],
)
def test_what_request_form_refuses_is_refused(data: bytes, limits: dict[str, int]) -> None:
    with pytest.raises(MultipartError):
        parse_form(data, CONTENT_TYPE, **limits)
    with pytest.raises(MultiPartException):
        starlette_parts(data, **limits)


def test_the_field_limit_is_not_a_file_limit() -> None:
    data = body(file("cv", "cv.pdf", b"x" * 5000), field("note", b"y" * 2048))
    parts = parse_form(data, CONTENT_TYPE, max_field_bytes=2048)
    assert [len(p.value) for p in parts] == [5000, 2048]


def test_a_body_without_a_boundary_is_refused() -> None:
    with pytest.raises(MultipartError):
        parse_form(body(field("a", b"1")), "multipart/form-data")


def test_random_bodies_read_as_request_form_reads_them() -> None:
    rnd = random.Random(11)
    alphabet = b"\r\n-b0und4ry%PDF \x00\xff\xe9abc"
    for _ in range(200):
        parts = []
        for i in range(rnd.randint(1, 5)):
            content = bytes(rnd.choice(alphabet) for _ in range(rnd.randint(0, 300)))
            if rnd.random() < 0.5:
                parts.append(file(f"f{i}", f"n{i}.pdf", content))
            else:
                parts.append(field(f"t{i}", content))
        data = body(*parts)
        assert parse_form(data, CONTENT_TYPE) == starlette_parts(data)
