"""Taptalent's error format: {"error": {"code", "type", "message", "details"}}."""

from __future__ import annotations

import re
from typing import Any

from fastapi.responses import JSONResponse

from hireloop.errors import DomainError

# kind -> (HTTP status, code, type)
_KINDS: dict[str, tuple[int, str, str]] = {
    "invalid": (400, "INVALID_REQUEST", "validation_error"),
    "unauthorized": (401, "UNAUTHORIZED", "authentication_error"),
    "forbidden": (403, "FORBIDDEN", "permission_error"),
    "not_found": (404, "NOT_FOUND", "not_found_error"),
    "conflict": (400, "CONFLICT", "invalid_request_error"),
    "rate_limited": (429, "RATE_LIMITED", "rate_limit_error"),
}


def error_response(
    status: int, code: str, type_: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "type": type_, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status)


def domain_error_response(exc: DomainError) -> JSONResponse:
    status, code, type_ = _KINDS.get(exc.kind, (400, "INVALID_REQUEST", "invalid_request_error"))
    if exc.kind == "forbidden" and exc.message == "Your account is inactive.":
        code = "ACCOUNT_INACTIVE"
    if exc.kind == "invalid" and exc.details:
        return error_response(status, code, type_, "One or more fields are invalid.", exc.details)
    return error_response(status, code, type_, exc.message, exc.details)


def invalid_request(message: str) -> JSONResponse:
    return error_response(400, "INVALID_REQUEST", "invalid_request_error", message)


def internal_error() -> JSONResponse:
    return error_response(500, "INTERNAL_ERROR", "api_error", "An unexpected error occurred.")


def not_found_route() -> JSONResponse:
    return error_response(404, "NOT_FOUND", "not_found_error", "Resource not found.")


def _label(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "value"


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# One quoted value of Pydantic's "'A', "B's" or 'C'" (repr quoting: '…' or "…").
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")


def _expected_values(expected: str) -> list[str]:
    """The allowed values of a literal/enum error, unquoted but otherwise as they are
    (``Bachelor's`` keeps its apostrophe)."""
    values = [single or double for single, double in _QUOTED.findall(expected)]
    if values:
        return values
    return [v for v in re.split(r", | or ", expected) if v]  # unquoted (numbers)


def joi_message(error: dict[str, Any], label: str) -> str:
    """Phrase a Pydantic error the way Joi (which the Taptalent API uses) does."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    q = f'"{label}"'
    if kind == "missing":
        return f"{q} is required"
    if kind in ("string_type", "string_unicode"):
        return f"{q} must be a string"
    if kind == "string_too_short":
        n = ctx.get("min_length", 1)
        value = error.get("input")
        # Joi: an empty string (after .trim(): a blank one) is "not allowed to be empty",
        # whatever the minimum length.
        if n == 1 or (isinstance(value, str) and not value.strip()):
            return f"{q} is not allowed to be empty"
        return f"{q} length must be at least {n} characters long"
    if kind == "string_too_long":
        return f"{q} length must be less than or equal to {ctx.get('max_length')} characters long"
    if kind == "string_pattern_mismatch":
        value = error.get("input")
        shown = f' with value "{value}"' if isinstance(value, str) else ""
        return f"{q}{shown} fails to match the required pattern: /{ctx.get('pattern')}/"
    if kind in (
        "number_type",
        "int_type",
        "int_parsing",
        "float_type",
        "float_parsing",
        "int_from_float",
        "decimal_type",
        "decimal_parsing",
        "finite_number",
    ):
        return f"{q} must be a number"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{q} must be greater than or equal to {_num(ctx.get('ge', ctx.get('gt')))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{q} must be less than or equal to {_num(ctx.get('le', ctx.get('lt')))}"
    if kind in ("literal_error", "enum"):
        return f"{q} must be one of [{', '.join(_expected_values(str(ctx.get('expected', ''))))}]"
    if kind == "too_long":
        return f"{q} must contain less than or equal to {ctx.get('max_length')} items"
    if kind == "too_short":
        return f"{q} must contain at least {ctx.get('min_length')} items"
    if kind in ("list_type", "tuple_type"):
        return f"{q} must be an array"
    if kind in ("bool_type", "bool_parsing"):
        return f"{q} must be a boolean"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{q} must be of type object"
    if kind in (
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "datetime_parsing",
        "datetime_type",
        "date_from_datetime_inexact",
    ):
        return f"{q} must be in ISO 8601 date format"
    msg = str(error.get("msg", "is invalid"))
    msg = msg.removeprefix("Value error, ")
    return msg if msg.startswith('"') else f"{q} {msg}"


def validation_details(errors: list[dict[str, Any]], *, strip: int = 0) -> dict[str, str]:
    """{field path: message}, the first error per field. ``strip`` drops leading loc parts
    (FastAPI prefixes "body"/"query")."""
    details: dict[str, str] = {}
    for error in errors:
        loc = tuple(error.get("loc", ()))[strip:]
        # Pydantic reports union members as extra loc parts; Joi names the field only.
        loc = tuple(p for p in loc if not (isinstance(p, str) and p in _UNION_TAGS))
        # A rule across fields names the field it is about in its context.
        label = (error.get("ctx") or {}).get("field") or _label(loc)
        details.setdefault(label, joi_message(error, label))
    return details


_UNION_TAGS = {
    "int",
    "str",
    "list[str]",
    "function-before[_split_csv(), list[str]]",
    "dict[str,any]",
    "list[any]",
}


def validation_error_response(errors: list[dict[str, Any]], *, strip: int = 0) -> JSONResponse:
    return error_response(
        400,
        "INVALID_REQUEST",
        "validation_error",
        "One or more fields are invalid.",
        validation_details(errors, strip=strip),
    )
