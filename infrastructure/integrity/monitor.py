"""The server's integrity monitor: verifies events as they arrive, and signs checkpoints.

One background thread reads what was recorded since it last looked, checks it exactly as
`fundtrail verify` does, and every N events or T seconds signs a checkpoint of what it has
just verified. Without a signing key it verifies all the same and says that nothing is
being signed. GET /integrity reports its state; no request ever scans the log.
"""

from __future__ import annotations

import logging
import threading
import time
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
from infrastructure.integrity.signing import (
    PublicKey,
    Signer,
    SigningKeyError,
    load_signer,
    public_key_path,
    read_public_key,
)
from infrastructure.integrity.stores import NoChain, open_log
from infrastructure.integrity.verify import ChainVerifier
from infrastructure.settings import Settings

logger = logging.getLogger("fundtrail.integrity")
PAGE_SIZE = 5000
State = Literal["verifying", "verified", "failed", "unavailable"]


@dataclass(frozen=True)
class IntegrityStatus:
    """What the monitor has verified so far, and the newest checkpoint."""

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


class IntegrityMonitor:
    """Incremental verification and periodic checkpoints, in one background thread."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()  # guards the status
        self._running = threading.Lock()  # one look at a time (the thread, or a caller)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._log: LogStore | None = None
        self._signer, self._signing = _signer(settings)
        key = self._signer.public_key if self._signer else _public_key(settings)
        self._verifier = ChainVerifier(CheckpointMatcher(key))
        self._after = 0  # the last position read (an event or a chain record)
        self._loaded = False  # the stored and outside checkpoints, once
        self._caught_up = False
        self._logged = 0  # findings already logged
        self._unavailable: str | None = None
        self._last: Checkpoint | None = None
        self._last_made = clock()
        self._status = self._snapshot()

    def start(self) -> None:
        """Say whether checkpoints will be signed, and start verifying in the background."""
        if self._signer is None:
            logger.warning("integrity: %s; checkpoints are NOT being made", self._signing)
        else:
            logger.info("integrity: checkpoints signed by %s", self._signer.public_key.hex)
        self._thread = threading.Thread(target=self._run, name="integrity", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and close the store."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def status(self) -> IntegrityStatus:
        """The state as of the last look."""
        with self._lock:
            return self._status

    @property
    def public_key(self) -> PublicKey | None:
        """The key checkpoints are signed with (or checked against), if there is one."""
        return self._verifier.checkpoints.key

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.run_once()
            self._stopping.wait(self.settings.verify_every_seconds)

    def run_once(self) -> None:
        """Verify what is new, then sign a checkpoint if one is due."""
        with self._running:
            self._look()

    def _look(self) -> None:
        try:
            log = self._open()
            if log is None:
                return
            self._catch_up(log)
            self._checkpoint_if_due(log)
        except Exception:  # a lost connection must not end verification: retry next time
            logger.exception("integrity: verification failed to run; retrying")
            if self._log is not None:
                self._log.close()
                self._log = None
        finally:
            with self._lock:
                self._status = self._snapshot()

    def _open(self) -> LogStore | None:
        if self._log is not None:
            return self._log
        try:
            self._log = open_log(self.settings)
        except NoChain as exc:
            self._unavailable = str(exc)
            return None
        self._unavailable = None
        if not self._loaded:
            self._loaded = True
            self._load_checkpoints(self._log)
        return self._log

    def _load_checkpoints(self, log: LogStore) -> None:
        """The stored checkpoints and the outside file are checked as the log reaches them."""
        verifier, matcher = self._verifier, self._verifier.checkpoints
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
        self._last = good[-1] if good else None

    def _catch_up(self, log: LogStore) -> None:
        verifier = self._verifier
        while True:
            if self._stopping.is_set():
                return
            page = log.read_page(self._after, PAGE_SIZE)
            verifier.feed(page)
            seen = [self._after, *(e.position for e in page.events), verifier.position]
            self._after = page.end if page.end != LAST else max(seen)
            with self._lock:
                self._status = self._snapshot()
            if page.end == LAST:
                break
        if not self._caught_up:
            # Checkpoints loaded at start were made before this pass began reading, so one
            # past the end of the log now means records were deleted.
            verifier.finish()
            self._caught_up = True
            if verifier.ok:
                logger.info("integrity: %d events verified", verifier.events_checked)
        self._newer_checkpoints(log)
        if verifier.finding_count > self._logged:
            self._logged = verifier.finding_count  # said once, not at every look
            logger.error("integrity: the record does not verify: %s", verifier.findings[0])

    def _newer_checkpoints(self, log: LogStore) -> None:
        """Checkpoints another process signed since: their signatures must verify too."""
        key = self._verifier.checkpoints.key
        for checkpoint in log.checkpoints(after=self._last.position if self._last else -1):
            if key is not None and not checkpoint.is_signed_by(key):
                self._verifier.report(
                    Finding(
                        Kind.SIGNATURE,
                        checkpoint.position,
                        f"the database {checkpoint.describe()} is not signed by the key",
                    )
                )
                continue
            self._last = checkpoint

    def _checkpoint_if_due(self, log: LogStore) -> None:
        verifier, last = self._verifier, self._last
        if self._signer is None or not verifier.ok or verifier.size == 0:
            return
        new = verifier.size - (last.size if last else 0)
        waited = self._clock() - self._last_made
        due = new >= self.settings.checkpoint_every_events or (
            new > 0 and waited >= self.settings.checkpoint_every_seconds
        )
        if not due:
            return
        made = sign_verified(verifier, self._signer, datetime.now(UTC))
        keep(made, log, self.settings.checkpoint_file)
        self._last, self._last_made = made, self._clock()
        logger.info("integrity: signed %s (%d events)", made.describe(), made.size)

    def _snapshot(self) -> IntegrityStatus:
        verifier = self._verifier
        state: State
        if self._unavailable is not None:
            state = "unavailable"
        elif not verifier.ok:
            state = "failed"
        else:
            state = "verified" if self._caught_up else "verifying"
        return IntegrityStatus(
            state=state,
            events_checked=verifier.events_checked,
            position=verifier.position,
            head=verifier.head if verifier.size else None,
            last_checkpoint=self._last,
            signing="on" if self._signer is not None else self._signing,
            findings=tuple(str(f) for f in verifier.findings[:5]),
        )


def _signer(settings: Settings) -> tuple[Signer | None, str]:
    try:
        return load_signer(settings.signing_key_file), "on"
    except SigningKeyError as exc:
        return None, str(exc)


def _public_key(settings: Settings) -> PublicKey | None:
    """Without the private key, its published half still checks the stored checkpoints."""
    path = public_key_path(settings.signing_key_file)
    try:
        return read_public_key(str(path)) if path.exists() else None
    except SigningKeyError:
        return None
