"""What every command shares: common fields, Idempotency-Key, If-Match, the 201 answer."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Acting
from api.fields import KEY_PATTERN, Day, Name, Sha256, Text, Yuan
from api.problems import problem_responses
from domain import errors
from domain.commands import COMMAND_ROLES, CommandResult, Request
from domain.values import Evidence
from domain.views import OfficialView

_IF_MATCH = re.compile(r'^(?:W/)?"?([0-9]{1,18})"?$')


class EvidenceIn(BaseModel):
    """A supporting document (证明材料): its file name and SHA-256."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(examples=["村民代表大会会议记录 minutes-2017-03-01.pdf"])
    sha256: Sha256


class CommandBody(BaseModel):
    """The fields every command accepts."""

    model_config = ConfigDict(extra="forbid")

    effective_on: Day | None = Field(
        default=None,
        description=(
            "Business date (业务日期), YYYY-MM-DD; default today in Asia/Shanghai; a date "
            "after today is refused (422), one before the project's latest is refused (409)."
        ),
    )
    reason: Text = Field(default="", description="Why (理由).")
    evidence: list[EvidenceIn] = Field(
        default_factory=list, max_length=100, description="Supporting documents (证明材料)."
    )


class Recorded(BaseModel):
    """A command's answer: the aggregate acted on, its version after it, the position."""

    id: UUID = Field(description="The aggregate acted on.")
    version: int = Field(description="Its version after the command (also in ETag).")
    position: int = Field(description="Notification id: reads reflect the command from it on.")


class OfficialRecorded(Recorded):
    """Answer for commands on officials."""

    person_id: str
    token: str | None = Field(
        default=None,
        description=(
            "The new bearer token (令牌), shown only this once. An idempotent replay of the "
            "command answers null here: the token is never stored, only its hash."
        ),
    )


class ObjectionRecorded(Recorded):
    """Answer for a raised objection."""

    objection_no: int = Field(description="Its number on the project (异议序号): 1, 2, …")


class DisbursementRecorded(Recorded):
    """Answer for a payment or its reversal."""

    disbursement_no: int = Field(description="The payment's number on the project (拨付序号).")


class CompletionRecorded(Recorded):
    """Answer for a completion."""

    released: Yuan = Field(description="Unpaid earmark released back to available (释放额度).")


def parse_if_match(value: str | None) -> int | None:
    """The version If-Match names; `*` (or no header) names none."""
    if value is None or value.strip() == "*":
        return None
    found = _IF_MATCH.fullmatch(value.strip())
    if found is None:
        raise errors.InvalidValue('If-Match names a version like "3" (as ETag gives it)')
    return int(found.group(1))


@dataclass(frozen=True)
class Asker:
    """Who asks, with what key and what expected version."""

    person_id: str
    idempotency_key: str | None
    expected_version: int | None

    def request(self, body: CommandBody | None) -> Request:
        """The domain request for this body."""
        body = body or CommandBody()
        return Request(
            person_id=self.person_id,
            effective_on=body.effective_on,
            reason=body.reason,
            evidence=tuple(Evidence(e.name, e.sha256) for e in body.evidence),
            idempotency_key=self.idempotency_key,
            expected_version=self.expected_version,
        )


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=KEY_PATTERN,
        description=(
            "Optional, scoped to the person (幂等键): a repeat with the same key and body "
            "answers the first answer and records nothing; another body → 422."
        ),
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description='Optional expected version, as ETag gives it ("3"); stale → 409.',
    ),
]


def command(name: str) -> Any:
    """The dependency for a command: role checked (403), key and If-Match read."""
    acting = Acting(name)

    def asker(
        official: Annotated[OfficialView, Depends(acting)],
        key: IdempotencyKey = None,
        if_match: IfMatch = None,
    ) -> Asker:
        return Asker(official.person_id, key, parse_if_match(if_match))

    return Depends(asker)


def recorded(result: CommandResult, model: type[Recorded] = Recorded) -> JSONResponse:
    """201 with the answer and ETag; a replay answers the same status and body."""
    answer = model.model_validate(
        {"id": result.id, "version": result.version, "position": result.position, **result.extra}
    )
    headers = {"ETag": f'"{result.version}"'}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(answer.model_dump(mode="json"), status_code=201, headers=headers)


ETAG_HEADER = {"ETag": {"description": 'The version, e.g. "3".', "schema": {"type": "string"}}}


def command_responses(*, in_path: bool = True) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of a command: 201 with ETag and every problem it can answer."""
    statuses = (401, 403, 404, 409, 413, 422, 503) if in_path else (401, 403, 409, 413, 422, 503)
    return {201: {"headers": ETAG_HEADER}, **problem_responses(*statuses)}


def post_command(
    router: APIRouter,
    path: str,
    name: str,
    summary: str,
    description: str = "",
    *,
    model: type[Recorded] = Recorded,
    in_path: Sequence[Any] = (),
) -> Callable[[Callable[..., JSONResponse]], Callable[..., JSONResponse]]:
    """Declare a command route: 201, its answer model, roles, and every problem it can answer."""
    roles = ", ".join(f"`{role}`" for role in COMMAND_ROLES[name])
    return router.post(
        path,
        status_code=201,
        response_model=model,
        responses=command_responses(in_path=bool(in_path)),
        dependencies=[Depends(guard) for guard in in_path],
        summary=summary,
        description=f"Roles: {roles}. {description}".strip(),
    )
