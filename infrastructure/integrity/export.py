"""Write a bundle that anyone can verify with no database: events, chain, proofs, checkpoint.

A one-aggregate bundle proves its events are included under a signed checkpoint of the
whole log (RFC 9162 inclusion proofs); a whole-log bundle carries every event up to the
newest checkpoint, and every checkpoint on the way.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from infrastructure.integrity.bundle_format import BundleEvent, Manifest, key_line
from infrastructure.integrity.checkpoints import Checkpoint
from infrastructure.integrity.log import LAST, ChainRow, EventRow, LogStore
from infrastructure.integrity.merkle import Frontier, Subtree, inclusion_proof, subtrees_for_proofs

PAGE_SIZE = 5000
Progress = Callable[[int, int], None]


class ExportError(Exception):
    """The bundle cannot be made (no checkpoint yet, unknown aggregate, damaged record)."""


@dataclass(frozen=True)
class Exported:
    """What went into a bundle, and what was left out."""

    events: int
    anchor: Checkpoint
    left_out: int  # events of the scope recorded after the anchor (-1: not counted)


def export_bundle(
    log: LogStore,
    scope: str,
    aggregate_id: bytes | None,
    public_key: bytes,
    out: Path,
    on_progress: Progress | None = None,
) -> Exported:
    """Write the bundle to `out` (atomically) and say what it holds."""
    checkpoints = log.checkpoints()
    if not checkpoints:
        raise ExportError("no checkpoint has been made yet: run `fundtrail checkpoint` first")
    anchor = checkpoints[-1]
    progress = on_progress or _quiet
    if aggregate_id is None:
        events: Iterable[BundleEvent] = _whole_log(log, anchor, progress)
        left_out = -1 if log.last_position() > anchor.position else 0
        included = checkpoints
    else:
        events, left_out = _one_aggregate(log, aggregate_id, anchor, progress)
        included = [anchor]
    count = _write(out, scope, aggregate_id, public_key, included, events)
    return Exported(count, anchor, left_out)


def _quiet(done: int, total: int) -> None:
    """No progress to show."""


def _pairs(events: list[EventRow], chain: list[ChainRow]) -> Iterator[BundleEvent]:
    """Each event with its chain record; a bundle of a damaged record is refused."""
    by_position = {e.position: e for e in events}
    if len(by_position) != len(chain) or any(c.position not in by_position for c in chain):
        first = sorted({e.position for e in events} ^ {c.position for c in chain})[:1]
        raise ExportError(f"the record does not verify at position {first}: run `fundtrail verify`")
    for link in chain:
        event = by_position[link.position]
        if (event.aggregate_id, event.version) != (link.aggregate_id, link.version):
            raise ExportError(
                f"the record does not verify at position {link.position}: run `fundtrail verify`"
            )
        yield BundleEvent(
            link.position,
            event.aggregate_id,
            event.version,
            event.topic,
            event.state,
            link.prev_log,
            link.prev_agg,
            link.hash,
        )


def _whole_log(log: LogStore, anchor: Checkpoint, progress: Progress) -> Iterator[BundleEvent]:
    after = 0
    while after < anchor.position:
        page = log.read_page(after, PAGE_SIZE)
        for event in _pairs(page.events, page.chain):
            if event.position <= anchor.position:
                yield event
        progress(min(page.end, anchor.position), anchor.position)
        if page.end == LAST:
            break
        after = page.end


def _one_aggregate(
    log: LogStore, aggregate_id: bytes, anchor: Checkpoint, progress: Progress
) -> tuple[list[BundleEvent], int]:
    events, chain = log.aggregate_rows(aggregate_id)
    if not chain and not events:
        raise ExportError("nothing has been recorded for that id")
    paired = list(_pairs(events, chain))
    covered = [e for e in paired if e.position <= anchor.position]
    if not covered:
        raise ExportError(
            f"its events were all recorded after the newest checkpoint (position "
            f"{anchor.position}): run `fundtrail checkpoint` and export again"
        )
    indices = _leaf_indices(log, anchor, {e.position for e in covered}, progress)
    subtrees = _subtrees(log, anchor, indices.values(), progress)
    proved = [
        replace(
            e,
            leaf_index=indices[e.position],
            proof=tuple(inclusion_proof(indices[e.position], anchor.size, subtrees)),
        )
        for e in covered
    ]
    return proved, len(paired) - len(covered)


def _stream(log: LogStore, anchor: Checkpoint) -> Iterator[tuple[int, bytes]]:
    after = 0
    while True:
        rows = log.chain_hashes(after, anchor.position, PAGE_SIZE)
        yield from rows
        if len(rows) < PAGE_SIZE:
            return
        after = rows[-1][0]


def _leaf_indices(
    log: LogStore, anchor: Checkpoint, positions: set[int], progress: Progress
) -> dict[int, int]:
    """Where each event sits among the leaves; and the chain must still match the anchor."""
    indices, frontier = {}, Frontier()
    for position, digest in _stream(log, anchor):
        if position in positions:
            indices[position] = frontier.size
        frontier.append(digest)
        if frontier.size % PAGE_SIZE == 0:
            progress(position // 2, anchor.position)
    if frontier.size != anchor.size or frontier.root() != anchor.root:
        raise ExportError(
            f"the chain no longer matches the checkpoint at position {anchor.position}: "
            "run `fundtrail verify`"
        )
    return indices


def _subtrees(
    log: LogStore, anchor: Checkpoint, indices: Iterable[int], progress: Progress
) -> dict[Subtree, bytes]:
    """The subtree hashes the inclusion proofs need, gathered in one more pass."""
    needed = subtrees_for_proofs(indices, anchor.size)
    found: dict[Subtree, bytes] = {}

    def keep(subtree: Subtree, digest: bytes) -> None:
        if subtree in needed:
            found[subtree] = digest

    frontier = Frontier(on_subtree=keep)
    for position, digest in _stream(log, anchor):
        frontier.append(digest)
        if frontier.size % PAGE_SIZE == 0:
            progress((anchor.position + position) // 2, anchor.position)
    progress(anchor.position, anchor.position)
    return found


def _write(
    out: Path,
    scope: str,
    aggregate_id: bytes | None,
    public_key: bytes,
    checkpoints: list[Checkpoint],
    events: Iterable[BundleEvent],
) -> int:
    """Body to a temporary file (its digest goes in the manifest), then manifest + body."""
    out.parent.mkdir(parents=True, exist_ok=True)
    digest, count = hashlib.sha256(), 0
    with tempfile.TemporaryFile(dir=out.parent) as body:
        for line in (key_line(public_key), *(c.line() for c in checkpoints)):
            body.write(line)
            digest.update(line)
        for event in events:
            line = event.line()
            body.write(line)
            digest.update(line)
            count += 1
        anchor = checkpoints[-1].position
        manifest = Manifest(scope, aggregate_id, count, len(checkpoints), anchor, digest.digest())
        body.seek(0)
        fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        try:
            with os.fdopen(fd, "wb") as final:
                final.write(manifest.line())
                shutil.copyfileobj(body, final)
            os.replace(name, out)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    return count
