"""Recompute the chain from the raw rows, page by page, and say where it first breaks.

Every row is checked against the stored links (not a recomputed running hash), so one
tampered row is reported once and a later one is still found; together the checks prove
that the stored chain is exactly the chain of the stored events, and the signed
checkpoints pin that chain down.
"""

from __future__ import annotations

from infrastructure.integrity.chain import GENESIS, chain_hash
from infrastructure.integrity.checkpoint_match import CheckpointMatcher
from infrastructure.integrity.findings import Finding, Kind, describe
from infrastructure.integrity.log import ChainRow, EventRow, Page
from infrastructure.integrity.merkle import Frontier

MAX_FINDINGS = 100  # kept in full; the rest are only counted


class ChainVerifier:
    """The running state of a verification: position, head, tree, and what was found."""

    def __init__(self, checkpoints: CheckpointMatcher) -> None:
        self.checkpoints = checkpoints
        self.position = 0  # last chain record seen
        self.head = GENESIS
        self._previous: tuple[int, bytes] | None = None  # the record before the head
        self.frontier = Frontier()
        self.events_checked = 0
        self.findings: list[Finding] = []
        self.finding_count = 0

    @property
    def size(self) -> int:
        """Chain records seen so far."""
        return self.frontier.size

    @property
    def ok(self) -> bool:
        """Whether nothing was found wrong."""
        return self.finding_count == 0

    def report(self, finding: Finding) -> None:
        """Record a finding."""
        self.finding_count += 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)

    def feed(self, page: Page) -> None:
        """Check one page of events and chain records (merged by position)."""
        events, chain = page.events, page.chain
        i = j = 0
        while i < len(events) or j < len(chain):
            event = events[i] if i < len(events) else None
            link = chain[j] if j < len(chain) else None
            if link is None or (event is not None and event.position < link.position):
                assert event is not None
                self._unchained(event)
                i += 1
                continue
            if event is None or link.position < event.position:
                self.report(Finding(Kind.MISSING, link.position, _gone(link)))
            else:
                self.events_checked += 1
                finding = _pair(event, link)
                if finding is not None:
                    self.report(finding)
                i += 1
            self._advance(link)
            j += 1

    def _unchained(self, event: EventRow) -> None:
        self.events_checked += 1
        self.report(
            Finding(
                Kind.INSERTED,
                event.position,
                f"the event row ({describe(event.aggregate_id, event.version)}) has no chain "
                "record: it was written outside the recorder",
            )
        )

    def _advance(self, link: ChainRow) -> None:
        """Check the record's two links, then make it the head."""
        finding = self._log_link(link) or _aggregate_link(link)
        if finding is not None:
            self.report(finding)
        self._previous = (self.position, self.head)
        self.position, self.head = link.position, link.hash
        self.frontier.append(link.hash)
        for problem in self.checkpoints.at(link.position, self.frontier, link.hash):
            self.report(problem)

    def _log_link(self, link: ChainRow) -> Finding | None:
        if link.prev_log == self.head:
            return None
        if self._previous is not None and link.prev_log == self._previous[1]:
            return Finding(
                Kind.INSERTED,
                self.position,
                f"this chain record was inserted: position {link.position} links to the "
                f"record before it (position {self._previous[0] or 'none'})",
            )
        before = f"after position {self.position}" if self.position else "at the start"
        return Finding(
            Kind.MISSING,
            link.position,
            f"a record {before} is missing: this record "
            f"({describe(link.aggregate_id, link.version)}) links to a predecessor that is "
            "no longer in the chain",
        )

    def finish(self) -> None:
        """At the end of the log: checkpoints beyond it mean deleted records."""
        for problem in self.checkpoints.beyond(self.position, self.size):
            self.report(problem)


def _gone(link: ChainRow) -> str:
    return (
        f"the event row ({describe(link.aggregate_id, link.version)}) was deleted; "
        "its chain record remains"
    )


def _pair(event: EventRow, link: ChainRow) -> Finding | None:
    """Whether the event row is the event the chain record was made for."""
    if event.aggregate_id != link.aggregate_id:
        return Finding(
            Kind.MOVED,
            event.position,
            f"the event was recorded for {describe(link.aggregate_id, link.version)} but its "
            f"row now names {describe(event.aggregate_id, event.version)}",
        )
    if event.version != link.version:
        return Finding(
            Kind.REORDERED,
            event.position,
            f"the event was recorded as {describe(link.aggregate_id, link.version)} but its "
            f"row now says version {event.version}",
        )
    try:
        digest = chain_hash(
            link.position,
            link.prev_log,
            link.prev_agg,
            event.aggregate_id,
            event.version,
            event.topic,
            event.state,
        )
    except ValueError:
        digest = b""
    if digest == link.hash:
        return None
    return Finding(
        Kind.EDITED,
        event.position,
        f"the stored bytes of {describe(link.aggregate_id, link.version)} (topic "
        f"{event.topic!r}, {len(event.state)} bytes of state) do not match its chain hash: "
        "the row or its chain record was edited",
    )


def _aggregate_link(link: ChainRow) -> Finding | None:
    expected = GENESIS if link.agg_prev_hash is None else link.agg_prev_hash
    if link.prev_agg == expected:
        return None
    recorded = describe(link.aggregate_id, link.version)
    previous = link.agg_prev_version
    if previous is None or previous < link.version - 1:
        kind, how = Kind.MISSING, "an earlier event of its aggregate is missing"
    elif previous >= link.version:
        kind, how = Kind.REORDERED, f"version {previous} of its aggregate comes before it"
    else:
        kind, how = Kind.EDITED, "its link to the previous event of its aggregate was altered"
    return Finding(kind, link.position, f"{recorded}: {how}")
