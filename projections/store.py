"""View stores: a view's tables and its tracking position, written in one transaction.

`apply` writes a whole batch of events and the new position together (exactly-once). It
first checks, under a lock, that the view is still where the caller thinks it is: a second
runner, or a rebuild swapped in meanwhile, makes it raise PositionMoved instead of
applying events twice or skipping some.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

from eventsourcing.persistence import IntegrityError, TrackingRecorder

from projections.sql import Dialect, Schema, Table, check_name

APP_NAME = "fundtrail"  # the application whose notification log every view follows
EVENT_INDEX = "event_index"  # the recorded-time index the foundation writes with events


class Meta(NamedTuple):
    """Where an event sits in the log: its notification id and when it was recorded."""

    position: int
    recorded_at: datetime


class Write(NamedTuple):
    """One SQL statement (template with `{table}` names and `?`) and its parameters."""

    sql: str
    params: tuple[object, ...]


class Handlers(Protocol):
    """What a store needs from a projection: the writes an event makes."""

    def writes(self, event: Any, meta: Meta) -> Iterable[Write]:
        """The writes this event makes on the view (none if it is not handled)."""


class PositionMoved(RuntimeError):
    """The view moved on under us (another runner, or a rebuild): re-read its position."""


# Decoded domain events (any aggregate's) with their notification ids, in log order.
Batch = Sequence[tuple[Any, int]]


class Cursorish(Protocol):
    """The part of a DB-API cursor the stores use."""

    def execute(self, sql: Any, params: Any = ...) -> Any:
        """Run one statement."""

    def executemany(self, sql: str, params: Sequence[Sequence[object]]) -> Any:
        """Run one statement for many parameter rows."""

    def fetchall(self) -> Any:
        """All rows of the last statement."""


class ViewStore(TrackingRecorder, ABC):
    """A view's tables plus its own tracking table, on one store."""

    schema: ClassVar[Schema]
    dialect: ClassVar[Dialect]
    dialect_lock: ClassVar[str] = ""  # row lock taken on the tracking row before a batch

    def _set_names(self, prefix: str, physical: dict[str, str]) -> None:
        self.prefix = check_name(prefix) if prefix else ""
        self.names = physical
        self._rendered: dict[str, str] = {}

    if TYPE_CHECKING:  # both library base classes define it; declared here for the checker

        def create_table(self) -> None:
            """Create the view's tables and tracking table."""

    def _create_racing(self, create: Callable[[], None]) -> None:
        """Create tables, tolerating another process creating them at the same moment.

        The loser of the race finds the tracking row (or PostgreSQL's type row) already
        inserted and gets an IntegrityError; by then the tables exist, so it tries again.
        """
        for attempt in range(3):
            try:
                create()
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    @property
    def name(self) -> str:
        """The view's name."""
        return self.schema.view

    @property
    def tracking_name(self) -> str:
        """The unqualified name of this view's tracking table."""
        return f"{self.prefix}{self.schema.view}_tracking"

    def sql(self, template: str) -> str:
        """A statement template rendered for this store's dialect and table names."""
        text = self._rendered.get(template)
        if text is None:
            text = self._rendered[template] = self.dialect.render(template, self.names)
        return text

    def ddl(self) -> list[str]:
        """CREATE statements for the view's tables and indexes."""
        statements = []
        for spec in self.schema.tables:
            physical = self.names[spec.name]
            statements.append(self.dialect.create_table(physical, spec))
            for cols in spec.indexes:
                index = f"{self.prefix}{spec.name}_{'_'.join(cols)}_idx"
                statements.append(
                    f"CREATE INDEX IF NOT EXISTS {index} ON {physical} ({', '.join(cols)})"
                )
        return statements

    def position(self) -> int:
        """The last notification id this view has processed (0 for none)."""
        return self.max_tracking_id(APP_NAME) or 0

    def apply(
        self, handlers: Handlers, events: Batch, upto: int, expected: int | None = None
    ) -> None:
        """Write the batch's rows and the position `upto` in one transaction."""
        with self._writing() as curs:
            if expected is not None:
                self._check_position(curs, expected)
            times = self._recorded_times(curs, events)
            with self._pipelined(curs):
                self._write_all(curs, handlers, events, times)
            # After the pipeline has synced: a fetch inside it may see an earlier result.
            self._track(curs, upto)

    def _write_all(
        self, curs: Cursorish, handlers: Handlers, events: Batch, times: dict[int, datetime]
    ) -> None:
        run_sql: str | None = None
        run_params: list[tuple[object, ...]] = []
        adapt = self.dialect.adapt if self.dialect.adapts else None
        writes = handlers.writes  # bound once: a singledispatchmethod rebinds on every access
        for event, position in events:
            # Without an index row (events older than the index) the event's own time stands.
            meta = Meta(position, times.get(position) or event.timestamp)
            for template, params in writes(event, meta):
                if template != run_sql:
                    self._flush(curs, run_sql, run_params)
                    run_sql, run_params = template, []
                run_params.append(params if adapt is None else tuple(map(adapt, params)))
        self._flush(curs, run_sql, run_params)

    def _flush(self, curs: Cursorish, template: str | None, rows: list[tuple[object, ...]]) -> None:
        # Runs of one statement go in one executemany: one round trip on PostgreSQL.
        if template is None or not rows:
            return
        if len(rows) == 1:
            curs.execute(self.sql(template), rows[0])
        else:
            curs.executemany(self.sql(template), rows)

    def _check_position(self, curs: Cursorish, expected: int) -> None:
        curs.execute(
            self.sql("SELECT notification_id FROM {tracking} WHERE application_name=?")
            + self.dialect_lock,
            (APP_NAME,),
        )
        rows = curs.fetchall()
        current = int(rows[0][0]) if rows and rows[0][0] is not None else 0
        if current != expected:
            raise PositionMoved(f"view {self.name} is at {current}, not {expected}")

    def _recorded_times(self, curs: Cursorish, events: Batch) -> dict[int, datetime]:
        if not events:
            return {}
        curs.execute(
            self.sql(
                "SELECT notification_id, recorded_at FROM {event_index} "
                "WHERE notification_id BETWEEN ? AND ?"
            ),
            (events[0][1], events[-1][1]),
        )
        return {int(r[0]): self.read_time(r[1]) for r in curs.fetchall()}

    @staticmethod
    def read_time(value: Any) -> datetime:
        """A recorded time as this store returns it."""
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)

    # --- store specifics -------------------------------------------------------------

    def _pipelined(self, curs: Cursorish) -> AbstractContextManager[Any]:
        """Where the store can send writes without waiting for each answer."""
        return nullcontext()

    @abstractmethod
    def _writing(self) -> AbstractContextManager[Cursorish]:
        """A cursor in a write transaction (committed on success)."""

    @abstractmethod
    def _track(self, curs: Cursorish, upto: int) -> None:
        """Record the new position in the current transaction."""

    @abstractmethod
    def select(self, template: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query on the view."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[Reader]:
        """A consistent read-only snapshot (for comparing a view with its shadow)."""

    @abstractmethod
    def drop(self) -> None:
        """Drop the view's tables and tracking table."""

    @abstractmethod
    def replace_with(self, shadow: ViewStore) -> None:
        """Replace this view's rows and position with a shadow's, in one transaction."""


class Reader(Protocol):
    """Queries inside one read snapshot."""

    def scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        """The first column of the first row."""

    def stream(self, sql: str) -> Iterator[tuple[Any, ...]]:
        """Rows of a query, fetched in chunks."""


def copy_statements(live: ViewStore, shadow: ViewStore) -> list[str]:
    """Statements that recreate the live tables from the shadow's rows."""
    statements = [f"DROP TABLE IF EXISTS {live.names[t.name]}" for t in live.schema.tables]
    statements += live.ddl()
    for spec in live.schema.tables:
        cols = ", ".join(spec.column_names)
        statements.append(
            f"INSERT INTO {live.names[spec.name]} ({cols}) "
            f"SELECT {cols} FROM {shadow.names[spec.name]}"
        )
    return statements


def order_by_key(store: ViewStore, spec: Table) -> str:
    """SELECT every column of a table in primary-key order, text keys in code-point order."""
    types = {c.name: c.type for c in spec.columns}
    collate = ' COLLATE "C"' if store.dialect.name == "postgres" else ""
    order = [f"{k}{collate}" if types[k] == "text" else k for k in spec.key]
    return (
        f"SELECT {', '.join(spec.column_names)} FROM {store.names[spec.name]} "
        f"ORDER BY {', '.join(order)}"
    )
