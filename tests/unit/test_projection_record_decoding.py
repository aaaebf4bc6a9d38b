"""Every malformed Kafka record is ``NotAnEvent`` (so the projection runner dead-letters it and moves on),
never another exception that would block its partition (no servers)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventkit import kafka_record
from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash
from eventkit.kafka_record import NotAnEvent, from_record, to_record


def dose_received() -> StoredEvent:
    draft = StoredEvent(
        position=7, event_id=uuid.UUID("0190f6e4-3c2a-7b1e-8a11-5d0c8e7b1a10"),
        event_type="vaxtrail.inventory.v1.DoseReceived", aggregate_type="stock_item",
        aggregate_id="NAT-EPI/ABV5300", aggregate_version=1, occurred_at=datetime(2021, 3, 8, 9, tzinfo=UTC),
        recorded_at=datetime(2021, 3, 8, 9, 0, 1, tzinfo=UTC), producer="inventory/0.1.0", actor_id="officer-7",
        actor_role="national_admin", correlation_id="corr-1", causation_id="req-1", idempotency_key="tablet-7:1",
        payload=b"\x08\x01", prev_hash=GENESIS_HASH, hash=b"")
    return StoredEvent(**{**draft.__dict__, "hash": compute_hash(draft.prev_hash, draft)})


RECORD = to_record(dose_received())


def with_header(name: str, value) -> list:
    return [(k, value if k == name else v) for k, v in RECORD.headers]


def without_header(name: str) -> list:
    return [(k, v) for k, v in RECORD.headers if k != name]


MALFORMED = {
    "a header that is not UTF-8": with_header("ce_type", b"vaxtrail.\xff\xfe"),
    "a header whose value is None": with_header("ce_time", None),
    "a missing envelope header": without_header("vaxtrail_hash"),
    "a repeated envelope header": [*RECORD.headers, ("ce_id", b"0190f6e4-3c2a-7b1e-8a11-5d0c8e7b1a11")],
    "no headers at all": None,
    "another CloudEvents version": with_header("ce_specversion", b"0.3"),
    "JSON instead of protobuf": with_header("content-type", b"application/json"),
    "a bad hex hash": with_header("vaxtrail_prev_hash", b"zz" * 32),
    "a hash of the wrong length": with_header("vaxtrail_hash", b"ab" * 31),
    "hex with spaces": with_header("vaxtrail_hash", b"ab " * 32),
    "a version that is not an integer": with_header("vaxtrail_aggregate_version", b"one"),
    "a version of zero": with_header("vaxtrail_aggregate_version", b"0"),
    "a position with underscores": with_header("vaxtrail_position", b"1_000"),
    "a negative position": with_header("vaxtrail_position", b"-3"),
    "a position beyond bigint": with_header("vaxtrail_position", b"9" * 40),
    "a bad UUID": with_header("ce_id", b"not-a-uuid"),
    "a time that is not a time": with_header("ce_time", b"yesterday"),
    "a time without a zone": with_header("vaxtrail_recorded_at", b"2021-03-08T09:00:00"),
    "an empty event type": with_header("ce_type", b""),
    "a header that is not a pair": [*RECORD.headers, ("ce_subject",)],
    "an idempotency key whose value is None": with_header("vaxtrail_idempotency_key", None),
    "an empty subject": with_header("ce_subject", b""),
    "a position with a plus sign": with_header("vaxtrail_position", b"+7"),
    "a position in other digits": with_header("vaxtrail_position", "٧".encode()),
}


@pytest.mark.parametrize("headers", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_record_is_not_an_event(headers):
    with pytest.raises(NotAnEvent):
        from_record(RECORD.key, RECORD.value, headers)


def test_a_well_formed_record_decodes_and_foreign_headers_do_not_matter():
    headers = [*RECORD.headers, ("traceparent", b"\xff\x00 binary from a partner's tracer"), ("x-null", None)]
    event = from_record(RECORD.key, RECORD.value, headers)
    assert event == dose_received() and event.verify_hash()


HEADER_NAMES = sorted({name for name, _ in RECORD.headers})
MUTATIONS = st.lists(st.tuples(st.sampled_from(HEADER_NAMES), st.none() | st.binary(max_size=70) | st.sampled_from(
    [b"", b"0", b"1", b"19", b"1.0", b"ab" * 32, b"2021-03-08T09:00:00Z", "é".encode(), b"\xff"])), max_size=3)


@settings(deadline=None)
@given(MUTATIONS, st.booleans())
def test_the_fast_path_decides_every_record_as_the_field_by_field_checks_do(mutations, repeat):
    """``from_record`` first tries the common case in one go; whatever it accepts, the full checks accept
    identically, and whatever they refuse, it refuses."""
    headers = list(RECORD.headers)
    for name, value in mutations:
        headers = [(k, value if k == name else v) for k, v in headers]
    if repeat and mutations:
        headers.append(mutations[0])
    outcomes = []
    for fast in (True, False):
        with mock.patch.object(kafka_record, "_well_formed", side_effect=None if fast else ValueError("off"),
                               wraps=kafka_record._well_formed if fast else None):
            try:
                outcomes.append(from_record(RECORD.key, RECORD.value, headers))
            except NotAnEvent as exc:
                outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
