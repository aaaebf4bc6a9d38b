"""Dead letters: what the runner writes to ``vaxtrail.<service>.dlq.v1``, and reading it back.

A dead letter is the source record (same key, value and headers - ``None``-valued headers, which
kafka-python cannot send, are dropped and named in ``vaxtrail_dlq_null_headers``) plus these headers, all
UTF-8:

==============================  ==========================================================================
``vaxtrail_dlq_service``        the service whose projection gave up
``vaxtrail_dlq_projection``     the projection (``vaxtrail dlq replay`` applies it there)
``vaxtrail_dlq_reason``         ``undecodable`` | ``unknown-event-type`` | ``apply-failed``
``vaxtrail_dlq_error``          the error (one line, at most 4,000 characters)
``vaxtrail_dlq_topic``,         where the source record is; with the projection, the identity of a dead
``vaxtrail_dlq_partition``,     letter: if the database commit that moves past a record fails after its
``vaxtrail_dlq_offset``         dead letter was produced, the retried batch produces a second copy with the
                                same identity, and ``vaxtrail dlq list`` / ``replay`` count it once
``vaxtrail_dlq_source``         ``topic/partition/offset`` (the same, in the format of earlier versions)
``vaxtrail_dlq_event_id``       ``ce_id`` of the event (empty when the record does not decode)
``vaxtrail_dlq_event_type``     ``ce_type`` (empty when the record does not decode)
``vaxtrail_dlq_own_event``      ``true`` when the record is one of our events (decodes as an envelope and
                                its type starts with ``vaxtrail.``): a bug to fix, not foreign garbage
==============================  ==========================================================================
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import TopicPartition

from eventkit.envelope import StoredEvent
from eventkit.kafka_record import NotAnEvent, from_record

PREFIX = "vaxtrail_dlq_"
UNDECODABLE, UNKNOWN_TYPE, APPLY_FAILED = "undecodable", "unknown-event-type", "apply-failed"


def is_own_event(event: StoredEvent | None) -> bool:
    return event is not None and event.event_type.startswith("vaxtrail.")


@dataclass(frozen=True)
class DeadRecord:
    """A source record the runner gives up on (``event`` is None when it does not decode)."""

    record: Any
    reason: str
    error: str
    event: StoredEvent | None = None

    @property
    def own(self) -> bool:
        return is_own_event(self.event)


def dead_letter_headers(dead: DeadRecord, *, service: str, projection: str) -> list[tuple[str, bytes]]:
    record, event = dead.record, dead.event
    original = list(record.headers or [])
    nulls = [name for name, value in original if value is None]
    extra = {
        "service": service,
        "projection": projection,
        "reason": dead.reason,
        "error": " ".join(dead.error.split())[:4000],
        "topic": record.topic,
        "partition": str(record.partition),
        "offset": str(record.offset),
        "source": f"{record.topic}/{record.partition}/{record.offset}",
        "event_id": str(event.event_id) if event else "",
        "event_type": event.event_type if event else "",
        "own_event": "true" if dead.own else "false",
    }
    if nulls:
        extra["null_headers"] = ",".join(nulls)
    return [(n, v) for n, v in original if v is not None] + [(PREFIX + k, v.encode()) for k, v in extra.items()]


def produce(producer, topic: str, dead: Sequence[DeadRecord], *, service: str, projection: str,
            timeout: float = 30.0) -> None:
    """Send every dead letter, flush, and raise unless the broker acknowledged each one."""
    futures = [
        producer.send(topic, key=d.record.key,
                      # kafka-python refuses a record with neither key nor value; such a record is still dead
                      value=d.record.value if d.record.value is not None or d.record.key is not None else b"",
                      headers=dead_letter_headers(d, service=service, projection=projection))
        for d in dead
    ]
    producer.flush(timeout=timeout)
    for future in futures:
        future.get(timeout=timeout)


@dataclass(frozen=True)
class DeadLetter:
    """A record read back from a dead-letter topic."""

    dlq_topic: str
    dlq_partition: int
    dlq_offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    """The source record's own headers (without the ``vaxtrail_dlq_*`` ones)."""
    service: str
    projection: str
    reason: str
    error: str
    source_topic: str
    source_partition: int | None
    source_offset: int | None
    event_id: str
    event_type: str
    own: bool

    @property
    def identity(self) -> tuple:
        """Copies of one dead letter (a retried batch) share this."""
        if self.source_offset is None:
            return ("dlq", self.dlq_topic, self.dlq_partition, self.dlq_offset)
        return (self.projection, self.source_topic, self.source_partition, self.source_offset)

    @property
    def source(self) -> str:
        if self.source_offset is None:
            return "?"
        return f"{self.source_topic}/{self.source_partition}/{self.source_offset}"

    def event(self) -> StoredEvent:
        """The source record as an event; :class:`~eventkit.kafka_record.NotAnEvent` if it does not decode."""
        return from_record(self.key, self.value, list(self.headers))

    @classmethod
    def from_kafka(cls, record) -> DeadLetter:
        own: list[tuple[str, bytes]] = []
        dlq: dict[str, str] = {}
        for name, value in record.headers or []:
            if name.startswith(PREFIX):
                dlq[name[len(PREFIX):]] = (value or b"").decode("utf-8", errors="replace")
            else:
                own.append((name, value))
        topic, partition, offset = dlq.get("topic", ""), _int(dlq.get("partition")), _int(dlq.get("offset"))
        if offset is None and dlq.get("source", "").count("/") >= 2:  # written by an earlier version
            topic, number, position = dlq["source"].rsplit("/", 2)
            partition, offset = _int(number), _int(position)
        event_id, event_type, is_own = dlq.get("event_id", ""), dlq.get("event_type", ""), dlq.get("own_event")
        if "event_id" not in dlq:  # written by an earlier version: decode the source record
            try:
                event = from_record(record.key, record.value, own)
                event_id, event_type, is_own = str(event.event_id), event.event_type, str(is_own_event(event)).lower()
            except NotAnEvent:
                pass
        return cls(
            dlq_topic=record.topic, dlq_partition=record.partition, dlq_offset=record.offset,
            key=record.key, value=record.value, headers=tuple(own), service=dlq.get("service", ""),
            projection=dlq.get("projection", ""), reason=dlq.get("reason", ""), error=dlq.get("error", ""),
            source_topic=topic, source_partition=partition, source_offset=offset, event_id=event_id,
            event_type=event_type, own=is_own == "true",
        )


