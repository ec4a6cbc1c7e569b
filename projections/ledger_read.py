"""Account ledger queries: entries a page at a time, figures as of a business date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.values import Actor
from projections.ledger import SCHEMA
from projections.rows import AccountFigures, LedgerEntry, Page, check_limit, decode_cursor, page
from projections.sql import as_date, as_time, as_uuid, opt_uuid
from projections.sql import to_money as money
from projections.store import ViewStore

ENTRY_COLUMNS = ", ".join(SCHEMA.get("ledger_entries").column_names)


def entries(store: ViewStore, account_id: UUID, limit: int, after: str | None) -> Page[LedgerEntry]:
    """An account's entries in order, a page at a time."""
    check_limit(limit)
    key = decode_cursor("ledger", after)
    start = int(key[0]) if key else 0
    rows = store.select(
        f"SELECT {ENTRY_COLUMNS} FROM {{ledger_entries}} "
        "WHERE account_id=? AND entry_no>? ORDER BY entry_no LIMIT ?",
        (account_id, start, limit + 1),
    )
    return page("ledger", rows, limit, lambda r: [int(r[1])], _entry_row)


def _entry_row(r: tuple[Any, ...]) -> LedgerEntry:
    return LedgerEntry(
        account_id=as_uuid(r[0]),
        entry_no=int(r[1]),
        kind=r[2],
        amount=money(r[3]),
        project_id=opt_uuid(r[4]),
        effective_on=as_date(r[5]),
        recorded_at=as_time(r[6]),
        actor=Actor(r[7], r[8], r[9], r[10]),
        document_no=r[11],
        disbursement_no=None if r[12] is None else int(r[12]),
        reason=r[13],
    )


FIGURES = (
    "SELECT "
    "COALESCE(SUM(CASE WHEN kind='allocation' THEN amount ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN kind='return' AND project_id IS NULL THEN amount ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN kind IN ('earmark', 'reversal') THEN amount "
    "WHEN kind IN ('payment', 'earmark_release') THEN -amount ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN kind='payment' THEN amount WHEN kind='reversal' THEN -amount "
    "WHEN kind='return' AND project_id IS NOT NULL THEN -amount ELSE 0 END), 0) "
    "FROM {ledger_entries} WHERE account_id=? AND effective_on<=?"
)


def figures_as_of(store: ViewStore, account_id: UUID, on: date) -> AccountFigures | None:
    """Figures from entries dated on or before `on`; None before the account was opened."""
    opened = store.select(
        "SELECT 1 FROM {ledger_accounts} WHERE account_id=? AND opened_on<=?", (account_id, on)
    )
    if not opened:
        return None
    allocated, untied, earmarked, disbursed = (
        money(v) for v in store.select(FIGURES, (account_id, on))[0]
    )
    available: Decimal = allocated + untied - earmarked - disbursed
    return AccountFigures(account_id, on, allocated, earmarked, disbursed, available)
