"""Envelope ids, times, the hash chain and the Kafka record mapping (pure, no servers)."""

from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from eventkit.envelope import (
    GENESIS_HASH,
    CommandContext,
    StoredEvent,
    compute_hash,
    deterministic_event_id,
    format_time,
    parse_time,
    uuid7,
)
from eventkit.kafka_record import NotAnEvent, from_record, to_record


def event(**changes) -> StoredEvent:
    base = StoredEvent(
        position=42, event_id=uuid7(), event_type="vaxtrail.inventory.v1.DoseReceived", aggregate_type="stock_item",
        aggregate_id="NAT-EPI/ABV5300", aggregate_version=1,
        occurred_at=datetime(2021, 3, 8, 9, 0, tzinfo=timezone(timedelta(hours=7))),
        recorded_at=datetime(2021, 3, 8, 2, 0, 0, 123456, tzinfo=UTC), producer="inventory/0.1.0",
        actor_id="officer-7", actor_role="national_admin", correlation_id="corr-1", causation_id="req-1",
        idempotency_key=None, payload=b"\x08\x01", prev_hash=GENESIS_HASH, hash=b"",
    )
    base = replace(base, **changes)
    return replace(base, hash=compute_hash(base.prev_hash, base))


def test_uuid7_is_version_7_and_time_ordered():
    first, second = uuid7(1_700_000_000_000), uuid7(1_700_000_000_001)
    assert first.version == 7 and first.variant == uuid.RFC_4122
    assert first < second


def test_event_ids_derived_from_an_idempotency_key_are_stable_per_index_and_per_service():
    assert deterministic_event_id("inventory", "tablet-7:0001", 0) == deterministic_event_id("inventory", "tablet-7:0001", 0)
    assert deterministic_event_id("inventory", "tablet-7:0001", 0) != deterministic_event_id("inventory", "tablet-7:0001", 1)
    # Two services given the same key (a client reusing one key across services) never derive one id.
    assert deterministic_event_id("inventory", "k", 0) != deterministic_event_id("immunization", "k", 0)
    # The producer's length is part of the name: no producer/key split can collide with another.
    assert deterministic_event_id("a|b", "c", 0) != deterministic_event_id("a", "b|c", 0)


def test_times_round_trip_through_their_one_textual_form():
    moment = datetime(2021, 8, 10, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=7)))
    assert format_time(moment) == "2021-08-10T16:59:59.999999Z"
    assert parse_time(format_time(moment)) == moment
    with pytest.raises(ValueError):
        format_time(datetime(2021, 8, 10))


@pytest.mark.parametrize("year", [1, 9, 242, 999, 1000, 9999])
def test_times_are_zero_padded_so_every_year_round_trips(year):
    # strftime("%Y") wrote year 242 as "242-11-04T…", which no consumer could parse back (8 projections
    # dead-lettered an excursion assessment dated 0242-11-04).
    moment = datetime(year, 11, 4, 2, 52, 0, 7, tzinfo=UTC)
    text = format_time(moment)
    assert text.startswith(f"{year:04d}-11-04T02:52:00.000007")
    assert parse_time(text) == moment
    decoded = from_record(*astuple_record(event(occurred_at=moment)))
    assert decoded.occurred_at == moment and decoded.verify_hash()


def astuple_record(e):
    record = to_record(e)
    return record.key, record.value, record.headers


def test_the_hash_covers_every_envelope_field_and_the_payload():
    original = event()
    assert original.verify_hash()
    for change in ({"payload": b"\x08\x02"}, {"actor_id": "someone-else"}, {"aggregate_version": 2},
                   {"occurred_at": original.occurred_at + timedelta(microseconds=1)}):
        assert not replace(original, **change).verify_hash(), change


def test_the_hash_frames_every_field_so_no_field_can_borrow_from_its_neighbour():
    # With a separator byte between fields, an actor id containing the separator could move bytes into the
    # role and keep the hash: length prefixes make that impossible.
    joined = event(actor_id="officer-7\x1fnational_admin", actor_role="x")
    split = replace(joined, actor_id="officer-7", actor_role="national_admin\x1fx")
    assert compute_hash(GENESIS_HASH, joined) != compute_hash(GENESIS_HASH, split)
    assert compute_hash(GENESIS_HASH, event(idempotency_key=None)) != compute_hash(GENESIS_HASH, event(idempotency_key=""))
    tail = event(payload=b"\x08\x01", causation_id="req-1")
    assert compute_hash(GENESIS_HASH, tail) != compute_hash(GENESIS_HASH, replace(tail, causation_id="req-", payload=b"1\x08\x01"))


