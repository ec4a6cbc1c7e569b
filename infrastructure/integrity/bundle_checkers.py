"""The checks a bundle's events must pass, for the whole log or for one aggregate."""

from __future__ import annotations

from infrastructure.integrity.bundle_format import SCOPE_TOPICS, BundleEvent
from infrastructure.integrity.chain import GENESIS, chain_hash
from infrastructure.integrity.checkpoints import Checkpoint
from infrastructure.integrity.merkle import Frontier, verify_inclusion


class BundleInvalid(Exception):
    """The bundle does not verify; the message names the line and how."""


def _content(event: BundleEvent) -> str | None:
    """Whether the event's stored bytes and links give its chain hash."""
    digest = chain_hash(
        event.position,
        event.prev_log,
        event.prev_agg,
        event.aggregate_id,
        event.version,
        event.topic,
        event.state,
    )
    return None if digest == event.hash else "its bytes do not give its chain hash (edited)"


class LogChecker:
    """The whole log from its first event: both links of every event, and every checkpoint."""

    with_proofs = False

    def __init__(self, checkpoints: list[Checkpoint]) -> None:
        self._pending = list(checkpoints)
        self._head = GENESIS
        self._position = 0
        self._aggregates: dict[bytes, tuple[bytes, int]] = {}
        self._frontier = Frontier()

    def check(self, event: BundleEvent) -> str | None:
        """What is wrong with the next event, if anything."""
        if event.position <= self._position:
            return "events are not in position order (reordered)"
        if event.prev_log != self._head:
            return "it does not follow the previous event of the log (one is missing or inserted)"
        last_hash, last_version = self._aggregates.get(event.aggregate_id, (GENESIS, 0))
        if event.prev_agg != last_hash or event.version != last_version + 1:
            return "it does not follow the previous event of its aggregate"
        problem = _content(event)
        if problem:
            return problem
        self._aggregates[event.aggregate_id] = (event.hash, event.version)
        self._head, self._position = event.hash, event.position
        self._frontier.append(event.hash)
        return self._checkpoints()

    def _checkpoints(self) -> str | None:
        while self._pending and self._pending[0].position <= self._position:
            checkpoint = self._pending.pop(0)
            if checkpoint.position < self._position:
                return f"the {checkpoint.describe()} names no event in the bundle"
            if (checkpoint.size, checkpoint.head, checkpoint.root) != (
                self._frontier.size,
                self._head,
                self._frontier.root(),
            ):
                return f"the log does not end as the {checkpoint.describe()} says"
        return None

    def finish(self) -> str | None:
        """What is wrong at the end, if anything."""
        if self._pending:
            return f"the bundle ends before the {self._pending[0].describe()} (events missing)"
        return None

    def versions(self) -> tuple[int, int] | None:
        """Not one aggregate."""
        return None


class AggregateChecker:
    """One aggregate from its first event, each event proved included under the anchor."""

    with_proofs = True

    def __init__(self, scope: str, aggregate_id: bytes, anchor: Checkpoint) -> None:
        self._topic = SCOPE_TOPICS[scope]
        self._aggregate_id = aggregate_id
        self._anchor = anchor
        self._head, self._version, self._position, self._leaf = GENESIS, 0, 0, -1

    def check(self, event: BundleEvent) -> str | None:
        """What is wrong with the next event, if anything."""
        if event.aggregate_id != self._aggregate_id or not event.topic.startswith(self._topic):
            return "the event is not of the bundle's aggregate (moved)"
        if event.position <= self._position or event.position > self._anchor.position:
            return "positions are out of order or beyond the anchor checkpoint (reordered)"
        if event.version != self._version + 1 or event.prev_agg != self._head:
            return "it does not follow the previous event of its aggregate (missing or inserted)"
        problem = _content(event)
        if problem:
            return problem
        assert event.leaf_index is not None
        if event.leaf_index <= self._leaf or not verify_inclusion(
            event.hash, event.leaf_index, self._anchor.size, event.proof, self._anchor.root
        ):
            return f"its inclusion proof does not lead to the {self._anchor.describe()}"
        self._head, self._version = event.hash, event.version
        self._position, self._leaf = event.position, event.leaf_index
        return None

    def finish(self) -> str | None:
        """What is wrong at the end, if anything."""
        return "the bundle holds no events" if self._version == 0 else None

    def versions(self) -> tuple[int, int]:
        """The first and last version proved."""
        return (1, self._version)
