"""The limits the relay and the projections are measured against: raw kafka-python produce and consume.

Both are steady-state rates - what a long-running relay or worker sees - so that a ratio to them is honest:

- produce: the relay's producer settings (idempotent, ``acks=all``) sending pre-built records until every send
  is acknowledged; the clock starts after the producer has connected and fetched the topic's metadata
  (one record sent and acknowledged first, not counted);
- consume: a plain consumer (no decoding, no database) reading the records back with :data:`FETCH` sizes,
  the same a benchmarked projection runner gets; the clock starts at the first records returned (connection,
  metadata and the first fetch excluded) and stops at the last.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kafka import TopicPartition

from eventkit.kafka import make_consumer, make_producer

FETCH = {"fetch_max_bytes": 64 * 1024 * 1024, "max_partition_fetch_bytes": 8 * 1024 * 1024}
"""Fetch sizes for benchmarked consumers (kafka-python's defaults are 50 MiB / 1 MiB per partition)."""
POLL_RECORDS = 2000
"""Records per poll: the raw consumer's ``max_poll_records`` and the benchmarked runners' batch size."""


@dataclass
class Figure:
    name: str
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {"name": self.name, "events": self.events, "seconds": round(self.seconds, 3),
                "rate_per_s": round(self.rate)}


def raw_produce(bootstrap: str, topic: str, records) -> Figure:
    producer = make_producer(bootstrap, client_id="bench-raw")
    try:
        first, rest = records[0], records[1:]
        producer.send(topic, key=first.key, value=first.value, headers=first.headers).get(timeout=60)
        started = time.perf_counter()
        futures = [producer.send(topic, key=r.key, value=r.value, headers=r.headers) for r in rest]
        producer.flush()
        for future in futures:
            future.get(timeout=60)
        seconds = time.perf_counter() - started
    finally:
        producer.close()
    return Figure("raw kafka-python produce (idempotent, acks=all)", len(rest), seconds)


def raw_consume(bootstrap: str, topic: str, partitions: int, expected: int) -> Figure:
    consumer = make_consumer(bootstrap, group_id=None, client_id="bench-raw", max_poll_records=POLL_RECORDS,
                             **FETCH)
    try:
        assigned = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        seen = 0
        deadline = time.monotonic() + 120
        while not seen:  # connection, metadata, offsets and the first fetch: not steady state
            seen = sum(len(batch) for batch in consumer.poll(timeout_ms=1000).values())
            if time.monotonic() > deadline:
                raise TimeoutError(f"no record from {topic}")
        first = seen
        started = time.perf_counter()
        while seen < expected:
            seen += sum(len(batch) for batch in consumer.poll(timeout_ms=1000).values())
            if time.monotonic() > deadline + 600:
                raise TimeoutError(f"read {seen:,} of {expected:,} records from {topic}")
        seconds = time.perf_counter() - started
    finally:
        consumer.close()
    return Figure("raw kafka-python consume (steady state)", seen - first, seconds)
