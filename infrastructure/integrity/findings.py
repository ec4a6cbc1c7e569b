"""What verification can find wrong, named so that an auditor knows where to look."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class Kind(StrEnum):
    """How a record fails."""

    EDITED = "edited"
    MISSING = "missing"
    INSERTED = "inserted"
    REORDERED = "reordered"
    MOVED = "moved"
    SIGNATURE = "bad signature"
    SNAPSHOT = "snapshot differs"
    UNCHECKED = "unchecked"


@dataclass(frozen=True)
class Finding:
    """One record that does not match, where it is, and how it fails."""

    kind: Kind
    position: int | None  # the notification id it was found at, if any
    message: str

    def __str__(self) -> str:
        where = f"position {self.position}: " if self.position is not None else ""
        return f"{where}{self.kind.value} — {self.message}"


def describe(aggregate_id: bytes, version: int) -> str:
    """An event named by its aggregate and version."""
    return f"aggregate {_uuid(aggregate_id)} version {version}"


def _uuid(aggregate_id: bytes) -> str:
    return str(UUID(bytes=aggregate_id)) if len(aggregate_id) == 16 else repr(aggregate_id)
