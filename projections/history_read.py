"""Project history queries: a project's timeline a page at a time."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from domain.values import Actor
from projections.history import SCHEMA
from projections.rows import HistoryEvent, Page, check_limit, decode_cursor, page
from projections.sql import as_date, as_time
from projections.store import ViewStore

COLUMNS = ", ".join(SCHEMA.get("history_events").column_names)


def timeline(
    store: ViewStore, project_id: UUID, limit: int, after: str | None
) -> Page[HistoryEvent]:
    """A project's events in version order, a page at a time."""
    check_limit(limit)
    key = decode_cursor("history", after)
    rows = store.select(
        f"SELECT {COLUMNS} FROM {{history_events}} WHERE project_id=? AND version>? "
        "ORDER BY version LIMIT ?",
        (project_id, int(key[0]) if key else 0, limit + 1),
    )
    return page("history", rows, limit, lambda r: [int(r[1])], _event)


def _event(r: tuple[Any, ...]) -> HistoryEvent:
    return HistoryEvent(
        version=int(r[1]),
        type=r[2],
        recorded_at=as_time(r[3]),
        effective_on=as_date(r[4]),
        actor=Actor(r[5], r[6], r[7], r[8]),
        data=json.loads(r[9]),
        position=int(r[10]),
    )
