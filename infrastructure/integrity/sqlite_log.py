"""Raw reads of the SQLite store for verification and export, and checkpoint writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infrastructure.integrity.checkpoints import Checkpoint
from infrastructure.integrity.log import LAST, ChainRow, EventRow, Page, SnapshotRow
from infrastructure.integrity.tables import CHAIN_TABLE as C
from infrastructure.integrity.tables import CHECKPOINT_TABLE as K
from infrastructure.integrity.tables import SQLITE_EVENTS_TABLE as E
from infrastructure.integrity.tables import SQLITE_SNAPSHOTS_TABLE as S

_CHAIN_COLUMNS = (
    "c.notification_id, c.originator_id, c.originator_version, c.prev_log, c.prev_agg, "
    "c.hash, p.hash, p.originator_version"
)
# The aggregate's previous chain record, found through the (originator_id, position) index.
_PREVIOUS = (
    f"LEFT JOIN {C} p ON p.notification_id = (SELECT q.notification_id FROM {C} q "
    "WHERE q.originator_id = c.originator_id AND q.notification_id < c.notification_id "
    "ORDER BY q.notification_id DESC LIMIT 1)"
)
_EVENT_COLUMNS = "rowid, originator_id, originator_version, topic, state"


class SQLiteLog:
    """The SQLite store's events, chain, snapshots and checkpoints, read row by row."""

    def __init__(self, path: Path) -> None:
        # mode=rw: a missing file is an error here, never a new empty store.
        self._conn = sqlite3.connect(
            f"file:{path}?mode=rw",
            uri=True,
            isolation_level=None,
            timeout=10,
            check_same_thread=False,  # the monitor looks from its thread, or a caller's, never both
        )

    def read_page(self, after: int, limit: int) -> Page:
        """Up to about `limit` chain records after `after`, with the events beside them."""
        conn = self._conn
        conn.execute("BEGIN")  # one read snapshot for both tables
        try:
            row = conn.execute(
                f"SELECT notification_id FROM {C} WHERE notification_id > ? "
                "ORDER BY notification_id LIMIT 1 OFFSET ?",
                (after, limit - 1),
            ).fetchone()
            end = int(row[0]) if row else LAST
            chain = [
                _chain_row(r)
                for r in conn.execute(
                    f"SELECT {_CHAIN_COLUMNS} FROM {C} c {_PREVIOUS} "
                    "WHERE c.notification_id > ? AND c.notification_id <= ? "
                    "ORDER BY c.notification_id",
                    (after, end),
                )
            ]
            events = [
                _event_row(r)
                for r in conn.execute(
                    f"SELECT {_EVENT_COLUMNS} FROM {E} WHERE rowid > ? AND rowid <= ? "
                    "ORDER BY rowid",
                    (after, end),
                )
            ]
        finally:
            conn.execute("COMMIT")
        return Page(events, chain, end)

    def last_position(self) -> int:
        """The highest position in the events or the chain (0 when empty)."""
        row = self._conn.execute(
            f"SELECT MAX(IFNULL((SELECT MAX(rowid) FROM {E}), 0), "
            f"IFNULL((SELECT MAX(notification_id) FROM {C}), 0))"
        ).fetchone()
        return int(row[0])

    def checkpoints(self, after: int = -1) -> list[Checkpoint]:
        """The checkpoints stored in the database (past `after`), by position."""
        rows = self._conn.execute(
            f"SELECT position, size, head, root, made_at, signature FROM {K} "
            "WHERE position > ? ORDER BY position",
            (after,),
        )
        return [
            Checkpoint(_int(a), _int(b), _blob(c), _blob(d), _int(e), _blob(f))
            for a, b, c, d, e, f in rows
        ]

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Store a checkpoint (a second one at the same position is ignored)."""
        c = checkpoint
        with self._write():
            self._conn.execute(
                f"INSERT OR IGNORE INTO {K} VALUES (?,?,?,?,?,?)",
                (c.position, c.size, c.head, c.root, c.made_at, c.signature),
            )

    def _write(self) -> _Immediate:
        return _Immediate(self._conn)

    def snapshots(self) -> Iterator[SnapshotRow]:
        """Every stored snapshot, by aggregate then version."""
        rows = self._conn.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {S} "
            "ORDER BY originator_id, originator_version"
        )
        for aggregate_id, version, topic, state in rows:
            yield SnapshotRow(_aggregate_id(aggregate_id), _int(version), str(topic), _blob(state))

    def aggregate_rows(self, aggregate_id: bytes) -> tuple[list[EventRow], list[ChainRow]]:
        """One aggregate's events and chain records, by position."""
        conn, key = self._conn, aggregate_id.hex()
        conn.execute("BEGIN")
        try:
            chain = [
                _chain_row(r)
                for r in conn.execute(
                    f"SELECT {_CHAIN_COLUMNS} FROM {C} c {_PREVIOUS} "
                    "WHERE c.originator_id = ? ORDER BY c.notification_id",
                    (key,),
                )
            ]
            events = [
                _event_row(r)
                for r in conn.execute(
                    f"SELECT {_EVENT_COLUMNS} FROM {E} WHERE originator_id = ? ORDER BY rowid",
                    (key,),
                )
            ]
        finally:
            conn.execute("COMMIT")
        return events, chain

    def chain_hashes(self, after: int, upto: int, limit: int) -> list[tuple[int, bytes]]:
        """(position, hash) of chain records in (after, upto], at most `limit`, in order."""
        rows = self._conn.execute(
            f"SELECT notification_id, hash FROM {C} WHERE notification_id > ? "
            "AND notification_id <= ? ORDER BY notification_id LIMIT ?",
            (after, upto, limit),
        )
        return [(int(n), bytes(h)) for n, h in rows]

    def close(self) -> None:
        """Release the connection."""
        self._conn.close()


class _Immediate:
    """A short writing transaction that waits for SQLite's write lock."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _aggregate_id(value: Any) -> bytes:
    """The 16 bytes of a stored hex id; a mangled id keeps its text, which matches nothing."""
    try:
        return bytes.fromhex(value)
    except (TypeError, ValueError):
        return _blob(value)


def _blob(value: Any) -> bytes:
    """Bytes of a BLOB column; a value whose type was changed still hashes (and fails)."""
    if isinstance(value, bytes):
        return value
    return b"" if value is None else str(value).encode("utf-8")


def _int(value: Any) -> int:
    """An INTEGER column; a value whose type was changed becomes -1, which matches nothing."""
    return value if isinstance(value, int) else -1


def _event_row(r: Any) -> EventRow:
    n, aggregate_id, version, topic, state = r
    return EventRow(n, _aggregate_id(aggregate_id), _int(version), str(topic), _blob(state))


def _chain_row(r: Any) -> ChainRow:
    n, aggregate_id, version, prev_log, prev_agg, digest, agg_hash, agg_version = r
    return ChainRow(
        n,
        _aggregate_id(aggregate_id),
        _int(version),
        _blob(prev_log),
        _blob(prev_agg),
        _blob(digest),
        None if agg_hash is None else _blob(agg_hash),
        None if agg_version is None else _int(agg_version),
    )
