"""The dead-letter format: identity headers, None-valued headers, reading records back (no servers)."""

from __future__ import annotations

from collections import namedtuple
from datetime import UTC, datetime

from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash, uuid7
from eventkit.kafka_record import to_record
from eventkit.projections.deadletter import DeadLetter, DeadRecord, dead_letter_headers, group_copies

Record = namedtuple("Record", "topic partition offset key value headers")


def dose_received(event_type: str = "vaxtrail.inventory.v1.DoseReceived") -> StoredEvent:
    draft = StoredEvent(
        position=7, event_id=uuid7(), event_type=event_type, aggregate_type="stock_item",
        aggregate_id="NAT-EPI/ABV5300", aggregate_version=1, occurred_at=datetime(2021, 3, 8, 9, tzinfo=UTC),
        recorded_at=datetime(2021, 3, 8, 9, 0, 1, tzinfo=UTC), producer="inventory/0.1.0", actor_id="officer-7",
        actor_role="national_admin", correlation_id="corr-1", causation_id="req-1", idempotency_key=None,
        payload=b"\x08\x01", prev_hash=GENESIS_HASH, hash=b"")
    return StoredEvent(**{**draft.__dict__, "hash": compute_hash(draft.prev_hash, draft)})


def in_dlq(headers, offset: int = 0) -> Record:
    return Record("vaxtrail.certificate.dlq.v1", 0, offset, b"NAT-EPI/ABV5300", b"\x08\x01", headers)


def test_a_dead_letter_names_its_source_and_event_and_reads_back_the_same():
    event = dose_received()
    source = Record("vaxtrail.inventory.v1", 4, 1234, *[getattr(to_record(event), f) for f in ("key", "value", "headers")])
    headers = dead_letter_headers(DeadRecord(source, "apply-failed", "ValueError: no such\nsite", event),
                                  service="certificate", projection="recalls")
    letter = DeadLetter.from_kafka(in_dlq(headers))
    assert (letter.projection, letter.reason, letter.error, letter.service) == (
        "recalls", "apply-failed", "ValueError: no such site", "certificate")
    assert (letter.source, letter.event_id, letter.event_type, letter.own) == (
        "vaxtrail.inventory.v1/4/1234", str(event.event_id), event.event_type, True)
    assert letter.event() == event, "the source record's own headers are kept"


def test_foreign_garbage_is_not_our_event_and_a_none_header_is_dropped_and_named():
    source = Record("vaxtrail.inventory.v1", 0, 9, b"k", b"\x00", [("ce_id", None), ("traceparent", b"00-ab")])
    headers = dead_letter_headers(DeadRecord(source, "undecodable", "not an event: header ce_id has no value"),
                                  service="certificate", projection="recalls")
    assert all(value is not None for _, value in headers)  # kafka-python cannot send None header values
    letter = DeadLetter.from_kafka(in_dlq(headers))
    assert dict(headers)["vaxtrail_dlq_null_headers"] == b"ce_id"
    assert (letter.own, letter.event_id, letter.headers) == (False, "", (("traceparent", b"00-ab"),))


def test_copies_from_a_retried_batch_share_an_identity_and_group_together():
    event = dose_received()
    source = Record("vaxtrail.inventory.v1", 4, 1234, b"k", b"v", to_record(event).headers)
    headers = dead_letter_headers(DeadRecord(source, "apply-failed", "boom", event), service="s", projection="p")
    other = dead_letter_headers(DeadRecord(source._replace(offset=1235), "apply-failed", "boom", event),
                                service="s", projection="p")
    letters = [DeadLetter.from_kafka(in_dlq(h, offset)) for offset, h in enumerate([headers, headers, other])]
    assert [[c.dlq_offset for c in group] for group in group_copies(letters)] == [[0, 1], [2]]


def test_a_dead_letter_of_an_earlier_version_still_names_its_source():
    event = dose_received()
    headers = [*to_record(event).headers, ("vaxtrail_dlq_projection", b"recalls"),
               ("vaxtrail_dlq_reason", b"apply-failed"), ("vaxtrail_dlq_error", b"boom"),
               ("vaxtrail_dlq_source", b"vaxtrail.inventory.v1/4/1234")]
    letter = DeadLetter.from_kafka(in_dlq(headers))
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == ("vaxtrail.inventory.v1", 4, 1234)
    assert letter.event_id == str(event.event_id) and letter.event_type == event.event_type and letter.own
