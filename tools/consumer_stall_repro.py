"""Reproduce the projection consumer stall against a local KRaft broker (docs/architecture.md, "Assignment
and stall guards").

What a service worker saw on a loaded 2-core machine: a kafka-python consumer with every partition assigned
stopped returning records while its topics grew, with no error. Cause: kafka-python 3.0.12 applies a group
rebalance (JoinGroup + SyncGroup) only while a ``poll()`` waits for it; a leader-asked rebalance whose round
trip outlives the poll is never applied, and the consumer stays ``REBALANCING`` with nothing fetchable.

This script runs consumers the way a worker does - one thread and one group per projection, static
membership, a rebalance listener, the runner's loop (poll, work, commit) - while producer processes write,
optional CPU burners load the machine and every ``--grow-every`` seconds each topic gains a partition (the
group leaders then rebalance; on the real stack the first rebalance after start-up did the same). A consumer
that returns nothing for ``--stall-seconds`` while behind is reported with kafka-python's view of it.

    .venv/bin/python tools/consumer_stall_repro.py --poll-ms 0                   # stalls at the first growth
    .venv/bin/python tools/consumer_stall_repro.py --poll-ms 0 --client eventkit # eventkit.kafka.GroupConsumer
    .venv/bin/python tools/consumer_stall_repro.py --burners 4 --minutes 2 --grow-every 5 --gap-ms 200

With ``--poll-ms 0`` no rebalance can finish inside a poll, so the plain client stalls every time (6 of 6
consumers, about 20 s into the run); ``--client eventkit`` never stalls. With the runner's 500 ms polls it
takes a machine loaded enough that a rebalance round trip outlives what is left of the poll: the last line
stalled 1 of 6 consumers in one of two runs at load average 30-45 here (eventkit: 0 of 6). Without
``--bootstrap`` a throwaway broker (the test suite's configuration) is started. Exit status 1 when a
consumer stalled; each stall is reported in ``--report`` with kafka-python's view of the consumer.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from kafka import KafkaConsumer
from kafka.consumer.subscription_state import ConsumerRebalanceListener

from eventkit.kafka import consumer_options, make_admin, make_consumer, make_producer


def produce(bootstrap: str, topics: list[str], rate: float, stop_at: float, seed: int) -> None:
    """A relay-like producer: keyed records, flushed in batches of 20, ``rate`` records/s."""
    producer = make_producer(bootstrap, client_id=f"repro-relay-{seed}")
    sent, started = 0, time.monotonic()
    while time.monotonic() < stop_at:
        for _ in range(20):
            producer.send(topics[sent % len(topics)], key=uuid.uuid4().bytes, value=os.urandom(300))
            sent += 1
        producer.flush()
        time.sleep(max(0.0, sent / rate - (time.monotonic() - started)))
    producer.close()


def burn(stop_at: float) -> None:
    while time.monotonic() < stop_at:
        sum(i * i for i in range(10_000))


def describe(consumer) -> str:
    """kafka-python's view of why a consumer does or does not fetch (private attributes: diagnostics only)."""
    coordinator, subscription = consumer._coordinator, consumer._subscription
    lines = [f"group member: {consumer.group_metadata()} need_rejoin={coordinator.need_rejoin()}"]
    for tp in sorted(subscription.assigned_partitions()):
        state = subscription.assignment[tp]
        lines.append(f"  {tp.topic}/{tp.partition}: position={state.position and state.position.offset} "
                     f"fetchable={state.is_fetchable()} awaiting_reset={state.awaiting_reset} "
                     f"awaiting_validation={state.awaiting_validation}")
    return "\n".join(lines)


class Projection(threading.Thread):
    """One consumer thread doing what ProjectionRunner does, with a sleep for its database work."""

    def __init__(self, n: int, args, topics: list[str]) -> None:
        super().__init__(name=f"projection-{n}", daemon=True)
        self.n, self.args, self.topics = n, args, topics
        self.records, self.stalled, self.consumer = 0, None, None
        self.stop = threading.Event()

    def build(self):
        group, overrides = f"repro.{self.args.run}.g{self.n}", {"metadata_max_age_ms": self.args.metadata_max_age_ms}
        if self.args.client == "eventkit":
            return make_consumer(self.args.bootstrap, group_id=group, client_id=f"repro-c{self.n}",
                                 instance_id="host", **overrides)
        return KafkaConsumer(**consumer_options(self.args.bootstrap, group_id=group, client_id=f"repro-c{self.n}",
                                                instance_id="host", **overrides))

    def run(self) -> None:
        self.consumer = consumer = self.build()
        for topic in self.topics:  # the runner's start-up before the stall was found: metadata, then subscribe
            while not consumer.partitions_for_topic(topic):
                time.sleep(0.1)
        consumer.subscribe(self.topics, listener=_Listener())
        last_record, behind_since = time.monotonic(), None
        while not self.stop.is_set():
            # the first join with an ordinary poll, so that every consumer starts with its partitions
            batches = consumer.poll(timeout_ms=self.args.poll_ms if consumer.assignment() else 5000, max_records=500)
            time.sleep(self.args.gap_ms / 1000)  # the batch transaction, the lag gauge, the generation check
            if batches:
                self.records += sum(len(batch) for batch in batches.values())
                consumer.commit()
                last_record, behind_since = time.monotonic(), None
                continue
            if self.stalled or time.monotonic() - last_record < self.args.stall_seconds:
                continue
            assigned = sorted(consumer.assignment())
            positions = {tp: consumer._subscription.assignment[tp].position for tp in assigned}
            ends = consumer.end_offsets(assigned) if assigned else {}
            behind = sum(ends[tp] - p.offset for tp, p in positions.items() if p is not None and ends[tp] > p.offset)
            behind = behind if assigned else "all (nothing assigned)"
            if not behind:
                behind_since = None
            elif behind_since is None:
                behind_since, first_seen = time.monotonic(), describe(consumer)
            elif time.monotonic() - behind_since >= self.args.stall_seconds:
                self.stalled = f"{behind} records behind, none returned for {time.monotonic() - last_record:.0f} s"
                path = self.args.report / f"stall-{self.args.run}-{self.name}.txt"
                path.write_text(f"{self.name}: {self.stalled}\nwhen first seen behind:\n{first_seen}\n"
                                f"now:\n{describe(consumer)}\n")
                print(f"STALL {self.name}: {self.stalled}; report {path}", flush=True)
        consumer.close(autocommit=False)


