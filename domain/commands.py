"""The request every command arrives with, its result, and who may issue it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from domain.values import Evidence, Role

CLI_PERSON_ID = "cli"


@dataclass(frozen=True)
class Request:
    """Who asks (person id), the business date, reason, evidence, key and If-Match."""

    person_id: str
    effective_on: date | None = None
    reason: str = ""
    evidence: tuple[Evidence, ...] = ()
    idempotency_key: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class CommandResult:
    """What a command answers: the aggregate acted on, its version, the position."""

    id: UUID
    version: int
    position: int
    extra: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False


# The roles that may issue each command (API.md); the first held is the one acted in.
COMMAND_ROLES: dict[str, tuple[str, ...]] = {
    "register_official": (Role.ADMIN,),
    "change_roles": (Role.ADMIN,),
    "issue_token": (Role.ADMIN,),
    "open_account": (Role.FINANCE_OFFICER,),
    "allocate_funds": (Role.FINANCE_OFFICER,),
    "record_return": (Role.FINANCE_OFFICER,),
    "propose_project": (Role.PROJECT_OFFICER,),
    "publish_disclosure": (Role.PROJECT_OFFICER,),
    "raise_objection": (Role.PROJECT_OFFICER, Role.AUDITOR),
    "resolve_objection": (Role.PROJECT_OFFICER,),
    "record_review": (Role.REVIEWER,),
    "record_audit": (Role.AUDITOR,),
    "establish_project": (Role.PROJECT_OFFICER,),
    "apply_for_funding": (Role.PROJECT_OFFICER,),
    "approve_project": (Role.APPROVER,),
    "disburse": (Role.FINANCE_OFFICER,),
    "reverse_disbursement": (Role.FINANCE_OFFICER,),
    "complete_project": (Role.PROJECT_OFFICER,),
    "evaluate_benefit": (Role.EVALUATOR,),
}
