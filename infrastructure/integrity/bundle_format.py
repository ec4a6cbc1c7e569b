"""The export bundle's lines: a manifest, the public key, checkpoints, then the events.

Every line is canonical JSON (see `canonical`); every field is either covered by a hash or
a signature, or checked against the rest of the bundle by `bundle_check`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from infrastructure.integrity.canonical import (
    CanonicalError,
    canonical_line,
    expect_keys,
    hex_bytes,
    parse_line,
    take_base64,
    take_hash,
    take_int,
    take_list,
    take_str,
)

FORMAT = "fundtrail-bundle/1"
SCOPES = ("all", "project", "account")
# The class every event of a one-aggregate bundle must belong to, by scope.
SCOPE_TOPICS = {"project": "domain.project:Project.", "account": "domain.account:FundAccount."}
_MANIFEST_KEYS = {"kind", "format", "scope", "aggregate_id", "events", "checkpoints", "anchor"}
_EVENT_KEYS = {"kind", "position", "aggregate_id", "version", "topic", "state"}
_EVENT_KEYS |= {"prev_log", "prev_agg", "hash"}
_PROOF_KEYS = {"leaf_index", "proof"}


@dataclass(frozen=True)
class Manifest:
    """What the bundle holds, and the digest of every line after this one."""

    scope: str
    aggregate_id: bytes | None  # None for the whole log
    events: int
    checkpoints: int
    anchor: int  # position of the checkpoint the events are proved under
    body_sha256: bytes

    def line(self) -> bytes:
        """The canonical line."""
        return canonical_line(
            {
                "kind": "manifest",
                "format": FORMAT,
                "scope": self.scope,
                "aggregate_id": None if self.aggregate_id is None else self.aggregate_id.hex(),
                "events": self.events,
                "checkpoints": self.checkpoints,
                "anchor": self.anchor,
                "body_sha256": self.body_sha256.hex(),
            }
        )


def parse_manifest(line: bytes) -> Manifest:
    """The manifest from its canonical line."""
    obj = parse_line(line)
    expect_keys(obj, _MANIFEST_KEYS | {"body_sha256"}, "manifest")
    if take_str(obj, "kind") != "manifest" or take_str(obj, "format") != FORMAT:
        raise CanonicalError(f"not a {FORMAT} manifest")
    scope = take_str(obj, "scope")
    if scope not in SCOPES:
        raise CanonicalError(f"unknown scope {scope!r}")
    raw_id = obj["aggregate_id"]
    aggregate_id = None if raw_id is None else hex_bytes(take_str(obj, "aggregate_id"), "id")
    if (aggregate_id is None) != (scope == "all") or (aggregate_id and len(aggregate_id) != 16):
        raise CanonicalError("the manifest's aggregate_id does not fit its scope")
    manifest = Manifest(
        scope,
        aggregate_id,
        take_int(obj, "events"),
        take_int(obj, "checkpoints"),
        take_int(obj, "anchor"),
        take_hash(obj, "body_sha256"),
    )
    _same(manifest.line(), line, "manifest")
    return manifest


def key_line(public_key: bytes) -> bytes:
    """The bundle's copy of the public key (a convenience: it proves nothing)."""
    return canonical_line({"kind": "public_key", "algorithm": "Ed25519", "key": public_key.hex()})


def parse_key_line(line: bytes) -> bytes:
    """The raw public key from its line."""
    obj = parse_line(line)
    expect_keys(obj, {"kind", "algorithm", "key"}, "public key")
    if take_str(obj, "kind") != "public_key" or take_str(obj, "algorithm") != "Ed25519":
        raise CanonicalError("not an Ed25519 public key line")
    key = hex_bytes(take_str(obj, "key"), "key")
    if len(key) != 32:
        raise CanonicalError("an Ed25519 public key is 32 bytes")
    _same(key_line(key), line, "public key")
    return key


@dataclass(frozen=True)
class BundleEvent:
    """A stored event with its chain record, and (one-aggregate bundles) its inclusion proof."""

    position: int
    aggregate_id: bytes
    version: int
    topic: str
    state: bytes
    prev_log: bytes
    prev_agg: bytes
    hash: bytes
    leaf_index: int | None = None
    proof: tuple[bytes, ...] = ()

    def line(self) -> bytes:
        """The canonical line."""
        obj: dict[str, Any] = {
            "kind": "event",
            "position": self.position,
            "aggregate_id": self.aggregate_id.hex(),
            "version": self.version,
            "topic": self.topic,
            "state": base64.b64encode(self.state).decode("ascii"),
            "prev_log": self.prev_log.hex(),
            "prev_agg": self.prev_agg.hex(),
            "hash": self.hash.hex(),
        }
        if self.leaf_index is not None:
            obj["leaf_index"] = self.leaf_index
            obj["proof"] = [p.hex() for p in self.proof]
        return canonical_line(obj)


def parse_event_line(line: bytes, with_proof: bool) -> BundleEvent:
    """An event from its canonical line."""
    obj = parse_line(line)
    expect_keys(obj, _EVENT_KEYS | (_PROOF_KEYS if with_proof else set()), "event")
    if take_str(obj, "kind") != "event":
        raise CanonicalError("not an event line")
    aggregate_id = hex_bytes(take_str(obj, "aggregate_id"), "aggregate_id")
    if len(aggregate_id) != 16:
        raise CanonicalError("an aggregate id is 16 bytes")
    proof: tuple[bytes, ...] = ()
    if with_proof:
        proof = tuple(_proof_hash(p) for p in take_list(obj, "proof"))
    event = BundleEvent(
        position=take_int(obj, "position"),
        aggregate_id=aggregate_id,
        version=take_int(obj, "version"),
        topic=take_str(obj, "topic"),
        state=take_base64(obj, "state"),
        prev_log=take_hash(obj, "prev_log"),
        prev_agg=take_hash(obj, "prev_agg"),
        hash=take_hash(obj, "hash"),
        leaf_index=take_int(obj, "leaf_index") if with_proof else None,
        proof=proof,
    )
    _same(event.line(), line, "event")
    return event


def _proof_hash(value: object) -> bytes:
    if not isinstance(value, str):
        raise CanonicalError("a proof entry is not a string")
    digest = hex_bytes(value, "proof")
    if len(digest) != 32:
        raise CanonicalError("a proof entry is not 32 bytes")
    return digest


def _same(expected: bytes, line: bytes, what: str) -> None:
    if expected != line:
        raise CanonicalError(f"the {what} line is not in canonical form")
