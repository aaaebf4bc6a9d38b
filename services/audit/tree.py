"""The Merkle trees in PostgreSQL: ``audit_trees`` (size and root per log) and ``audit_tree_nodes``.

The pure algorithms (:mod:`services.audit.domain.merkle`) read nodes through a function; here a proof is
computed twice: once with a recording reader that only collects which nodes it asks for (that set depends on
the sizes alone), then with the nodes fetched in one query. So a proof is two cheap passes and one read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import psycopg

from services.audit.domain import merkle

T = TypeVar("T")
_PLACEHOLDER = bytes(32)


def state(conn: psycopg.Connection, service: str, *, lock: bool = False) -> tuple[int, bytes]:
    """(size, root) of a log's tree; ``lock`` creates the row if missing and locks it for an append."""
    if lock:
        conn.execute("INSERT INTO audit_trees (service, size, root) VALUES (%s, 0, %s) ON CONFLICT DO NOTHING",
                     (service, merkle.EMPTY_ROOT))
    row = conn.execute("SELECT size, root FROM audit_trees WHERE service = %s" + (" FOR UPDATE" if lock else ""),
                       (service,)).fetchone()
    return (row[0], bytes(row[1])) if row else (0, merkle.EMPTY_ROOT)


def nodes(conn: psycopg.Connection, service: str, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    wanted = sorted(set(wanted))
    if not wanted:
        return {}
    rows = conn.execute(
        "SELECT n.level, n.index, n.hash FROM audit_tree_nodes n"
        " JOIN unnest(%s::smallint[], %s::bigint[]) AS w(level, index) ON n.level = w.level AND n.index = w.index"
        " WHERE n.service = %s",
        ([lv for lv, _ in wanted], [ix for _, ix in wanted], service)).fetchall()
    found = {(lv, ix): bytes(h) for lv, ix, h in rows}
    missing = [w for w in wanted if w not in found]
    if missing:
        raise LookupError(f"{service}: tree nodes {missing[:3]} are not stored")
    return found


def computed(conn: psycopg.Connection, service: str, compute: Callable[[merkle.NodeReader], T]) -> T:
    """Run ``compute`` over the stored nodes, reading every node it needs in one query."""
    asked: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        asked.add((level, index))
        return _PLACEHOLDER

    compute(record)
    found = nodes(conn, service, asked)
    return compute(lambda level, index: found[(level, index)])


def root_at(conn: psycopg.Connection, service: str, size: int) -> bytes:
    return computed(conn, service, lambda node: merkle.root(node, size))


def inclusion(conn: psycopg.Connection, service: str, index: int, size: int) -> list[bytes]:
    return computed(conn, service, lambda node: merkle.inclusion_proof(node, index, size))


def consistency(conn: psycopg.Connection, service: str, first: int, second: int) -> list[bytes]:
    return computed(conn, service, lambda node: merkle.consistency_proof(node, first, second))


def append(conn: psycopg.Connection, service: str, leaves: list[bytes]) -> tuple[int, bytes]:
    """Append leaf hashes to a log's tree (in the caller's transaction); returns the new (size, root)."""
    size, root = state(conn, service, lock=True)
    if not leaves:
        return size, root
    edge = nodes(conn, service, merkle.frontier_nodes(size))
    frontier = {level: edge[(level, index)] for level, index in merkle.frontier_nodes(size)}
    size, created, frontier = merkle.append(size, frontier, leaves)
    with conn.cursor() as cur:
        with cur.copy("COPY audit_tree_nodes (service, level, index, hash) FROM STDIN") as copy:
            for level, index, digest in created:
                copy.write_row((service, level, index, digest))
    root = merkle.frontier_root(size, frontier)
    conn.execute("UPDATE audit_trees SET size = %s, root = %s, updated_at = now() WHERE service = %s",
                 (size, root, service))
    return size, root