def _framed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def test_the_hash_matches_the_documented_test_vector():
    """docs/architecture.md "Hash chain" gives this event and its hash; the expected bytes are built here
    from the documented rule, independently of eventkit's implementation."""
    vector = StoredEvent(
        position=1, event_id=uuid.UUID("0190f5e2-7a3b-7c4d-8e5f-6a7b8c9d0e1f"),
        event_type="vaxtrail.inventory.v1.DoseReceived", aggregate_type="stock_item",
        aggregate_id="stock/NAT-EPI/ABV5300", aggregate_version=1,
        occurred_at=datetime(2021, 3, 8, 9, 0, tzinfo=timezone(timedelta(hours=7))),
        recorded_at=datetime(2021, 3, 8, 2, 0, 0, 123456, tzinfo=UTC), producer="inventory",
        actor_id="officer-7", actor_role="national_admin", correlation_id="corr-1", causation_id="req-1",
        idempotency_key="tablet-7:0001", payload=bytes.fromhex("0a0341425610e807"), prev_hash=GENESIS_HASH, hash=b"")
    texts = ["vaxtrail.event.v2", "0190f5e2-7a3b-7c4d-8e5f-6a7b8c9d0e1f", "vaxtrail.inventory.v1.DoseReceived",
             "stock_item", "stock/NAT-EPI/ABV5300", "1", "2021-03-08T02:00:00.000000Z",
             "2021-03-08T02:00:00.123456Z", "inventory", "officer-7", "national_admin", "corr-1", "req-1"]
    expected = hashlib.sha256(bytes(32) + b"".join(_framed(t.encode()) for t in texts)
                              + b"\x01" + _framed(b"tablet-7:0001") + _framed(vector.payload)).hexdigest()
    assert compute_hash(GENESIS_HASH, vector).hex() == expected == DOCUMENTED_VECTOR


DOCUMENTED_VECTOR = "63c06826c98ecd1af4555d1fea5d1c79fb3b5763d3b4a9c5c8da05895cda1fdc"


def test_a_command_context_refuses_malformed_trace_ids_and_actors():
    with pytest.raises(ValueError):
        CommandContext(actor_id="a", actor_role="vaccinator", correlation_id="x\x1fy")
    with pytest.raises(ValueError):
        CommandContext(actor_id="a", actor_role="vaccinator", correlation_id="")
    with pytest.raises(ValueError):
        CommandContext(actor_id="a", actor_role="vaccinator", causation_id="c" * 129)
    with pytest.raises(ValueError):
        CommandContext(actor_id=" ", actor_role="vaccinator")
    assert CommandContext(actor_id="a", actor_role="vaccinator", correlation_id="req:1.2-3_4").correlation_id


def test_a_kafka_record_carries_the_whole_envelope_in_cloudevents_binary_mode():
    original = event(idempotency_key="tablet-7:0001")
    record = to_record(original)
    headers = dict(record.headers)
    assert record.key == b"NAT-EPI/ABV5300" and record.value == b"\x08\x01"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"vaxtrail.inventory.v1.DoseReceived"
    assert headers["ce_subject"] == b"NAT-EPI/ABV5300"
    assert headers["ce_source"] == b"/vaxtrail/inventory/0.1.0"
    assert headers["content-type"] == b"application/protobuf"
    decoded = from_record(record.key, record.value, record.headers)
    assert decoded == original and decoded.verify_hash()


def test_a_record_without_the_envelope_headers_is_not_an_event():
    with pytest.raises(NotAnEvent):
        from_record(b"k", b"v", [("ce_id", b"x")])
    record = to_record(event())
    broken = [(k, b"not-a-number" if k == "vaxtrail_aggregate_version" else v) for k, v in record.headers]
    with pytest.raises(NotAnEvent):
        from_record(record.key, record.value, broken)
