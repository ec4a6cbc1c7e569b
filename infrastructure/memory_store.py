"""In-memory store for unit tests: the library's POPO recorder with the event index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory


class IndexedPOPOApplicationRecorder(POPOApplicationRecorder):
    """POPO recorder that also keeps (aggregate, version) → (position, time)."""

    def __init__(self) -> None:
        super().__init__()
        self._index: dict[tuple[str, int], tuple[int, datetime]] = {}

    def _update_table(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._update_table(stored_events, **kwargs) or []
        now = datetime.now(UTC)
        for event, notification_id in zip(stored_events, ids, strict=True):
            key = (str(event.originator_id), event.originator_version)
            self._index[key] = (notification_id, now)
        return ids

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        """The notification id of an aggregate's event at a version."""
        entry = self._index.get((str(originator_id), version))
        return entry[0] if entry else None

    def version_at(self, originator_id: UUID, recorded_at: datetime) -> int | None:
        """The aggregate's last version recorded at or before a time."""
        versions = self.recorded_at(originator_id)
        return max((v for v, t in versions.items() if t <= recorded_at), default=None)

    def recorded_at(self, originator_id: UUID) -> dict[int, datetime]:
        """When each version of an aggregate was recorded."""
        key = str(originator_id)
        return {v: t for (o, v), (_, t) in self._index.items() if o == key}


class Factory(POPOFactory):
    """The library's in-memory factory with fundtrail's application recorder."""

    def application_recorder(self) -> ApplicationRecorder:
        """The indexed in-memory recorder."""
        return IndexedPOPOApplicationRecorder()
