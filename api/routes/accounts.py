"""Dedicated fund accounts (专户): open, allocate, take money back; figures and ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.auth import Authenticated
from api.commands import ETAG_HEADER, Asker, command, post_command, recorded
from api.fields import Day
from api.guards import GuardedRoute
from api.models.accounts import (
    AccountOut,
    Allocate,
    LedgerOut,
    OpenAccount,
    ReturnMoney,
    account_out,
    ledger_out,
)
from api.paging import After, Limit
from api.paths import AccountId, account_in_path
from api.problems import problem_responses
from api.services import App
from api.views import Views, read_models_of
from domain import errors
from domain.views import AccountView

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


@router.get(
    "/accounts/{id}",
    response_model=AccountOut,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 404, 422)},
    summary="An account's figures (专户余额), now or as of a business date",
)
def get_account(
    account_id: AccountId,
    viewer: Authenticated,
    account: Annotated[AccountView, Depends(account_in_path)],
    request: Request,
    as_of: Annotated[
        Day | None, Query(description="Figures as of this business date (YYYY-MM-DD).")
    ] = None,
) -> JSONResponse:
    """Allocated, earmarked, disbursed, available; ETag is the version."""
    figures = None
    if as_of is not None:
        # Only figures as of a date need the read models; now comes from the events.
        figures = read_models_of(request).account_as_of(account_id, as_of)
        if figures is None:
            raise errors.NotFound(f"account {account_id} had no figures by {as_of}")
    body = account_out(account, figures).model_dump(mode="json")
    return JSONResponse(body, headers={"ETag": f'"{account.version}"'})


@router.get(
    "/accounts/{id}/ledger",
    response_model=LedgerOut,
    responses=problem_responses(401, 404, 422),
    dependencies=[Depends(account_in_path)],
    summary="An account's ledger (专户台账)",
)
def get_ledger(
    account_id: AccountId,
    viewer: Authenticated,
    views: Views,
    limit: Limit = 100,
    after: After = None,
) -> LedgerOut:
    """Every entry on the account, oldest first, a page at a time."""
    return ledger_out(views.ledger(account_id, limit=limit, after=after))
