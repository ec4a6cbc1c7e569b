"""The Merkle tree over the chain: RFC 6962/9162 reference values and inclusion proofs."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from infrastructure.integrity.merkle import (
    EMPTY_ROOT,
    Frontier,
    Subtree,
    inclusion_proof,
    leaf_hash,
    node_hash,
    subtrees_for_proofs,
    tree_root,
    verify_inclusion,
)

# The Certificate Transparency reference inputs and tree heads for sizes 1 to 8.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PROOF_OF_LEAF_0_IN_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH, written out as the RFC says it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def proofs(leaves: list[bytes]) -> list[list[bytes]]:
    """Every leaf's inclusion proof, from the subtrees a streaming pass collects."""
    needed = subtrees_for_proofs(range(len(leaves)), len(leaves))
    found: dict[Subtree, bytes] = {}
    frontier = Frontier(on_subtree=lambda s, h: found.update({s: h}) if s in needed else None)
    for leaf in leaves:
        frontier.append(leaf)
    return [inclusion_proof(i, len(leaves), found) for i in range(len(leaves))]


def test_tree_heads_match_the_certificate_transparency_reference() -> None:
    assert tree_root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    for size in range(1, 9):
        assert tree_root(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]


def test_inclusion_proof_matches_the_reference_and_verifies() -> None:
    proof = proofs(CT_LEAVES)[0]
    assert [p.hex() for p in proof] == CT_PROOF_OF_LEAF_0_IN_8
    root = bytes.fromhex(CT_ROOTS[7])
    assert verify_inclusion(CT_LEAVES[0], 0, 8, proof, root)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(min_size=0, max_size=8), min_size=1, max_size=70))
def test_the_frontier_root_is_the_rfc_tree_head(leaves: list[bytes]) -> None:
    frontier = Frontier()
    for size, leaf in enumerate(leaves, start=1):
        frontier.append(leaf)
        assert frontier.size == size
        assert frontier.root() == reference_root(leaves[:size])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=4), min_size=1, max_size=45, unique=True))
def test_every_proof_verifies_and_no_altered_one_does(leaves: list[bytes]) -> None:
    size, root = len(leaves), reference_root(leaves)
    for index, proof in enumerate(proofs(leaves)):
        assert verify_inclusion(leaves[index], index, size, proof, root)
        other = (index + 1) % size
        if other != index:
            assert not verify_inclusion(leaves[other], index, size, proof, root)
            assert not verify_inclusion(leaves[index], other, size, proof, root)
        assert not verify_inclusion(leaves[index], index, size, [*proof, root], root)
        for k in range(len(proof)):
            bent = [*proof[:k], bytes(32), *proof[k + 1 :]]
            assert not verify_inclusion(leaves[index], index, size, bent, root)
