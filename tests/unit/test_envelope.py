"""Envelope ids, times, the hash chain and the Kafka record mapping (pure, no servers)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from eventkit.envelope import (
    GENESIS_HASH,
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


def test_event_ids_derived_from_an_idempotency_key_are_stable_per_index():
    assert deterministic_event_id("tablet-7:0001", 0) == deterministic_event_id("tablet-7:0001", 0)
    assert deterministic_event_id("tablet-7:0001", 0) != deterministic_event_id("tablet-7:0001", 1)


def test_times_round_trip_through_their_one_textual_form():
    moment = datetime(2021, 8, 10, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=7)))
    assert format_time(moment) == "2021-08-10T16:59:59.999999Z"
    assert parse_time(format_time(moment)) == moment
    with pytest.raises(ValueError):
        format_time(datetime(2021, 8, 10))


def test_the_hash_covers_every_envelope_field_and_the_payload():
    original = event()
    assert original.verify_hash()
    for change in ({"payload": b"\x08\x02"}, {"actor_id": "someone-else"}, {"aggregate_version": 2},
                   {"occurred_at": original.occurred_at + timedelta(microseconds=1)}):
        assert not replace(original, **change).verify_hash(), change


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
