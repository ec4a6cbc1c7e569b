"""Reports (报表): the monthly dispatch (一月一调度, 一市一通报)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import Authenticated
from api.guards import GuardedRoute
from api.models.reports import DispatchOut, dispatch_out
from api.problems import problem_responses
from api.views import Views

router = APIRouter(route_class=GuardedRoute, tags=["reports 报表"])

Month = Annotated[
    str,
    Query(pattern=r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", description="YYYY-MM.", examples=["2017-06"]),
]


@router.get(
    "/reports/dispatch",
    response_model=DispatchOut,
    responses=problem_responses(401, 422),
    summary="Monthly dispatch (月度调度通报)",
    description=(
        "Per city and county, cumulative to the month's end by business date: allocated, "
        "earmarked, disbursed, disbursement rate, projects per checkpoint, overdue items."
    ),
)
def get_dispatch(month: Month, viewer: Authenticated, views: Views) -> DispatchOut:
    """The dispatch report of a month."""
    return dispatch_out(views.dispatch(month))
