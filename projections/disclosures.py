"""Disclosure board (公示栏): every disclosure with its period, figures and objection counts.

Public data only: the beneficiary count, never household ids; objection counts, never the
objection's text or who raised it. A row shows the figures as published: the project's
planned budget, approved amount and amount disbursed on the day the disclosure was
recorded (the completion disclosure thus shows the funds used); objection counts follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.dispatch import singledispatchmethod

from domain.account import FundAccount
from domain.project import Project
from projections.sql import Schema, insert, table, to_fen
from projections.store import Meta, Write
from projections.store_postgres import PostgresViewStore
from projections.store_sqlite import SQLiteViewStore
from projections.view import ViewProjection

SCHEMA = Schema(
    "disclosures",
    (
        table(
            "board_projects",
            "project_id uuid!, name text!, city text!, county text!, township text!, "
            "village text!, planned_budget money!, approved_amount money, disbursed money!, "
            "beneficiaries int!",
            "project_id",
        ),
        table(
            "board_disclosures",
            "project_id uuid!, stage text!, seq int!, project_name text!, city text!, "
            "county text!, township text!, village text!, published_on date!, ends_on date!, "
            "planned_budget money!, approved_amount money, disbursed money!, "
            "beneficiaries int!, objections_open int!, objections_resolved int!",
            "project_id, stage",
            "seq",
        ),
        table("board_objections", "project_id uuid!, no int!, stage text!", "project_id, no"),
    ),
)
PROJECT = insert(SCHEMA.get("board_projects"))
APPROVED = "UPDATE {board_projects} SET approved_amount=? WHERE project_id=?"
PAID = "UPDATE {board_projects} SET disbursed=disbursed+? WHERE project_id=?"
PUBLISHED = (
    "INSERT INTO {board_disclosures} (project_id, stage, seq, project_name, city, county, "
    "township, village, published_on, ends_on, planned_budget, approved_amount, disbursed, "
    "beneficiaries, objections_open, objections_resolved) "
    "SELECT project_id, ?, ?, name, city, county, township, village, ?, ?, planned_budget, "
    "approved_amount, disbursed, beneficiaries, 0, 0 FROM {board_projects} WHERE project_id=?"
)
OBJECTION = insert(SCHEMA.get("board_objections"))
RAISED = (
    "UPDATE {board_disclosures} SET objections_open=objections_open+1 "
    "WHERE project_id=? AND stage=?"
)
RESOLVED = (
    "UPDATE {board_disclosures} SET objections_open=objections_open-1, "
    "objections_resolved=objections_resolved+1 WHERE project_id=? AND stage="
    "(SELECT stage FROM {board_objections} WHERE project_id=? AND no=?)"
)


class DisclosuresProjection(ViewProjection):
    """Keeps the public board of disclosures."""

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
            to_fen(event.planned_budget),
            None,
            0,
            len(event.beneficiaries),
        )
        return [Write(PROJECT, row)]

    @writes.register(Project.Approved)
    def _approved(self, event: Project.Approved, meta: Meta) -> Iterable[Write]:
        return [Write(APPROVED, (to_fen(event.approved_amount), event.originator_id))]

    @writes.register(FundAccount.Paid)
    def _paid(self, event: FundAccount.Paid, meta: Meta) -> Iterable[Write]:
        return [Write(PAID, (to_fen(event.amount), event.project_id))]

    @writes.register(FundAccount.PaymentReversed)
    def _reversed(self, event: FundAccount.PaymentReversed, meta: Meta) -> Iterable[Write]:
        return [Write(PAID, (-to_fen(event.amount), event.project_id))]

    @writes.register(FundAccount.MoneyReturned)
    def _returned(self, event: FundAccount.MoneyReturned, meta: Meta) -> Iterable[Write]:
        if event.project_id is None:
            return ()
        return [Write(PAID, (-to_fen(event.amount), event.project_id))]

    @writes.register(Project.DisclosurePublished)
    def _published(self, event: Project.DisclosurePublished, meta: Meta) -> Iterable[Write]:
        d = event.disclosure
        values = (d.stage, meta.position, d.published_on, d.ends_on, event.originator_id)
        return [Write(PUBLISHED, values)]

    @writes.register(Project.ObjectionRaised)
    def _raised(self, event: Project.ObjectionRaised, meta: Meta) -> Iterable[Write]:
        o = event.objection
        return [
            Write(OBJECTION, (event.originator_id, o.no, o.stage)),
            Write(RAISED, (event.originator_id, o.stage)),
        ]

    @writes.register(Project.ObjectionResolved)
    def _resolved(self, event: Project.ObjectionResolved, meta: Meta) -> Iterable[Write]:
        return [Write(RESOLVED, (event.originator_id, event.originator_id, event.no))]


class SQLiteDisclosuresStore(SQLiteViewStore):
    """The disclosure board on SQLite."""

    schema = SCHEMA


class PostgresDisclosuresStore(PostgresViewStore):
    """The disclosure board on PostgreSQL."""

    schema = SCHEMA