class _Listener(ConsumerRebalanceListener):
    """Like the runner's: having a listener is what makes kafka-python gate partitions during a rebalance."""

    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        pass


def start_broker(root: Path):
    from vaxtrail_cli import kafka_broker, processes
    from vaxtrail_cli.paths import StackPaths

    port, controller = processes.free_ports(2)
    cfg = kafka_broker.BrokerConfig(home=root / "kafka", libs=StackPaths.from_env(cwd=Path.cwd()).kafka_libs,
                                    log_file=root / "kafka.log", pid_file=root / "kafka.pid", port=port,
                                    controller_port=controller, fast_start=True)
    kafka_broker.start(cfg, timeout=120)
    return cfg


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bootstrap", help="an existing broker (default: start a throwaway one)")
    p.add_argument("--client", choices=("raw", "eventkit"), default="raw",
                   help="plain kafka-python KafkaConsumer, or eventkit.kafka.make_consumer's GroupConsumer")
    p.add_argument("--minutes", type=float, default=1.0)
    p.add_argument("--poll-ms", type=int, default=500, help="poll timeout (the runner's: 500)")
    p.add_argument("--gap-ms", type=int, default=100, help="work between polls (the runner's transaction etc.)")
    p.add_argument("--grow-every", type=float, default=15.0, help="add a partition to every topic this often (s)")
    p.add_argument("--metadata-max-age-ms", type=int, default=1000, help="how soon a leader sees new partitions")
    p.add_argument("--topics", type=int, default=2)
    p.add_argument("--partitions", type=int, default=6)
    p.add_argument("--consumers", type=int, default=6, help="consumer threads, one group each (a worker's projections)")
    p.add_argument("--producers", type=int, default=1)
    p.add_argument("--rate", type=float, default=200.0, help="records/s per producer")
    p.add_argument("--burners", type=int, default=0, help="CPU-burning processes")
    p.add_argument("--stall-seconds", type=float, default=10.0)
    p.add_argument("--report", type=Path, default=Path(tempfile.gettempdir()) / "consumer-stall-repro")
    args = p.parse_args(argv)
    args.run = uuid.uuid4().hex[:6]
    args.report.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.ERROR, format="%(asctime)s %(threadName)s %(name)s %(message)s")

    cfg = None
    if not args.bootstrap:
        cfg = start_broker(Path(tempfile.mkdtemp(prefix="stall-repro-")))
        args.bootstrap = cfg.bootstrap
    topics = [f"repro.{args.run}.t{i}" for i in range(args.topics)]
    admin = make_admin(args.bootstrap)
    admin.create_topics({t: {"num_partitions": args.partitions, "replication_factor": 1} for t in topics})

    stop_at = time.monotonic() + args.minutes * 60
    ctx = mp.get_context("spawn")
    children = [ctx.Process(target=produce, args=(args.bootstrap, topics, args.rate, stop_at, i))
                for i in range(args.producers)]
    children += [ctx.Process(target=burn, args=(stop_at,)) for _ in range(args.burners)]
    projections = [Projection(n, args, [topics[(n + k) % len(topics)] for k in range(min(2, len(topics)))])
                   for n in range(args.consumers)]
    for proc in children + projections:
        proc.start()
    partitions, next_growth = args.partitions, time.monotonic() + args.grow_every
    try:
        while time.monotonic() < stop_at:
            time.sleep(1)
            if time.monotonic() >= next_growth:
                partitions += 1
                admin.create_partitions({t: partitions for t in topics})
                next_growth += args.grow_every
                print(f"{time.strftime('%H:%M:%S')} every topic now has {partitions} partitions", flush=True)
    finally:
        for pr in projections:
            pr.stop.set()
        for proc in children:
            proc.join()
        for pr in projections:
            pr.join(timeout=30)
        admin.close()
        if cfg is not None:
            from vaxtrail_cli import kafka_broker
            kafka_broker.stop(cfg, timeout=20)
    stalled = [pr for pr in projections if pr.stalled]
    print(f"client {args.client}, poll {args.poll_ms} ms, load {os.getloadavg()[0]:.1f}: "
          f"{len(stalled)} of {len(projections)} consumers stalled; records read {[pr.records for pr in projections]}")
    return 1 if stalled else 0


if __name__ == "__main__":
    sys.exit(main())
