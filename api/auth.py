"""Bearer tokens and roles, as reusable dependencies for any route (401, then 403)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.guards import AUTH_PHASE, ROLE_PHASE, Guard
from api.services import fundtrail_of
from domain import errors
from domain.commands import COMMAND_ROLES
from domain.views import OfficialView

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description=(
        "A person's token (令牌) `<person_id>.<secret>`, from `fundtrail officials add` or "
        "POST /officials; shown once, stored only as a hash."
    ),
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


class Bearer(Guard):
    """The official whose bearer token came with the request, or 401."""

    phase: ClassVar[int] = AUTH_PHASE

    def check(self, request: Request) -> OfficialView:
        """Authenticate the Authorization header against the stored token hashes."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise errors.NotAuthenticated("send Authorization: Bearer <token>")
        official = fundtrail_of(request).authenticate(token.strip())
        request.scope.setdefault("state", {})["person_id"] = official.person_id
        return official

    def __call__(self, request: Request, credentials: Credentials) -> OfficialView:
        """As a dependency (the credentials parameter documents the scheme in OpenAPI)."""
        official: OfficialView = self.resolve(request)
        return official


authenticated = Bearer()
Authenticated = Annotated[OfficialView, Depends(authenticated)]
"""Any valid token, of any role: what every non-public query needs."""


class Acting(Guard):
    """The official, if they hold one of the roles a command needs now, else 403."""

    phase: ClassVar[int] = ROLE_PHASE

    def __init__(self, command: str) -> None:
        if command not in COMMAND_ROLES:
            raise ValueError(f"no command named {command!r}")
        self.command = command

    def check(self, request: Request) -> OfficialView:
        """Check the person's roles now, whatever the command's business date."""
        official: OfficialView = authenticated.resolve(request)
        fundtrail_of(request).actor_for(official.person_id, self.command)
        return official

    def __call__(self, request: Request, official: Authenticated) -> OfficialView:
        """As a dependency."""
        checked: OfficialView = self.resolve(request)
        return checked


def roles_text(command: str) -> str:
    """The roles a command allows, for descriptions."""
    return ", ".join(f"`{role}`" for role in COMMAND_ROLES[command])
