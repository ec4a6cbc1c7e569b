"""Bodies for officials (官员): registration, roles, tokens, decisions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.commands import CommandBody
from api.fields import UNIQUE, Name, PersonId
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
    roles: list[Role] = Field(min_length=1, max_length=7, description="Roles (角色).", **UNIQUE)


class ChangeRoles(CommandBody):
    """Grant and revoke roles (调整角色)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"grant": ["auditor"], "revoke": [], "reason": "moved"}]},
    )

    grant: list[Role] = Field(default_factory=list, max_length=7, **UNIQUE)
    revoke: list[Role] = Field(default_factory=list, max_length=7, **UNIQUE)


class OfficialOut(BaseModel):
    """A person as they are now."""

    person_id: str
    name: str
    org: str
    roles: list[str]
    version: int
