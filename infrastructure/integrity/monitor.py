"""The server's integrity monitor: one background thread that looks every few seconds.

It verifies what was recorded since it last looked and signs checkpoints when due
(`incremental`). Without a signing key it verifies all the same and says that nothing is
being signed. GET /integrity reports its state; no request ever scans the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from infrastructure.integrity.incremental import IncrementalCheck, IntegrityStatus
from infrastructure.integrity.log import LogStore
from infrastructure.integrity.signing import (
    PublicKey,
    Signer,
    SigningKeyError,
    load_signer,
    public_key_path,
    read_public_key,
)
from infrastructure.integrity.stores import NoChain, open_log
from infrastructure.settings import Settings

logger = logging.getLogger("fundtrail.integrity")


class IntegrityMonitor:
    """Incremental verification and periodic checkpoints, in one background thread."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._lock = threading.Lock()  # guards the status
        self._running = threading.Lock()  # one look at a time (the thread, or a caller)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._log: LogStore | None = None
        self._loaded = False  # the stored and outside checkpoints, once
        self._unavailable: str | None = None
        self._signer, self._signing = _signer(settings)
        key = self._signer.public_key if self._signer else _public_key(settings)
        self._check = IncrementalCheck(settings, self._signer, key, clock)
        self._status = self._check.status(None, self._signing)

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
        with self._running:
            self._close()

    def status(self) -> IntegrityStatus:
        """The state as of the last look."""
        with self._lock:
            return self._status

    @property
    def public_key(self) -> PublicKey | None:
        """The key checkpoints are signed with (or checked against), if there is one."""
        return self._check.verifier.checkpoints.key

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.run_once()
            self._stopping.wait(self.settings.verify_every_seconds)

    def run_once(self) -> None:
        """Verify what is new, then sign a checkpoint if one is due."""
        with self._running:
            try:
                log = self._open()
                if log is not None:
                    self._check.catch_up(log, self._stopping, self._publish)
                    self._check.checkpoint_if_due(log)
            except Exception:  # a lost connection must not end verification: retry next time
                logger.exception("integrity: verification failed to run; retrying")
                self._close()
            finally:
                self._publish()

    def _publish(self) -> None:
        status = self._check.status(self._unavailable, self._signing)
        with self._lock:
            self._status = status

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
            self._check.load(self._log)
        return self._log

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


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
