"""Signed checkpoints: (position, size, chain head, tree root, time), Ed25519-signed.

The same JSON line is stored in the database, appended to the checkpoint file outside it,
and written into export bundles; every field is either signed or checked against the rest.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from infrastructure.integrity.canonical import (
    CanonicalError,
    canonical_line,
    expect_keys,
    parse_line,
    take_hash,
    take_hex,
    take_int,
    take_str,
)
from infrastructure.integrity.signing import PublicKey, Signer

CHECKPOINT_DOMAIN = b"fundtrail/checkpoint/v1\n"
_MESSAGE = struct.Struct(">QQ32s32sq")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CHECKPOINT_KEYS = {"kind", "position", "size", "head", "root", "made_at", "signature"}
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00")


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the log's first `size` events end at `position` with `head`."""

    position: int  # notification id of the last event covered
    size: int  # number of events covered (leaves of the Merkle tree)
    head: bytes  # chain hash of the event at `position`
    root: bytes  # RFC 9162 Merkle tree hash over the chain hashes of those events
    made_at: int  # microseconds since 1970-01-01T00:00:00Z
    signature: bytes

    def message(self) -> bytes:
        """The exact bytes signed."""
        return signed_message(self.position, self.size, self.head, self.root, self.made_at)

    def is_signed_by(self, key: PublicKey) -> bool:
        """Whether the signature is `key`'s signature of this checkpoint."""
        return key.verifies(self.message(), self.signature)

    @property
    def made_at_text(self) -> str:
        """When it was made, ISO 8601 in UTC with microseconds."""
        return format_micros(self.made_at)

    def to_json(self) -> dict[str, Any]:
        """The checkpoint as a JSON object (hashes and signature in lowercase hex)."""
        return {
            "kind": "checkpoint",
            "position": self.position,
            "size": self.size,
            "head": self.head.hex(),
            "root": self.root.hex(),
            "made_at": self.made_at_text,
            "signature": self.signature.hex(),
        }

    def line(self) -> bytes:
        """The canonical JSON line (with its newline) of this checkpoint."""
        return canonical_line(self.to_json())

    def describe(self) -> str:
        """A short human description."""
        return f"checkpoint at position {self.position} made {self.made_at_text}"


def signed_message(position: int, size: int, head: bytes, root: bytes, made_at: int) -> bytes:
    """CHECKPOINT_DOMAIN || u64 position || u64 size || head || root || i64 made_at."""
    return CHECKPOINT_DOMAIN + _MESSAGE.pack(position, size, head, root, made_at)


def make_checkpoint(
    signer: Signer, position: int, size: int, head: bytes, root: bytes, now: datetime
) -> Checkpoint:
    """Sign a checkpoint of the log as verified up to `position`."""
    made_at = to_micros(now)
    signature = signer.sign(signed_message(position, size, head, root, made_at))
    return Checkpoint(position, size, head, root, made_at, signature)


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch, exactly."""
    return (moment.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)


def format_micros(micros: int) -> str:
    """Fixed-width ISO 8601 in UTC: 2017-03-01T09:00:00.000000+00:00."""
    return (_EPOCH + timedelta(microseconds=micros)).isoformat(timespec="microseconds")


def parse_time(text: str) -> int:
    """The inverse of format_micros; anything else is refused."""
    if not _TIME.fullmatch(text):
        raise CanonicalError(f"made_at {text!r} is not YYYY-MM-DDTHH:MM:SS.ffffff+00:00")
    try:
        return to_micros(datetime.fromisoformat(text))
    except ValueError:
        raise CanonicalError(f"made_at {text!r} is not a real moment") from None


def checkpoint_from_json(obj: dict[str, Any]) -> Checkpoint:
    """A checkpoint from its JSON object; every field must be present and well formed."""
    expect_keys(obj, CHECKPOINT_KEYS, "checkpoint")
    if take_str(obj, "kind") != "checkpoint":
        raise CanonicalError("not a checkpoint")
    return Checkpoint(
        position=take_int(obj, "position"),
        size=take_int(obj, "size"),
        head=take_hash(obj, "head"),
        root=take_hash(obj, "root"),
        made_at=parse_time(take_str(obj, "made_at")),
        signature=take_hex(obj, "signature"),
    )


def parse_checkpoint_line(line: bytes) -> Checkpoint:
    """A checkpoint from its canonical JSON line."""
    checkpoint = checkpoint_from_json(parse_line(line))
    if checkpoint.line() != line:
        raise CanonicalError("the checkpoint line is not in canonical form")
    return checkpoint


def append_to_file(path: Path, checkpoint: Checkpoint) -> None:
    """Append a checkpoint to the outside file and make it durable before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, checkpoint.line())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path: Path) -> Iterator[tuple[int, Checkpoint]]:
    """The checkpoints in a checkpoint file, with their line numbers."""
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                yield number, parse_checkpoint_line(line)
            except CanonicalError as exc:
                raise CanonicalError(f"{path}, line {number}: {exc}") from None
