"""PostgreSQL store: the library's recorder, plus what must be written with the events.

The recorded-time index and the hash chain (infrastructure.integrity) are written in the
insert transaction, after the library has taken its EXCLUSIVE table lock (the
`_insert_stored_events` path), so clock_timestamp() and the chain follow notification order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from infrastructure.integrity import guards, postgres_chain

INDEX_TABLE = "event_index"


class IndexedPostgresApplicationRecorder(PostgresApplicationRecorder):
    """Application recorder that also writes (aggregate, version, position, time)."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        if datastore.enable_db_functions:
            # The library's db-function insert takes no table lock and skips the hook where
            # the index and the hash chain are written: events would go unchained.
            raise ProgrammingError("POSTGRES_ENABLE_DB_FUNCTIONS=y is not supported by fundtrail")
        super().__init__(datastore, events_table_name=events_table_name)
        self.index_table = Identifier(datastore.schema, INDEX_TABLE)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {t} ("
                "originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
                "notification_id bigint NOT NULL UNIQUE, "
                "recorded_at timestamptz NOT NULL, "
                "PRIMARY KEY (originator_id, originator_version))"
            ).format(t=self.index_table)
        )
        self.sql_create_statements.append(
            SQL("CREATE INDEX IF NOT EXISTS {i} ON {t} (originator_id, recorded_at)").format(
                i=Identifier(f"{INDEX_TABLE}_time"), t=self.index_table
            )
        )
        self.sql_create_statements.extend(postgres_chain.create_statements(datastore.schema))
        self.sql_create_statements.extend(guards.append_only_statements(datastore.schema))

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        """After the locked insert: write the index rows and chain links in the same transaction."""
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:
            curs.execute(
                SQL(
                    "INSERT INTO {t} SELECT o, v, n, clock_timestamp() "
                    "FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[]) AS u(o, v, n)"
                ).format(t=self.index_table),
                (
                    [e.originator_id for e in stored_events],
                    [e.originator_version for e in stored_events],
                    list(ids),
                ),
            )
            postgres_chain.append_links(curs, self.datastore.schema, stored_events, ids)
        return ids

    def _select_one(self, query: Composed, params: Sequence[Any]) -> Any:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(query, params)
            row = curs.fetchone()
        return None if row is None else next(iter(row.values()))

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        """The notification id of an aggregate's event at a version."""
        query = SQL(
            "SELECT notification_id FROM {t} WHERE originator_id=%s AND originator_version=%s"
        ).format(t=self.index_table)
        value = self._select_one(query, (originator_id, version))
        return None if value is None else int(value)

    def version_at(self, originator_id: UUID, recorded_at: datetime) -> int | None:
        """The aggregate's last version recorded at or before a time."""
        query = SQL(
            "SELECT MAX(originator_version) AS v FROM {t} "
            "WHERE originator_id=%s AND recorded_at<=%s"
        ).format(t=self.index_table)
        value = self._select_one(query, (originator_id, recorded_at))
        return None if value is None else int(value)

    def recorded_at(self, originator_id: UUID) -> dict[int, datetime]:
        """When each version of an aggregate was recorded."""
        query = SQL(
            "SELECT originator_version, recorded_at FROM {t} WHERE originator_id=%s"
        ).format(t=self.index_table)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(query, (originator_id,))
            rows = curs.fetchall()
        return {int(r["originator_version"]): r["recorded_at"] for r in rows}


class Factory(PostgresFactory):
    """The library's PostgreSQL factory with fundtrail's application recorder."""

    application_recorder_class = IndexedPostgresApplicationRecorder
