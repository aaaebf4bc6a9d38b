"""The benchmarks behind ``vaxtrail bench`` / ``make bench``: raw Kafka limits vs. relay and projections.

All four figures are measured in one run on the same machine and the same broker, with the same records
(real ``DoseReceived`` envelopes: protobuf value + CloudEvents/vaxtrail headers, key = stock item id):

- raw produce: kafka-python's idempotent producer (the relay's own settings) sending pre-built records;
- raw consume: a plain consumer reading them back (no decoding, no database);
- relay: events already committed in the store -> Kafka (read, send, flush, cursor update);
- projection: the inventory ``stock_on_hand`` projection applying them (decode, upsert, tracking, dedupe).

Each runs in throwaway topics and a throwaway database that are removed afterwards.
"""

from __future__ import annotations

import json
import platform
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kafka import TopicPartition
from kafka.admin import NewTopic

from eventkit import db
from eventkit.aggregates import Repository
from eventkit.envelope import CommandContext
from eventkit.kafka import make_admin, make_consumer, make_producer
from eventkit.kafka_record import to_record
from eventkit.projections import ProjectionRunner
from eventkit.relay import Relay
from eventkit.settings import with_database
from eventkit.store import AggregateChanges
from eventkit.store.postgres import PostgresEventStore
from services.inventory import domain, projections
from services.inventory.bootstrap import MIGRATIONS
from services.inventory.codec import build_codec

PARTITIONS = 6
EVENTS_PER_APPEND = 50


@dataclass
class Figure:
    name: str
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def _receipts(count: int) -> list[domain.DoseReceived]:
    start = datetime(2021, 4, 1, tzinfo=UTC)
    return [
        domain.DoseReceived(
            location_id=f"NAT-EPI-{i % 500:03d}", lot_id=f"ABV{i % 500:04d}", presentation_id="AZ-VAXZEVRIA-10",
            doses=100, vials=10, source="covax", shipment_reference=f"COVAX-2021-{i:06d}",
            received_at=start + timedelta(seconds=i), storage_unit_id="NAT-COLDROOM-2", vvm_stage=1,
            temperature_log_ok=True,
        )
        for i in range(count)
    ]


def _fill_store(store: PostgresEventStore, codec, events: list[domain.DoseReceived]) -> Figure:
    """Append the receipts as real commands would (one stock item per append); timed as a bonus figure."""
    by_item: dict[str, list[domain.DoseReceived]] = {}
    for event in events:
        by_item.setdefault(domain.stock_item_id(event.location_id, event.lot_id), []).append(event)
    versions = dict.fromkeys(by_item, 0)
    context = CommandContext(actor_id="bench", actor_role="national_admin")
    repository = Repository(store, codec, producer="inventory/bench")
    started = time.perf_counter()
    pending = {item: list(evs) for item, evs in by_item.items()}
    while pending:
        for item in list(pending):
            chunk, pending[item] = pending[item][:EVENTS_PER_APPEND], pending[item][EVENTS_PER_APPEND:]
            store.append([AggregateChanges("stock_item", item, versions[item], [repository.draft(e) for e in chunk])],
                         context, producer="inventory/bench")
            versions[item] += len(chunk)
            if not pending[item]:
                del pending[item]
    return Figure(f"event store append ({EVENTS_PER_APPEND} events per append)", len(events),
                  time.perf_counter() - started)


def _raw_produce(bootstrap: str, topic: str, records) -> Figure:
    producer = make_producer(bootstrap, client_id="bench-raw")
    started = time.perf_counter()
    futures = [producer.send(topic, key=r.key, value=r.value, headers=r.headers) for r in records]
    producer.flush()
    for future in futures:
        future.get(timeout=60)
    seconds = time.perf_counter() - started
    producer.close()
    return Figure("raw kafka-python produce (idempotent, acks=all)", len(records), seconds)


def _raw_consume(bootstrap: str, topic: str, expected: int) -> Figure:
    consumer = make_consumer(bootstrap, group_id=None, client_id="bench-raw", max_poll_records=2000)
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    seen = 0
    started = time.perf_counter()
    while seen < expected:
        for batch in consumer.poll(timeout_ms=500).values():
            seen += len(batch)
    seconds = time.perf_counter() - started
    consumer.close()
    return Figure("raw kafka-python consume", seen, seconds)


