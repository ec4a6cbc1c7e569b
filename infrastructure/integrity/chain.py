"""The hash chain: the exact bytes that bind each stored event to what came before it.

Each event is bound to the previous event of the whole log (notification order) and to the
previous event of its own aggregate, so editing, deleting, inserting, reordering or moving
any row changes a hash that later rows or a signed checkpoint depend on.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent

HASH_SIZE = 32
GENESIS = bytes(HASH_SIZE)  # the "previous hash" of the first event of the log or aggregate
CHAIN_DOMAIN = b"fundtrail/chain/v1\n"  # keeps a chain hash from meaning anything else
# position, previous log hash, previous aggregate hash, aggregate id, version, topic length
_FIXED = struct.Struct(">Q32s32s16sQI")
_STATE_LENGTH = struct.Struct(">Q")


def chain_hash(
    position: int,
    prev_log: bytes,
    prev_agg: bytes,
    aggregate_id: bytes,
    version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """SHA-256 of one event's chain message (README: "what is hashed and signed")."""
    # struct would pad a short field silently: a tampered row must not hash like a good one.
    if len(aggregate_id) != 16 or len(prev_log) != HASH_SIZE or len(prev_agg) != HASH_SIZE:
        raise ValueError("an aggregate id is 16 bytes and a hash 32")
    topic_bytes = topic.encode("utf-8")
    digest = hashlib.sha256(CHAIN_DOMAIN)
    digest.update(
        _FIXED.pack(position, prev_log, prev_agg, aggregate_id, version, len(topic_bytes))
    )
    digest.update(topic_bytes)
    digest.update(_STATE_LENGTH.pack(len(state)))
    digest.update(state)
    return digest.digest()


@dataclass(frozen=True, slots=True)
class ChainLink:
    """The chain record of one stored event: its links and its own hash."""

    position: int
    aggregate_id: bytes  # the 16 bytes of the aggregate's UUID
    version: int
    prev_log: bytes
    prev_agg: bytes
    hash: bytes


def aggregate_id_bytes(originator_id: UUID | str) -> bytes:
    """The 16 bytes of an aggregate id, as it is hashed."""
    return originator_id.bytes if isinstance(originator_id, UUID) else UUID(originator_id).bytes


def link_events(
    stored_events: Sequence[StoredEvent],
    positions: Sequence[int],
    log_head: bytes,
    aggregate_heads: Mapping[bytes, bytes],
) -> list[ChainLink]:
    """Chain newly inserted events onto the log head and their aggregates' last hashes."""
    heads = dict(aggregate_heads)
    previous = log_head
    links: list[ChainLink] = []
    # The chain follows notification order, whatever order the batch was given in.
    for position, event in sorted(zip(positions, stored_events, strict=True), key=_first):
        aggregate_id = aggregate_id_bytes(event.originator_id)
        prev_agg = heads.get(aggregate_id, GENESIS)
        digest = chain_hash(
            position,
            previous,
            prev_agg,
            aggregate_id,
            event.originator_version,
            event.topic,
            event.state,
        )
        links.append(
            ChainLink(position, aggregate_id, event.originator_version, previous, prev_agg, digest)
        )
        heads[aggregate_id] = digest
        previous = digest
    return links


def _first(pair: tuple[int, StoredEvent]) -> int:
    return pair[0]
