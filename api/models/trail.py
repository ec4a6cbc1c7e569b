"""Answers of the audit trail: history, accountability (终身追责), decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.models.accounts import ActorOut
from projections.rows import AccountableAct, Decision, HistoryEvent, Page


class HistoryEventOut(BaseModel):
    """One event of a project's history, with who, when and why."""

    version: int
    type: str = Field(examples=["Approved"])
    recorded_at: datetime = Field(description="When it was recorded (记录时间).")
    effective_on: date = Field(description="Business date (业务日期).")
    actor: ActorOut
    data: dict[str, Any] = Field(description="The event's own fields, reason and evidence.")
    position: int


class HistoryOut(BaseModel):
    """One page of a project's history."""

    events: list[HistoryEventOut]
    next: str | None = Field(description="Cursor of the next page, or null.")


class ActOut(BaseModel):
    """Who did what at a checkpoint."""

    person_id: str
    name: str
    role: str
    org: str
    recorded_at: datetime
    action: str
    effective_on: date
    detail: str


class Checkpoints(BaseModel):
    """The six checkpoints, each with every act recorded under it."""

    selection: list[ActOut] = Field(description="选项: proposal, its disclosure, objections.")
    establishment: list[ActOut] = Field(description="立项: reviews, audit, establishment.")
    application: list[ActOut] = Field(description="申报.")
    approval: list[ActOut] = Field(description="审批: approval and its disclosure.")
    disbursement: list[ActOut] = Field(description="发放: payments, reversals, completion.")
    benefit: list[ActOut] = Field(description="效益: evaluation.")


class AccountabilityOut(BaseModel):
    """Every person who made each decision on a project (终身追责)."""

    checkpoints: Checkpoints


class DecisionOut(BaseModel):
    """One decision a person made, in the role and organisation they held then."""

    project_id: UUID | None
    account_id: UUID | None
    checkpoint: str | None = Field(description="Null for account actions.")
    action: str
    role: str
    org: str
    name: str
    recorded_at: datetime
    effective_on: date
    detail: str


class DecisionsOut(BaseModel):
    """Every decision a person ever made, whatever roles they hold today."""

    decisions: list[DecisionOut]
    next: str | None = Field(description="Cursor of the next page, or null.")


def history_out(page: Page[HistoryEvent]) -> HistoryOut:
    """A history page as answered."""
    events = [
        HistoryEventOut(
            version=e.version,
            type=e.type,
            recorded_at=e.recorded_at,
            effective_on=e.effective_on,
            actor=ActorOut(**vars(e.actor)),
            data=e.data,
            position=e.position,
        )
        for e in page.items
    ]
    return HistoryOut(events=events, next=page.next)


def accountability_out(groups: dict[str, list[AccountableAct]]) -> AccountabilityOut:
    """The acts grouped under the six checkpoints."""
    acts = {name: [ActOut(**vars(a)) for a in group] for name, group in groups.items()}
    return AccountabilityOut(checkpoints=Checkpoints(**acts))


def decisions_out(page: Page[Decision]) -> DecisionsOut:
    """A decisions page as answered."""
    return DecisionsOut(decisions=[DecisionOut(**vars(d)) for d in page.items], next=page.next)
