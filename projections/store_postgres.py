"""The PostgreSQL view store: view tables and a per-view tracking table in the app's schema.

A batch runs in one transaction: it locks the view's tracking row (FOR UPDATE), reads the
recorded times of its events, then sends every write in pipeline mode, so a batch of a
thousand events costs a handful of round trips and one commit.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Connection
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composed

from projections.sql import POSTGRES, check_name
from projections.store import APP_NAME, EVENT_INDEX, Cursorish, Reader, ViewStore, copy_statements

_ITERSIZE = 2000
_cursor_names = itertools.count(1)


class PostgresViewStore(ViewStore, PostgresTrackingRecorder):
    """A view on PostgreSQL; subclasses name the schema.

    Constructible by the library's factory (`tracking_recorder(view_class)`), so that the
    library's ProjectionRunner can drive the same projection for comparison.
    """

    dialect = POSTGRES
    dialect_lock = " FOR UPDATE"

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        prefix: str = "",
        tracking_table_name: str | None = None,
        **_: Any,
    ) -> None:
        schema = check_name(datastore.schema)
        tracking = check_name(tracking_table_name or f"{prefix}{self.schema.view}_tracking")
        names = {t.name: f'"{schema}"."{prefix}{t.name}"' for t in self.schema.tables}
        names["tracking"] = f'"{schema}"."{tracking}"'
        names["event_index"] = f'"{schema}"."{EVENT_INDEX}"'
        self._set_names(prefix, names)
        super().__init__(datastore, tracking_table_name=tracking)
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in self.ddl())
        self.sql_create_statements.append(
            Composed(
                [
                    SQL(
                        f"INSERT INTO {names['tracking']} VALUES ('{APP_NAME}', 0) "
                        "ON CONFLICT (application_name) DO NOTHING"
                    )
                ]
            )
        )

    def create_table(self) -> None:
        """Create the tables (a tracking row at 0 included, so that it can be locked)."""
        self._create_racing(super().create_table)

    @contextmanager
    def _writing(self) -> Iterator[Cursorish]:
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor(row_factory=tuple_row) as curs,
        ):
            yield curs

    def _pipelined(self, curs: Cursorish) -> AbstractContextManager[Any]:
        connection: Connection[DictRow] = curs.connection  # type: ignore[attr-defined]
        return connection.pipeline()

    def _track(self, curs: Cursorish, upto: int) -> None:
        curs.execute(
            self.insert_tracking_statement,
            {"application_name": APP_NAME, "notification_id": upto},
        )
        if not curs.fetchall():
            raise IntegrityError(f"view {self.name} is already at or beyond {upto}")

    def select(self, template: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query on the view."""
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row) as curs,
        ):
            curs.execute(self.sql(template), params)
            return curs.fetchall()

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """A REPEATABLE READ transaction: one snapshot for every query in it."""
        with self.datastore.get_connection() as conn, conn.transaction(force_rollback=True):
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield _PostgresReader(conn)

    def drop(self) -> None:
        """Drop the view's tables and tracking table."""
        with self._writing() as curs:
            for name in [*(self.names[t.name] for t in self.schema.tables), self.names["tracking"]]:
                curs.execute(f"DROP TABLE IF EXISTS {name}")

    def replace_with(self, shadow: ViewStore) -> None:
        """Copy the shadow's rows and position over the live view, then drop the shadow."""
        with self._writing() as curs:
            # Wait for a runner's batch in flight; later batches see the new position.
            self._check_lock(curs)
            for statement in copy_statements(self, shadow):
                curs.execute(statement)
            curs.execute(
                f"INSERT INTO {self.names['tracking']} SELECT application_name, notification_id "
                f"FROM {shadow.names['tracking']} WHERE application_name=%s "
                "ON CONFLICT (application_name) "
                "DO UPDATE SET notification_id=excluded.notification_id",
                (APP_NAME,),
            )
            for name in [*(shadow.names[t.name] for t in self.schema.tables)]:
                curs.execute(f"DROP TABLE IF EXISTS {name}")
            curs.execute(f"DROP TABLE IF EXISTS {shadow.names['tracking']}")

    def _check_lock(self, curs: Cursorish) -> None:
        curs.execute(
            self.sql("SELECT notification_id FROM {tracking} WHERE application_name=?")
            + self.dialect_lock,
            (APP_NAME,),
        )
        curs.fetchall()


class _PostgresReader:
    """Queries on one connection inside its snapshot transaction."""

    def __init__(self, connection: Connection[DictRow]) -> None:
        self.connection = connection

    def scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        with self.connection.cursor(row_factory=tuple_row) as curs:
            row = curs.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def stream(self, sql: str) -> Iterator[tuple[Any, ...]]:
        name = f"fundtrail_check_{next(_cursor_names)}"
        with self.connection.cursor(name, row_factory=tuple_row) as curs:
            curs.itersize = _ITERSIZE
            curs.execute(sql)
            yield from curs
