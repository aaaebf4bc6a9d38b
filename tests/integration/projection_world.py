"""A small world for projection-runner tests: a store, its relay, a topic and a counting read model.

The read model ``applications`` gets one row per handler call and has no uniqueness constraint, so an
event applied twice shows as two rows. ``Behaviour`` lets a test make the handler fail for some payloads,
run a hook first (to raise a transient error once, or to stop at a :class:`Gate`), and fix it later.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg
from psycopg_pool import ConnectionPool

from eventkit import db
from eventkit.envelope import CommandContext, EventDraft
from eventkit.kafka import make_consumer, make_producer
from eventkit.projections import Projection, ProjectionRunner
from eventkit.relay import Relay
from eventkit.store import AggregateChanges
from eventkit.store.postgres import PostgresEventStore

TICK = "vaxtrail.test.v1.Tick"
NOISE = "vaxtrail.test.v1.Noise"


class Gate:
    """Stops the first handler call after :meth:`arm` until :meth:`release` (``entered`` is set meanwhile)."""

    def __init__(self) -> None:
        self.armed = False
        self.entered = threading.Event()
        self._released = threading.Event()

    def arm(self) -> None:
        self.armed = True

    def release(self) -> None:
        self._released.set()

    def __call__(self, conn, event, payload: bytes) -> None:
        if self.armed:
            self.armed = False
            self.entered.set()
            if not self._released.wait(120):
                raise RuntimeError("the test never released the gate")


@dataclass
class Behaviour:
    broken: set[bytes] = field(default_factory=set)
    """Payloads whose application raises ValueError (a bug in the handler)."""
    before: list[Callable] = field(default_factory=list)
    """Called as ``hook(conn, event, payload)`` before every application."""


def counting_projection(topic: str, behaviour: Behaviour, name: str = "applications") -> Projection:
    def apply(conn, event, payload: bytes) -> None:
        for hook in behaviour.before:
            hook(conn, event, payload)
        if payload in behaviour.broken:
            raise ValueError(f"this handler cannot apply {payload!r} yet")
        conn.execute("INSERT INTO applications (event_id, aggregate_id, payload) VALUES (%s, %s, %s)",
                     (event.event_id, event.aggregate_id, payload.decode()))

    return Projection(name=name, topics=(topic,), handlers={TICK: apply}, ignored=frozenset({NOISE}),
                      tables=("applications",))


NULL_MARKER = b"\x00null-header-value\x00"


class NullHeaderValues:
    """A consumer that hands out header values equal to :data:`NULL_MARKER` as ``None``.

    Java and librdkafka producers can send a header with a null value (kafka-python reads it as ``None``),
    but kafka-python's producer cannot; so a test sends the marker and the runner sees what such a
    producer's record looks like to kafka-python.
    """

    def __init__(self, consumer) -> None:
        self._consumer = consumer

    def poll(self, *args, **kwargs):
        return {tp: [r._replace(headers=[(k, None if v == NULL_MARKER else v) for k, v in r.headers or []])
                     for r in records]
                for tp, records in self._consumer.poll(*args, **kwargs).items()}

    def __getattr__(self, name):
        return getattr(self._consumer, name)


@dataclass
class World:
    database: str
    bootstrap: str
    pool: ConnectionPool
    store: PostgresEventStore
    relay: Relay
    events_topic: str
    dlq_topic: str
    pools: list[ConnectionPool] = field(default_factory=list)
    runners: list[ProjectionRunner] = field(default_factory=list)

    @classmethod
    def make(cls, database: str, bootstrap: str, topic: Callable[..., str], partitions: int = 1) -> World:
        with psycopg.connect(database) as conn:
            conn.execute("CREATE TABLE applications (event_id uuid NOT NULL, aggregate_id text NOT NULL,"
                         " payload text NOT NULL)")
        pool = db.make_pool(database, max_size=4)
        store = PostgresEventStore(pool, service="test")
        events_topic, dlq_topic = topic(partitions=partitions), topic(partitions=1)
        relay = Relay(store, pool, lambda: make_producer(bootstrap, client_id="test-relay"), topic=events_topic,
                      service="test")
        return cls(database, bootstrap, pool, store, relay, events_topic, dlq_topic)

    def append(self, aggregate: str, *payloads: bytes, event_type: str = TICK) -> None:
        version = len(self.store.load(aggregate))
        drafts = [EventDraft(event_type, p, datetime.now(UTC)) for p in payloads]
        self.store.append([AggregateChanges("ticker", aggregate, version, drafts)],
                          CommandContext(actor_id="clock", actor_role="test"), producer="test/1")

    def publish(self) -> None:
        while self.relay.publish_batch():
            pass

    def produce_raw(self, key: bytes, value: bytes, headers: list) -> None:
        producer = make_producer(self.bootstrap, client_id="test-garbage")
        try:
            producer.send(self.events_topic, key=key, value=value, headers=headers).get(timeout=30)
        finally:
            producer.close()

    def applications(self) -> Counter:
        """How many times each (aggregate, payload) was applied."""
        with self.pool.connection() as conn:
            return Counter(conn.execute("SELECT aggregate_id, payload FROM applications").fetchall())

    def runner(self, projection: Projection, *, app: str, group: str = "g", batch_size: int = 50,
               dlq_factory: Callable | None = None, wrap_consumer: Callable = lambda c: c) -> ProjectionRunner:
        """A runner with its own pool, whose connections are named ``app`` in pg_stat_activity."""
        pool = self.named_pool(app)
        tag = uuid.uuid4().hex[:8]
        runner = ProjectionRunner(
            projection, pool,
            lambda name: wrap_consumer(make_consumer(self.bootstrap, group_id=f"{name}.{group}.{tag}",
                                                     client_id=app, max_poll_records=batch_size)),
            dlq_factory or (lambda: make_producer(self.bootstrap, client_id=f"{app}-dlq")),
            service="test", dlq_topic=self.dlq_topic, batch_size=batch_size)
        self.runners.append(runner)
        return runner

    def named_pool(self, app: str) -> ConnectionPool:
        """A pool whose connections are named ``app`` in pg_stat_activity (closed with the world)."""
        pool = ConnectionPool(self.database, min_size=1, max_size=2, kwargs={"application_name": app}, open=False)
        pool.open(wait=True, timeout=30)
        self.pools.append(pool)
        return pool

    def blocked_on_lock(self, app: str) -> str | None:
        """The statement a connection named ``app`` is waiting for a lock in, if any."""
        with psycopg.connect(self.database, autocommit=True) as conn:
            row = conn.execute("SELECT query FROM pg_stat_activity WHERE application_name = %s"
                               " AND wait_event_type = 'Lock'", (app,)).fetchone()
        return row[0] if row else None

    def terminate(self, app: str, state: str = "idle in transaction") -> int:
        with psycopg.connect(self.database, autocommit=True) as conn:
            return len(conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                    " WHERE application_name = %s AND state = %s", (app, state)).fetchall())

    def close(self) -> None:
        for runner in self.runners:
            runner.close()
        for pool in [*self.pools, self.pool]:
            pool.close()


def in_thread(target: Callable[[], object]) -> tuple[threading.Thread, dict]:
    """Run ``target`` in a daemon thread; the returned dict gets ``result`` or ``error``."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = target()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def run_until(runner: ProjectionRunner, condition: Callable[[], object], what: str) -> None:
    """Run ``runner`` as the worker does (its own loop, retries included) until ``condition`` holds."""
    from .kafka_helpers import wait_for

    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_for(condition, timeout=120, what=what)
    finally:
        stop.set()
        thread.join(timeout=30)
