"""Answers of the reports: the monthly dispatch (一月一调度, 一市一通报)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.fields import Yuan
from projections.rows import DispatchReport, DispatchRow


class OverdueOut(BaseModel):
    """Something late on a project at the month's end."""

    project_id: UUID
    project_name: str
    kind: str
    due_on: date
    days_overdue: int
    detail: str


class DispatchRowOut(BaseModel):
    """A city (county null: the city's totals) or one of its counties."""

    city: str
    county: str | None
    allocated: Yuan | None = Field(description="Allocated, by the account's city (下达).")
    approved: Yuan
    earmarked: Yuan
    disbursed: Yuan
    disbursement_rate: float | None = Field(
        description="Disbursed / approved, four places; null when nothing is approved (拨付率)."
    )
    projects: dict[str, int] = Field(description="Projects per checkpoint (各关口项目数).")
    rejected: int
    overdue: list[OverdueOut]


class DispatchOut(BaseModel):
    """The monthly dispatch, cumulative to the month's end by business date."""

    month: str
    ends_on: date
    rows: list[DispatchRowOut]


def _row(r: DispatchRow) -> DispatchRowOut:
    return DispatchRowOut(
        city=r.city,
        county=r.county,
        allocated=r.allocated,
        approved=r.approved,
        earmarked=r.earmarked,
        disbursed=r.disbursed,
        disbursement_rate=None if r.disbursement_rate is None else float(r.disbursement_rate),
        projects=dict(r.projects),
        rejected=r.rejected,
        overdue=[OverdueOut(**vars(o)) for o in r.overdue],
    )


def dispatch_out(report: DispatchReport) -> DispatchOut:
    """The report as answered."""
    return DispatchOut(
        month=report.month, ends_on=report.ends_on, rows=[_row(r) for r in report.rows]
    )
