"""Answers of the integrity endpoints (完整性): the monitor's state and the public key."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from infrastructure.integrity.checkpoints import Checkpoint
from infrastructure.integrity.incremental import IntegrityStatus, State
from infrastructure.integrity.signing import PublicKey

HEX = "lowercase hex"


class CheckpointOut(BaseModel):
    """A signed checkpoint (签名检查点): README, "Integrity: what is hashed and signed"."""

    position: int = Field(description="Notification id of the last event it covers.")
    size: int = Field(description="How many events it covers.")
    hash: str = Field(description=f"Chain hash of the event at `position` ({HEX}).")
    root: str = Field(description=f"Merkle tree root over the covered chain hashes ({HEX}).")
    signature: str = Field(description=f"Ed25519 signature of the checkpoint message ({HEX}).")
    made_at: str = Field(description="When it was made (ISO 8601, UTC, microseconds).")

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> CheckpointOut:
        """From a checkpoint."""
        return cls(
            position=checkpoint.position,
            size=checkpoint.size,
            hash=checkpoint.head.hex(),
            root=checkpoint.root.hex(),
            signature=checkpoint.signature.hex(),
            made_at=checkpoint.made_at_text,
        )


class IntegrityOut(BaseModel):
    """The server's incremental verification, as of its last look (not a scan per request)."""

    verified: bool = Field(description="Everything recorded so far was checked and matched.")
    state: State = Field(description="verifying: the first pass since start is still running.")
    events_checked: int
    position: int = Field(description="The last position verified.")
    head: str | None = Field(description=f"Chain hash at that position ({HEX}).")
    last_checkpoint: CheckpointOut | None
    checkpoints: str = Field(
        description='"on" while checkpoints are being signed; otherwise why they are not.'
    )
    findings: list[str] = Field(description="The first records that do not match, if any.")

    @classmethod
    def of(cls, status: IntegrityStatus) -> IntegrityOut:
        """From the monitor's status."""
        last = status.last_checkpoint
        return cls(
            verified=status.verified,
            state=status.state,
            events_checked=status.events_checked,
            position=status.position,
            head=status.head.hex() if status.head else None,
            last_checkpoint=CheckpointOut.of(last) if last else None,
            checkpoints=status.signing,
            findings=list(status.findings),
        )


class PublicKeyOut(BaseModel):
    """The Ed25519 public key that signs checkpoints (验签公钥)."""

    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: str = Field(description="The 32-byte key, lowercase hex.")
    pem: str = Field(description="The same key as SubjectPublicKeyInfo PEM.")

    @classmethod
    def of(cls, key: PublicKey) -> PublicKeyOut:
        """From a key."""
        return cls(public_key=key.hex, pem=key.pem())
