"""Request payloads of the Talkpush face: JSON, form-encoded or multipart, with the nested
keys Rails clients send (``campaign_invitation[others][referee_id]``, ``filter[ids][]``),
read into one nested dict. Files sit in the dict as :class:`UploadedFile`: a route reads
the fields it takes as files with its own checks, and every other field with
:func:`text_value` or :func:`no_files`, which refuse a file (``content must not be a file.``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from hireloop.db import json_loads
from hireloop.domain.ids import is_ascii_digits
from hireloop.errors import Invalid

MAX_FORM_BYTES = 1_048_576
# Multipart carries files (a CV, a document): 10 MB each plus the framing and fields.
MAX_MULTIPART_BYTES = 10 * 1024 * 1024 + 512 * 1024
MAX_FIELDS = 500
MAX_FILES = 20
TOO_MANY_PARAMETERS = f"Too many parameters (at most {MAX_FIELDS})."

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


class Payload(dict[str, Any]):
    """The nested request data, with helpers to read a path of keys."""

    def get_path(self, *keys: str, default: Any = None) -> Any:
        node: Any = self
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node


def split_key(name: str) -> list[str]:
    """``a[b][]`` -> ``["a", "b", ""]``; Invalid for a malformed key."""
    match = _KEY.match(name.strip())
    if match is None:
        raise Invalid(f"Malformed parameter name: {name!r}", details={name: "malformed key"})
    return [match.group(1).strip()] + [p.strip() for p in _PART.findall(match.group(2))]


def nest(items: Iterable[tuple[str, Any]]) -> Payload:
    """Build the nested dict from flat ``(name, value)`` pairs, as Rack does.

    ``a[]`` appends to a list; a name used both as a value and as a hash
    (``a=1&a[b]=2``) is refused, as is anything past MAX_FIELDS.
    """
    root = Payload()
    count = 0
    for name, value in items:
        count += 1
        if count > MAX_FIELDS:
            raise Invalid(TOO_MANY_PARAMETERS)
        parts = split_key(name)
        node: dict[str, Any] = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_list = not last and parts[i + 1] == ""
            if part == "":
                # "[]" — only valid as the last part (a list of scalars).
                if not last:
                    raise Invalid(
                        f"Malformed parameter name: {name!r}", details={name: "malformed key"}
                    )
                continue
            if last:
                if part in node and isinstance(node[part], dict | list):
                    raise Invalid(
                        f"Conflicting parameters for {name!r}", details={name: "conflicting key"}
                    )
                node[part] = value
                break
            if nxt_is_list:
                existing = node.setdefault(part, [])
                if not isinstance(existing, list):
                    raise Invalid(
                        f"Conflicting parameters for {name!r}", details={name: "conflicting key"}
                    )
                if i + 2 != len(parts):
                    raise Invalid(
                        f"Malformed parameter name: {name!r}", details={name: "malformed key"}
                    )
                existing.append(value)
                break
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise Invalid(
                    f"Conflicting parameters for {name!r}", details={name: "conflicting key"}
                )
            node = child
    return root


def query_payload(request: Request) -> Payload:
    return nest(request.query_params.multi_items())


def _form_refused(exc: Exception, kind: str) -> Invalid:
    """Starlette's refusal of a form body in this face's words: more fields than
    MAX_FIELDS as the query string's limit says it, more files than MAX_FILES likewise,
    anything else as a malformed ``kind`` (form, multipart) payload."""
    # An HTTPException inside the app (its detail), a MultiPartException outside (message).
    reason = str(getattr(exc, "detail", None) or getattr(exc, "message", None) or "")
    if reason.startswith("Too many fields"):
        return Invalid(TOO_MANY_PARAMETERS)
    if reason.startswith("Too many files"):
        return Invalid(f"Too many files (at most {MAX_FILES}).")
    return Invalid(f"Invalid {kind} payload")


async def _read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    too_large = Invalid(f"Request body must not exceed {limit / 1_048_576:g} MB.")
    if is_ascii_digits(declared) and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def body_payload(request: Request) -> Payload:
    """The body as a nested dict: JSON (an object), form-encoded or multipart."""
    if request.method in ("GET", "HEAD", "DELETE"):
        return Payload()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        body = await _read_capped(request, MAX_MULTIPART_BYTES)
        request._body = body  # request.form() parses the body already read
        try:
            form = await request.form(
                max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=MAX_FORM_BYTES
            )
        except Exception as exc:
            raise _form_refused(exc, "multipart") from None
        try:
            items: list[tuple[str, Any]] = []
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    data = await value.read()
                    if not value.filename and not data:
                        continue  # a file input left empty (no file chosen): no parameter
                    items.append(
                        (
                            name,
                            UploadedFile(
                                filename=(value.filename or "").replace("\x00", "") or "upload",
                                content_type=value.content_type or "application/octet-stream",
                                data=data,
                            ),
                        )
                    )
                else:
                    items.append((name, value))
        finally:
            await form.close()
        return nest(items)
    body = await _read_capped(request, MAX_FORM_BYTES)
    if not body.strip():
        return Payload()
    if content_type == "application/x-www-form-urlencoded":
        request._body = body
        try:
            form = await request.form(max_fields=MAX_FIELDS)
        except Exception as exc:
            raise _form_refused(exc, "form") from None
        return nest(form.multi_items())
    # JSON, also when the client forgot the content type (curl -d '{...}'); integers
    # beyond 64 bits (an id in others) exact, as the docs promise (json_loads).
    try:
        data = json_loads(body)
    except ValueError:  # orjson's JSONDecodeError is one
        raise Invalid("Malformed JSON in request body.") from None
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    return Payload(data)


def no_files(value: Any, name: str) -> None:
    """Invalid ``{name} must not be a file.`` for an uploaded file anywhere in ``value``
    (members named ``name[key]``, list items ``name[]``): only the fields a route reads
    as files may hold one; any other value is text or JSON."""
    if isinstance(value, UploadedFile):
        raise Invalid(f"{name} must not be a file.", details={name: "must not be a file"})
    if isinstance(value, dict):
        for key, item in value.items():
            no_files(item, f"{name}[{key}]")
    elif isinstance(value, list):
        for item in value:
            no_files(item, f"{name}[]")


def text_value(value: Any, name: str) -> str | None:
    """A text parameter: None when absent, a JSON number or boolean as its text
    (``true``/``false``); Invalid for a file (``{name} must not be a file.``: its bytes are
    no text to keep), an object or a list (``{name} must be a string.``)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    no_files(value, name)
    raise Invalid(f"{name} must be a string.", details={name: "must be a string"})


