"""Disclosures (公示) and objections (异议) on a project; the public list of disclosures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.commands import Asker, ObjectionRecorded, command, post_command, recorded
from api.guards import GuardedRoute
from api.models.disclosures import (
    DisclosuresOut,
    Publish,
    RaiseObjection,
    Resolve,
    disclosures_out,
)
from api.paging import After, Limit
from api.paths import Number, ProjectId, objection_in_path, project_in_path
from api.problems import problem_responses
from api.services import App
from api.views import Views
from domain.values import DisclosureStage

router = APIRouter(route_class=GuardedRoute, tags=["disclosures 公示"])


@post_command(
    router,
    "/projects/{id}/disclosures",
    "publish_disclosure",
    "Publish a disclosure (公示)",
    "The stage follows the checkpoint just passed: selection 村级公示 after selection, "
    "approval 审批公告 after approval, completion 结果公示 after completion.",
    in_path=[project_in_path],
)
def publish_disclosure(
    project_id: ProjectId,
    body: Publish,
    asker: Annotated[Asker, command("publish_disclosure")],
    app: App,
) -> JSONResponse:
    """Publish one of the three disclosures."""
    result = app.publish_disclosure(
        asker.request(body), project_id, body.stage.value, body.published_on, body.days
    )
    return recorded(result)


@post_command(
    router,
    "/projects/{id}/objections",
    "raise_objection",
    "Record an objection (异议)",
    "effective_on must fall within that disclosure's period; numbered 1, 2, … per project.",
    model=ObjectionRecorded,
    in_path=[project_in_path],
)
def raise_objection(
    project_id: ProjectId,
    body: RaiseObjection,
    asker: Annotated[Asker, command("raise_objection")],
    app: App,
) -> JSONResponse:
    """Record an objection raised during a disclosure."""
    result = app.raise_objection(
        asker.request(body), project_id, body.stage.value, body.text, body.raised_by
    )
    return recorded(result, ObjectionRecorded)


@post_command(
    router,
    "/projects/{id}/objections/{n}/resolution",
    "resolve_objection",
    "Resolve an objection (处理异议)",
    "Open objections must be resolved before the next checkpoint.",
    in_path=[project_in_path, objection_in_path],
)
def resolve_objection(
    project_id: ProjectId,
    no: Number,
    body: Resolve,
    asker: Annotated[Asker, command("resolve_objection")],
    app: App,
) -> JSONResponse:
    """Resolve objection n."""
    return recorded(app.resolve_objection(asker.request(body), project_id, no, body.resolution))


@router.get(
    "/disclosures",
    response_model=DisclosuresOut,
    responses=problem_responses(422),
    summary="The public disclosure board (公示栏), no token needed",
    description="Public figures only: household ids never appear, only their count.",
)
def get_disclosures(
    views: Views,
    city: Annotated[str | None, Query(max_length=200)] = None,
    county: Annotated[str | None, Query(max_length=200)] = None,
    stage: Annotated[DisclosureStage | None, Query()] = None,
    limit: Limit = 100,
    after: After = None,
) -> DisclosuresOut:
    """Disclosures, newest first, a page at a time."""
    page = views.disclosures(
        city=city, county=county, stage=stage.value if stage else None, limit=limit, after=after
    )
    return disclosures_out(page)
