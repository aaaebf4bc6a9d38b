"""The audit log against a real store, relay, Kafka topic and PostgreSQL: what it seals, what it signs, and
that every kind of tampering with the service's database is detected - each case tampers as the database's
superuser with the append-only triggers off (``session_replication_role = replica``)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator

import psycopg
import pytest

from eventkit.envelope import GENESIS_HASH, compute_hash
from services.audit import tree, verify
from services.audit.domain import merkle, notes
from services.audit.workers.publisher import CHAIN_BROKEN
from vaxtrail.inventory.v1 import events_pb2 as inventory

from .audit_world import SERVICE, AuditWorld, origin


@pytest.fixture
def world(infra, database, topic) -> Iterator[AuditWorld]:
    with AuditWorld.running(infra, database, topic(partitions=3)) as w:
        yield w


def fill(world: AuditWorld) -> None:
    """Three lots received at the national store (two receipts each), with gaps in the positions."""
    for lot in ("LOT-A", "LOT-B", "LOT-C"):
        world.receive(lot, times=2)
        world.skip_positions(2)
    world.append("SH-1", inventory.ShipmentDispatched(shipment_id="SH-1", from_location_id="NAT-EPI",
                                                      to_location_id="CDC-79"), aggregate_type="shipment")
    world.publish()


def store_rows(world: AuditWorld) -> list[tuple]:
    with psycopg.connect(world.store_url) as conn:
        return conn.execute("SELECT position, event_id, aggregate_id, aggregate_version, hash FROM events"
                            " ORDER BY position").fetchall()


def problems(world: AuditWorld) -> list[verify.Problem]:
    with psycopg.connect(world.store_url) as store, psycopg.connect(world.audit_url) as audit:
        report = verify.verify_service(SERVICE, store, audit, (origin(SERVICE), world.signer.public_key))
    return report.problems


@pytest.fixture
def sealed(world) -> AuditWorld:
    fill(world)
    world.start()
    world.wait_sealed()
    assert world.checkpoint()["signed"]
    assert problems(world) == []
    return world


def test_the_tree_is_over_the_committed_events_in_position_order_and_its_proofs_verify(sealed):
    rows = store_rows(sealed)
    positions = [r[0] for r in rows]
    assert positions != list(range(positions[0], positions[0] + len(positions)))  # the log has gaps
    leaves = [merkle.leaf_hash(bytes(r[4])) for r in rows]
    size, _, frontier = merkle.append(0, {}, leaves)
    note = sealed.checkpoint()["note"]  # not grown: the same checkpoint
    checkpoint = notes.parse_checkpoint(notes.open_note(note, origin(SERVICE), sealed.signer.public_key))
    assert (checkpoint.size, checkpoint.root) == (len(rows), merkle.frontier_root(size, frontier))
    with sealed.audit_pool.connection() as conn:
        for index in range(len(rows)):
            path = tree.inclusion(conn, SERVICE, index, checkpoint.size)
            merkle.verify_inclusion(leaves[index], index, checkpoint.size, path, checkpoint.root)
    sealed.receive("LOT-D", times=3)
    sealed.publish()
    sealed.wait_sealed()
    grown = notes.parse_checkpoint(notes.open_note(sealed.checkpoint()["note"], origin(SERVICE),
                                                   sealed.signer.public_key))
    with sealed.audit_pool.connection() as conn:
        proof = tree.consistency(conn, SERVICE, checkpoint.size, grown.size)
    merkle.verify_consistency(checkpoint.size, grown.size, checkpoint.root, grown.root, proof)


def kinds(found: list[verify.Problem]) -> set[tuple[int, str]]:
    return {(p.position, p.kind) for p in found}


def test_an_altered_payload_is_detected(sealed):
    position = store_rows(sealed)[2][0]
    sealed.tamper("UPDATE events SET payload = payload || '\\x00'::bytea WHERE position = %s", position)
    assert {(position, "altered")} <= kinds(problems(sealed))
    assert any(p.kind == "root mismatch" for p in problems(sealed))


def test_an_altered_payload_with_recomputed_hashes_is_still_detected(sealed):
    """A careful forger recomputes the event's hash and the next one's link: the audit log still disagrees."""


    with psycopg.connect(sealed.store_url) as conn:
        events = [e for e in verify.store_events(conn) if e.aggregate_id == "stock/NAT-EPI/LOT-A"]
    forged = dataclasses.replace(events[0], payload=events[0].payload + b"\x18\x01")
    forged = dataclasses.replace(forged, hash=compute_hash(forged.prev_hash, forged))
    follower = dataclasses.replace(events[1], prev_hash=forged.hash)
    follower = dataclasses.replace(follower, hash=compute_hash(follower.prev_hash, follower))
    for e in (forged, follower):
        sealed.tamper("UPDATE events SET payload = %s, prev_hash = %s, hash = %s WHERE position = %s",
                      e.payload, e.prev_hash, e.hash, e.position)
    found = kinds(problems(sealed))
    assert {(forged.position, "altered"), (follower.position, "altered")} <= found
    assert not any(kind == "chain broken" for _, kind in found)


def test_a_removed_event_is_detected(sealed):
    first = [r for r in store_rows(sealed) if r[2] == "stock/NAT-EPI/LOT-B"][0]
    sealed.tamper("DELETE FROM events WHERE position = %s", first[0])
    found = kinds(problems(sealed))
    assert (first[0], "removed") in found
    assert any(kind == "chain broken" for _, kind in found)


def test_the_removed_last_events_of_a_stream_are_detected(sealed):
    rows = [r for r in store_rows(sealed) if r[2] == "stock/NAT-EPI/LOT-C"]
    sealed.tamper("DELETE FROM events WHERE position = %s", rows[-1][0])
    assert kinds(problems(sealed)) == {(rows[-1][0], "removed")}


def test_a_removed_stream_is_detected(sealed):
    rows = [r for r in store_rows(sealed) if r[2] == "SH-1"]
    sealed.tamper("DELETE FROM events WHERE aggregate_id = 'SH-1'")
    assert kinds(problems(sealed)) == {(r[0], "removed") for r in rows}


def test_reordered_events_are_detected(sealed):
    rows = store_rows(sealed)
    a, b = rows[1][0], rows[-1][0]
    sealed.tamper("UPDATE events SET position = -1 WHERE position = %s", a)
    sealed.tamper("UPDATE events SET position = %s WHERE position = %s", a, b)
    sealed.tamper("UPDATE events SET position = %s WHERE position = -1", b)
    found = kinds(problems(sealed))
    assert {(a, "moved"), (b, "moved")} <= found


def test_an_event_inserted_into_a_gap_is_detected(sealed):
    rows = store_rows(sealed)
    positions = [r[0] for r in rows]
    gap = next(p + 1 for p, q in zip(positions, positions[1:], strict=False) if q > p + 1)
    copy_of = rows[0][0]
    sealed.tamper(
        "INSERT INTO events SELECT %s, gen_random_uuid(), event_type, aggregate_type, 'stock/NAT-EPI/LOT-Z', 1,"
        " occurred_at, recorded_at, producer, actor_id, actor_role, correlation_id, causation_id, NULL, payload,"
        " prev_hash, hash FROM events WHERE position = %s", gap, copy_of)
    found = kinds(problems(sealed))
    assert (gap, "inserted") in found and (gap, "altered") in found


def test_an_inserted_event_that_reaches_the_topic_breaks_the_chain_and_is_reported(sealed):
    rows = [r for r in store_rows(sealed) if r[2] == "stock/NAT-EPI/LOT-A"]
    before = CHAIN_BROKEN.labels(SERVICE, "LINK_BROKEN")._value.get()
    with psycopg.connect(sealed.store_url) as conn:
        position = conn.execute("SELECT nextval('events_position_seq')").fetchone()[0]
    sealed.tamper(
        "INSERT INTO events SELECT %s, gen_random_uuid(), event_type, aggregate_type, aggregate_id, 3, occurred_at,"
        " recorded_at, producer, actor_id, actor_role, correlation_id, causation_id, NULL, payload, %s, hash"
        " FROM events WHERE position = %s", position, GENESIS_HASH, rows[-1][0])
    sealed.publish()
    sealed.wait_sealed()
    assert sealed.report() == 1
    assert CHAIN_BROKEN.labels(SERVICE, "LINK_BROKEN")._value.get() == before + 1
    with sealed.audit_pool.connection() as conn:
        broken = conn.execute("SELECT event_type, aggregate_id FROM events WHERE event_type LIKE '%%ChainBroken'"
                              ).fetchall()
        chain_ok = conn.execute("SELECT chain_ok FROM audit_events WHERE position = %s", (position,)).fetchone()[0]
    assert broken == [("vaxtrail.audit.v1.AuditChainBroken", f"finding/{SERVICE}/{_event_at(sealed, position)}")]
    assert chain_ok is False
    assert sealed.report() == 0  # reported once
    assert (position, "chain broken") in kinds(problems(sealed))


def _event_at(world: AuditWorld, position: int) -> str:
    with psycopg.connect(world.store_url) as conn:
        return str(conn.execute("SELECT event_id FROM events WHERE position = %s", (position,)).fetchone()[0])


def test_a_checkpoint_signed_with_another_key_is_refused(sealed):
    with psycopg.connect(sealed.store_url) as store, psycopg.connect(sealed.audit_url) as audit:
        other = hashlib.sha256(b"not the key").digest()
        report = verify.verify_service(SERVICE, store, audit, (origin(SERVICE), other))
    assert [p.kind for p in report.problems] == ["bad checkpoint"]
