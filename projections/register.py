"""Project register (项目库): one row per project, searchable and filterable, with paging.

States come from the project's events; money paid and reversed from the account's events
(they carry the amounts; a project's reversal names only the payment number).
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
    "register",
    (
        table(
            "register_projects",
            "project_id uuid!, seq int!, name text!, name_folded text!, city text!, "
            "county text!, township text!, village text!, category text!, checkpoint text!, "
            "status text!, fiscal_year int!, planned_budget money!, requested_amount money, "
            "approved_amount money, disbursed money!, account_id uuid, version int!",
            "project_id",
            "seq",
            "city, county, seq",
        ),
    ),
)
PROJECT = insert(SCHEMA.get("register_projects"))
VERSION = "UPDATE {register_projects} SET version=? WHERE project_id=?"
STEP = "UPDATE {register_projects} SET checkpoint=?, version=? WHERE project_id=?"
STATUS = "UPDATE {register_projects} SET status=?, version=? WHERE project_id=?"
APPLIED = (
    "UPDATE {register_projects} SET checkpoint=?, requested_amount=?, version=? WHERE project_id=?"
)
APPROVED = (
    "UPDATE {register_projects} SET checkpoint=?, approved_amount=?, account_id=?, "
    "fiscal_year=?, version=? WHERE project_id=?"
)
CLOSED = "UPDATE {register_projects} SET checkpoint=?, status=?, version=? WHERE project_id=?"
PAID = "UPDATE {register_projects} SET disbursed=disbursed+? WHERE project_id=?"


def _step(event: Any, checkpoint: Checkpoint) -> list[Write]:
    return [Write(STEP, (checkpoint.value, event.originator_version, event.originator_id))]


def _version(event: Any) -> list[Write]:
    return [Write(VERSION, (event.originator_version, event.originator_id))]


class RegisterProjection(ViewProjection):
    """Keeps one register row per project."""

    schema = SCHEMA

    @singledispatchmethod
    def writes(self, event: Any, meta: Meta) -> Iterable[Write]:
        """Events without a handler write nothing."""
        return ()

    @writes.register(Project.Proposed)
    def _proposed(self, event: Project.Proposed, meta: Meta) -> Iterable[Write]:
        r = event.region
        row = (
            event.originator_id,
            meta.position,
            event.name,
            event.name.casefold(),
            r.city,
            r.county,
            r.township,
            r.village,
            event.category,
            Checkpoint.SELECTION.value,
            Status.ACTIVE.value,
            event.context.effective_on.year,
            to_fen(event.planned_budget),
            None,
            None,
            0,
            None,
            event.originator_version,
        )
        return [Write(PROJECT, row)]

    @writes.register(Project.Reviewed)
    @writes.register(Project.Audited)
    def _judged(self, event: Project.Reviewed | Project.Audited, meta: Meta) -> Iterable[Write]:
        if event.passed:
            return _version(event)
        rejected = Status.REJECTED.value
        return [Write(STATUS, (rejected, event.originator_version, event.originator_id))]

    @writes.register(Project.DisclosurePublished)
    @writes.register(Project.ObjectionRaised)
    @writes.register(Project.ObjectionResolved)
    @writes.register(Project.DisbursementReversed)
    def _other(self, event: Any, meta: Meta) -> Iterable[Write]:
        return _version(event)

    @writes.register(Project.FundsRecovered)
    def _recovered(self, event: Project.FundsRecovered, meta: Meta) -> Iterable[Write]:
        paid = Write(PAID, (-to_fen(event.amount), event.originator_id))
        return [paid, *_version(event)]

    @writes.register(Project.Established)
    def _established(self, event: Project.Established, meta: Meta) -> Iterable[Write]:
        return _step(event, Checkpoint.ESTABLISHMENT)

    @writes.register(Project.Applied)
    def _applied(self, event: Project.Applied, meta: Meta) -> Iterable[Write]:
        values = (
            Checkpoint.APPLICATION.value,
            to_fen(event.requested_amount),
            event.originator_version,
            event.originator_id,
        )
        return [Write(APPLIED, values)]

    @writes.register(Project.Approved)
    def _approved(self, event: Project.Approved, meta: Meta) -> Iterable[Write]:
        values = (
            Checkpoint.APPROVAL.value,
            to_fen(event.approved_amount),
            event.account_id,
            event.fiscal_year,
            event.originator_version,
            event.originator_id,
        )
        return [Write(APPROVED, values)]

    @writes.register(Project.Disbursed)
    def _disbursed(self, event: Project.Disbursed, meta: Meta) -> Iterable[Write]:
        return _step(event, Checkpoint.DISBURSEMENT)

    @writes.register(Project.Completed)
    def _completed(self, event: Project.Completed, meta: Meta) -> Iterable[Write]:
        return _step(event, Checkpoint.COMPLETED)

    @writes.register(Project.Evaluated)
    def _evaluated(self, event: Project.Evaluated, meta: Meta) -> Iterable[Write]:
        values = (
            Checkpoint.BENEFIT.value,
            Status.CLOSED.value,
            event.originator_version,
            event.originator_id,
        )
        return [Write(CLOSED, values)]

    @writes.register(FundAccount.Paid)
    def _paid(self, event: FundAccount.Paid, meta: Meta) -> Iterable[Write]:
        return [Write(PAID, (to_fen(event.amount), event.project_id))]

    @writes.register(FundAccount.PaymentReversed)
    def _reversed(self, event: FundAccount.PaymentReversed, meta: Meta) -> Iterable[Write]:
        return [Write(PAID, (-to_fen(event.amount), event.project_id))]


class SQLiteRegisterStore(SQLiteViewStore):
    """The register on SQLite."""

    schema = SCHEMA


class PostgresRegisterStore(PostgresViewStore):
    """The register on PostgreSQL."""

    schema = SCHEMA
