"""Snapshots are derived, not chained: each is checked against a replay of its events.

A snapshot is taken after the events are saved, in its own transaction, and may be
dropped and retaken at will, so chaining it would prove nothing about the events. What
matters is that loading from it gives what the events give, and a replay shows that
whatever was done to the snapshot table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanSnapshotAggregate
from eventsourcing.persistence import Mapper, StoredEvent

from infrastructure.integrity.findings import Finding, Kind, describe
from infrastructure.integrity.log import EventRow, LogStore, SnapshotRow


def check_snapshots(
    log: LogStore, mapper: Mapper[UUID], on_snapshot: Callable[[], None] | None = None
) -> tuple[int, list[Finding]]:
    """Replay every snapshotted aggregate once, comparing each snapshot on the way."""
    checked, findings = 0, []
    for aggregate_id, rows in groupby(log.snapshots(), key=lambda s: s.aggregate_id):
        snapshots = {s.version: s for s in rows}
        events, _ = log.aggregate_rows(aggregate_id)
        for snapshot, problem in _replay(mapper, events, snapshots):
            checked += 1
            if on_snapshot is not None:
                on_snapshot()
            if problem is not None:
                findings.append(
                    Finding(
                        Kind.SNAPSHOT,
                        None,
                        f"the snapshot of {describe(aggregate_id, snapshot.version)} {problem}",
                    )
                )
    return checked, findings


def _replay(
    mapper: Mapper[UUID], events: list[EventRow], snapshots: dict[int, SnapshotRow]
) -> Iterator[tuple[SnapshotRow, str | None]]:
    """Each snapshot with what is wrong with it (None: it matches the replay)."""
    aggregate: Any = None
    for event in events:
        try:
            domain_event: Any = mapper.to_domain_event(_stored(event))
            aggregate = domain_event.mutate(aggregate)
        except Exception as exc:  # a tampered event: the chain check names it
            for snapshot in snapshots.values():
                yield (
                    snapshot,
                    f"cannot be checked: replaying version {event.version} failed ({exc})",
                )
            return
        if event.version in snapshots:
            snapshot = snapshots.pop(event.version)
            yield snapshot, _compare(mapper, snapshot, aggregate)
    for snapshot in snapshots.values():
        yield snapshot, "is of a version the aggregate's events never reach"


def _compare(mapper: Mapper[UUID], snapshot: SnapshotRow, aggregate: Any) -> str | None:
    try:
        stored: Any = mapper.to_domain_event(_stored(snapshot))
    except Exception as exc:  # tampered bytes need not decode at all
        return f"cannot be decoded ({exc})"
    if not isinstance(stored, CanSnapshotAggregate):
        return f"is not a snapshot (topic {snapshot.topic!r})"
    replayed = type(stored).take(aggregate)
    if stored.topic != replayed.topic:
        return f"names class {stored.topic!r}, the events make {replayed.topic!r}"
    transcoder = mapper.transcoder
    # Compare decoded values: attribute order and tuple/list spelling are not state.
    if transcoder.decode(transcoder.encode(replayed.state)) != stored.state:
        return "does not match a replay of the aggregate's events"
    return None


def _stored(row: EventRow | SnapshotRow) -> StoredEvent:
    return StoredEvent(
        originator_id=UUID(bytes=row.aggregate_id),
        originator_version=row.version,
        topic=row.topic,
        state=row.state,
    )
