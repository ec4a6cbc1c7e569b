"""Checks that answer before the body is parsed: 401, 403, 413, 404, then 422 (API.md's order).

FastAPI reads and parses a body before it solves dependencies, so a malformed body would
answer 422 before a missing token could answer 401. `GuardedRoute` runs the route's guard
dependencies first (in phase order), reads the body within the size limit in between, and
only then hands the request to FastAPI. Each guard is also an ordinary dependency, so it
works on any route; its result is computed once per request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

import pydantic_core
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.problems import BodyTooLarge

MAX_BODY_BYTES = 1024 * 1024
AUTH_PHASE, ROLE_PHASE, PATH_PHASE = 0, 1, 2
_RESULTS = "fundtrail.guards"


class Guard:
    """A dependency whose check also runs before the body is read, in phase order."""

    phase: ClassVar[int] = AUTH_PHASE

    def check(self, request: Request) -> Any:
        """Raise a domain error to refuse the request; return what the route may use."""
        raise NotImplementedError

    def resolve(self, request: Request) -> Any:
        """The check's result, computed once per request."""
        results: dict[Guard, Any] = request.scope.setdefault("state", {}).setdefault(_RESULTS, {})
        if self not in results:
            results[self] = self.check(request)
        return results[self]


def guards_of(dependant: Dependant) -> list[Guard]:
    """Every guard among a route's dependencies (depth first), each once, by phase."""
    found: list[Guard] = []
    for sub in dependant.dependencies:
        found.extend(g for g in guards_of(sub) if g not in found)
        if isinstance(sub.call, Guard) and sub.call not in found:
            found.append(sub.call)
    return sorted(found, key=lambda g: g.phase)


def query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route takes, its dependencies' included."""
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= query_names(sub)
    return names


class ReadRequest(Request):
    """A request whose body was already read (bounded) and parsed (strictly)."""

    def __init__(self, request: Request, raw: bytes, parsed: Any) -> None:
        super().__init__(request.scope, request.receive)
        self._raw = raw
        self._parsed = parsed

    async def body(self) -> bytes:
        """The bytes read."""
        return self._raw

    async def json(self) -> Any:
        """The JSON parsed."""
        return self._parsed


async def read_bounded(request: Request) -> bytes:
    """The body, refused with 413 beyond MAX_BODY_BYTES (declared or actually streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge(f"the body declares {declared} bytes; the limit is 1 MiB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge("the body is over the limit of 1 MiB")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes, content_type: str) -> Any:
    """Strict JSON: no NaN or Infinity, no lone surrogates; only a JSON media type."""
    if not raw:
        return None
    media = content_type.split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise _body_error("json_required", "send the body as JSON (Content-Type: application/json)")
    try:
        parsed = pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError as exc:
        raise _body_error("json_invalid", f"the body is not valid JSON: {exc}") from None
    _refuse_repeated_keys(raw)
    return parsed


def _refuse_repeated_keys(raw: bytes) -> None:
    """A key named twice would silently keep the last value: refuse it instead."""
    repeated: set[str] = set()

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        repeated.update(k for k in keys if keys.count(k) > 1)
        return dict(items)

    try:
        json.loads(raw, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return  # the strict parse above already accepted it; nothing more to say
    if repeated:
        names = ", ".join(sorted(repeated))
        raise _body_error("json_repeated_key", f"the body names {names} more than once")


def check_query(request: Request, known: set[str]) -> None:
    """Refuse query parameters the route does not take: a misspelt `as_of` is no filter."""
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": f"unknown; allowed: {allowed}",
                }
                for name in unknown
            ]
        )


def _body_error(kind: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"type": kind, "loc": ("body",), "msg": message}])


class GuardedRoute(APIRoute):
    """An APIRoute that answers 401/403/413/404 before FastAPI parses the body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler: early guards, bounded body, path guards, then FastAPI."""
        handler = super().get_route_handler()
        guards = guards_of(self.dependant)
        early = [g for g in guards if g.phase < PATH_PHASE]
        late = [g for g in guards if g.phase >= PATH_PHASE]
        takes_body = self.body_field is not None
        known_query = query_names(self.dependant)

        async def guarded(request: Request) -> Response:
            for guard in early:
                await run_in_threadpool(guard.resolve, request)
            raw = await read_bounded(request) if takes_body else b""
            for guard in late:
                await run_in_threadpool(guard.resolve, request)
            check_query(request, known_query)
            if takes_body:
                parsed = parse_json(raw, request.headers.get("content-type", ""))
                request = ReadRequest(request, raw, parsed)
            return await handler(request)

        return guarded
