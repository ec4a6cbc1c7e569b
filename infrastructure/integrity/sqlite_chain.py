"""The chain on SQLite: its tables, and the links written inside the insert transaction."""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteCursor

from infrastructure.integrity.chain import GENESIS, aggregate_id_bytes, link_events
from infrastructure.integrity.tables import CHAIN_TABLE, CHECKPOINT_TABLE


def create_statements() -> list[str]:
    """The chain and checkpoint tables (created with the events table)."""
    return [
        f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ("
        "notification_id INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
        "originator_version INTEGER NOT NULL, prev_log BLOB NOT NULL, "
        "prev_agg BLOB NOT NULL, hash BLOB NOT NULL)",
        # Finds an aggregate's previous link on insert and when verifying.
        f"CREATE INDEX IF NOT EXISTS {CHAIN_TABLE}_aggregate "
        f"ON {CHAIN_TABLE} (originator_id, notification_id)",
        f"CREATE TABLE IF NOT EXISTS {CHECKPOINT_TABLE} ("
        "position INTEGER PRIMARY KEY, size INTEGER NOT NULL, head BLOB NOT NULL, "
        "root BLOB NOT NULL, made_at INTEGER NOT NULL, signature BLOB NOT NULL)",
    ]


def append_links(
    curs: SQLiteCursor, stored_events: Sequence[StoredEvent], ids: Sequence[int]
) -> None:
    """Chain the events just inserted; the caller's BEGIN IMMEDIATE keeps the head still."""
    curs.execute(f"SELECT hash FROM {CHAIN_TABLE} ORDER BY notification_id DESC LIMIT 1")
    row = curs.fetchone()
    log_head = bytes(row[0]) if row else GENESIS
    heads: dict[bytes, bytes] = {}
    for aggregate_id in {aggregate_id_bytes(e.originator_id) for e in stored_events}:
        curs.execute(
            f"SELECT hash FROM {CHAIN_TABLE} WHERE originator_id=? "
            "ORDER BY notification_id DESC LIMIT 1",
            (aggregate_id.hex(),),
        )
        row = curs.fetchone()
        if row:
            heads[aggregate_id] = bytes(row[0])
    links = link_events(stored_events, ids, log_head, heads)
    curs.executemany(
        f"INSERT INTO {CHAIN_TABLE} VALUES (?,?,?,?,?,?)",
        [
            (k.position, k.aggregate_id.hex(), k.version, k.prev_log, k.prev_agg, k.hash)
            for k in links
        ],
    )