MAX_DEPTH = 32  # nesting of objects and lists in one request


def check_values(data: dict[str, Any]) -> None:
    """Invalid for a null character in a key or a text value (PostgreSQL's text cannot hold
    one; an uploaded file's name just loses it) or for nesting deeper than MAX_DEPTH.
    Walks without recursion, so any depth JSON allows is answered."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Invalid(f"Parameters are nested too deeply (at most {MAX_DEPTH} levels).")
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and "\x00" in key:
                    raise Invalid(
                        "Parameter names must not contain null characters.",
                        details={key.replace("\x00", ""): "null character in name"},
                    )
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
        elif isinstance(node, str) and "\x00" in node:
            raise Invalid("Parameter values must not contain null characters.")


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> None:
    """Merge ``over`` into ``base`` in place: objects present in both merge key by key (at
    any depth), anything else in ``over`` (a value, a list) replaces ``base``'s."""
    for key, value in over.items():
        current = base.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            deep_merge(current, value)
        else:
            base[key] = value


async def request_payload(request: Request) -> Payload:
    """Query string and body together, merged key by key at every level
    (``?campaign_invitation[first_name]=Q`` with a body ``campaign_invitation[email]=…``
    is one ``campaign_invitation``); where both give the same key, the body wins."""
    cached = getattr(request.state, "leads_payload", None)
    if cached is not None:
        return cached
    merged = query_payload(request)
    body = await body_payload(request)
    check_values(merged)
    check_values(body)
    deep_merge(merged, body)
    request.state.leads_payload = merged
    return merged


PayloadDep = Annotated[Payload, Depends(request_payload)]