def run(server_url: str, bootstrap: str, events: int, out=print) -> dict:
    tag = uuid.uuid4().hex[:8]
    database = f"bench_{tag}"
    raw_topic, relay_topic, dlq_topic = f"bench.{tag}.raw", f"bench.{tag}.relay", f"bench.{tag}.dlq"
    admin = make_admin(bootstrap)
    admin.create_topics([NewTopic(raw_topic, PARTITIONS, 1), NewTopic(relay_topic, PARTITIONS, 1),
                         NewTopic(dlq_topic, 1, 1)])
    db.ensure_database(server_url, database)
    url = with_database(server_url, database)
    db.migrate(url, MIGRATIONS)
    pool = db.make_pool(url, max_size=4)
    codec = build_codec()
    try:
        store = PostgresEventStore(pool, service="bench")
        out(f"appending {events:,} DoseReceived events to a fresh event store ...")
        append = _fill_store(store, codec, _receipts(events))
        records = [to_record(e) for e in store.read_after(0, limit=events)]
        out("raw produce ...")
        raw_produce = _raw_produce(bootstrap, raw_topic, records)
        out("raw consume ...")
        raw_consume = _raw_consume(bootstrap, raw_topic, len(records))

        out("relay ...")
        relay = Relay(store, pool, lambda: make_producer(bootstrap, client_id="bench-relay"), topic=relay_topic,
                      service="bench", batch_size=2000)
        started = time.perf_counter()
        while relay.publish_batch():
            pass
        relay_figure = Figure("relay: store -> Kafka", events, time.perf_counter() - started)

        out("projection ...")
        runner = ProjectionRunner(
            projections.stock_on_hand(relay_topic, codec), pool,
            lambda group: make_consumer(bootstrap, group_id=f"{group}.{tag}", client_id="bench-projection",
                                        max_poll_records=1000),
            lambda: make_producer(bootstrap, client_id="bench-dlq"),
            service="bench", dlq_topic=dlq_topic, batch_size=1000,
        )
        runner.start()
        applied = 0
        started = None
        while applied < events:
            count = runner.poll_once(500)
            if count and started is None:
                started = time.perf_counter()  # from the first batch: excludes the group join
            applied += count
        projection_figure = Figure("projection: Kafka -> stock_on_hand", applied, time.perf_counter() - started)
        runner.close()
        with pool.connection() as conn:
            total = conn.execute("SELECT sum(doses) FROM stock_on_hand").fetchone()[0]
        if total != 100 * events:
            raise RuntimeError(f"projection result wrong: {total} doses, expected {100 * events}")
    finally:
        pool.close()
        db.drop_database(server_url, database)
        admin.delete_topics([raw_topic, relay_topic, dlq_topic])
        admin.close()

    figures = [append, raw_produce, raw_consume, relay_figure, projection_figure]
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": _cpus(), "python": platform.python_version(), "platform": platform.platform()},
        "events": events,
        "figures": [asdict(f) | {"rate_per_s": round(f.rate)} for f in figures],
        "ratios": {
            "relay / raw produce": round(relay_figure.rate / raw_produce.rate, 3),
            "projection / raw consume": round(projection_figure.rate / raw_consume.rate, 3),
        },
    }


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def render_markdown(result: dict) -> str:
    lines = [
        f"# Benchmark {result['when']}",
        "",
        f"{result['events']:,} DoseReceived events; {result['machine']['cpus']} CPUs; Python "
        f"{result['machine']['python']}; one single-node local broker and PostgreSQL on the same machine.",
        "",
        "| measurement | events | seconds | events/s |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {f['name']} | {f['events']:,} | {f['seconds']:.2f} | {f['rate_per_s']:,} |" for f in result["figures"]]
    lines += ["", "| ratio | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.2f} |" for name, value in result["ratios"].items()]
    return "\n".join(lines) + "\n"


def write_results(result: dict, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = result["when"].replace(":", "").replace("-", "")[:15]
    json_path = directory / f"bench-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    md_path = directory / "latest.md"
    md_path.write_text(render_markdown(result))
    return json_path, md_path
