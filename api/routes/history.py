"""A project's history (历史): every event with who, when, why and on what evidence."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.auth import Authenticated
from api.guards import GuardedRoute
from api.models.trail import HistoryOut, history_out
from api.paging import After, Limit
from api.paths import ProjectId, project_in_path
from api.problems import problem_responses
from api.views import Views

router = APIRouter(route_class=GuardedRoute, tags=["projects 项目"])


@router.get(
    "/projects/{id}/history",
    response_model=HistoryOut,
    responses=problem_responses(401, 404, 422),
    dependencies=[Depends(project_in_path)],
    summary="A project's history (项目历史)",
    description="Every event in order; `recorded_at` works as `as_of` on GET /projects/{id}.",
)
def get_history(
    project_id: ProjectId,
    viewer: Authenticated,
    views: Views,
    limit: Limit = 100,
    after: After = None,
) -> HistoryOut:
    """The project's events, oldest first, a page at a time."""
    return history_out(views.history(project_id, limit=limit, after=after))
