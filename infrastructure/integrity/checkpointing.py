"""Make a checkpoint of what a verifier has verified: sign it, then keep it twice."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from infrastructure.integrity.checkpoints import Checkpoint, append_to_file, make_checkpoint
from infrastructure.integrity.log import LogStore
from infrastructure.integrity.signing import Signer
from infrastructure.integrity.verify import ChainVerifier


class NotVerified(Exception):
    """The log has findings (or nothing in it): nothing is signed."""


def sign_verified(
    verifier: ChainVerifier, signer: Signer, now: datetime | None = None
) -> Checkpoint:
    """A checkpoint of the verifier's head; only a log that verified is ever signed."""
    if not verifier.ok:
        raise NotVerified(
            f"the log did not verify ({verifier.finding_count} findings): no checkpoint is made"
        )
    if verifier.size == 0:
        raise NotVerified("the log is empty: there is nothing to checkpoint")
    return make_checkpoint(
        signer,
        verifier.position,
        verifier.size,
        verifier.head,
        verifier.frontier.root(),
        now or datetime.now(UTC),
    )


def keep(checkpoint: Checkpoint, log: LogStore, checkpoint_file: Path) -> None:
    """Append to the outside file first (the copy that survives the database), then store."""
    append_to_file(checkpoint_file, checkpoint)
    log.add_checkpoint(checkpoint)
