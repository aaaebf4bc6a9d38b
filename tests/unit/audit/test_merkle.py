"""The Merkle tree agrees with RFC 9162's definitions written out naively, and its proofs verify (and only
those): every size up to 70, every leaf, every pair of sizes."""

from __future__ import annotations

import hashlib

import pytest

from services.audit.domain import merkle


def naive_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return naive_path(m, leaves[:k]) + [naive_mth(leaves[k:])]
    return naive_path(m - k, leaves[k:]) + [naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return naive_subproof(m, leaves[:k], whole) + [naive_mth(leaves[k:])]
    return naive_subproof(m - k, leaves[k:], False) + [naive_mth(leaves[:k])]


DATA = [f"event-{i}".encode() for i in range(70)]


def grown(count: int) -> tuple[dict[tuple[int, int], bytes], int]:
    """A tree of ``count`` leaves grown in uneven batches, as the sealer grows it."""
    stored: dict[tuple[int, int], bytes] = {}
    size, frontier = 0, {}
    batches = [DATA[i:i + 3] for i in range(0, count, 3)]
    for batch in batches:
        size, created, frontier = merkle.append(size, frontier, [merkle.leaf_hash(d) for d in batch[:count - size]])
        stored.update({(level, index): h for level, index, h in created})
        assert merkle.frontier_root(size, frontier) == naive_mth(DATA[:size])
    return stored, size


STORED, _ = grown(len(DATA))


def node(level: int, index: int) -> bytes:
    return STORED[(level, index)]


@pytest.mark.parametrize("size", range(0, 71))
def test_the_root_of_every_size_is_rfc_9162s_mth(size):
    assert merkle.root(node, size) == naive_mth(DATA[:size])


def test_every_inclusion_proof_is_the_rfcs_path_and_verifies_and_an_altered_leaf_fails():
    for size in range(1, 71):
        root = naive_mth(DATA[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(node, index, size)
            assert proof == naive_path(index, DATA[:size])
            merkle.verify_inclusion(merkle.leaf_hash(DATA[index]), index, size, proof, root)
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(merkle.leaf_hash(DATA[index] + b"!"), index, size, proof, root)
            if size > 1:
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(merkle.leaf_hash(DATA[index]), (index + 1) % size, size, proof, root)


def test_every_consistency_proof_is_the_rfcs_and_verifies_and_a_forked_history_fails():
    for second in range(1, 71):
        second_root = naive_mth(DATA[:second])
        for first in range(1, second + 1):
            proof = merkle.consistency_proof(node, first, second)
            assert proof == (naive_subproof(first, DATA[:second], True) if first < second else [])
            merkle.verify_consistency(first, second, naive_mth(DATA[:first]), second_root, proof)
            forked = naive_mth([b"forged", *DATA[1:first]])
            with pytest.raises(merkle.ProofError):
                merkle.verify_consistency(first, second, forked, second_root, proof)


def test_a_proof_for_a_leaf_outside_the_tree_is_refused():
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_proof(node, 5, 5)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_proof(node, 6, 5)


def test_an_empty_tree_has_the_hash_of_nothing_as_root():
    assert merkle.root(node, 0) == hashlib.sha256(b"").digest() == merkle.frontier_root(0, {})
