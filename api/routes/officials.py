"""Officials (官员): registration, roles and tokens by admins; who they are now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.auth import Authenticated
from api.commands import (
    ETAG_HEADER,
    Asker,
    CommandBody,
    OfficialRecorded,
    command,
    post_command,
    recorded,
)
from api.guards import GuardedRoute
from api.models.officials import ChangeRoles, OfficialOut, RegisterOfficial
from api.paths import PersonIdPath, official_in_path
from api.problems import problem_responses
from api.services import App
from domain.views import OfficialView

router = APIRouter(route_class=GuardedRoute, tags=["officials 官员"])


@post_command(
    router,
    "/officials",
    "register_official",
    "Register a person (登记人员)",
    "Answers the person's bearer token (令牌) once; only its hash is stored.",
    model=OfficialRecorded,
)
def register_official(
    body: RegisterOfficial, asker: Annotated[Asker, command("register_official")], app: App
) -> JSONResponse:
    """Register a person with roles; the answer carries their token, once."""
    roles = tuple(r.value for r in body.roles)
    result = app.register_official(asker.request(body), body.person_id, body.name, body.org, roles)
    return recorded(result, OfficialRecorded)


@post_command(
    router,
    "/officials/{person_id}/roles",
    "change_roles",
    "Grant and revoke roles (调整角色)",
    "Roles are checked when a command is recorded, so the change counts from now on.",
    model=OfficialRecorded,
    in_path=[official_in_path],
)
def change_roles(
    person_id: PersonIdPath,
    body: ChangeRoles,
    asker: Annotated[Asker, command("change_roles")],
    app: App,
) -> JSONResponse:
    """Grant and revoke roles of a person."""
    grant = tuple(r.value for r in body.grant)
    revoke = tuple(r.value for r in body.revoke)
    result = app.change_roles(asker.request(body), person_id, grant, revoke)
    return recorded(result, OfficialRecorded)


@post_command(
    router,
    "/officials/{person_id}/tokens",
    "issue_token",
    "Issue a new token (重新签发令牌)",
    "Earlier tokens stop working; the new one is shown once.",
    model=OfficialRecorded,
    in_path=[official_in_path],
)
def issue_token(
    person_id: PersonIdPath,
    asker: Annotated[Asker, command("issue_token")],
    app: App,
    body: CommandBody | None = None,
) -> JSONResponse:
    """Issue a new token for a person."""
    return recorded(app.issue_token(asker.request(body), person_id), OfficialRecorded)


@router.get(
    "/officials/{person_id}",
    response_model=OfficialOut,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 404, 422)},
    summary="A person as they are now (人员)",
)
def get_official(
    person_id: PersonIdPath,
    viewer: Authenticated,
    official: Annotated[OfficialView, Depends(official_in_path)],
) -> JSONResponse:
    """Name, organisation and roles now (any token); ETag is the version."""
    answer = OfficialOut(
        person_id=official.person_id,
        name=official.name,
        org=official.org,
        roles=list(official.roles),
        version=official.version,
    )
    return JSONResponse(answer.model_dump(mode="json"), headers={"ETag": f'"{official.version}"'})
