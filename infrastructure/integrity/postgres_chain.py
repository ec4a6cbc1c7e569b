"""The chain on PostgreSQL: its tables, and the links written after the table lock."""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import StoredEvent
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from infrastructure.integrity.chain import GENESIS, aggregate_id_bytes, link_events
from infrastructure.integrity.tables import CHAIN_TABLE, CHECKPOINT_TABLE


def create_statements(schema: str) -> list[Composed]:
    """The chain and checkpoint tables (created with the events table)."""
    return [
        SQL(
            "CREATE TABLE IF NOT EXISTS {t} ("
            "notification_id bigint PRIMARY KEY, originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, prev_log bytea NOT NULL, "
            "prev_agg bytea NOT NULL, hash bytea NOT NULL)"
        ).format(t=Identifier(schema, CHAIN_TABLE)),
        # Finds an aggregate's previous link on insert and when verifying.
        SQL("CREATE INDEX IF NOT EXISTS {i} ON {t} (originator_id, notification_id)").format(
            i=Identifier(f"{CHAIN_TABLE}_aggregate"), t=Identifier(schema, CHAIN_TABLE)
        ),
        SQL(
            "CREATE TABLE IF NOT EXISTS {t} ("
            "position bigint PRIMARY KEY, size bigint NOT NULL, head bytea NOT NULL, "
            "root bytea NOT NULL, made_at bigint NOT NULL, signature bytea NOT NULL)"
        ).format(t=Identifier(schema, CHECKPOINT_TABLE)),
    ]


def append_links(
    curs: Cursor[DictRow],
    schema: str,
    stored_events: Sequence[StoredEvent],
    ids: Sequence[int],
) -> None:
    """Chain the events just inserted; the EXCLUSIVE table lock keeps the head still."""
    table = Identifier(schema, CHAIN_TABLE)
    curs.execute(SQL("SELECT hash FROM {t} ORDER BY notification_id DESC LIMIT 1").format(t=table))
    row = curs.fetchone()
    log_head = bytes(row["hash"]) if row else GENESIS
    aggregate_ids = sorted({aggregate_id_bytes(e.originator_id) for e in stored_events})
    curs.execute(
        SQL(
            "SELECT DISTINCT ON (originator_id) uuid_send(originator_id) AS a, hash FROM {t} "
            "WHERE originator_id = ANY(%s::uuid[]) ORDER BY originator_id, notification_id DESC"
        ).format(t=table),
        ([a.hex() for a in aggregate_ids],),
    )
    heads = {bytes(r["a"]): bytes(r["hash"]) for r in curs.fetchall()}
    links = link_events(stored_events, ids, log_head, heads)
    curs.execute(
        SQL(
            "INSERT INTO {t} SELECT * FROM unnest("
            "%s::bigint[], %s::uuid[], %s::bigint[], %s::bytea[], %s::bytea[], %s::bytea[])"
        ).format(t=table),
        (
            [k.position for k in links],
            [k.aggregate_id.hex() for k in links],
            [k.version for k in links],
            [k.prev_log for k in links],
            [k.prev_agg for k in links],
            [k.hash for k in links],
        ),
    )
