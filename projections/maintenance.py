"""Rebuild views from zero, and check live views against a rebuild (a shadow).

Both build shadow tables (prefixed) beside the live ones from the events. Rebuild then
swaps the shadow in, rows and position in one transaction, so a runner may keep going
meanwhile (its next batch finds the new position and follows it). Check compares the live
view with a shadow built to exactly the live view's position, inside one read snapshot,
and names every row that differs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from domain.application import FundTrail
from infrastructure.settings import Settings
from infrastructure.wiring import build_application
from projections.catalog import Datastore, View, open_datastore, open_store, select_views
from projections.source import EventSource, Progress, catch_up
from projections.sql import Table, to_money
from projections.store import APP_NAME, Reader, ViewStore, order_by_key
from projections.view import ViewProjection

REBUILD_PREFIX = "rebuild_"
CHECK_PREFIX = "check_"
ATTEMPTS = 5


class ViewKeptMoving(RuntimeError):
    """The live view moved on during every attempt to compare it with its shadow."""


@dataclass(frozen=True)
class Difference:
    """A row of a live view that a rebuild from the events does not give."""

    view: str
    table: str
    key: dict[str, Any]
    problem: str  # "missing", "unexpected" or "differs"
    columns: dict[str, tuple[Any, Any]]  # column: (live, rebuilt), for "differs"

    def describe(self) -> str:
        """One line an auditor can act on."""
        where = ", ".join(f"{k}={v}" for k, v in self.key.items())
        head = f"{self.view}: {self.table} ({where})"
        if self.problem == "missing":
            return f"{head}: missing from the live view"
        if self.problem == "unexpected":
            return f"{head}: in the live view, but the events do not give it"
        changes = "; ".join(
            f"{c} is {a}, the events give {b}" for c, (a, b) in self.columns.items()
        )
        return f"{head}: {changes}"


@dataclass(frozen=True)
class CheckReport:
    """What a check found: differing rows, where each view was compared, the log's head."""

    differences: list[Difference]
    positions: dict[str, int]
    head: int

    def lagging(self) -> dict[str, int]:
        """Views behind the log's head, and by how many notifications (ids, not events)."""
        return {v: self.head - p for v, p in self.positions.items() if p < self.head}


class _Maintenance:
    """The application, a pool, and the views being worked on."""

    def __init__(self, settings: Settings, names: Sequence[str] | None) -> None:
        self.app: FundTrail = build_application(settings)
        self.datastore: Datastore = open_datastore(settings)
        self.views: list[View] = select_views(names)
        self.create = settings.create_tables

    def shadow(self, view: View, prefix: str) -> ViewProjection:
        store = open_store(view, self.datastore, prefix=prefix, create=False)
        store.drop()
        store.create_table()
        return view.projection(store)

    def source(self, projections: Sequence[ViewProjection]) -> EventSource:
        return EventSource(self.app, [t for p in projections for t in p.topics])

    def close(self) -> None:
        self.datastore.close()
        self.app.close()


def rebuild(
    settings: Settings,
    names: Sequence[str] | None = None,
    *,
    batch_size: int = 1000,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Rebuild views from zero (all when no names); returns each view's new position."""
    work = _Maintenance(settings, names)
    try:
        shadows = [work.shadow(v, REBUILD_PREFIX) for v in work.views]
        # One pass over the log for every view being rebuilt.
        catch_up(work.source(shadows), shadows, batch_size=batch_size, progress=progress)
        positions = {}
        for view, shadow in zip(work.views, shadows, strict=True):
            live = open_store(view, work.datastore, create=work.create)
            live.replace_with(shadow.view)
            positions[view.name] = live.position()
        return positions
    finally:
        work.close()


def check(
    settings: Settings,
    names: Sequence[str] | None = None,
    *,
    batch_size: int = 1000,
    progress: Progress | None = None,
) -> CheckReport:
    """Compare each live view, at its own position, with a rebuild to that position."""
    work = _Maintenance(settings, names)
    shadows: list[ViewProjection] = []
    try:
        lives = [open_store(v, work.datastore, create=work.create) for v in work.views]
        shadows = [work.shadow(v, CHECK_PREFIX) for v in work.views]
        source = work.source(shadows)
        head = source.head()
        # Most of the work in one pass, up to where the least advanced live view stands.
        start = min((live.position() for live in lives), default=0)
        catch_up(source, shadows, stop=start, batch_size=batch_size, progress=progress)
        found: list[Difference] = []
        positions = {}
        for live, shadow in zip(lives, shadows, strict=True):
            at, differences = _check_view(live, shadow, source, batch_size)
            positions[live.name] = at
            found.extend(differences)
        return CheckReport(found, positions, head)
    finally:
        for shadow in shadows:
            shadow.view.drop()
        work.close()


def _check_view(
    live: ViewStore, shadow: ViewProjection, source: EventSource, batch_size: int
) -> tuple[int, list[Difference]]:
    position_sql = live.sql("SELECT notification_id FROM {tracking} WHERE application_name=?")
    for _ in range(ATTEMPTS):
        with live.reading() as reader:
            at = int(reader.scalar(position_sql, (APP_NAME,)) or 0)
            if at == shadow.view.position():
                return at, [
                    d for t in live.schema.tables for d in _compare(reader, live, shadow.view, t)
                ]
        if at < shadow.view.position():  # the live view was rebuilt behind us: start again
            shadow.view.drop()
            shadow.view.create_table()
        catch_up(source, [shadow], stop=at, batch_size=batch_size)
    raise ViewKeptMoving(f"view {live.name} kept moving; retry, or stop its runner first")


def _compare(
    reader: Reader, live: ViewStore, shadow: ViewStore, spec: Table
) -> Iterator[Difference]:
    """Merge both tables in key order and name every row that differs."""
    columns = spec.column_names
    key_at = [columns.index(k) for k in spec.key]
    money = {c.name for c in spec.columns if c.type == "money"}

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(row[i] for i in key_at)

    def shown(name: str, value: Any) -> Any:
        return to_money(value) if name in money and value is not None else value

    def diff(problem: str, row: tuple[Any, ...], changed: dict[str, tuple[Any, Any]]) -> Difference:
        keys = {k: shown(k, row[i]) for k, i in zip(spec.key, key_at, strict=True)}
        return Difference(live.name, spec.name, keys, problem, changed)

    ours, theirs = (
        reader.stream(order_by_key(live, spec)),
        reader.stream(order_by_key(shadow, spec)),
    )
    a, b = next(ours, None), next(theirs, None)
    while a is not None or b is not None:
        if b is None or (a is not None and key(a) < key(b)):
            assert a is not None
            yield diff("unexpected", a, {})
            a = next(ours, None)
        elif a is None or key(b) < key(a):
            yield diff("missing", b, {})
            b = next(theirs, None)
        else:
            if a != b:
                changed = {
                    c: (shown(c, x), shown(c, y))
                    for c, x, y in zip(columns, a, b, strict=True)
                    if x != y
                }
                yield diff("differs", a, changed)
            a, b = next(ours, None), next(theirs, None)
