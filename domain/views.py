"""Plain snapshots of aggregates for callers: the API never sees an aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.account import FundAccount
from domain.disclosure import Disclosure, Objection
from domain.official import Official
from domain.payment import Payment
from domain.project import Project
from domain.values import Region


@dataclass(frozen=True)
class OfficialView:
    """A person as they are now: id, name, organisation, roles."""

    person_id: str
    name: str
    org: str
    roles: tuple[str, ...]
    version: int

    @classmethod
    def of(cls, official: Official) -> OfficialView:
        """Copy what callers may see (never the token hash)."""
        return cls(
            official.person_id,
            official.name,
            official.org,
            tuple(official.roles),
            official.version,
        )


@dataclass(frozen=True)
class AccountView:
    """An account's identity and derived figures."""

    id: UUID
    name: str
    fund_source: str
    fiscal_year: int
    region: str
    purposes: tuple[str, ...]
    allocated: Decimal
    earmarked: Decimal
    disbursed: Decimal
    available: Decimal
    version: int

    @classmethod
    def of(cls, account: FundAccount) -> AccountView:
        """Copy the account's figures."""
        return cls(
            id=account.id,
            name=account.name,
            fund_source=account.fund_source,
            fiscal_year=account.fiscal_year,
            region=account.region,
            purposes=tuple(account.purposes),
            allocated=account.allocated,
            earmarked=account.earmarked,
            disbursed=account.disbursed,
            available=account.available,
            version=account.version,
        )


@dataclass(frozen=True)
class ProjectView:
    """A project's state at some version."""

    id: UUID
    name: str
    category: str
    region: Region
    fiscal_year: int
    checkpoint: str
    status: str
    planned_budget: Decimal
    beneficiaries: tuple[str, ...]
    requested_amount: Decimal | None
    approved_amount: Decimal | None
    disbursed: Decimal
    recovered: Decimal
    account_id: UUID | None
    reviews: dict[str, bool]
    audit_passed: bool | None
    disclosures: tuple[Disclosure, ...]
    objections: tuple[Objection, ...]
    payments: tuple[Payment, ...]
    completed_on: date | None
    households_benefited: tuple[str, ...]
    income_increase: Decimal | None
    score: int | None
    latest_effective_on: date
    version: int

    @classmethod
    def of(cls, project: Project) -> ProjectView:
        """Copy the project's state."""
        return cls(
            id=project.id,
            name=project.name,
            category=project.category,
            region=project.region,
            fiscal_year=project.fiscal_year,
            checkpoint=project.checkpoint,
            status=project.status,
            planned_budget=project.planned_budget,
            beneficiaries=tuple(project.beneficiaries),
            requested_amount=project.requested_amount,
            approved_amount=project.approved_amount,
            disbursed=project.disbursed,
            recovered=project.recovered,
            account_id=project.account_id,
            reviews=dict(project.reviews),
            audit_passed=project.audit_passed,
            disclosures=tuple(project.disclosures),
            objections=tuple(project.objections),
            payments=tuple(project.payments),
            completed_on=project.completed_on,
            households_benefited=tuple(project.households_benefited),
            income_increase=project.income_increase,
            score=project.score,
            latest_effective_on=project.latest_effective_on,
            version=project.version,
        )
