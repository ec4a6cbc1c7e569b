"""Compare signed checkpoints with the chain as verification reaches their positions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from infrastructure.integrity.checkpoints import Checkpoint
from infrastructure.integrity.findings import Finding, Kind
from infrastructure.integrity.merkle import Frontier
from infrastructure.integrity.signing import PublicKey


@dataclass(frozen=True)
class Sourced:
    """A checkpoint and where it came from ("database", or the checkpoint file's name)."""

    source: str
    checkpoint: Checkpoint

    def name(self) -> str:
        """E.g. "the database checkpoint at position 12 made 2017-03-01T…"."""
        return f"the {self.source} {self.checkpoint.describe()}"


class CheckpointMatcher:
    """Checkpoints waiting for verification to reach their position."""

    def __init__(self, key: PublicKey | None) -> None:
        self.key = key
        self._pending: list[Sourced] = []
        self.checked: dict[str, int] = {}
        self.last_matched: Sourced | None = None

    def add(self, source: str, checkpoints: Iterable[Checkpoint]) -> list[Finding]:
        """Queue checkpoints whose signatures verify; report those that do not."""
        problems: list[Finding] = []
        unchecked = 0
        for checkpoint in checkpoints:
            entry = Sourced(source, checkpoint)
            self.checked[source] = self.checked.get(source, 0) + 1
            if self.key is None:
                unchecked += 1
            elif not checkpoint.signature:
                problems.append(
                    Finding(Kind.SIGNATURE, checkpoint.position, f"{entry.name()} has no signature")
                )
                continue
            elif not checkpoint.is_signed_by(self.key):
                problems.append(
                    Finding(
                        Kind.SIGNATURE,
                        checkpoint.position,
                        f"{entry.name()} is not signed by the public key {self.key.hex[:16]}…",
                    )
                )
                continue
            self._pending.append(entry)
        if unchecked:
            problems.append(
                Finding(
                    Kind.UNCHECKED,
                    None,
                    f"{unchecked} {source} checkpoints could not have their signatures checked: "
                    "no public key (give --public-key, or run where the signing key is)",
                )
            )
        self._pending.sort(key=lambda e: e.checkpoint.position)
        return problems

    def at(self, position: int, frontier: Frontier, head: bytes) -> list[Finding]:
        """Compare the checkpoints made at `position`; those before it name lost records."""
        problems: list[Finding] = []
        while self._pending and self._pending[0].checkpoint.position <= position:
            entry = self._pending.pop(0)
            if entry.checkpoint.position < position:
                problems.append(
                    Finding(
                        Kind.MISSING,
                        entry.checkpoint.position,
                        f"{entry.name()} ends at an event that is no longer in the chain",
                    )
                )
                continue
            problem = self._compare(entry, frontier, head)
            if problem is None:
                self.last_matched = entry
            else:
                problems.append(problem)
        return problems

    def _compare(self, entry: Sourced, frontier: Frontier, head: bytes) -> Finding | None:
        checkpoint = entry.checkpoint
        since = (
            f"after position {self.last_matched.checkpoint.position}"
            if self.last_matched
            else "at or before it"
        )
        if frontier.size != checkpoint.size:
            lost = checkpoint.size - frontier.size
            kind = Kind.MISSING if lost > 0 else Kind.INSERTED
            what = _records(lost, "deleted") if lost > 0 else _records(-lost, "inserted")
            message = (
                f"{what} {since} and the chain re-linked: {entry.name()} counts "
                f"{checkpoint.size} events, the chain {frontier.size}"
            )
            return Finding(kind, checkpoint.position, message)
        if checkpoint.head != head or checkpoint.root != frontier.root():
            return Finding(
                Kind.EDITED,
                checkpoint.position,
                f"the chain does not end as {entry.name()} says: a record {since} was "
                "edited and the chain recomputed",
            )
        return None

    def beyond(self, position: int, size: int) -> list[Finding]:
        """Checkpoints past the end of the log: the records they cover were deleted."""
        problems = [
            Finding(
                Kind.MISSING,
                entry.checkpoint.position,
                f"the log ends at position {position} ({size} events), but {entry.name()} "
                f"covers {entry.checkpoint.size} events: the records after position {position} "
                "were deleted",
            )
            for entry in self._pending
        ]
        self._pending.clear()
        return problems


def _records(count: int, how: str) -> str:
    return f"1 record was {how}" if count == 1 else f"{count} records were {how}"
