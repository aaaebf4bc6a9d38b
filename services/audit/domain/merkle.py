"""RFC 9162 (Certificate Transparency v2; RFC 6962 hashing) Merkle trees over one service's event log (pure).

Hashing: a leaf is ``SHA-256(0x00 || data)``, an interior node ``SHA-256(0x01 || left || right)``, the
empty tree ``SHA-256("")``. A tree of ``n`` leaves splits at the largest power of two below ``n``.

Only *perfect, aligned* subtrees are ever stored: node ``(level, index)`` covers leaves
``[index * 2**level, (index + 1) * 2**level)``. Every subtree hash the RFC's proofs name is a left-to-right
fold of such nodes (:func:`range_hash`), so a proof costs O(log² n) node reads whatever the size of the log.
The reader is a plain function ``node(level, index) -> bytes`` handed in by the caller (a dict in tests,
a batched SQL read in the service).

Proof verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) step by step, so a
third party's implementation (Go's ``golang.org/x/mod/sumdb/tlog``) and ours agree on every proof
(``tests/integration/test_audit_interop.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
NodeReader = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof that does not verify, or a request for a proof the tree cannot give."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n`` >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_hash(node: NodeReader, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range whose left edge is aligned as the RFC's recursion produces it."""
    size = end - start
    if size <= 0:
        raise ProofError(f"empty range [{start}, {end})")
    if size & (size - 1) == 0 and start % size == 0:
        level = size.bit_length() - 1
        return node(level, start >> level)
    k = _split(size)
    return node_hash(range_hash(node, start, start + k), range_hash(node, start + k, end))


def root(node: NodeReader, size: int) -> bytes:
    return EMPTY_ROOT if size == 0 else range_hash(node, 0, size)


def inclusion_proof(node: NodeReader, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf to root."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(range_hash(node, start + k, end))
            end = start + k
        else:
            path.append(range_hash(node, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(node: NodeReader, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1 (empty when ``first`` is 0 or equals ``second``)."""
    if not 0 <= first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    return _subproof(node, first, 0, second, True)


def _subproof(node: NodeReader, m: int, start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [range_hash(node, start, end)]
    k = _split(n)
    if m <= k:
        return _subproof(node, m, start, start + k, whole) + [range_hash(node, start + k, end)]
    return _subproof(node, m - k, start + k, end, False) + [range_hash(node, start, start + k)]


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], root_hash: bytes) -> None:
    """RFC 9162 §2.1.3.2 for the leaf *hash* ``leaf``; raises :class:`ProofError` unless it verifies."""
    if index >= size or index < 0:
        raise ProofError(f"leaf index {index} is outside a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the tree is deep")
    if r != root_hash:
        raise ProofError("inclusion proof does not lead to the root hash")


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       path: Sequence[bytes]) -> None:
    """RFC 9162 §2.1.4.2; raises :class:`ProofError` unless tree ``first`` is a prefix of tree ``second``."""
    if not 0 <= first <= second:
        raise ProofError(f"size {first} cannot precede size {second}")
    if first == second:
        if path or first_root != second_root:
            raise ProofError("equal sizes need an empty proof and equal roots")
        return
    if first == 0:
        if path:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not path:
        raise ProofError("empty consistency proof between different sizes")
    c = list(path)
    if first & (first - 1) == 0:
        c.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = c[0]
    for h in c[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(h, fr), node_hash(h, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, h)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise ProofError("consistency proof does not lead to both roots")


def frontier_nodes(size: int) -> list[tuple[int, int]]:
    """The stored nodes a tree of ``size`` leaves needs to grow: one per set bit, the right edge's roots."""
    return [(level, (size >> level) - 1) for level in range(size.bit_length()) if size >> level & 1]


def append(size: int, frontier: dict[int, bytes], leaves: Iterable[bytes]
           ) -> tuple[int, list[tuple[int, int, bytes]], dict[int, bytes]]:
    """Append leaf hashes to a tree of ``size`` whose right-edge nodes are ``frontier`` (level -> hash).

    Returns the new size, every node completed on the way ``(level, index, hash)`` and the new frontier.
    """
    edge = dict(frontier)
    created: list[tuple[int, int, bytes]] = []
    for h in leaves:
        index, level = size, 0
        created.append((0, index, h))
        while index & 1:
            h = node_hash(edge[level], h)
            index, level = index >> 1, level + 1
            created.append((level, index, h))
        edge[level] = h
        size += 1
    return size, created, {level: edge[level] for level, _ in frontier_nodes(size)}


def frontier_root(size: int, frontier: dict[int, bytes]) -> bytes:
    """The root of a tree of ``size`` from its right-edge nodes alone."""
    if size == 0:
        return EMPTY_ROOT
    levels = [level for level, _ in frontier_nodes(size)]
    r = frontier[levels[0]]
    for level in levels[1:]:
        r = node_hash(frontier[level], r)
    return r
