"""Bodies for the checkpoints: reviews, audit, application, approval, completion, benefit."""

from __future__ import annotations

from uuid import UUID

from pydantic import ConfigDict, Field

from api.commands import CommandBody
from api.fields import UNIQUE, Amount, Day, Flag, HouseholdId, MoneyIn, Name, Score, Text
from domain.values import ReviewKind


class Review(CommandBody):
    """One of the three reviews (三评): expert 专家, department 部门, public 群众."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"kind": "expert", "passed": True, "opinion": "sound"}]},
    )

    kind: ReviewKind
    passed: Flag = Field(description="A failed review rejects the project (否决).")
    opinion: Text = Field(default="", description="Opinion (评审意见).")


class Audit(CommandBody):
    """The budget audit (一审计)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"passed": True, "opinion": "budget checked"}]},
    )

    passed: Flag = Field(description="A failed audit rejects the project (否决).")
    opinion: Text = Field(default="", description="Opinion (审计意见).")


class Application(CommandBody):
    """Apply for funding (申报)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "requested_amount": "300000.00",
                    "implementing_unit": "Jiehu township cooperative 界湖镇合作社",
                    "plan": "build 20 greenhouses",
                }
            ]
        },
    )

    requested_amount: Amount = Field(description="Requested amount (申请金额).")
    implementing_unit: Name = Field(description="Implementing unit (实施单位).")
    plan: Text = Field(default="", description="Implementation plan (实施方案).")


class Approval(CommandBody):
    """Approve an amount and earmark it on one dedicated account (审批, 专款专用)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "approved_amount": "280000.00",
                    "account_id": "0b6f3f1e-8f6c-4a8e-9d55-0c8a4f1d2e3f",
                }
            ]
        },
    )

    approved_amount: Amount = Field(description="Approved amount (批准金额), ≤ requested.")
    account_id: UUID = Field(description="The dedicated account (专户); unknown → 422.")


class Completion(CommandBody):
    """Accept completion (竣工验收); closes disbursement."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"completed_on": "2017-06-30"}]}
    )

    completed_on: Day = Field(description="Completion date (竣工日期), not after effective_on.")


class Evaluation(CommandBody):
    """The benefit evaluation (效益评估); closes the project."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "households_benefited": ["H-0001", "H-0002"],
                    "income_increase": "3200.00",
                    "score": 88,
                }
            ]
        },
    )

    households_benefited: list[HouseholdId] = Field(
        default_factory=list,
        max_length=20000,
        description="Households that benefited (受益户).",
        **UNIQUE,
    )
    income_increase: MoneyIn = Field(description="Income increase (增收), yuan.")
    score: Score = Field(description="Score 0–100 (评分).")