def _int(text: str | None) -> int | None:
    return int(text) if text and text.lstrip("-").isdigit() else None


def read_dead_letters(consumer_factory: Callable[[], Any], topic: str, *, timeout: float = 60.0) -> list[DeadLetter]:
    """Every record of ``topic`` from offset 0 to its current end, in (partition, offset) order.

    ``consumer_factory`` builds a consumer without a group (nothing is committed).
    """
    consumer = consumer_factory()
    try:
        deadline = time.monotonic() + min(timeout, 10.0)
        while not (numbers := consumer.partitions_for_topic(topic)):
            if time.monotonic() > deadline:
                raise LookupError(f"topic {topic} does not exist")
            time.sleep(0.1)
        partitions = [TopicPartition(topic, p) for p in sorted(numbers)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        records: list = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end in {timeout:.0f}s")
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(r for r in batch if r.offset < end[TopicPartition(r.topic, r.partition)])
    finally:
        consumer.close(autocommit=False)
    return [DeadLetter.from_kafka(r) for r in sorted(records, key=lambda r: (r.partition, r.offset))]


def group_copies(letters: Iterable[DeadLetter]) -> list[list[DeadLetter]]:
    """Dead letters grouped by identity (first copy first), in the order of their first copies."""
    groups: dict[tuple, list[DeadLetter]] = {}
    for letter in letters:
        groups.setdefault(letter.identity, []).append(letter)
    return list(groups.values())
