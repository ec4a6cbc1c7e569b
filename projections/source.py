"""Reading the application's notification log in batches, and catching views up with it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.domain import DomainEventProtocol

from domain.application import FundTrail
from projections.store import Batch, PositionMoved
from projections.view import ViewProjection

# Called after each batch with (position reached, position aimed at).
Progress = Callable[[int, int], None]


class EventSource:
    """The notification log, read in batches of the topics the views handle."""

    def __init__(self, app: FundTrail, topics: Sequence[str]) -> None:
        self.app = app
        self.topics = sorted(set(topics))

    def head(self) -> int:
        """The last notification id recorded (0 for none)."""
        return int(self.app.recorder.max_notification_id() or 0)

    def read(self, after: int, limit: int, stop: int) -> tuple[Batch, int]:
        """Events after a position up to `stop`, and the position the batch covers.

        Only the views' topics are read; when fewer than `limit` come back, every
        notification up to `stop` has been considered, so the batch covers up to `stop`
        (views then reach the position of commands that touched no view, e.g. officials).
        """
        if stop <= after:
            return [], after
        notifications = self.app.recorder.select_notifications(
            start=after, limit=limit, stop=stop, topics=self.topics, inclusive_of_start=False
        )
        to_event = self.app.mapper.to_domain_event
        events: list[tuple[DomainEventProtocol[Any], int]] = [
            (to_event(n), n.id) for n in notifications
        ]
        upto = events[-1][1] if len(events) == limit else stop
        return events, upto


def catch_up(
    source: EventSource,
    projections: Sequence[ViewProjection],
    *,
    stop: int | None = None,
    batch_size: int = 1000,
    progress: Progress | None = None,
) -> int:
    """Bring every view up to `stop` (default: the log's head); returns events read.

    The log is read once for all views: each batch is decoded once and each view applies
    the part beyond its own position, rows and position in one transaction.
    """
    target = source.head() if stop is None else stop
    positions = {p.name: p.view.position() for p in projections}
    read = 0
    while projections and (start := min(positions.values())) < target:
        events, upto = source.read(start, batch_size, target)
        read += len(events)
        for projection in projections:
            done = positions[projection.name]
            if done >= upto:
                continue
            mine = [pair for pair in events if pair[1] > done]
            try:
                projection.view.apply(projection, mine, upto=upto, expected=done)
                positions[projection.name] = upto
            except PositionMoved:
                # Someone else moved this view (a rebuild, another runner): follow it.
                positions[projection.name] = projection.view.position()
        if progress is not None:
            progress(min(positions.values()), target)
    return read
