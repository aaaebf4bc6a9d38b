"""``vaxtrail rebuild`` of a large topic (1,000,000 events by default) into the largest read model.

The largest read model is inventory's ``stock_on_hand`` (one ``stock_ledger`` row per movement, balances per
stock item). The benchmark puts ``events`` receipts on its own topic (``bench.<run id>.rebuild``, built
without a database by :func:`vaxtrail_cli.bench.receipts.envelopes`: streams, versions and hash chains as
the inventory store writes them), migrates its own database (``bench_<run id>_rebuild``), then does what
``vaxtrail rebuild inventory stock_on_hand --replay`` does - reset, replay in this process with the worker's
loop, a progress bar on stderr - and reports the time and the rate. Raw consume of the same topic is
measured first, in the same run, as the limit.
"""

from __future__ import annotations

import dataclasses
import time

from eventkit import db
from eventkit.projections import rebuild
from eventkit.settings import with_database
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
from vaxtrail_cli.bench.kafka_limits import Figure, raw_consume
from vaxtrail_cli.bench.receipts import DOSES_PER_RECEIPT, envelopes, produce, records_of
from vaxtrail_cli.bench.throughput import stock_runner

PARTITIONS = 6


def resources(names: BenchNames) -> BenchResources:
    topics = {names.topic("rebuild"): PARTITIONS, names.topic("rebuild-dlq"): 1}
    return BenchResources(topics=list(topics), groups=[names.group("rebuild.stock_on_hand")],
                          databases=[names.database("rebuild")], partitions=topics)


def run(server_url: str, bootstrap: str, events: int, out=print, *, names: BenchNames | None = None,
        progress=None) -> dict:
    names = names or bench_names()
    plan = resources(names)
    assert_isolated(plan, names)
    topic, dlq_topic = plan.topics
    [group] = plan.groups
    [database] = plan.databases
    pool = None
    try:
        create_topics(bootstrap, plan.partitions)
        codec = build_codec()
        out(f"putting {events:,} DoseReceived events on {topic} ...")
        started = time.perf_counter()
        produce(bootstrap, topic, records_of(envelopes(codec, events)),
                progress=lambda n: out(f"  {n:,} produced") if n % 250_000 == 0 else None)
        out(f"  {events:,} events in {time.perf_counter() - started:,.0f} s; raw consume of them ...")
        consumed = raw_consume(bootstrap, topic, PARTITIONS, events)
        db.ensure_database(server_url, database)
        url = with_database(server_url, database)
        db.migrate(url, MIGRATIONS)
        pool = db.make_pool(url, max_size=4)
        runner = stock_runner(pool, codec, bootstrap, topic, dlq_topic, group)
        bounds = catchup.topic_bounds(bootstrap, (topic,))
        rebuild(pool, runner.projection)
        replay = catchup.replay_here(runner, pool, bounds, progress=progress or catchup.ProgressBar("rebuild"))
        if not replay.complete:
            raise RuntimeError(f"the rebuild stopped at {replay.events:,} of {replay.total:,} events")
        with pool.connection() as conn:
            total, rows = conn.execute("SELECT (SELECT sum(doses) FROM stock_on_hand),"
                                       " (SELECT count(*) FROM stock_ledger)").fetchone()
        if total != DOSES_PER_RECEIPT * events or rows != events:
            raise RuntimeError(f"rebuild result wrong: {total} doses and {rows} ledger rows for {events} receipts")
    finally:
        if pool is not None:
            pool.close()
        remove_run(names, bootstrap=bootstrap, server_url=server_url, say=out)
    return {
        "run_id": names.run_id,
        "events": events,
        "figures": {
            "rebuild_raw_consume": dataclasses.replace(consumed, name=f"raw consume of the {events:,}-event topic"),
            "rebuild": Figure(f"vaxtrail rebuild inventory stock_on_hand ({events:,} events, whole run)",
                              replay.events, replay.seconds),
            "rebuild_steady": Figure("  the same from its first committed batch", replay.steady_events,
                                     replay.steady_seconds),
        },
    }
