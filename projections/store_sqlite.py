"""The SQLite view store: view tables and a per-view tracking table in the event file.

Writes begin with BEGIN IMMEDIATE (as the event writer does), so a batch that reads the
tracking row and the recorded-time index before writing cannot be overtaken by another
writer between its read and its write.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from infrastructure.sqlite_store import ImmediateTransaction
from projections.sql import SQLITE
from projections.store import APP_NAME, EVENT_INDEX, Cursorish, Reader, ViewStore, copy_statements

_TRACKING = re.compile(r"\btracking\b")
_CHUNK = 1000


class SQLiteViewStore(ViewStore, SQLiteTrackingRecorder):
    """A view on SQLite; subclasses name the schema."""

    dialect = SQLITE

    def __init__(self, datastore: SQLiteDatastore, *, prefix: str = "", **_: Any) -> None:
        names = {t.name: f"{prefix}{t.name}" for t in self.schema.tables}
        names["tracking"] = f"{prefix}{self.schema.view}_tracking"
        names["event_index"] = EVENT_INDEX
        self._set_names(prefix, names)
        super().__init__(datastore)
        # The library names its tracking table "tracking"; each view needs its own.
        self.insert_tracking_statement = self._retable(self.insert_tracking_statement)
        self.select_max_tracking_id_statement = self._retable(self.select_max_tracking_id_statement)

    def _retable(self, statement: str) -> str:
        return _TRACKING.sub(self.names["tracking"], statement)

    def construct_create_table_statements(self) -> list[str]:
        """The library's tracking table under this view's name, then the view's tables."""
        tracking = [self._retable(s) for s in super().construct_create_table_statements()]
        return [*tracking, *self.ddl()]

    def create_table(self) -> None:
        """Create the tables, with a tracking row at 0 (so that it can be locked)."""
        self._create_racing(super().create_table)
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                f"INSERT INTO {self.names['tracking']} VALUES (?, 0) "
                "ON CONFLICT (application_name) DO NOTHING",
                (APP_NAME,),
            )

    @contextmanager
    def _writing(self) -> Iterator[Cursorish]:
        with (
            self.datastore.get_connection(commit=True) as conn,
            ImmediateTransaction(conn, commit=True) as curs,
            curs as raw,
        ):
            yield raw

    def _track(self, curs: Cursorish, upto: int) -> None:
        curs.execute(
            self.insert_tracking_statement,
            {"application_name": APP_NAME, "notification_id": upto},
        )
        if not curs.fetchall():
            raise IntegrityError(f"view {self.name} is already at or beyond {upto}")

    def select(self, template: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query on the view."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.sql(template), [self.dialect.adapt(p) for p in params])
            return [tuple(row) for row in curs.fetchall()]

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """A deferred read transaction: WAL keeps its snapshot until it ends."""
        with self.datastore.transaction(commit=False) as curs, curs as raw:
            yield _SQLiteReader(raw.connection)

    def drop(self) -> None:
        """Drop the view's tables and tracking table."""
        with self._writing() as curs:
            for name in [*(self.names[t.name] for t in self.schema.tables), self.names["tracking"]]:
                curs.execute(f"DROP TABLE IF EXISTS {name}")

    def replace_with(self, shadow: ViewStore) -> None:
        """Copy the shadow's rows and position over the live view, then drop the shadow."""
        with self._writing() as curs:
            for statement in copy_statements(self, shadow):
                curs.execute(statement)
            curs.execute(
                f"INSERT INTO {self.names['tracking']} SELECT application_name, notification_id "
                f"FROM {shadow.names['tracking']} WHERE application_name=? "
                "ON CONFLICT (application_name) "
                "DO UPDATE SET notification_id=excluded.notification_id",
                (APP_NAME,),
            )
            for name in [*(shadow.names[t.name] for t in self.schema.tables)]:
                curs.execute(f"DROP TABLE IF EXISTS {name}")
            curs.execute(f"DROP TABLE IF EXISTS {shadow.names['tracking']}")


class _SQLiteReader:
    """Queries on one connection inside its read transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = self.connection.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def stream(self, sql: str) -> Iterator[tuple[Any, ...]]:
        cursor = self.connection.execute(sql)
        while rows := cursor.fetchmany(_CHUNK):
            yield from (tuple(r) for r in rows)
