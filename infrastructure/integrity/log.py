"""What verification, checkpoints and export read from a store, whichever store it is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol

from infrastructure.integrity.checkpoints import Checkpoint

LAST = 2**63 - 1  # "no upper bound" for a page


class EventRow(NamedTuple):
    """A stored event as its row says it is."""

    position: int
    aggregate_id: bytes
    version: int
    topic: str
    state: bytes


class ChainRow(NamedTuple):
    """A chain record, with the hash and version of its aggregate's previous chain record."""

    position: int
    aggregate_id: bytes
    version: int
    prev_log: bytes
    prev_agg: bytes
    hash: bytes
    agg_prev_hash: bytes | None  # None: no earlier record of this aggregate
    agg_prev_version: int | None


class SnapshotRow(NamedTuple):
    """A stored snapshot as its row says it is."""

    aggregate_id: bytes
    version: int
    topic: str
    state: bytes


class Page(NamedTuple):
    """Events and chain records with positions in (after, end], read in one snapshot."""

    events: list[EventRow]
    chain: list[ChainRow]
    end: int  # the last position this page covers (LAST when it reached the end)


class LogStore(Protocol):
    """Raw access to the events, the chain, the snapshots and the checkpoints."""

    def read_page(self, after: int, limit: int) -> Page:
        """Up to about `limit` chain records after `after`, with the events beside them."""

    def last_position(self) -> int:
        """The highest position in the events or the chain (0 when empty)."""

    def checkpoints(self, after: int = -1) -> list[Checkpoint]:
        """The checkpoints stored in the database (past `after`), by position."""

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Store a checkpoint (a second one at the same position is ignored)."""

    def snapshots(self) -> Iterator[SnapshotRow]:
        """Every stored snapshot, by aggregate then version."""

    def aggregate_rows(self, aggregate_id: bytes) -> tuple[list[EventRow], list[ChainRow]]:
        """One aggregate's events and chain records, by position."""

    def chain_hashes(self, after: int, upto: int, limit: int) -> list[tuple[int, bytes]]:
        """(position, hash) of chain records in (after, upto], at most `limit`, in order."""

    def close(self) -> None:
        """Release the connection."""
