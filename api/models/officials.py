"""Bodies for officials (官员): registration, roles, tokens, decisions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.commands import CommandBody
from api.fields import Name, PersonId
from domain.values import Role


class RegisterOfficial(CommandBody):
    """Register a person with roles (登记人员)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "person_id": "po",
                    "name": "Zhang Wei 张伟",
                    "org": "Yinan county poverty office 沂南县扶贫办",
                    "roles": ["project_officer"],
                    "reason": "new project officer",
                }
            ]
        },
    )

    person_id: PersonId
    name: Name = Field(description="Full name (姓名).")
    org: Name = Field(description="Organisation (单位).")
    roles: list[Role] = Field(min_length=1, max_length=7, description="Roles (角色).")


class ChangeRoles(CommandBody):
    """Grant and revoke roles (调整角色)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"grant": ["auditor"], "revoke": [], "reason": "moved"}]},
    )

    grant: list[Role] = Field(default_factory=list, max_length=7)
    revoke: list[Role] = Field(default_factory=list, max_length=7)


class OfficialOut(BaseModel):
    """A person as they are now."""

    person_id: str
    name: str
    org: str
    roles: list[str]
    version: int


class DecisionOut(BaseModel):
    """One decision a person made (终身追责)."""

    model_config = ConfigDict(extra="allow")

    project_id: UUID | None = None
    account_id: UUID | None = None
    checkpoint: str | None = Field(description="Null for account actions.")
    action: str
    role: str
    org: str
    recorded_at: datetime


class DecisionsOut(BaseModel):
    """Every decision a person ever made, whatever roles they hold today."""

    decisions: list[DecisionOut]
    next: str | None = Field(description="Cursor for the next page, or null.")
