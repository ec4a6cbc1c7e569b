"""What the server has verified so far, advanced one look at a time, and its checkpoints.

Each look reads what was recorded since the last one and checks it exactly as `fundtrail
verify` does; a checkpoint is signed every N events or T seconds, of what was just
verified, and never of a log that failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from infrastructure.integrity.canonical import CanonicalError
from infrastructure.integrity.checkpoint_match import CheckpointMatcher
from infrastructure.integrity.checkpointing import keep, sign_verified
from infrastructure.integrity.checkpoints import Checkpoint, read_file
from infrastructure.integrity.findings import Finding, Kind
from infrastructure.integrity.log import LAST, LogStore
from infrastructure.integrity.signing import PublicKey, Signer
from infrastructure.integrity.verify import ChainVerifier
from infrastructure.settings import Settings

logger = logging.getLogger("fundtrail.integrity")
PAGE_SIZE = 5000
State = Literal["verifying", "verified", "failed", "unavailable"]


@dataclass(frozen=True)
class IntegrityStatus:
    """What the server has verified so far, and the newest checkpoint."""

    state: State  # "verifying": the first pass since start is still running
    events_checked: int
    position: int
    head: bytes | None
    last_checkpoint: Checkpoint | None
    signing: str  # "on", or why no checkpoints are being made
    findings: tuple[str, ...]

    @property
    def verified(self) -> bool:
        """Whether everything recorded so far was checked and matched."""
        return self.state == "verified"


class IncrementalCheck:
    """The running verification: where it is, what it found, the newest checkpoint."""

    def __init__(
        self,
        settings: Settings,
        signer: Signer | None,
        key: PublicKey | None,
        clock: Callable[[], float],
    ) -> None:
        self.settings = settings
        self.signer = signer
        self.verifier = ChainVerifier(CheckpointMatcher(key))
        self._clock = clock
        self._after = 0  # the last position read (an event or a chain record)
        self.caught_up = False
        self._logged = 0  # findings already logged
        self.last: Checkpoint | None = None
        self._last_made = clock()

    def load(self, log: LogStore) -> None:
        """The stored and outside checkpoints, checked as verification reaches them."""
        verifier, matcher = self.verifier, self.verifier.checkpoints
        stored = log.checkpoints()
        problems = matcher.add("database", stored)
        path = self.settings.checkpoint_file
        try:
            outside = [c for _, c in read_file(path)] if path.exists() else []
        except (OSError, CanonicalError) as exc:
            problems.append(Finding(Kind.EDITED, None, f"the checkpoint file is unreadable: {exc}"))
            outside = []
        problems += matcher.add(f"checkpoint file {path}", outside)
        for problem in problems:
            if problem.kind is not Kind.UNCHECKED:  # no key: nothing to check them with
                verifier.report(problem)
        good = [c for c in stored if matcher.key is None or c.is_signed_by(matcher.key)]
        self.last = good[-1] if good else None

    def catch_up(
        self, log: LogStore, stopping: threading.Event, on_page: Callable[[], None]
    ) -> None:
        """Verify everything recorded since the last look."""
        verifier = self.verifier
        while True:
            if stopping.is_set():
                return
            page = log.read_page(self._after, PAGE_SIZE)
            verifier.feed(page)
            seen = [self._after, *(e.position for e in page.events), verifier.position]
            self._after = page.end if page.end != LAST else max(seen)
            on_page()
            if page.end == LAST:
                break
        if not self.caught_up:
            # Checkpoints loaded at start were made before this pass began reading, so one
            # past the end of the log now means records were deleted.
            verifier.finish()
            self.caught_up = True
            if verifier.ok:
                logger.info("integrity: %d events verified", verifier.events_checked)
        self._newer_checkpoints(log)
        if verifier.finding_count > self._logged:
            self._logged = verifier.finding_count  # said once, not at every look
            logger.error("integrity: the record does not verify: %s", verifier.findings[0])

    def _newer_checkpoints(self, log: LogStore) -> None:
        """Checkpoints another process signed since: their signatures must verify too."""
        key = self.verifier.checkpoints.key
        for checkpoint in log.checkpoints(after=self.last.position if self.last else -1):
            if key is not None and not checkpoint.is_signed_by(key):
                self.verifier.report(
                    Finding(
                        Kind.SIGNATURE,
                        checkpoint.position,
                        f"the database {checkpoint.describe()} is not signed by the key",
                    )
                )
                continue
            self.last = checkpoint

    def checkpoint_if_due(self, log: LogStore) -> None:
        """Sign a checkpoint of what was verified, if N events or T seconds have passed."""
        verifier, last = self.verifier, self.last
        if self.signer is None or not verifier.ok or verifier.size == 0:
            return
        new = verifier.size - (last.size if last else 0)
        waited = self._clock() - self._last_made
        due = new >= self.settings.checkpoint_every_events or (
            new > 0 and waited >= self.settings.checkpoint_every_seconds
        )
        if not due:
            return
        made = sign_verified(verifier, self.signer, datetime.now(UTC))
        keep(made, log, self.settings.checkpoint_file)
        self.last, self._last_made = made, self._clock()
        logger.info("integrity: signed %s (%d events)", made.describe(), made.size)

    def status(self, unavailable: str | None, signing: str) -> IntegrityStatus:
        """The state as of now."""
        verifier = self.verifier
        state: State
        if unavailable is not None:
            state = "unavailable"
        elif not verifier.ok:
            state = "failed"
        else:
            state = "verified" if self.caught_up else "verifying"
        return IntegrityStatus(
            state=state,
            events_checked=verifier.events_checked,
            position=verifier.position,
            head=verifier.head if verifier.size else None,
            last_checkpoint=self.last,
            signing=signing,
            findings=tuple(str(f) for f in verifier.findings[:5]),
        )
