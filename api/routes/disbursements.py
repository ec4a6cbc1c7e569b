"""Disbursements (发放): payments against vouchers and their reversal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.commands import (
    Asker,
    CommandBody,
    DisbursementRecorded,
    command,
    post_command,
    recorded,
)
from api.guards import GuardedRoute
from api.models.disbursements import Disburse
from api.paths import Number, ProjectId, payment_in_path, project_in_path
from api.services import App
from domain.values import Voucher

router = APIRouter(route_class=GuardedRoute, tags=["disbursements 发放"])


@post_command(
    router,
    "/projects/{id}/disbursements",
    "disburse",
    "Pay a tranche (拨付)",
    "Approval disclosure over, no open objection; the payer is not the approver; amount ≤ "
    "approved − paid; vouchers sum ≥ amount; a voucher already claimed on any project → 409. "
    "Concurrent payments are serialised; 503 with Retry-After if that cannot be done in time.",
    model=DisbursementRecorded,
    in_path=[project_in_path],
)
def disburse(
    project_id: ProjectId,
    body: Disburse,
    asker: Annotated[Asker, command("disburse")],
    app: App,
) -> JSONResponse:
    """Pay a tranche against vouchers."""
    vouchers = tuple(Voucher(v.name, v.sha256, v.amount) for v in body.vouchers)
    result = app.disburse(asker.request(body), project_id, body.amount, body.payee, vouchers)
    return recorded(result, DisbursementRecorded)


@post_command(
    router,
    "/projects/{id}/disbursements/{n}/reversal",
    "reverse_disbursement",
    "Reverse a payment (冲销)",
    "A reason is required; not by the payer of payment n; restores the remaining amount, the "
    "earmark and the vouchers.",
    model=DisbursementRecorded,
    in_path=[project_in_path, payment_in_path],
)
def reverse_disbursement(
    project_id: ProjectId,
    no: Number,
    asker: Annotated[Asker, command("reverse_disbursement")],
    app: App,
    body: CommandBody | None = None,
) -> JSONResponse:
    """Reverse payment n."""
    result = app.reverse_disbursement(asker.request(body), project_id, no)
    return recorded(result, DisbursementRecorded)
