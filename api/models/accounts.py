"""Bodies for dedicated fund accounts (专户)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.commands import CommandBody
from api.fields import UNIQUE, Amount, Name, Year, Yuan
from domain.values import Category
from domain.views import AccountView
from projections.rows import AccountFigures, LedgerEntry, Page

_LINYI = "2017 provincial special poverty fund, Linyi 2017年省级专项扶贫资金(临沂)"


class OpenAccount(CommandBody):
    """Open a dedicated account (开设专户)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": _LINYI,
                    "fund_source": "provincial special fund 省级专项",
                    "fiscal_year": 2017,
                    "region": "Linyi 临沂",
                    "purposes": ["industry", "infrastructure", "relocation"],
                    "effective_on": "2017-01-05",
                }
            ]
        },
    )

    name: Name = Field(description="Account name (专户名称).")
    fund_source: Name = Field(description="Fund source (资金来源).")
    fiscal_year: Year = Field(description="Fiscal year (年度).")
    region: Name = Field(description="The city (市) the account serves.")
    purposes: list[Category] = Field(
        min_length=1, max_length=6, description="Categories it may fund (专款专用).", **UNIQUE
    )


class Allocate(CommandBody):
    """Record an allocation (资金下达) under its document number (文号)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"amount": "5000000.00", "document_no": "鲁财农指〔2017〕12号"}]
        },
    )

    amount: Amount
    document_no: Name = Field(description="Allocating document number (文号).")


class ReturnMoney(CommandBody):
    """Take money back into the account (收回 / 追回)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"amount": "12000.00", "document_no": "临财追〔2017〕3号", "project_id": None}
            ]
        },
    )

    amount: Amount
    document_no: Name = Field(description="Returning document number (文号).")
    project_id: UUID | None = Field(
        default=None, description="The project it was paid to (追回), or none (收回)."
    )


class AccountOut(BaseModel):
    """An account's identity and figures (API.md's account figures)."""

    id: UUID
    name: str
    fund_source: str
    fiscal_year: int
    region: str
    purposes: list[str]
    allocated: Yuan = Field(description="Allocated (下达).")
    earmarked: Yuan = Field(description="Approved amounts not yet paid (已批未付).")
    disbursed: Yuan = Field(description="Payments − reversals − tied returns (已付).")
    available: Yuan = Field(description="Allocated + untied returns − earmarked − disbursed.")
    version: int | None = Field(
        description="The account's version (also in ETag); null for figures as of a date."
    )


class ActorOut(BaseModel):
    """A person as they were when they acted."""

    person_id: str
    name: str
    role: str
    org: str


class LedgerEntryOut(BaseModel):
    """An account ledger entry (台账)."""

    entry_no: int
    kind: str = Field(
        description="allocation 下达, earmark 预留, payment 支付, reversal 冲销, return 收回, "
        "earmark_release 释放 (the unpaid earmark at completion)."
    )
    amount: Yuan
    project_id: UUID | None
    effective_on: date
    recorded_at: datetime
    actor: ActorOut
    document_no: str | None = Field(description="Document number (文号), if any.")
    disbursement_no: int | None
    reason: str


class LedgerOut(BaseModel):
    """One page of an account's ledger."""

    entries: list[LedgerEntryOut]
    next: str | None = Field(description="Cursor of the next page, or null.")


def account_out(view: AccountView, figures: AccountFigures | None = None) -> AccountOut:
    """An account's identity with its figures now, or as of a business date."""
    source: AccountView | AccountFigures = figures or view
    return AccountOut(
        id=view.id,
        name=view.name,
        fund_source=view.fund_source,
        fiscal_year=view.fiscal_year,
        region=view.region,
        purposes=list(view.purposes),
        allocated=source.allocated,
        earmarked=source.earmarked,
        disbursed=source.disbursed,
        available=source.available,
        version=None if figures else view.version,
    )


def ledger_out(page: Page[LedgerEntry]) -> LedgerOut:
    """A ledger page as answered."""
    entries = [
        LedgerEntryOut(
            entry_no=e.entry_no,
            kind=e.kind,
            amount=e.amount,
            project_id=e.project_id,
            effective_on=e.effective_on,
            recorded_at=e.recorded_at,
            actor=ActorOut(**vars(e.actor)),
            document_no=e.document_no,
            disbursement_no=e.disbursement_no,
            reason=e.reason,
        )
        for e in page.items
    ]
    return LedgerOut(entries=entries, next=page.next)
