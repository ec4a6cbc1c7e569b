"""Project history: every event of a project in order, with its actor, reason and evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.utils import get_topic

from domain.project import Project
from projections.sql import Schema, insert, table
from projections.store import Meta, Write
from projections.store_postgres import PostgresViewStore
from projections.store_sqlite import SQLiteViewStore
from projections.view import ViewProjection, dumps, event_classes, jsonable

SCHEMA = Schema(
    "history",
    (
        table(
            "history_events",
            "project_id uuid!, version int!, type text!, recorded_at time!, effective_on date!, "
            "person_id text!, person_name text!, role text!, org text!, data json!, "
            "position int!",
            "project_id, version",
        ),
    ),
)
EVENT = insert(SCHEMA.get("history_events"))
# Fields every event has; `data` holds the event's own fields beside reason and evidence.
ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "context"}


def event_data(event: Any) -> dict[str, Any]:
    """The event's own fields as JSON-ready data, with the reason and evidence it carries."""
    data = {
        f.name: jsonable(getattr(event, f.name)) for f in fields(event) if f.name not in ENVELOPE
    }
    data["reason"] = event.context.reason
    data["evidence"] = jsonable(event.context.evidence)
    return data


class HistoryProjection(ViewProjection):
    """Copies each project event into the project's timeline."""

    schema = SCHEMA
    topics = tuple(sorted(get_topic(c) for c in event_classes(Project)))

    @singledispatchmethod
    def writes(self, event: Any, meta: Meta) -> Iterable[Write]:
        """Events of other aggregates write nothing."""
        return ()

    @writes.register(Project.Event)
    def _project_event(self, event: Any, meta: Meta) -> Iterable[Write]:
        context = event.context
        actor = context.actor
        row = (
            event.originator_id,
            event.originator_version,
            type(event).__name__,
            meta.recorded_at,
            context.effective_on,
            actor.person_id,
            actor.name,
            actor.role,
            actor.org,
            dumps(event_data(event)),
            meta.position,
        )
        return [Write(EVENT, row)]


class SQLiteHistoryStore(SQLiteViewStore):
    """Project history on SQLite."""

    schema = SCHEMA


class PostgresHistoryStore(PostgresViewStore):
    """Project history on PostgreSQL."""

    schema = SCHEMA
