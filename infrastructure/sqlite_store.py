"""SQLite store: the library's recorder, plus what must be written with the events.

Writes start with BEGIN IMMEDIATE, so a second process cannot interleave between the
read of the last index row and the insert; the recorded-time index and the hash chain
(infrastructure.integrity) are written in the same transaction as the events.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import OperationalError, StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteFactory,
    SQLiteTransaction,
)

from infrastructure.integrity import sqlite_chain

INDEX_TABLE = "event_index"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"  # fixed width, so text order is time order


class ImmediateTransaction(SQLiteTransaction):
    """A writing transaction that takes SQLite's write lock at its start."""

    def __enter__(self) -> SQLiteCursor:
        """Begin immediately."""
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            # The lock was not granted in time: the library's kind, as its own errors are.
            raise OperationalError(exc) from exc
        return cursor


class IndexedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """Application recorder that also writes (aggregate, version, position, time)."""

    def construct_create_table_statements(self) -> list[str]:
        """The events table, and the recorded-time index beside it."""
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {INDEX_TABLE} ("
            "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, "
            "notification_id INTEGER NOT NULL UNIQUE, recorded_at TEXT NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))",
            f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_time "
            f"ON {INDEX_TABLE} (originator_id, recorded_at)",
            *sqlite_chain.create_statements(),
        ]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert events, their index rows and chain links in one BEGIN IMMEDIATE transaction."""
        with (
            self.datastore.get_connection(commit=True) as conn,
            ImmediateTransaction(conn, commit=True) as curs,
            curs,
        ):
            ids = self._insert_events(curs, stored_events, **kwargs)
            if ids:
                self._write_index(curs, stored_events, ids)
                sqlite_chain.append_links(curs, stored_events, ids)
            return ids

    def _write_index(
        self,
        curs: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        ids: Sequence[int],
    ) -> None:
        curs.execute(f"SELECT recorded_at FROM {INDEX_TABLE} ORDER BY notification_id DESC LIMIT 1")
        row = curs.fetchone()
        now = datetime.now(UTC).strftime(TIME_FORMAT)
        # Never earlier than the last row: recorded time follows notification order.
        recorded_at = max(now, row[0]) if row else now
        curs.executemany(
            f"INSERT INTO {INDEX_TABLE} VALUES (?,?,?,?)",
            [
                (_hex(e.originator_id), e.originator_version, i, recorded_at)
                for e, i in zip(stored_events, ids, strict=True)
            ],
        )

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        """The notification id of an aggregate's event at a version."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                f"SELECT notification_id FROM {INDEX_TABLE} "
                "WHERE originator_id=? AND originator_version=?",
                (originator_id.hex, version),
            )
            row = curs.fetchone()
        return int(row[0]) if row else None

    def version_at(self, originator_id: UUID, recorded_at: datetime) -> int | None:
        """The aggregate's last version recorded at or before a time."""
        moment = recorded_at.astimezone(UTC).strftime(TIME_FORMAT)
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                f"SELECT MAX(originator_version) FROM {INDEX_TABLE} "
                "WHERE originator_id=? AND recorded_at<=?",
                (originator_id.hex, moment),
            )
            row = curs.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def recorded_at(self, originator_id: UUID) -> dict[int, datetime]:
        """When each version of an aggregate was recorded."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                f"SELECT originator_version, recorded_at FROM {INDEX_TABLE} WHERE originator_id=?",
                (originator_id.hex,),
            )
            rows = curs.fetchall()
        return {int(r[0]): datetime.fromisoformat(r[1]) for r in rows}


def _hex(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id


class Factory(SQLiteFactory):
    """The library's SQLite factory with fundtrail's application recorder."""

    application_recorder_class = IndexedSQLiteApplicationRecorder
