"""What the model needs from the store beyond the library: the recorded-time index."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable
from uuid import UUID


@runtime_checkable
class EventIndex(Protocol):
    """The (aggregate, version, notification id, recorded time) index written with events."""

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        """The notification id of an aggregate's event at a version."""

    def version_at(self, originator_id: UUID, recorded_at: datetime) -> int | None:
        """The aggregate's last version recorded at or before a time."""

    def recorded_at(self, originator_id: UUID) -> dict[int, datetime]:
        """When each version of an aggregate was recorded."""
