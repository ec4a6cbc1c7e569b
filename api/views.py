"""The read models behind the query routes, and the in-process runner for `serve`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Protocol
from uuid import UUID

from fastapi import Depends, Request

from api.services import Services, services_of
from infrastructure.settings import Settings
from projections.rows import (
    AccountableAct,
    AccountFigures,
    Decision,
    DisclosureRow,
    DispatchReport,
    HistoryEvent,
    LedgerEntry,
    Page,
    RegisterRow,
)


class ReadModels(Protocol):
    """What the query routes ask of the read models (projections.queries)."""

    def ledger(self, account_id: UUID, *, limit: int, after: str | None) -> Page[LedgerEntry]:
        """An account's ledger entries."""

    def account_as_of(self, account_id: UUID, on: date) -> AccountFigures | None:
        """An account's figures as of a business date."""

    def register(
        self,
        *,
        city: str | None,
        county: str | None,
        category: str | None,
        checkpoint: str | None,
        status: str | None,
        fiscal_year: int | None,
        q: str | None,
        limit: int,
        after: str | None,
    ) -> Page[RegisterRow]:
        """The project register, filtered."""

    def history(self, project_id: UUID, *, limit: int, after: str | None) -> Page[HistoryEvent]:
        """A project's events."""

    def accountability(self, project_id: UUID) -> dict[str, list[AccountableAct]]:
        """Who did what at each checkpoint of a project."""

    def decisions(self, person_id: str, *, limit: int, after: str | None) -> Page[Decision]:
        """Every decision a person made."""

    def disclosures(self, *, limit: int, after: str | None) -> Page[DisclosureRow]:
        """The public disclosures."""

    def dispatch(self, month: str) -> DispatchReport:
        """The monthly dispatch report."""

    def wait_for(self, position: int, timeout: float) -> bool:
        """Whether every view has caught up with a position within the timeout."""


def start_views(services: Services, settings: Settings, run_projections: bool) -> None:
    """Build the read models and, unless another process runs them, start the runner."""
    try:  # TEMPORARY until projections.queries lands
        from projections.queries import build_read_models  # type: ignore[import-not-found]
        from projections.runner import ViewsRunner  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        return

    services.views = build_read_models(settings)
    if run_projections:
        services.runner = ViewsRunner(settings)
        services.runner.start()


def read_models_of(request: Request) -> ReadModels:
    """The read models of the app serving this request."""
    views: Any = services_of(request).views
    if views is None:
        raise RuntimeError("the app has no read models")
    read_models: ReadModels = views
    return read_models


Views = Annotated[ReadModels, Depends(read_models_of)]
