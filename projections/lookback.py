"""Look-back (回头看): the facts the year-end review checks, kept by business date.

Per project: planned and benefited households, completion and evaluation dates; per
earmark movement: its amount and date. The review itself is in lookback_read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.dispatch import singledispatchmethod

from domain.account import FundAccount
from domain.project import Project
from domain.values import Status
from projections.sql import Schema, insert, table, to_fen
from projections.store import Meta, Write
from projections.store_postgres import PostgresViewStore
from projections.store_sqlite import SQLiteViewStore
from projections.view import ViewProjection, dumps

SCHEMA = Schema(
    "lookback",
    (
        table(
            "lookback_projects",
            "project_id uuid!, name text!, city text!, county text!, township text!, "
            "village text!, fiscal_year int!, status text!, planned json!, benefited json, "
            "completed_on date, completion_recorded_on date, evaluated_on date",
            "project_id",
        ),
        table(
            "lookback_earmarks",
            "position int!, project_id uuid!, account_id uuid!, kind text!, amount money!, "
            "effective_on date!",
            "position",
            "project_id, effective_on",
        ),
    ),
)
PROJECT = insert(SCHEMA.get("lookback_projects"))
EARMARK = insert(SCHEMA.get("lookback_earmarks"))
REJECTED = "UPDATE {lookback_projects} SET status=? WHERE project_id=?"
APPROVED = "UPDATE {lookback_projects} SET fiscal_year=? WHERE project_id=?"
COMPLETED = (
    "UPDATE {lookback_projects} SET completed_on=?, completion_recorded_on=? WHERE project_id=?"
)
EVALUATED = (
    "UPDATE {lookback_projects} SET status=?, benefited=?, evaluated_on=? WHERE project_id=?"
)


def movement(event: Any, meta: Meta, kind: str) -> Write:
    """An earmark movement: added (earmark, reversal) or taken (payment, release)."""
    values = (
        meta.position,
        event.project_id,
        event.originator_id,
        kind,
        to_fen(event.amount),
        event.context.effective_on,
    )
    return Write(EARMARK, values)


class LookBackProjection(ViewProjection):
    """Keeps what the look-back compares: households, dates, earmark movements."""

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
            event.name,
            r.city,
            r.county,
            r.township,
            r.village,
            event.context.effective_on.year,
            Status.ACTIVE.value,
            dumps(sorted(event.beneficiaries)),
            None,
            None,
            None,
            None,
        )
        return [Write(PROJECT, row)]

    @writes.register(Project.Reviewed)
    @writes.register(Project.Audited)
    def _judged(self, event: Project.Reviewed | Project.Audited, meta: Meta) -> Iterable[Write]:
        if event.passed:
            return ()
        return [Write(REJECTED, (Status.REJECTED.value, event.originator_id))]

    @writes.register(Project.Approved)
    def _approved(self, event: Project.Approved, meta: Meta) -> Iterable[Write]:
        return [Write(APPROVED, (event.fiscal_year, event.originator_id))]

    @writes.register(Project.Completed)
    def _completed(self, event: Project.Completed, meta: Meta) -> Iterable[Write]:
        values = (event.completed_on, event.context.effective_on, event.originator_id)
        return [Write(COMPLETED, values)]

    @writes.register(Project.Evaluated)
    def _evaluated(self, event: Project.Evaluated, meta: Meta) -> Iterable[Write]:
        values = (
            Status.CLOSED.value,
            dumps(sorted(event.households_benefited)),
            event.context.effective_on,
            event.originator_id,
        )
        return [Write(EVALUATED, values)]

    @writes.register(FundAccount.Earmarked)
    def _earmarked(self, event: FundAccount.Earmarked, meta: Meta) -> Iterable[Write]:
        return [movement(event, meta, "earmark")]

    @writes.register(FundAccount.PaymentReversed)
    def _reversed(self, event: FundAccount.PaymentReversed, meta: Meta) -> Iterable[Write]:
        return [movement(event, meta, "reversal")]

    @writes.register(FundAccount.Paid)
    def _paid(self, event: FundAccount.Paid, meta: Meta) -> Iterable[Write]:
        return [movement(event, meta, "payment")]

    @writes.register(FundAccount.EarmarkReleased)
    def _released(self, event: FundAccount.EarmarkReleased, meta: Meta) -> Iterable[Write]:
        return [movement(event, meta, "earmark_release")]


class SQLiteLookBackStore(SQLiteViewStore):
    """Look-back facts on SQLite."""

    schema = SCHEMA


class PostgresLookBackStore(PostgresViewStore):
    """Look-back facts on PostgreSQL."""

    schema = SCHEMA
