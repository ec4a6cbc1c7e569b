"""Lifetime accountability (终身追责): who decided what, per project and per person."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.auth import Authenticated
from api.guards import GuardedRoute
from api.models.trail import AccountabilityOut, DecisionsOut, accountability_out, decisions_out
from api.paging import After, Limit
from api.paths import PersonIdPath, ProjectId, official_in_path, project_in_path
from api.problems import problem_responses
from api.views import Views

router = APIRouter(route_class=GuardedRoute, tags=["accountability 终身追责"])


@router.get(
    "/projects/{id}/accountability",
    response_model=AccountabilityOut,
    responses=problem_responses(401, 404, 422),
    dependencies=[Depends(project_in_path)],
    summary="Everyone who decided on a project (项目责任人)",
)
def get_accountability(
    project_id: ProjectId, viewer: Authenticated, views: Views
) -> AccountabilityOut:
    """The acts on a project grouped under the six checkpoints."""
    return accountability_out(views.accountability(project_id))


@router.get(
    "/officials/{person_id}/decisions",
    response_model=DecisionsOut,
    responses=problem_responses(401, 404, 422),
    dependencies=[Depends(official_in_path)],
    summary="Every decision a person ever made (个人决策记录)",
    description="Whatever roles the person holds today; from the events, so never edited away.",
)
def get_decisions(
    person_id: PersonIdPath,
    viewer: Authenticated,
    views: Views,
    limit: Limit = 100,
    after: After = None,
) -> DecisionsOut:
    """A person's decisions in the order recorded, a page at a time."""
    return decisions_out(views.decisions(person_id, limit=limit, after=after))
