"""The one place that turns every exception into the contract's envelope `{"error": {code, message, details}}`.

Handlers raise Litestar's HTTP exceptions (or `bad_parameter(...)`); Litestar raises the same ones for
unknown routes (404), wrong methods (405), bad parameters (400) and oversized bodies (413). The HTTP
status is kept and the nearest contract code is chosen. Anything else is a 500 `internal_error` whose
body says nothing about the cause (the traceback goes to the log).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Literal, get_args, get_origin

from litestar import Request, Response
from litestar.exceptions import ClientException, HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from api.schemas import ErrorBody, ErrorDetail
from api.snapshot import SnapshotUnavailable

log = logging.getLogger("buildbutler.api")

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
         429: "rate_limited"}
DESCRIPTIONS = {
    400: "Invalid request parameters (`details.parameter` names the first bad one)",
    401: "Missing or unknown API token",
    403: "The token's role may not do this",
    404: "Resource not found",
    409: "A connection with this name already exists",
    429: "Too many requests for this token; retry after `Retry-After` seconds",
    503: "No snapshot has been published yet (code `internal_error`): run a sync first",
}


class ConflictException(ClientException):
    status_code = 409


def code_for(status: int) -> str:
    return CODES.get(status) or ("internal_error" if status >= 500 else "bad_request")


def error_response(status: int, message: str, details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> Response[ErrorBody]:
    body = ErrorBody(ErrorDetail(code=code_for(status), message=message, details=details or {}))
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def bad_parameter(parameter: str, message: str, source: str = "query") -> ValidationException:
    """A 400 naming the parameter, shaped like Litestar's own validation errors."""
    return ValidationException(
        detail=f"Invalid value for `{parameter}`: {message}",
        extra=[{"key": parameter, "source": source, "message": message}],
    )


def _parameter(error: dict[str, Any]) -> str:
    key = error.get("key")
    if error.get("source") == "body" and key in (None, "data"):
        # Litestar names the whole body after the handler's argument, `data`; msgspec's message names the
        # field that is missing or unknown ("Object missing required field `name`").
        field = re.search(r"field `([^`]+)`", str(error.get("message")))
        return field.group(1) if field else "body"
    return str(key or error.get("source"))


def _allowed_values(request: Request, parameter: str) -> list[str]:
    """The values a Literal-typed parameter accepts, for a friendlier "unknown enum" message."""
    field = request.route_handler.parsed_fn_signature.parameters.get(parameter)
    if field is None:
        return []
    types = [field.annotation, *get_args(field.annotation)]
    return [str(v) for t in types if get_origin(t) is Literal for v in get_args(t)]


def _validation_details(request: Request, exc: ValidationException) -> tuple[str, dict[str, Any]]:
    errors = [e for e in exc.extra if isinstance(e, dict)] if isinstance(exc.extra, list) else []
    if not errors:
        return exc.detail.split(" for ", 1)[0], {}
    named = [{"parameter": _parameter(e), "source": e.get("source"), "message": e.get("message")} for e in errors]
    for error in named:
        allowed = _allowed_values(request, error["parameter"])
        if allowed and str(error["message"]).startswith("Invalid enum value"):
            error["message"] += f"; expected one of {', '.join(allowed)}"
    first = named[0]
    message = f"Invalid value for `{first['parameter']}`: {first['message']}"
    return message, {"parameter": first["parameter"], "errors": named}


def handle_http_exception(request: Request, exc: HTTPException) -> Response[ErrorBody]:
    if isinstance(exc, ValidationException):
        message, details = _validation_details(request, exc)
    else:
        message = "The requested resource was not found." if exc.detail == "Not Found" else exc.detail
        details = exc.extra if isinstance(exc.extra, dict) else {}
    if exc.status_code == 400 and not details and request.method in ("POST", "PUT", "PATCH"):
        details = {"parameter": "body"}  # e.g. a body that is not JSON
    if exc.status_code >= 500:
        log.error("HTTP %s: %s", exc.status_code, exc.detail)
    return error_response(exc.status_code, message, details, exc.headers)


def handle_snapshot_unavailable(_: Request, exc: SnapshotUnavailable) -> Response[ErrorBody]:
    return error_response(503, str(exc), {"reason": "snapshot_unavailable"}, {"Retry-After": "60"})


def handle_unexpected(request: Request, exc: Exception) -> Response[ErrorBody]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error.")


EXCEPTION_HANDLERS = {
    HTTPException: handle_http_exception,
    SnapshotUnavailable: handle_snapshot_unavailable,
    Exception: handle_unexpected,
}


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the envelope, so that the schema says what the API really answers.

    400, 401 and 429 can happen on every /api/v1 route; the others are named per route.
    """
    return {s: ResponseSpec(ErrorBody, description=DESCRIPTIONS[s], generate_examples=False)
            for s in sorted({400, 401, 429, *statuses})}
