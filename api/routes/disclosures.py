"""Disclosures (公示) and objections (异议) on a project; the public list of disclosures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.commands import Asker, ObjectionRecorded, command, post_command, recorded
from api.guards import GuardedRoute
from api.models.disclosures import Publish, RaiseObjection, Resolve
from api.paths import Number, ProjectId, objection_in_path, project_in_path
from api.services import App

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
