"""Raw reads of the PostgreSQL store for verification and export, and checkpoint writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import IsolationLevel
from psycopg.sql import SQL, Composed, Identifier

from infrastructure.integrity.checkpoints import Checkpoint
from infrastructure.integrity.log import LAST, ChainRow, EventRow, Page, SnapshotRow
from infrastructure.integrity.tables import (
    CHAIN_TABLE,
    CHECKPOINT_TABLE,
    POSTGRES_EVENTS_TABLE,
    POSTGRES_SNAPSHOTS_TABLE,
)

_CHAIN_SELECT = (
    "SELECT c.notification_id, uuid_send(c.originator_id), c.originator_version, c.prev_log, "
    "c.prev_agg, c.hash, p.hash, p.originator_version FROM {c} c "
    # The aggregate's previous chain record, through the (originator_id, position) index.
    "LEFT JOIN LATERAL (SELECT q.hash, q.originator_version FROM {c} q "
    "WHERE q.originator_id = c.originator_id AND q.notification_id < c.notification_id "
    "ORDER BY q.notification_id DESC LIMIT 1) p ON true "
)
_EVENT_SELECT = (
    "SELECT notification_id, uuid_send(originator_id), originator_version, topic, state FROM {e} "
)


class PostgresLog:
    """The PostgreSQL store's events, chain, snapshots and checkpoints, read row by row."""

    def __init__(self, conninfo: str, schema: str) -> None:
        self._conn = psycopg.connect(conninfo)
        # One snapshot per page: events and chain records are read as of the same moment.
        self._conn.isolation_level = IsolationLevel.REPEATABLE_READ
        self._names = {
            "c": Identifier(schema, CHAIN_TABLE),
            "e": Identifier(schema, POSTGRES_EVENTS_TABLE),
            "k": Identifier(schema, CHECKPOINT_TABLE),
            "s": Identifier(schema, POSTGRES_SNAPSHOTS_TABLE),
        }

    def _sql(self, text: str) -> Composed:
        return SQL(text).format(**self._names)

    def _rows(self, text: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._conn.cursor(binary=True) as curs:
            curs.execute(self._sql(text), params)
            return curs.fetchall()

    def read_page(self, after: int, limit: int) -> Page:
        """Up to about `limit` chain records after `after`, with the events beside them."""
        with self._conn.transaction():
            row = self._rows(
                "SELECT notification_id FROM {c} WHERE notification_id > %s "
                "ORDER BY notification_id LIMIT 1 OFFSET %s",
                (after, limit - 1),
            )
            end = int(row[0][0]) if row else LAST
            window = "WHERE {0} > %s AND {0} <= %s ORDER BY {0}"
            chain = self._rows(_CHAIN_SELECT + window.format("c.notification_id"), (after, end))
            events = self._rows(_EVENT_SELECT + window.format("notification_id"), (after, end))
        return Page([EventRow(*r) for r in events], [ChainRow(*r) for r in chain], end)

    def last_position(self) -> int:
        """The highest position in the events or the chain (0 when empty)."""
        with self._conn.transaction():
            row = self._rows(
                "SELECT GREATEST((SELECT MAX(notification_id) FROM {e}), "
                "(SELECT MAX(notification_id) FROM {c}), 0)"
            )
        return int(row[0][0])

    def checkpoints(self, after: int = -1) -> list[Checkpoint]:
        """The checkpoints stored in the database (past `after`), by position."""
        with self._conn.transaction():
            rows = self._rows(
                "SELECT position, size, head, root, made_at, signature FROM {k} "
                "WHERE position > %s ORDER BY position",
                (after,),
            )
        return [Checkpoint(*r) for r in rows]

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Store a checkpoint (a second one at the same position is ignored)."""
        c = checkpoint
        with self._conn.transaction():
            self._conn.execute(
                self._sql("INSERT INTO {k} VALUES (%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING"),
                (c.position, c.size, c.head, c.root, c.made_at, c.signature),
            )

    def snapshots(self) -> Iterator[SnapshotRow]:
        """Every stored snapshot, by aggregate then version."""
        with self._conn.transaction():
            rows = self._rows(
                "SELECT uuid_send(originator_id), originator_version, topic, state FROM {s} "
                "ORDER BY originator_id, originator_version"
            )
        return iter([SnapshotRow(*r) for r in rows])

    def aggregate_rows(self, aggregate_id: bytes) -> tuple[list[EventRow], list[ChainRow]]:
        """One aggregate's events and chain records, by position."""
        key = aggregate_id.hex()
        with self._conn.transaction():
            chain = self._rows(
                _CHAIN_SELECT + "WHERE c.originator_id = %s::uuid ORDER BY c.notification_id",
                (key,),
            )
            events = self._rows(
                _EVENT_SELECT + "WHERE originator_id = %s::uuid ORDER BY notification_id", (key,)
            )
        return [EventRow(*r) for r in events], [ChainRow(*r) for r in chain]

    def chain_hashes(self, after: int, upto: int, limit: int) -> list[tuple[int, bytes]]:
        """(position, hash) of chain records in (after, upto], at most `limit`, in order."""
        with self._conn.transaction():
            rows = self._rows(
                "SELECT notification_id, hash FROM {c} WHERE notification_id > %s "
                "AND notification_id <= %s ORDER BY notification_id LIMIT %s",
                (after, upto, limit),
            )
        return [(int(n), bytes(h)) for n, h in rows]

    def close(self) -> None:
        """Release the connection."""
        self._conn.close()
