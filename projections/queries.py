"""The query side the HTTP API codes against: `build_read_models(settings) -> ReadModels`.

Contract:
- Every answer comes from a view projected from the events (never from aggregates), as
  frozen dataclasses whose field names are API.md's answer fields: money as Decimal yuan
  with two places, dates as date, times as timezone-aware datetime, ids as UUID. Extra
  fields may be present; none of API.md's is renamed.
- `recorded_at` is the time in the foundation's recorded-time index (database time,
  written in the events' transaction), so `get_project_as_recorded(id, recorded_at)` of a
  history event shows that very version.
- Lists answer `Page(items, next)`; `limit` is 1..1000; `after` is the opaque `next` of the
  previous page. A bad limit, cursor, month or filter value raises domain.errors.InvalidValue
  (422). Unknown ids answer empty pages / None: the API decides 404 from the application.
- Views follow the log asynchronously: after a command, `wait_for(result.position)` blocks
  (bounded) until every view has processed it, for read-your-writes.
- State as of a version or a recorded time is the application's (`get_project(id, version)`,
  `get_project_as_recorded(id, at)`, and the same for accounts); figures as of a business
  date are `account_as_of` here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.engine import today_in_shanghai
from infrastructure.settings import Settings
from projections import (
    accountability_read,
    disclosures_read,
    dispatch_read,
    history_read,
    ledger_read,
    lookback_read,
    register_read,
)
from projections.catalog import VIEWS, Datastore, open_datastore, open_store
from projections.rows import (
    AccountableAct,
    AccountFigures,
    Decision,
    DisclosureRow,
    DispatchReport,
    HistoryEvent,
    LedgerEntry,
    LookBackReport,
    Page,
    RegisterRow,
)
from projections.store import ViewStore


class ReadModels:
    """Queries on every view, and read-your-writes waiting."""

    def __init__(
        self,
        datastore: Datastore,
        stores: dict[str, ViewStore],
        clock: Callable[[], date] = today_in_shanghai,
    ) -> None:
        self.datastore = datastore
        self.stores = stores
        self.clock = clock

    def ledger(
        self, account_id: UUID, *, limit: int = 100, after: str | None = None
    ) -> Page[LedgerEntry]:
        """An account's ledger entries in order."""
        return ledger_read.entries(self.stores["ledger"], account_id, limit, after)

    def account_as_of(self, account_id: UUID, on: date) -> AccountFigures | None:
        """An account's figures as of a business date (None for an unknown account)."""
        return ledger_read.figures_as_of(self.stores["ledger"], account_id, on)

    def register(
        self,
        *,
        city: str | None = None,
        county: str | None = None,
        category: str | None = None,
        checkpoint: str | None = None,
        status: str | None = None,
        fiscal_year: int | None = None,
        q: str | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> Page[RegisterRow]:
        """The project register, filtered, in the order projects were proposed."""
        filters = {
            "city": city,
            "county": county,
            "category": category,
            "checkpoint": checkpoint,
            "status": status,
            "fiscal_year": fiscal_year,
        }
        return register_read.search(self.stores["register"], filters, q, limit, after)

    def register_row(self, project_id: UUID) -> RegisterRow | None:
        """One project's register row."""
        return register_read.one(self.stores["register"], project_id)

    def history(
        self, project_id: UUID, *, limit: int = 100, after: str | None = None
    ) -> Page[HistoryEvent]:
        """A project's events in order, with actor, reason and evidence."""
        return history_read.timeline(self.stores["history"], project_id, limit, after)

    def accountability(self, project_id: UUID) -> dict[str, list[AccountableAct]]:
        """The people at each of the six checkpoints of a project."""
        return accountability_read.by_project(self.stores["accountability"], project_id)

    def decisions(
        self, person_id: str, *, limit: int = 100, after: str | None = None
    ) -> Page[Decision]:
        """Every decision a person ever made, whatever roles they hold today."""
        return accountability_read.by_person(self.stores["accountability"], person_id, limit, after)

    def disclosures(
        self,
        *,
        city: str | None = None,
        county: str | None = None,
        stage: str | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> Page[DisclosureRow]:
        """The public disclosure board, newest first."""
        filters = {"city": city, "county": county, "stage": stage}
        return disclosures_read.board(self.stores["disclosures"], filters, limit, after)

    def dispatch(self, month: str) -> DispatchReport:
        """The monthly dispatch report for YYYY-MM."""
        return dispatch_read.report(self.stores["dispatch"], month)

    def look_back(
        self,
        *,
        on: date | None = None,
        city: str | None = None,
        county: str | None = None,
        fiscal_year: int | None = None,
    ) -> LookBackReport:
        """The look-back review (回头看) as of a business date (default today)."""
        filters = {"city": city, "county": county, "fiscal_year": fiscal_year}
        return lookback_read.review(self.stores["lookback"], on or self.clock(), filters)

    def positions(self) -> dict[str, int]:
        """The notification id each view has processed up to."""
        return {name: store.position() for name, store in self.stores.items()}

    def wait_for(self, position: int, timeout: float = 2.0) -> bool:
        """Wait until every view has processed `position`; False if the timeout passed."""
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            if all(store.position() >= position for store in self.stores.values()):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.05)

    def close(self) -> None:
        """Close the connection pool."""
        self.datastore.close()


def build_read_models(
    settings: Settings, *, clock: Callable[[], date] = today_in_shanghai
) -> ReadModels:
    """Read models on the database the settings name (views created if allowed)."""
    datastore = open_datastore(settings)
    stores = {
        name: open_store(view, datastore, create=settings.create_tables)
        for name, view in VIEWS.items()
    }
    return ReadModels(datastore, stores, clock)
