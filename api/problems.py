"""Every error answer is RFC 9457 problem+json, mapped from its kind in this one place."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from api.fields import PATTERN_WORDS
from domain import errors

PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = 1

# Order matters: the first kind an error is an instance of decides its status.
STATUS_OF_KIND: tuple[tuple[type[errors.FundtrailError], int], ...] = (
    (errors.NotAuthenticated, 401),
    (errors.NotPermitted, 403),
    (errors.NotFound, 404),
    (errors.InvalidInput, 422),
    (errors.RuleViolation, 409),
    (errors.Busy, 503),
)


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, in plain words."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="Which rule was broken, in plain words.")
    request_id: str | None = Field(default=None, description="Quote it when asking for help.")


class BodyTooLarge(errors.FundtrailError):
    """The request body is over the limit (1 MiB)."""

    title = "Request body too large"


def _slug(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    title: str | None = None,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response carrying the request id."""
    phrase = HTTPStatus(status).phrase
    body = {
        "type": f"urn:fundtrail:problem:{kind or _slug(phrase.replace(' ', ''))}",
        "title": title or phrase,
        "status": status,
        "detail": detail,
        "request_id": getattr(request.state, "request_id", None),
        **extra,
    }
    return JSONResponse(body, status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def status_of(error: errors.FundtrailError) -> int:
    """The HTTP status of a domain error, by its kind."""
    if isinstance(error, BodyTooLarge):
        return 413
    for kind, status in STATUS_OF_KIND:
        if isinstance(error, kind):
            return status
    return 409


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.FundtrailError)
    status = status_of(exc)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="fundtrail"'
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    kind = _slug(type(exc).__name__)
    return problem(request, status, exc.message, title=exc.title, kind=kind, headers=headers)


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "request"


def _plain_words(error: Any) -> str:
    """The validation message, with a pattern named by what it means rather than the regex."""
    if error["type"] == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern")
        if pattern in PATTERN_WORDS:
            return PATTERN_WORDS[pattern]
    return str(error.get("msg", ""))


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": _plain_words(e), "type": e["type"]}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{_where(tuple(e['loc']))}: {e['msg']}" for e in found)
    return problem(request, 422, detail or "invalid request", kind="invalid-request", errors=found)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = str(exc.detail)
    if exc.status_code == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"there is no resource at {request.url.path}"
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return problem(request, exc.status_code, detail, headers=dict(exc.headers or {}))


def install_problem_handlers(app: FastAPI) -> None:
    """Answer domain errors, validation errors and HTTP errors as problem+json."""
    app.add_exception_handler(errors.FundtrailError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)


_DESCRIPTIONS = {
    401: "No or invalid bearer token (未认证).",
    403: "The person holds none of the roles this needs (无权限).",
    404: "No such record at this path (不存在).",
    409: "A business rule refused it, or If-Match is stale; nothing recorded (违反业务规则).",
    413: "The request body is over 1 MiB (请求过大).",
    422: "Malformed or invalid input; the detail says which field and why (输入无效).",
    500: "An unexpected error; it was logged under the request id (服务器错误).",
    503: "Concurrent commands could not be serialised in time; retry after Retry-After (繁忙).",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error statuses, as problem+json (and 500)."""
    answers: dict[int | str, dict[str, Any]] = {}
    for status in (*statuses, 500):
        entry: dict[str, Any] = {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if status == 503:
            entry["headers"] = {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
            }
        if status == 401:
            entry["headers"] = {
                "WWW-Authenticate": {"description": "Bearer.", "schema": {"type": "string"}}
            }
        answers[status] = entry
    return answers
