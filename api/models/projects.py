"""Bodies for projects (项目): proposal and the project as it stands."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.commands import CommandBody
from api.fields import UNIQUE, Amount, HouseholdId, Name, NoControls, Yuan, text
from domain.values import Category
from domain.views import ProjectView
from projections.rows import Page, RegisterRow

Place = Annotated[str, text(200), NoControls]


class RegionIn(BaseModel):
    """Where a project is: city 市, county 县, township 乡镇, village 村."""

    model_config = ConfigDict(extra="forbid")

    city: Name = Field(examples=["Linyi 临沂"])
    county: Name = Field(examples=["Yinan 沂南"])
    township: Place = Field(default="", examples=["Jiehu 界湖"])
    village: Place = Field(default="", examples=["Beizhai 北寨"])


class ProposeProject(CommandBody):
    """Enter a project into the project library (选项)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Beizhai greenhouse vegetables 北寨大棚蔬菜",
                    "region": {
                        "city": "Linyi 临沂",
                        "county": "Yinan 沂南",
                        "township": "Jiehu 界湖",
                        "village": "Beizhai 北寨",
                    },
                    "category": "industry",
                    "planned_budget": "300000.00",
                    "beneficiaries": ["H-0001", "H-0002", "H-0003"],
                    "effective_on": "2017-03-01",
                    "reason": "village meeting agreed",
                    "evidence": [{"name": "minutes.pdf", "sha256": "ab" * 32}],
                }
            ]
        },
    )

    name: Name = Field(description="Project name (项目名称).")
    region: RegionIn
    category: Category = Field(description="Category (类别).")
    planned_budget: Amount = Field(description="Planned budget (计划投资).")
    beneficiaries: list[HouseholdId] = Field(
        default_factory=list,
        max_length=20000,
        description="Registered poor households (建档立卡贫困户), by household id.",
        **UNIQUE,
    )


class DisclosureOut(BaseModel):
    """A disclosure (公示) on the project."""

    stage: str
    published_on: date
    days: int
    ends_on: date


class ObjectionOut(BaseModel):
    """An objection (异议) and its resolution."""

    no: int
    stage: str
    text: str
    raised_by: str
    raised_on: date
    resolution: str | None
    open: bool


class PaymentOut(BaseModel):
    """A payment (拨付) on the project."""

    no: int
    amount: Yuan
    payee: str
    paid_by: str
    paid_on: date
    reversed: bool


class ProjectOut(BaseModel):
    """A project as it stands (or stood, at a version or recorded time)."""

    id: UUID
    name: str
    category: str
    region: RegionIn
    checkpoint: str = Field(description="The last checkpoint passed (已过关口).")
    status: str = Field(description="active 进行中, rejected 否决, closed 结项.")
    planned_budget: Yuan
    requested_amount: Yuan | None
    approved_amount: Yuan | None
    disbursed: Yuan
    account_id: UUID | None
    version: int
    fiscal_year: int
    beneficiaries: list[str]
    reviews: dict[str, bool] = Field(description="expert 专家, department 部门, public 群众.")
    audit_passed: bool | None
    disclosures: list[DisclosureOut]
    objections: list[ObjectionOut]
    payments: list[PaymentOut]
    completed_on: date | None
    households_benefited: list[str]
    income_increase: Yuan | None
    score: int | None
    latest_effective_on: date


def project_out(view: ProjectView) -> ProjectOut:
    """The answer for a project view."""
    return ProjectOut(
        id=view.id,
        name=view.name,
        category=view.category,
        region=RegionIn(**vars(view.region)),
        checkpoint=view.checkpoint,
        status=view.status,
        planned_budget=view.planned_budget,
        requested_amount=view.requested_amount,
        approved_amount=view.approved_amount,
        disbursed=view.disbursed,
        account_id=view.account_id,
        version=view.version,
        fiscal_year=view.fiscal_year,
        beneficiaries=list(view.beneficiaries),
        reviews=dict(view.reviews),
        audit_passed=view.audit_passed,
        disclosures=[
            DisclosureOut(
                stage=d.stage, published_on=d.published_on, days=d.days, ends_on=d.ends_on
            )
            for d in view.disclosures
        ],
        objections=[ObjectionOut(**vars(o), open=o.is_open) for o in view.objections],
        payments=[
            PaymentOut(
                no=p.no,
                amount=p.amount,
                payee=p.payee,
                paid_by=p.paid_by,
                paid_on=p.paid_on,
                reversed=p.reversed,
            )
            for p in view.payments
        ],
        completed_on=view.completed_on,
        households_benefited=list(view.households_benefited),
        income_increase=view.income_increase,
        score=view.score,
        latest_effective_on=view.latest_effective_on,
    )


class RegisterRowOut(BaseModel):
    """A project in the register (项目库)."""

    id: UUID
    name: str
    region: RegionIn
    category: str
    checkpoint: str
    status: str
    fiscal_year: int
    planned_budget: Yuan
    requested_amount: Yuan | None
    approved_amount: Yuan | None
    disbursed: Yuan
    account_id: UUID | None
    version: int


class RegisterOut(BaseModel):
    """One page of the register."""

    projects: list[RegisterRowOut]
    next: str | None = Field(description="Cursor of the next page, or null.")


def register_out(page: Page[RegisterRow]) -> RegisterOut:
    """A register page as answered."""
    rows = [RegisterRowOut(**{**vars(r), "region": RegionIn(**vars(r.region))}) for r in page.items]
    return RegisterOut(projects=rows, next=page.next)
