"""Dedicated fund accounts (专户): open, allocate, take money back; figures and ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.commands import Asker, command, post_command, recorded
from api.guards import GuardedRoute
from api.models.accounts import Allocate, OpenAccount, ReturnMoney
from api.paths import AccountId, account_in_path
from api.services import App

router = APIRouter(route_class=GuardedRoute, tags=["accounts 专户"])


@post_command(
    router,
    "/accounts",
    "open_account",
    "Open a dedicated account (开设专户)",
    "One account per fund source and fiscal year; it funds only its purposes (专款专用).",
)
def open_account(
    body: OpenAccount, asker: Annotated[Asker, command("open_account")], app: App
) -> JSONResponse:
    """Open a dedicated fund account."""
    purposes = tuple(p.value for p in body.purposes)
    result = app.open_account(
        asker.request(body), body.name, body.fund_source, body.fiscal_year, body.region, purposes
    )
    return recorded(result)


@post_command(
    router,
    "/accounts/{id}/allocations",
    "allocate_funds",
    "Record an allocation (资金下达)",
    "A document number (文号) is recorded once per account.",
    in_path=[account_in_path],
)
def allocate(
    account_id: AccountId,
    body: Allocate,
    asker: Annotated[Asker, command("allocate_funds")],
    app: App,
) -> JSONResponse:
    """Record an allocation under its document number."""
    request = asker.request(body)
    return recorded(app.allocate_funds(request, account_id, body.amount, body.document_no))


@post_command(
    router,
    "/accounts/{id}/returns",
    "record_return",
    "Take money back (收回 / 追回)",
    "Tied to a project (追回), it cannot exceed what the project was paid from this account; "
    "an unknown project_id is 422.",
    in_path=[account_in_path],
)
def record_return(
    account_id: AccountId,
    body: ReturnMoney,
    asker: Annotated[Asker, command("record_return")],
    app: App,
) -> JSONResponse:
    """Take money back into the account, tied to a project or not."""
    result = app.record_return(
        asker.request(body), account_id, body.amount, body.document_no, body.project_id
    )
    return recorded(result)
