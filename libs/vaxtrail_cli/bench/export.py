"""Benchmark: ``vaxtrail export`` throughput beside a raw consume of the same records.

One run produces ``events`` real ``DoseAdministered`` envelopes (protobuf value + CloudEvents / vaxtrail
headers, person ids to pseudonymise) to its own topic ``bench.<run id>.export``, then measures on the same
broker:

- raw consume: a plain kafka-python consumer reading every record (no decoding, nothing written);
- export: :func:`vaxtrail_analytics.export.export` - decode, flatten, pseudonymise, write Parquet, commit
  chunks - into a temporary folder, then the DuckDB views.

Self-contained: ``run(out) -> dict`` finds the broker itself (``KAFKA_BOOTSTRAP`` or the local stack, started if
needed), uses only the run's ``bench.<run id>.*`` names (:mod:`vaxtrail_cli.bench`) and deletes them afterwards.
"""

from __future__ import annotations

import platform
import secrets
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from google.protobuf.timestamp_pb2 import Timestamp
from kafka import TopicPartition

from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash, uuid7
from eventkit.kafka import make_consumer, make_producer
from eventkit.kafka_record import to_record
from vaxtrail.immunization.v1 import events_pb2 as immunization_pb2
from vaxtrail_cli.bench import (
    BenchNames,
    BenchResources,
    assert_isolated,
    bench_names,
    create_topics,
    remove_run,
)

PARTITIONS = 6
NAME = "export"


def resources(names: BenchNames) -> BenchResources:
    topic = names.topic(NAME)
    return BenchResources(topics=[topic], partitions={topic: PARTITIONS})


def _records(count: int) -> list:
    start = datetime(2021, 7, 1, 1, 0, tzinfo=UTC)
    records = []
    for i in range(count):
        given = Timestamp()
        given.FromDatetime(start + timedelta(seconds=i))
        person = f"P-{i % 5000:06d}"
        message = immunization_pb2.DoseAdministered(
            dose_id=f"D-{i:08d}", person_id=person, visit_id=f"V-{i:08d}", session_id=f"SES-{i % 40:03d}",
            site_id=f"S-79-760-{i % 20:02d}", administered_at=given, presentation_id="AZ-VAXZEVRIA-10",
            lot_id="ABV5300", lot_number="ABV5300", series="PRIMARY", dose_number=1 + i % 2,
            performer_id=f"vaccinator-{i % 50}", vaccine_code="210", platform="VIRAL_VECTOR")
        unsigned = StoredEvent(
            position=i + 1, event_id=uuid7(), event_type=message.DESCRIPTOR.full_name, aggregate_type="dose_record",
            aggregate_id=person, aggregate_version=1, occurred_at=start + timedelta(seconds=i),
            recorded_at=start + timedelta(seconds=i), producer="immunization/bench", actor_id="vaccinator-1",
            actor_role="vaccinator", correlation_id=str(uuid.uuid4()), causation_id="", idempotency_key=None,
            payload=message.SerializeToString(), prev_hash=GENESIS_HASH, hash=b"")
        records.append(to_record(StoredEvent(**{**unsigned.__dict__,
                                                "hash": compute_hash(GENESIS_HASH, unsigned)})))
    return records


def _produce(bootstrap: str, topic: str, records) -> None:
    producer = make_producer(bootstrap, client_id="bench-export")
    try:
        futures = [producer.send(topic, key=r.key, value=r.value, headers=r.headers) for r in records]
        producer.flush()
        for future in futures:
            future.get(timeout=60)
    finally:
        producer.close()


def _raw_consume(bootstrap: str, topic: str, expected: int) -> float:
    consumer = make_consumer(bootstrap, group_id=None, client_id="bench-export-raw", max_poll_records=2000)
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    seen, started = 0, time.perf_counter()
    while seen < expected:
        for batch in consumer.poll(timeout_ms=500).values():
            seen += len(batch)
    seconds = time.perf_counter() - started
    consumer.close()
    return seconds


def _bootstrap() -> str:
    import os

    if os.environ.get("KAFKA_BOOTSTRAP"):
        return os.environ["KAFKA_BOOTSTRAP"]
    from vaxtrail_cli.commands.common import stack_paths
    from vaxtrail_cli.stack import stack_up

    return stack_up(stack_paths()).kafka_bootstrap


def run(out=print, *, bootstrap: str | None = None, events: int = 20_000, names: BenchNames | None = None) -> dict:
    """Measure and return the figures (rates in records per second, and their ratio)."""
    from vaxtrail_analytics.export import Pseudonymised, export, write_views

    names = names or bench_names()
    plan = resources(names)
    assert_isolated(plan, names)
    [topic] = plan.topics
    bootstrap = bootstrap or _bootstrap()
    try:
        create_topics(bootstrap, plan.partitions)
        out(f"producing {events:,} DoseAdministered envelopes to {topic} ...")
        _produce(bootstrap, topic, _records(events))
        out("raw consume ...")
        raw = _raw_consume(bootstrap, topic, events)
        out("export ...")
        with tempfile.TemporaryDirectory(prefix="vaxtrail-bench-export-") as folder:
            result = export(bootstrap, [topic], Path(folder), Pseudonymised(secrets.token_bytes(32)))
            started = time.perf_counter()
            write_views(Path(folder))
            views = time.perf_counter() - started
        if result.written != events:
            raise RuntimeError(f"export wrote {result.written} events, expected {events}")
    finally:
        remove_run(names, bootstrap=bootstrap, say=out)
    return {
        "name": "export vs raw consume",
        "run_id": names.run_id,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "events": events,
        "raw_consume_per_s": round(events / raw),
        "export_per_s": round(events / result.seconds),
        "duckdb_views_seconds": round(views, 3),
        "export / raw consume": round((events / result.seconds) / (events / raw), 3),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
