"""Projects (项目): proposal into the library; a project now, at a version, or as recorded."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from api.auth import Authenticated
from api.commands import ETAG_HEADER, Asker, command, post_command, recorded
from api.guards import GuardedRoute
from api.models.projects import (
    ProjectOut,
    ProposeProject,
    RegisterOut,
    project_out,
    register_out,
)
from api.paging import After, Limit
from api.paths import ProjectId, project_in_path
from api.problems import problem_responses
from api.services import App
from api.views import Views
from domain import errors
from domain.values import Category, Checkpoint, Region, Status

router = APIRouter(route_class=GuardedRoute, tags=["projects 项目"])


@post_command(
    router,
    "/projects",
    "propose_project",
    "Propose a project (选项, 入库)",
    "The project enters the library at checkpoint `selection`; the selection disclosure "
    "(村级公示) follows.",
)
def propose_project(
    body: ProposeProject, asker: Annotated[Asker, command("propose_project")], app: App
) -> JSONResponse:
    """Enter a project into the project library."""
    region = Region(**body.region.model_dump())
    result = app.propose_project(
        asker.request(body),
        body.name,
        body.category.value,
        region,
        body.planned_budget,
        tuple(body.beneficiaries),
    )
    return recorded(result)


@router.get(
    "/projects/{id}",
    response_model=ProjectOut,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 404, 422)},
    dependencies=[Depends(project_in_path)],
    summary="A project (项目), now, at a version, or as recorded at a time",
)
def get_project(
    project_id: ProjectId,
    viewer: Authenticated,
    app: App,
    as_of: Annotated[
        AwareDatetime | None,
        Query(description="As recorded at this time (ISO 8601 with zone)."),
    ] = None,
    version: Annotated[int | None, Query(ge=1, description="At this version.")] = None,
) -> JSONResponse:
    """The project from its events; ETag is its version."""
    if as_of is not None and version is not None:
        raise errors.InvalidValue("give as_of or version, not both")
    if as_of is not None:
        view = app.get_project_as_recorded(project_id, as_of)
    else:
        view = app.get_project(project_id, version)
    answer = project_out(view)
    return JSONResponse(answer.model_dump(mode="json"), headers={"ETag": f'"{view.version}"'})


Filter = Annotated[str | None, Query(max_length=200)]


@router.get(
    "/projects",
    response_model=RegisterOut,
    responses=problem_responses(401, 422),
    summary="The project register (项目库)",
    description="Filters combine; `q` searches names. Unknown enum values are 422.",
)
def get_register(
    viewer: Authenticated,
    views: Views,
    city: Filter = None,
    county: Filter = None,
    category: Annotated[Category | None, Query()] = None,
    checkpoint: Annotated[Checkpoint | None, Query()] = None,
    status: Annotated[Status | None, Query()] = None,
    fiscal_year: Annotated[int | None, Query(ge=1949, le=2200)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Name contains.")] = None,
    limit: Limit = 100,
    after: After = None,
) -> RegisterOut:
    """Projects in the order they were proposed, a page at a time."""
    page = views.register(
        city=city,
        county=county,
        category=category.value if category else None,
        checkpoint=checkpoint.value if checkpoint else None,
        status=status.value if status else None,
        fiscal_year=fiscal_year,
        q=q,
        limit=limit,
        after=after,
    )
    return register_out(page)
