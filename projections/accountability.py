"""Lifetime accountability (终身追责): who decided what, at which checkpoint, in which role.

One act per event, with the actor as they were at that moment (role and organisation then,
whatever they hold today). Account events that only follow from a project decision
(earmark, payment, reversal, release) are not acts of their own: the project's approval,
disbursement, reversal or completion is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.dispatch import singledispatchmethod

from domain.account import FundAccount
from domain.money import yuan
from domain.project import Project
from domain.values import Checkpoint
from projections.sql import Schema, insert, table
from projections.store import Meta, Write
from projections.store_postgres import PostgresViewStore
from projections.store_sqlite import SQLiteViewStore
from projections.view import ViewProjection

SCHEMA = Schema(
    "accountability",
    (
        table(
            "acts",
            "position int!, project_id uuid, account_id uuid, checkpoint text, action text!, "
            "detail text!, person_id text!, person_name text!, role text!, org text!, "
            "recorded_at time!, effective_on date!",
            "position",
            "project_id, position",
            "person_id, position",
        ),
        table("acts_objections", "project_id uuid!, no int!, checkpoint text!", "project_id, no"),
    ),
)
ACT = insert(SCHEMA.get("acts"))
OBJECTION = insert(SCHEMA.get("acts_objections"))
# A resolution belongs to the checkpoint of the disclosure its objection was raised against.
RESOLVED = (
    "INSERT INTO {acts} (position, project_id, account_id, checkpoint, action, detail, "
    "person_id, person_name, role, org, recorded_at, effective_on) "
    "SELECT ?, ?, ?, checkpoint, ?, ?, ?, ?, ?, ?, ?, ? FROM {acts_objections} "
    "WHERE project_id=? AND no=?"
)
SELECTION, ESTABLISHMENT, APPLICATION, APPROVAL, DISBURSEMENT, BENEFIT = (
    Checkpoint.SELECTION.value,
    Checkpoint.ESTABLISHMENT.value,
    Checkpoint.APPLICATION.value,
    Checkpoint.APPROVAL.value,
    Checkpoint.DISBURSEMENT.value,
    Checkpoint.BENEFIT.value,
)
GROUPS = (SELECTION, ESTABLISHMENT, APPLICATION, APPROVAL, DISBURSEMENT, BENEFIT)
# Disclosures (and objections to them) belong to the checkpoint they follow.
STAGE_GROUP = {"selection": SELECTION, "approval": APPROVAL, "completion": DISBURSEMENT}


def _who(event: Any, meta: Meta) -> tuple[object, ...]:
    actor = event.context.actor
    return (
        actor.person_id,
        actor.name,
        actor.role,
        actor.org,
        meta.recorded_at,
        event.context.effective_on,
    )


def project_act(event: Any, meta: Meta, checkpoint: str, action: str, detail: str) -> Write:
    """The act a project event records."""
    head = (meta.position, event.originator_id, None, checkpoint, action, detail)
    return Write(ACT, head + _who(event, meta))


def account_act(event: Any, meta: Meta, action: str, detail: str) -> Write:
    """The act an account event records (no checkpoint)."""
    head = (meta.position, None, event.originator_id, None, action, detail)
    return Write(ACT, head + _who(event, meta))


class AccountabilityProjection(ViewProjection):
    """Records every decision as an act of the person who made it."""

    schema = SCHEMA

    @singledispatchmethod
    def writes(self, event: Any, meta: Meta) -> Iterable[Write]:
        """Events without a handler write nothing."""
        return ()

    @writes.register(Project.Proposed)
    def _proposed(self, event: Project.Proposed, meta: Meta) -> Iterable[Write]:
        detail = f"proposed {event.name} ({event.category}), budget {yuan(event.planned_budget)}"
        return [project_act(event, meta, SELECTION, "proposed", detail)]

    @writes.register(Project.DisclosurePublished)
    def _disclosed(self, event: Project.DisclosurePublished, meta: Meta) -> Iterable[Write]:
        d = event.disclosure
        detail = f"published the {d.stage} disclosure from {d.published_on} for {d.days} days"
        group = STAGE_GROUP[d.stage]
        return [project_act(event, meta, group, "disclosure_published", detail)]

    @writes.register(Project.ObjectionRaised)
    def _objected(self, event: Project.ObjectionRaised, meta: Meta) -> Iterable[Write]:
        o = event.objection
        group = STAGE_GROUP[o.stage]
        detail = f"recorded objection {o.no} to the {o.stage} disclosure"
        return [
            Write(OBJECTION, (event.originator_id, o.no, group)),
            project_act(event, meta, group, "objection_raised", detail),
        ]

    @writes.register(Project.ObjectionResolved)
    def _resolved(self, event: Project.ObjectionResolved, meta: Meta) -> Iterable[Write]:
        detail = f"resolved objection {event.no}: {event.resolution}"
        head = (meta.position, event.originator_id, None, "objection_resolved", detail)
        return [Write(RESOLVED, head + _who(event, meta) + (event.originator_id, event.no))]

    @writes.register(Project.Reviewed)
    def _reviewed(self, event: Project.Reviewed, meta: Meta) -> Iterable[Write]:
        detail = f"{event.kind} review {'passed' if event.passed else 'failed'}: {event.opinion}"
        return [project_act(event, meta, ESTABLISHMENT, "reviewed", detail)]

    @writes.register(Project.Audited)
    def _audited(self, event: Project.Audited, meta: Meta) -> Iterable[Write]:
        detail = f"budget audit {'passed' if event.passed else 'failed'}: {event.opinion}"
        return [project_act(event, meta, ESTABLISHMENT, "audited", detail)]

    @writes.register(Project.Established)
    def _established(self, event: Project.Established, meta: Meta) -> Iterable[Write]:
        return [project_act(event, meta, ESTABLISHMENT, "established", "established (立项)")]

    @writes.register(Project.Applied)
    def _applied(self, event: Project.Applied, meta: Meta) -> Iterable[Write]:
        detail = f"applied for {yuan(event.requested_amount)} ({event.implementing_unit})"
        return [project_act(event, meta, APPLICATION, "applied", detail)]

    @writes.register(Project.Approved)
    def _approved(self, event: Project.Approved, meta: Meta) -> Iterable[Write]:
        detail = f"approved {yuan(event.approved_amount)} on account {event.account_id}"
        return [project_act(event, meta, APPROVAL, "approved", detail)]

    @writes.register(Project.Disbursed)
    def _disbursed(self, event: Project.Disbursed, meta: Meta) -> Iterable[Write]:
        p = event.payment
        detail = f"paid disbursement {p.no}: {yuan(p.amount)} to {p.payee}"
        return [project_act(event, meta, DISBURSEMENT, "disbursed", detail)]

    @writes.register(Project.DisbursementReversed)
    def _reversed(self, event: Project.DisbursementReversed, meta: Meta) -> Iterable[Write]:
        detail = f"reversed disbursement {event.no}: {event.context.reason}"
        return [project_act(event, meta, DISBURSEMENT, "disbursement_reversed", detail)]

    @writes.register(Project.FundsRecovered)
    def _recovered(self, event: Project.FundsRecovered, meta: Meta) -> Iterable[Write]:
        detail = (
            f"recorded a return of {yuan(event.amount)} to account {event.account_id} "
            f"under {event.document_no}"
        )
        return [project_act(event, meta, DISBURSEMENT, "funds_recovered", detail)]

    @writes.register(Project.Completed)
    def _completed(self, event: Project.Completed, meta: Meta) -> Iterable[Write]:
        detail = f"accepted completion (竣工验收) of {event.completed_on}"
        return [project_act(event, meta, DISBURSEMENT, "completed", detail)]

    @writes.register(Project.Evaluated)
    def _evaluated(self, event: Project.Evaluated, meta: Meta) -> Iterable[Write]:
        n = len(event.households_benefited)
        detail = f"evaluated the benefit: score {event.score}, {n} households benefited"
        return [project_act(event, meta, BENEFIT, "evaluated", detail)]

    @writes.register(FundAccount.Opened)
    def _opened(self, event: FundAccount.Opened, meta: Meta) -> Iterable[Write]:
        return [account_act(event, meta, "account_opened", f"opened {event.name}")]

    @writes.register(FundAccount.Allocated)
    def _allocated(self, event: FundAccount.Allocated, meta: Meta) -> Iterable[Write]:
        detail = f"recorded an allocation of {yuan(event.amount)} under {event.document_no}"
        return [account_act(event, meta, "allocated", detail)]

    @writes.register(FundAccount.MoneyReturned)
    def _returned(self, event: FundAccount.MoneyReturned, meta: Meta) -> Iterable[Write]:
        if event.project_id is not None:
            return ()  # one decision, one row: the project's FundsRecovered records it
        detail = f"recorded a return of {yuan(event.amount)} under {event.document_no}"
        return [account_act(event, meta, "money_returned", detail)]


class SQLiteAccountabilityStore(SQLiteViewStore):
    """Accountability on SQLite."""

    schema = SCHEMA


class PostgresAccountabilityStore(PostgresViewStore):
    """Accountability on PostgreSQL."""

    schema = SCHEMA
