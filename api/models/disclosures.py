"""Bodies for disclosures (公示) and objections (异议)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.commands import CommandBody
from api.fields import Day, Days, Name, Statement, Yuan
from api.models.projects import RegionIn
from domain.values import DisclosureStage
from projections.rows import DisclosureRow, Page


class Publish(CommandBody):
    """Publish a disclosure (公示) that follows the checkpoint just passed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"stage": "selection", "published_on": "2017-03-02", "days": 7}]
        },
    )

    stage: DisclosureStage = Field(
        description="selection 村级公示, approval 审批公告, completion 结果公示."
    )
    published_on: Day = Field(description="First day of the period (公示开始).")
    days: Days = Field(default=7, description="Length of the period in days; it runs [P, P+D).")


class RaiseObjection(CommandBody):
    """Record an objection (异议) raised within a disclosure's period."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "stage": "selection",
                    "text": "household H-0003 moved away 该户已迁出",
                    "raised_by": "villager via 12317 hotline",
                    "effective_on": "2017-03-04",
                }
            ]
        },
    )

    stage: DisclosureStage
    text: Statement = Field(description="The objection (异议内容).")
    raised_by: Name = Field(description="Who raised it (提出人).")


class Resolve(CommandBody):
    """Resolve an objection (处理异议)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"resolution": "checked: household still resident"}]},
    )

    resolution: Statement = Field(description="How it was resolved (处理结果).")


class ObjectionCounts(BaseModel):
    """Objections raised against a disclosure: open and resolved."""

    open: int
    resolved: int


class DisclosureRowOut(BaseModel):
    """A public disclosure (公示): public figures only, never household ids."""

    project_id: UUID
    project_name: str
    region: RegionIn
    stage: str = Field(description="selection 村级公示, approval 审批公告, completion 结果公示.")
    published_on: date
    ends_on: date = Field(description="The first day after the period.")
    planned_budget: Yuan
    approved_amount: Yuan | None
    disbursed: Yuan
    beneficiaries: int = Field(description="How many households (a count, never ids).")
    objections: ObjectionCounts


class DisclosuresOut(BaseModel):
    """One page of the public disclosure board."""

    disclosures: list[DisclosureRowOut]
    next: str | None = Field(description="Cursor of the next page, or null.")


def disclosures_out(page: Page[DisclosureRow]) -> DisclosuresOut:
    """A board page as answered."""
    rows = [
        DisclosureRowOut(
            project_id=r.project_id,
            project_name=r.project_name,
            region=RegionIn(**vars(r.region)),
            stage=r.stage,
            published_on=r.published_on,
            ends_on=r.ends_on,
            planned_budget=r.planned_budget,
            approved_amount=r.approved_amount,
            disbursed=r.disbursed,
            beneficiaries=r.beneficiaries,
            objections=ObjectionCounts(open=r.objections_open, resolved=r.objections_resolved),
        )
        for r in page.items
    ]
    return DisclosuresOut(disclosures=rows, next=page.next)
