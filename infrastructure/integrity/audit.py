"""A whole verification of a store: chain, checkpoints (inside and outside), snapshots."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.persistence import Mapper

from infrastructure.integrity.checkpoint_match import CheckpointMatcher, Sourced
from infrastructure.integrity.checkpoints import Checkpoint
from infrastructure.integrity.findings import Finding
from infrastructure.integrity.log import LAST, LogStore
from infrastructure.integrity.signing import PublicKey
from infrastructure.integrity.snapshots import check_snapshots
from infrastructure.integrity.verify import ChainVerifier

PAGE_SIZE = 5000
# (phase, done, total): phase is "events" (positions) or "snapshots" (a count).
Progress = Callable[[str, int, int], None]


@dataclass
class Audit:
    """What a verification checked and found."""

    events_checked: int = 0
    chain_records: int = 0
    last_position: int = 0
    head: bytes = b""
    root: bytes = b""
    checkpoints_checked: dict[str, int] = field(default_factory=dict)
    snapshots_checked: int | None = None  # None: snapshots were not checked
    findings: list[Finding] = field(default_factory=list)
    finding_count: int = 0
    last_matched: Sourced | None = None

    @property
    def ok(self) -> bool:
        """Whether nothing was found wrong."""
        return self.finding_count == 0


def verify_store(
    log: LogStore,
    key: PublicKey | None,
    outside: Sequence[tuple[str, Sequence[Checkpoint]]] = (),
    mapper: Mapper[UUID] | None = None,
    on_progress: Progress | None = None,
) -> tuple[Audit, ChainVerifier]:
    """Verify everything; the verifier is returned too, holding the head and tree."""
    matcher = CheckpointMatcher(key)
    verifier = ChainVerifier(matcher)
    for source, checkpoints in (("database", log.checkpoints()), *outside):
        for problem in matcher.add(source, checkpoints):
            verifier.report(problem)
    _read_all(log, verifier, on_progress)
    audit = Audit(
        events_checked=verifier.events_checked,
        chain_records=verifier.size,
        last_position=verifier.position,
        head=verifier.head,
        root=verifier.frontier.root(),
        checkpoints_checked=dict(matcher.checked),
        last_matched=matcher.last_matched,
    )
    if mapper is not None:
        audit.snapshots_checked, problems = check_snapshots(log, mapper, _counter(on_progress))
        for problem in problems:
            verifier.report(problem)
    # In log order: the first finding names the first record that fails.
    audit.findings = sorted(verifier.findings, key=lambda f: (f.position is None, f.position or 0))
    audit.finding_count = verifier.finding_count
    return audit, verifier


def _read_all(log: LogStore, verifier: ChainVerifier, on_progress: Progress | None) -> None:
    """Feed the whole log to the verifier, page by page."""
    total, after = log.last_position(), 0
    while True:
        page = log.read_page(after, PAGE_SIZE)
        verifier.feed(page)
        if on_progress is not None:
            on_progress("events", min(page.end, total), total)
        if page.end == LAST:
            break
        after = page.end
    verifier.finish()


def _counter(on_progress: Progress | None) -> Callable[[], None] | None:
    if on_progress is None:
        return None
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        on_progress("snapshots", done, 0)

    return tick
