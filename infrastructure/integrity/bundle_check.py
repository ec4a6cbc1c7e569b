"""Verify an export bundle with no database, against a public key obtained separately.

The bundle's own copy of the key proves nothing: it must equal the trusted key, and every
signature is checked with the trusted key alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from infrastructure.integrity.bundle_checkers import AggregateChecker, BundleInvalid, LogChecker
from infrastructure.integrity.bundle_format import (
    Manifest,
    parse_event_line,
    parse_key_line,
    parse_manifest,
)
from infrastructure.integrity.canonical import CanonicalError
from infrastructure.integrity.checkpoints import Checkpoint, parse_checkpoint_line
from infrastructure.integrity.signing import PublicKey

T = TypeVar("T")
Lines = Iterator[tuple[int, bytes]]


@dataclass(frozen=True)
class BundleReport:
    """What a bundle proved."""

    manifest: Manifest
    anchor: Checkpoint
    events: int
    versions: tuple[int, int] | None  # first and last version, for a one-aggregate bundle


def verify_bundle(
    path: Path, trusted: PublicKey, on_progress: Callable[[int], None] | None = None
) -> BundleReport:
    """Check every line of the bundle; raise BundleInvalid naming the first that fails."""
    with path.open("rb") as handle:
        lines = enumerate(handle, start=1)
        manifest = _at(*_next(lines, "the manifest"), parse_manifest)
        digest = hashlib.sha256()
        checkpoints = _header(lines, manifest, trusted, digest)
        anchor = checkpoints[-1]
        checker: LogChecker | AggregateChecker
        if manifest.aggregate_id is None:
            checker = LogChecker(checkpoints)
        else:
            checker = AggregateChecker(manifest.scope, manifest.aggregate_id, anchor)
        count = 0
        for number, line in lines:
            digest.update(line)
            event = _at(number, line, lambda b: parse_event_line(b, checker.with_proofs))
            problem = checker.check(event)
            if problem:
                raise BundleInvalid(f"line {number} (position {event.position}): {problem}")
            count += 1
            if on_progress is not None:
                on_progress(count)
    if count != manifest.events:
        raise BundleInvalid(f"the manifest promises {manifest.events} events; there are {count}")
    if digest.digest() != manifest.body_sha256:
        raise BundleInvalid("the bundle's lines do not match the manifest's body_sha256")
    problem = checker.finish()
    if problem:
        raise BundleInvalid(problem)
    return BundleReport(manifest, anchor, count, checker.versions())


def _header(
    lines: Lines, manifest: Manifest, trusted: PublicKey, digest: hashlib._Hash
) -> list[Checkpoint]:
    """The key line and the checkpoints, each signed by the trusted key."""
    number, line = _next(lines, "the public key")
    digest.update(line)
    key = _at(number, line, parse_key_line)
    if key != trusted.raw:
        raise BundleInvalid(
            f"line {number}: the bundle's public key {key.hex()} is not the trusted key "
            f"{trusted.hex}: nothing signed with it counts"
        )
    checkpoints: list[Checkpoint] = []
    for _ in range(manifest.checkpoints):
        number, line = _next(lines, "a checkpoint")
        digest.update(line)
        checkpoint = _at(number, line, parse_checkpoint_line)
        if not checkpoint.is_signed_by(trusted):
            raise BundleInvalid(
                f"line {number}: the {checkpoint.describe()} is not signed by the trusted key"
            )
        if checkpoints and checkpoint.position <= checkpoints[-1].position:
            raise BundleInvalid(f"line {number}: the checkpoints are not in position order")
        checkpoints.append(checkpoint)
    if not checkpoints or checkpoints[-1].position != manifest.anchor:
        raise BundleInvalid("the manifest's anchor is not the bundle's last checkpoint")
    return checkpoints


def _next(lines: Lines, what: str) -> tuple[int, bytes]:
    for number, line in lines:
        return number, line
    raise BundleInvalid(f"the bundle ends before {what}")


def _at(number: int, line: bytes, parse: Callable[[bytes], T]) -> T:
    try:
        return parse(line)
    except CanonicalError as exc:
        raise BundleInvalid(f"line {number}: {exc}") from None
