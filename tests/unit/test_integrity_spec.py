"""The bytes README.md specifies, computed independently, equal what the code hashes and
signs; and the verifier's classification on hand-made logs (no I/O)."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from eventsourcing.persistence import StoredEvent

from infrastructure.integrity.chain import GENESIS, ChainLink, chain_hash, link_events
from infrastructure.integrity.checkpoint_match import CheckpointMatcher
from infrastructure.integrity.checkpoints import make_checkpoint, parse_checkpoint_line
from infrastructure.integrity.findings import Kind
from infrastructure.integrity.log import LAST, ChainRow, EventRow, Page
from infrastructure.integrity.signing import Signer
from infrastructure.integrity.verify import ChainVerifier


def readme_chain_hash(
    n: int,
    prev_log: bytes,
    prev_agg: bytes,
    aggregate: UUID,
    version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """README §1, written out by hand."""
    topic_bytes = topic.encode("utf-8")
    message = (
        b"fundtrail/chain/v1\n"
        + n.to_bytes(8, "big")
        + prev_log
        + prev_agg
        + aggregate.bytes
        + version.to_bytes(8, "big")
        + len(topic_bytes).to_bytes(4, "big")
        + topic_bytes
        + len(state).to_bytes(8, "big")
        + state
    )
    return hashlib.sha256(message).digest()


def test_the_chain_hash_is_the_one_the_readme_specifies() -> None:
    aggregate = uuid4()
    prev_log, prev_agg = hashlib.sha256(b"a").digest(), hashlib.sha256(b"b").digest()
    topic, state = "domain.project:Project.Proposed 北寨", b'{"name":"\xe5\x8c\x97"}'
    expected = readme_chain_hash(7, prev_log, prev_agg, aggregate, 3, topic, state)
    assert chain_hash(7, prev_log, prev_agg, aggregate.bytes, 3, topic, state) == expected


def test_links_follow_the_log_and_each_aggregate() -> None:
    a, b = uuid4(), uuid4()
    events = [
        StoredEvent(a, 1, "t", b"1"),
        StoredEvent(b, 1, "t", b"2"),
        StoredEvent(a, 2, "t", b"3"),
    ]
    first = link_events(events[:2], [5, 6], GENESIS, {})
    second = link_events(events[2:], [9], first[-1].hash, {a.bytes: first[0].hash})
    assert [k.prev_log for k in first] == [GENESIS, first[0].hash]
    assert [k.prev_agg for k in first] == [GENESIS, GENESIS]
    assert second[0].prev_log == first[1].hash and second[0].prev_agg == first[0].hash
    assert second[0].hash == readme_chain_hash(9, first[1].hash, first[0].hash, a, 2, "t", b"3")


def test_the_checkpoint_signature_covers_the_bytes_the_readme_specifies() -> None:
    private = Ed25519PrivateKey.generate()
    head, root = hashlib.sha256(b"h").digest(), hashlib.sha256(b"r").digest()
    moment = datetime(2017, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)
    checkpoint = make_checkpoint(Signer(private), 42, 40, head, root, moment)
    micros = 1488358800123456
    message = b"fundtrail/checkpoint/v1\n" + struct.pack(">QQ32s32sq", 42, 40, head, root, micros)
    public: Ed25519PublicKey = private.public_key()
    public.verify(checkpoint.signature, message)  # raises if the bytes differ
    line = checkpoint.line()
    assert b'"made_at":"2017-03-01T09:00:00.123456+00:00"' in line
    assert parse_checkpoint_line(line) == checkpoint


def rows(
    links: list[ChainLink], events: list[StoredEvent]
) -> tuple[list[EventRow], list[ChainRow]]:
    """Pages as a store would give them (the aggregate's previous record looked up)."""
    last: dict[bytes, ChainLink] = {}
    chain = []
    for link in links:
        previous = last.get(link.aggregate_id)
        chain.append(
            ChainRow(
                *(link.position, link.aggregate_id, link.version),
                *(link.prev_log, link.prev_agg, link.hash),
                previous.hash if previous else None,
                previous.version if previous else None,
            )
        )
        last[link.aggregate_id] = link
    by_position = {k.position: e for k, e in zip(links, events, strict=True)}
    return [
        EventRow(n, UUID(str(e.originator_id)).bytes, e.originator_version, e.topic, e.state)
        for n, e in sorted(by_position.items())
    ], chain


def check(events: list[EventRow], chain: list[ChainRow]) -> ChainVerifier:
    verifier = ChainVerifier(CheckpointMatcher(None))
    verifier.feed(Page(events, chain, LAST))
    verifier.finish()
    return verifier


def test_a_record_forged_into_a_gap_with_a_correct_link_is_named_inserted() -> None:
    a = uuid4()
    events = [StoredEvent(a, v, "t", str(v).encode()) for v in (1, 2, 3, 4)]
    links = link_events(events, [1, 2, 4, 5], GENESIS, {})  # 3: a rolled-back sequence value
    forged_event = StoredEvent(uuid4(), 1, "t", b"forged")
    forged = link_events([forged_event], [3], links[1].hash, {})
    event_rows, chain = rows(
        [*links[:2], *forged, *links[2:]], [*events[:2], forged_event, *events[2:]]
    )
    assert check(*rows(links, events)).ok
    verifier = check(event_rows, chain)
    assert [(f.kind, f.position) for f in verifier.findings] == [(Kind.INSERTED, 3)]


def test_two_whole_records_swapped_in_the_log_are_found() -> None:
    a, b = uuid4(), uuid4()
    events = [
        StoredEvent(a, 1, "t", b"x"),
        StoredEvent(b, 1, "t", b"y"),
        StoredEvent(a, 2, "t", b"z"),
    ]
    links = link_events(events, [1, 2, 3], GENESIS, {})
    # Both records of positions 1 and 2 trade places, event rows and chain records alike.
    swapped = [replace(links[1], position=1), replace(links[0], position=2), links[2]]
    event_rows, chain = rows(swapped, [events[1], events[0], events[2]])
    verifier = check(event_rows, chain)
    assert not verifier.ok
    assert verifier.findings[0].position == 1
