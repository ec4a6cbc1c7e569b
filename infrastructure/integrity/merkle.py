"""RFC 9162 (Certificate Transparency v2) Merkle tree over the chain hashes, in log order.

A checkpoint signs the tree's root as well as the chain head, so that one event can be
proved to be in the signed log with a logarithmic inclusion proof, without the rest of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
# A perfect subtree: (level, index) covers leaves [index * 2**level, (index + 1) * 2**level).
Subtree = tuple[int, int]


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """The tree's right edge: one perfect subtree per set bit of the size, in O(log n)."""

    def __init__(self, on_subtree: Callable[[Subtree, bytes], None] | None = None) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (level, hash), levels decreasing
        self._on_subtree = on_subtree

    def append(self, data: bytes) -> None:
        """Add the next leaf."""
        node = (0, leaf_hash(data))
        self._emit(node, self.size)
        self.size += 1
        stack = self._stack
        while stack and stack[-1][0] == node[0]:
            level, left = stack.pop()
            node = (level + 1, node_hash(left, node[1]))
            self._emit(node, self.size - 1)
        stack.append(node)

    def _emit(self, node: tuple[int, bytes], last_leaf: int) -> None:
        if self._on_subtree is not None:
            level, digest = node
            self._on_subtree((level, last_leaf >> level), digest)

    def root(self) -> bytes:
        """The Merkle tree hash of the leaves so far."""
        if not self._stack:
            return EMPTY_ROOT
        result = self._stack[-1][1]
        for _, digest in reversed(self._stack[:-1]):
            result = node_hash(digest, result)
        return result


def tree_root(leaves: Iterable[bytes]) -> bytes:
    """The Merkle tree hash of a sequence of leaves."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def _split(size: int) -> int:
    """The largest power of two smaller than size (RFC 9162, section 2.1.1)."""
    return 1 << ((size - 1).bit_length() - 1)


def _range_hash(start: int, end: int, get: Callable[[Subtree], bytes]) -> bytes:
    """The hash of leaves [start, end), from the perfect subtrees that make it up."""
    size = end - start
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return get((level, start >> level))
    k = _split(size)
    return node_hash(_range_hash(start, start + k, get), _range_hash(start + k, end, get))


def _path(index: int, start: int, end: int, get: Callable[[Subtree], bytes]) -> list[bytes]:
    """RFC 9162 PATH(m, D[start:end]) for leaf `index`, bottom to top."""
    if end - start == 1:
        return []
    k = _split(end - start)
    if index < start + k:
        return [*_path(index, start, start + k, get), _range_hash(start + k, end, get)]
    return [*_path(index, start + k, end, get), _range_hash(start, start + k, get)]


def subtrees_for_proofs(indices: Iterable[int], size: int) -> set[Subtree]:
    """The perfect subtrees whose hashes the inclusion proofs of these leaves need."""
    needed: set[Subtree] = set()

    def note(subtree: Subtree) -> bytes:
        needed.add(subtree)
        return b""

    for index in indices:
        _path(index, 0, size, note)
    return needed


def inclusion_proof(index: int, size: int, subtrees: dict[Subtree, bytes]) -> list[bytes]:
    """The inclusion proof of leaf `index` in the tree of `size` leaves."""
    return _path(index, 0, size, subtrees.__getitem__)


def verify_inclusion(
    data: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows leaf `data` at `index` in the tree of `size` leaves with `root`.

    RFC 9162, section 2.1.3.2.
    """
    if index >= size or index < 0:
        return False
    fn, sn = index, size - 1
    result = leaf_hash(data)
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root
