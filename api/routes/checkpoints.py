"""The checkpoints after selection: 三评一审计, 立项, 申报, 审批, 竣工, 效益."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.commands import (
    Asker,
    CommandBody,
    CompletionRecorded,
    command,
    post_command,
    recorded,
)
from api.guards import GuardedRoute
from api.models.checkpoints import Application, Approval, Audit, Completion, Evaluation, Review
from api.paths import ProjectId, project_in_path
from api.services import App

router = APIRouter(route_class=GuardedRoute, tags=["checkpoints 关口"])
ON_PROJECT = [project_in_path]


@post_command(
    router,
    "/projects/{id}/reviews",
    "record_review",
    "Record a review (三评: 专家, 部门, 群众评议)",
    "One of each kind; a failed one rejects the project (否决).",
    in_path=ON_PROJECT,
)
def record_review(
    project_id: ProjectId,
    body: Review,
    asker: Annotated[Asker, command("record_review")],
    app: App,
) -> JSONResponse:
    """Record one of the three reviews."""
    request = asker.request(body)
    return recorded(
        app.record_review(request, project_id, body.kind.value, body.passed, body.opinion)
    )


@post_command(
    router,
    "/projects/{id}/audits",
    "record_audit",
    "Record the audit (一审计)",
    "A failed audit rejects the project (否决).",
    in_path=ON_PROJECT,
)
def record_audit(
    project_id: ProjectId,
    body: Audit,
    asker: Annotated[Asker, command("record_audit")],
    app: App,
) -> JSONResponse:
    """Record the budget audit."""
    return recorded(app.record_audit(asker.request(body), project_id, body.passed, body.opinion))


@post_command(
    router,
    "/projects/{id}/establishment",
    "establish_project",
    "Establish the project (立项)",
    "Needs three passed reviews and a passed audit, the selection disclosure over, and no "
    "open objection.",
    in_path=ON_PROJECT,
)
def establish_project(
    project_id: ProjectId,
    asker: Annotated[Asker, command("establish_project")],
    app: App,
    body: CommandBody | None = None,
) -> JSONResponse:
    """Establish the project."""
    return recorded(app.establish_project(asker.request(body), project_id))


@post_command(
    router,
    "/projects/{id}/application",
    "apply_for_funding",
    "Apply for funding (申报)",
    "After establishment.",
    in_path=ON_PROJECT,
)
def apply_for_funding(
    project_id: ProjectId,
    body: Application,
    asker: Annotated[Asker, command("apply_for_funding")],
    app: App,
) -> JSONResponse:
    """Apply for funding."""
    result = app.apply_for_funding(
        asker.request(body), project_id, body.requested_amount, body.implementing_unit, body.plan
    )
    return recorded(result)


@post_command(
    router,
    "/projects/{id}/approval",
    "approve_project",
    "Approve and earmark (审批)",
    "Approved ≤ requested; the approver is not the applicant; the account funds the "
    "category and has the amount available, which is then earmarked on it.",
    in_path=ON_PROJECT,
)
def approve_project(
    project_id: ProjectId,
    body: Approval,
    asker: Annotated[Asker, command("approve_project")],
    app: App,
) -> JSONResponse:
    """Approve an amount on one dedicated account."""
    request = asker.request(body)
    return recorded(app.approve_project(request, project_id, body.approved_amount, body.account_id))


@post_command(
    router,
    "/projects/{id}/completion",
    "complete_project",
    "Accept completion (竣工验收)",
    "Needs at least one payment; closes disbursement and releases the unpaid earmark.",
    model=CompletionRecorded,
    in_path=ON_PROJECT,
)
def complete_project(
    project_id: ProjectId,
    body: Completion,
    asker: Annotated[Asker, command("complete_project")],
    app: App,
) -> JSONResponse:
    """Accept completion."""
    result = app.complete_project(asker.request(body), project_id, body.completed_on)
    return recorded(result, CompletionRecorded)


@post_command(
    router,
    "/projects/{id}/evaluation",
    "evaluate_benefit",
    "Record the benefit evaluation (效益评估)",
    "After the completion disclosure is over; closes the project (结项).",
    in_path=ON_PROJECT,
)
def evaluate_benefit(
    project_id: ProjectId,
    body: Evaluation,
    asker: Annotated[Asker, command("evaluate_benefit")],
    app: App,
) -> JSONResponse:
    """Record the benefit evaluation and close the project."""
    result = app.evaluate_benefit(
        asker.request(body),
        project_id,
        tuple(body.households_benefited),
        body.income_increase,
        body.score,
    )
    return recorded(result)
