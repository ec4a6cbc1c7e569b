"""Request ids, the structured access log, and the last line of defence (500 problem)."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem

access_log = logging.getLogger("fundtrail.access")
error_log = logging.getLogger("fundtrail.errors")
_GOOD_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_HEADER = "x-request-id"


def _request_id(scope: Scope) -> str:
    """The caller's X-Request-ID if it is sane, else a fresh one."""
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER.encode():
            text = bytes(value).decode("latin-1")
            if _GOOD_REQUEST_ID.fullmatch(text):
                return text
    return uuid.uuid4().hex


class RequestContext:
    """Gives each request an id, logs one access line, and turns a crash into a 500 problem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its id; never let an exception escape unanswered."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            error_log.exception("unexpected error in request %s", request_id)
            if not response_started:
                detail = (
                    "an unexpected error occurred; nothing more is known here. It was "
                    f"logged under request id {request_id}: quote it when reporting."
                )
                await problem(Request(scope), 500, detail, kind="unexpected")(
                    scope, receive, send_with_id
                )
        finally:
            _log_access(scope, state, status, started)


def _log_access(scope: Scope, state: dict[str, Any], status: int, started: float) -> None:
    access_log.info(
        json.dumps(
            {
                "request_id": state.get("request_id"),
                "person": state.get("person_id"),
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
            ensure_ascii=False,
        )
    )
