"""Monthly dispatch (一月一调度, 一市一通报): facts by city, county and business date.

The view keeps dated facts, not running totals, so that a report for any month is a sum
over `effective_on` up to the month's end: money moves (allocations by the account's
city; approvals, earmarks, payments, reversals, releases and returns tied to a project by
the project's city and county), each project's checkpoint steps, disclosures and
objections (for the overdue items). The report itself is in dispatch_read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.dispatch import singledispatchmethod

from domain.account import FundAccount
from domain.project import Project
from domain.values import Checkpoint, Status
from projections.sql import Schema, insert, table, to_fen
from projections.store import Meta, Write
from projections.store_postgres import PostgresViewStore
from projections.store_sqlite import SQLiteViewStore
from projections.view import ViewProjection

SCHEMA = Schema(
    "dispatch",
    (
        table(
            "dispatch_projects",
            "project_id uuid!, name text!, city text!, county text!",
            "project_id",
        ),
        table("dispatch_accounts", "account_id uuid!, city text!", "account_id"),
        table(
            "dispatch_money",
            "position int!, city text!, county text, project_id uuid, kind text!, "
            "amount money!, effective_on date!",
            "position",
            "effective_on",
        ),
        table(
            "dispatch_steps",
            "position int!, project_id uuid!, checkpoint text!, status text!, effective_on date!",
            "position",
            "project_id, effective_on",
        ),
        table(
            "dispatch_disclosures",
            "project_id uuid!, stage text!, ends_on date!",
            "project_id, stage",
        ),
        table(
            "dispatch_objections",
            "project_id uuid!, no int!, raised_on date!, ends_on date!, resolved_on date",
            "project_id, no",
        ),
    ),
)
PROJECT = insert(SCHEMA.get("dispatch_projects"))
ACCOUNT = insert(SCHEMA.get("dispatch_accounts"))
STEP = insert(SCHEMA.get("dispatch_steps"))
DISCLOSURE = insert(SCHEMA.get("dispatch_disclosures"))
ALLOCATED = (
    "INSERT INTO {dispatch_money} (position, city, county, project_id, kind, amount, "
    "effective_on) SELECT ?, city, NULL, NULL, ?, ?, ? FROM {dispatch_accounts} WHERE account_id=?"
)
# Project money goes to the project's city and county, looked up in the same transaction.
PROJECT_MONEY = (
    "INSERT INTO {dispatch_money} (position, city, county, project_id, kind, amount, "
    "effective_on) SELECT ?, city, county, project_id, ?, ?, ? FROM {dispatch_projects} "
    "WHERE project_id=?"
)
OBJECTION = (
    "INSERT INTO {dispatch_objections} (project_id, no, raised_on, ends_on, resolved_on) "
    "SELECT project_id, ?, ?, ends_on, NULL FROM {dispatch_disclosures} "
    "WHERE project_id=? AND stage=?"
)
RESOLVED = "UPDATE {dispatch_objections} SET resolved_on=? WHERE project_id=? AND no=?"


def money(event: Any, meta: Meta, kind: str, project_id: Any, amount: Any) -> Write:
    """A dated money fact for a project."""
    values = (meta.position, kind, to_fen(amount), event.context.effective_on, project_id)
    return Write(PROJECT_MONEY, values)


def step(event: Any, meta: Meta, checkpoint: Checkpoint, status: Status = Status.ACTIVE) -> Write:
    """A project reached a checkpoint (or changed status) on its business date."""
    values = (
        meta.position,
        event.originator_id,
        checkpoint.value,
        status.value,
        event.context.effective_on,
    )
    return Write(STEP, values)


class DispatchProjection(ViewProjection):
    """Keeps the dated facts the monthly dispatch sums."""

    schema = SCHEMA

    @singledispatchmethod
    def writes(self, event: Any, meta: Meta) -> Iterable[Write]:
        """Events without a handler write nothing."""
        return ()

    @writes.register(FundAccount.Opened)
    def _opened(self, event: FundAccount.Opened, meta: Meta) -> Iterable[Write]:
        return [Write(ACCOUNT, (event.originator_id, event.region))]

    @writes.register(FundAccount.Allocated)
    def _allocated(self, event: FundAccount.Allocated, meta: Meta) -> Iterable[Write]:
        on = event.context.effective_on
        values = (meta.position, "allocation", to_fen(event.amount), on, event.originator_id)
        return [Write(ALLOCATED, values)]

    @writes.register(FundAccount.Earmarked)
    def _earmarked(self, event: FundAccount.Earmarked, meta: Meta) -> Iterable[Write]:
        return [money(event, meta, "earmark", event.project_id, event.amount)]

    @writes.register(FundAccount.EarmarkReleased)
    def _released(self, event: FundAccount.EarmarkReleased, meta: Meta) -> Iterable[Write]:
        return [money(event, meta, "earmark_release", event.project_id, event.amount)]

    @writes.register(FundAccount.Paid)
    def _paid(self, event: FundAccount.Paid, meta: Meta) -> Iterable[Write]:
        return [money(event, meta, "payment", event.project_id, event.amount)]

    @writes.register(FundAccount.PaymentReversed)
    def _reversed(self, event: FundAccount.PaymentReversed, meta: Meta) -> Iterable[Write]:
        return [money(event, meta, "reversal", event.project_id, event.amount)]

    @writes.register(FundAccount.MoneyReturned)
    def _returned(self, event: FundAccount.MoneyReturned, meta: Meta) -> Iterable[Write]:
        # Untied returns add to what is available, not to what was allocated.
        if event.project_id is None:
            return ()
        return [money(event, meta, "return", event.project_id, event.amount)]

    @writes.register(Project.Proposed)
    def _proposed(self, event: Project.Proposed, meta: Meta) -> Iterable[Write]:
        r = event.region
        return [
            Write(PROJECT, (event.originator_id, event.name, r.city, r.county)),
            step(event, meta, Checkpoint.SELECTION),
        ]

    @writes.register(Project.Reviewed)
    @writes.register(Project.Audited)
    def _judged(self, event: Project.Reviewed | Project.Audited, meta: Meta) -> Iterable[Write]:
        return () if event.passed else [step(event, meta, Checkpoint.SELECTION, Status.REJECTED)]

    @writes.register(Project.Established)
    def _established(self, event: Project.Established, meta: Meta) -> Iterable[Write]:
        return [step(event, meta, Checkpoint.ESTABLISHMENT)]

    @writes.register(Project.Applied)
    def _applied(self, event: Project.Applied, meta: Meta) -> Iterable[Write]:
        return [step(event, meta, Checkpoint.APPLICATION)]

    @writes.register(Project.Approved)
    def _approved(self, event: Project.Approved, meta: Meta) -> Iterable[Write]:
        return [
            step(event, meta, Checkpoint.APPROVAL),
            money(event, meta, "approval", event.originator_id, event.approved_amount),
        ]

    @writes.register(Project.Disbursed)
    def _disbursed(self, event: Project.Disbursed, meta: Meta) -> Iterable[Write]:
        return [step(event, meta, Checkpoint.DISBURSEMENT)] if event.payment.no == 1 else ()

    @writes.register(Project.Completed)
    def _completed(self, event: Project.Completed, meta: Meta) -> Iterable[Write]:
        return [step(event, meta, Checkpoint.COMPLETED)]

    @writes.register(Project.Evaluated)
    def _evaluated(self, event: Project.Evaluated, meta: Meta) -> Iterable[Write]:
        return [step(event, meta, Checkpoint.BENEFIT, Status.CLOSED)]

    @writes.register(Project.DisclosurePublished)
    def _disclosed(self, event: Project.DisclosurePublished, meta: Meta) -> Iterable[Write]:
        d = event.disclosure
        return [Write(DISCLOSURE, (event.originator_id, d.stage, d.ends_on))]

    @writes.register(Project.ObjectionRaised)
    def _raised(self, event: Project.ObjectionRaised, meta: Meta) -> Iterable[Write]:
        o = event.objection
        return [Write(OBJECTION, (o.no, o.raised_on, event.originator_id, o.stage))]

    @writes.register(Project.ObjectionResolved)
    def _resolved(self, event: Project.ObjectionResolved, meta: Meta) -> Iterable[Write]:
        on = event.context.effective_on
        return [Write(RESOLVED, (on, event.originator_id, event.no))]


class SQLiteDispatchStore(SQLiteViewStore):
    """Dispatch facts on SQLite."""

    schema = SCHEMA


class PostgresDispatchStore(PostgresViewStore):
    """Dispatch facts on PostgreSQL."""

    schema = SCHEMA
