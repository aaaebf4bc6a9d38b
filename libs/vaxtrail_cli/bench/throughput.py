"""Relay and projection throughput against the raw Kafka limits, on the same records in the same run.

The records are real ``DoseReceived`` envelopes (protobuf value, CloudEvents + ``vaxtrail_*`` headers, key =
stock item id; :mod:`vaxtrail_cli.bench.receipts`), committed to a fresh inventory event store:

- event store append (a bonus figure): 50 events per append, one stock item per append;
- raw produce / raw consume (:mod:`vaxtrail_cli.bench.kafka_limits`): steady state, tuned fetch sizes;
- relay: committed events -> Kafka (read after the cursor, build records, send, flush, check every ack, move
  the cursor), timed after its first batch (producer connection and metadata excluded);
- projection: the inventory ``stock_on_hand`` projection's worker loop (:meth:`ProjectionRunner.run`: decode,
  stream marks, batch apply, tracking, ``COMMIT``; decoding overlapped with the database) with the raw
  consumer's fetch sizes and batch size, timed from its first committed batch to the last.

Each runs in the run's own topics (``bench.<run id>.raw`` / ``.relay`` / ``.dlq``), consumer group and
database (``bench_<run id>_inventory``), never the stack's, and removes them afterwards.
"""

from __future__ import annotations

import dataclasses
import time

from eventkit import db
from eventkit.aggregates import draft
from eventkit.envelope import CommandContext
from eventkit.kafka import make_consumer, make_producer
from eventkit.kafka_record import to_record
from eventkit.projections import ProjectionRunner
from eventkit.relay import Relay
from eventkit.settings import with_database
from eventkit.store import AggregateChanges
from eventkit.store.postgres import PostgresEventStore
from services.inventory import domain, projections
from services.inventory.bootstrap import MIGRATIONS
from services.inventory.codec import build_codec
from vaxtrail_cli import catchup
from vaxtrail_cli.bench import (
    BenchNames,
    BenchResources,
    assert_isolated,
    bench_names,
    create_topics,
    remove_run,
)
from vaxtrail_cli.bench.kafka_limits import FETCH, POLL_RECORDS, Figure, raw_consume, raw_produce
from vaxtrail_cli.bench.receipts import DOSES_PER_RECEIPT, receipts

PARTITIONS = 6
EVENTS_PER_APPEND = 50
RELAY_BATCH = 2000


def resources(names: BenchNames) -> BenchResources:
    """The topics, consumer groups and database this benchmark creates for run ``names``."""
    topics = {names.topic("raw"): PARTITIONS, names.topic("relay"): PARTITIONS, names.topic("dlq"): 1}
    return BenchResources(topics=list(topics), groups=[names.group("stock_on_hand")],
                          databases=[names.database("inventory")], partitions=topics)


def run(server_url: str, bootstrap: str, events: int, out=print, *, names: BenchNames | None = None) -> dict:
    names = names or bench_names()
    plan = resources(names)
    assert_isolated(plan, names)
    raw_topic, relay_topic, dlq_topic = plan.topics
    [group] = plan.groups
    [database] = plan.databases
    pool = None
    try:
        create_topics(bootstrap, plan.partitions)
        db.ensure_database(server_url, database)
        url = with_database(server_url, database)
        db.migrate(url, MIGRATIONS)
        pool = db.make_pool(url, max_size=4)
        codec = build_codec()
        store = PostgresEventStore(pool, service="bench")
        out(f"appending {events:,} DoseReceived events to a fresh event store ...")
        append = _fill_store(store, codec, receipts(events))
        records = [to_record(e) for e in store.read_after(0, limit=events)]
        out("raw produce, raw consume ...")
        produced = raw_produce(bootstrap, raw_topic, records)
        consumed = raw_consume(bootstrap, raw_topic, PARTITIONS, len(records))
        out("relay ...")
        relay = _relay(store, pool, bootstrap, relay_topic, events)
        out("projection ...")
        projection = _projection(pool, codec, bootstrap, relay_topic, dlq_topic, group)
        with pool.connection() as conn:
            total = conn.execute("SELECT sum(doses) FROM stock_on_hand").fetchone()[0]
        if total != DOSES_PER_RECEIPT * events:
            raise RuntimeError(f"projection result wrong: {total} doses, expected {DOSES_PER_RECEIPT * events}")
    finally:
        if pool is not None:
            pool.close()
        remove_run(names, bootstrap=bootstrap, server_url=server_url, say=out)
    return {
        "run_id": names.run_id,
        "events": events,
        "figures": {"append": append, "raw_produce": produced, "raw_consume": consumed, "relay": relay,
                    "projection": projection},
    }


def _fill_store(store: PostgresEventStore, codec, events: list[domain.DoseReceived]) -> Figure:
    """Append the receipts as real commands would (one stock item per append)."""
    by_item: dict[str, list[domain.DoseReceived]] = {}
    for event in events:
        by_item.setdefault(domain.stock_item_id(event.location_id, event.lot_id), []).append(event)
    versions = dict.fromkeys(by_item, 0)
    context = CommandContext(actor_id="bench", actor_role="national_admin")
    started = time.perf_counter()
    pending = {item: list(evs) for item, evs in by_item.items()}
    while pending:
        for item in list(pending):
            chunk, pending[item] = pending[item][:EVENTS_PER_APPEND], pending[item][EVENTS_PER_APPEND:]
            store.append([AggregateChanges("stock_item", item, versions[item], [draft(codec, e) for e in chunk])],
                         context, producer="inventory/bench")
            versions[item] += len(chunk)
            if not pending[item]:
                del pending[item]
    return Figure(f"event store append ({EVENTS_PER_APPEND} events per append)", len(events),
                  time.perf_counter() - started)


def _relay(store, pool, bootstrap: str, topic: str, events: int) -> Figure:
    relay = Relay(store, pool, lambda: make_producer(bootstrap, client_id="bench-relay"), topic=topic,
                  service="bench", batch_size=RELAY_BATCH)
    first = relay.publish_batch()  # the producer connects and fetches metadata: not steady state
    started = time.perf_counter()
    while relay.publish_batch():
        pass
    return Figure("relay: store -> Kafka", events - first, time.perf_counter() - started)


def stock_runner(pool, codec, bootstrap: str, topic: str, dlq_topic: str, group: str) -> ProjectionRunner:
    """inventory's ``stock_on_hand`` on ``topic``, with the raw consumer's fetch sizes and batch size."""
    return ProjectionRunner(
        dataclasses.replace(projections.stock_on_hand(codec), topics=(topic,)), pool,
        lambda _declared: make_consumer(bootstrap, group_id=group, client_id="bench-projection",
                                        max_poll_records=POLL_RECORDS, **FETCH),
        lambda: make_producer(bootstrap, client_id="bench-dlq"),
        service="bench", dlq_topic=dlq_topic, batch_size=POLL_RECORDS,
    )


def _projection(pool, codec, bootstrap: str, topic: str, dlq_topic: str, group: str) -> Figure:
    runner = stock_runner(pool, codec, bootstrap, topic, dlq_topic, group)
    bounds = catchup.topic_bounds(bootstrap, (topic,))
    replay = catchup.replay_here(runner, pool, bounds, progress=lambda *_: None, interval=0.25)
    if not replay.complete:
        raise RuntimeError(f"the projection stopped at {replay.events:,} of {replay.total:,} events")
    return Figure("projection: Kafka -> stock_on_hand (worker loop)", replay.steady_events, replay.steady_seconds)
