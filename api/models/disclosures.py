"""Bodies for disclosures (公示) and objections (异议)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from api.commands import CommandBody
from api.fields import Day, Days, Name, Statement
from domain.values import DisclosureStage


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
