"""Account ledger (资金台账): every entry on a dedicated account, and figures as of a date.

Entry kinds: allocation, earmark, earmark_release (the unpaid rest of an earmark, released
at completion), payment, reversal, return. The entry number is the account's event version
minus one (version 1 opened the account), so it is fixed by the event, never by the view.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod

from domain.account import FundAccount
from projections.sql import Schema, insert, table, to_fen
from projections.store import Meta, Write
from projections.store_postgres import PostgresViewStore
from projections.store_sqlite import SQLiteViewStore
from projections.view import ViewProjection, dumps

SCHEMA = Schema(
    "ledger",
    (
        table(
            "ledger_accounts",
            "account_id uuid!, name text!, fund_source text!, fiscal_year int!, region text!, "
            "purposes json!, opened_on date!, recorded_at time!",
            "account_id",
        ),
        table(
            "ledger_entries",
            "account_id uuid!, entry_no int!, kind text!, amount money!, project_id uuid, "
            "effective_on date!, recorded_at time!, person_id text!, person_name text!, "
            "role text!, org text!, document_no text, disbursement_no int, reason text!, "
            "position int!",
            "account_id, entry_no",
            "account_id, effective_on",
        ),
    ),
)
ACCOUNT = insert(SCHEMA.get("ledger_accounts"))
ENTRY = insert(SCHEMA.get("ledger_entries"))


def entry(
    event: Any,
    meta: Meta,
    kind: str,
    project_id: UUID | None = None,
    document_no: str | None = None,
    disbursement_no: int | None = None,
) -> Write:
    """The ledger row an account event makes."""
    context = event.context
    actor = context.actor
    return Write(
        ENTRY,
        (
            event.originator_id,
            event.originator_version - 1,
            kind,
            to_fen(event.amount),
            project_id,
            context.effective_on,
            meta.recorded_at,
            actor.person_id,
            actor.name,
            actor.role,
            actor.org,
            document_no,
            disbursement_no,
            context.reason,
            meta.position,
        ),
    )


class LedgerProjection(ViewProjection):
    """Projects account events into ledger entries."""

    schema = SCHEMA

    @singledispatchmethod
    def writes(self, event: Any, meta: Meta) -> Iterable[Write]:
        """Events without a handler write nothing."""
        return ()

    @writes.register(FundAccount.Opened)
    def _opened(self, event: FundAccount.Opened, meta: Meta) -> Iterable[Write]:
        return [
            Write(
                ACCOUNT,
                (
                    event.originator_id,
                    event.name,
                    event.fund_source,
                    event.fiscal_year,
                    event.region,
                    dumps(list(event.purposes)),
                    event.context.effective_on,
                    meta.recorded_at,
                ),
            )
        ]

    @writes.register(FundAccount.Allocated)
    def _allocated(self, event: FundAccount.Allocated, meta: Meta) -> Iterable[Write]:
        return [entry(event, meta, "allocation", document_no=event.document_no)]

    @writes.register(FundAccount.Earmarked)
    def _earmarked(self, event: FundAccount.Earmarked, meta: Meta) -> Iterable[Write]:
        return [entry(event, meta, "earmark", event.project_id)]

    @writes.register(FundAccount.EarmarkReleased)
    def _released(self, event: FundAccount.EarmarkReleased, meta: Meta) -> Iterable[Write]:
        return [entry(event, meta, "earmark_release", event.project_id)]

    @writes.register(FundAccount.Paid)
    def _paid(self, event: FundAccount.Paid, meta: Meta) -> Iterable[Write]:
        return [entry(event, meta, "payment", event.project_id, None, event.disbursement_no)]

    @writes.register(FundAccount.PaymentReversed)
    def _reversed(self, event: FundAccount.PaymentReversed, meta: Meta) -> Iterable[Write]:
        return [entry(event, meta, "reversal", event.project_id, None, event.disbursement_no)]

    @writes.register(FundAccount.MoneyReturned)
    def _returned(self, event: FundAccount.MoneyReturned, meta: Meta) -> Iterable[Write]:
        return [entry(event, meta, "return", event.project_id, event.document_no)]


class SQLiteLedgerStore(SQLiteViewStore):
    """The ledger on SQLite."""

    schema = SCHEMA


class PostgresLedgerStore(PostgresViewStore):
    """The ledger on PostgreSQL."""

    schema = SCHEMA
