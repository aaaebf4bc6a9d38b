"""A small world for audit tests: one service's event store and relay (the real inventory messages), a topic,
and the audit service's log projection, sealer and command bus on their own migrated database.

Nothing here is the audit service's code: it wires the service's own parts (``projections.log``,
``workers.sealer``, ``bootstrap.bus``) against throwaway databases and a test topic.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg_pool import ConnectionPool

from eventkit import db
from eventkit.aggregates import EventSourcing
from eventkit.envelope import CommandContext, EventDraft, StoredEvent, compute_hash, uuid7
from eventkit.kafka import make_consumer, make_producer
from eventkit.kafka_record import from_record, to_record
from eventkit.projections import ProjectionRunner
from eventkit.relay import Relay
from eventkit.settings import with_database
from eventkit.store import AggregateChanges
from eventkit.store.postgres import PostgresEventStore
from services.audit import bootstrap
from services.audit.codec import build_codec
from services.audit.handlers import Deps
from services.audit.projections.log import audit_log
from services.audit.signing import Signer
from services.audit.workers.publisher import report_findings, sign_all
from services.audit.workers.sealer import KafkaEnds, Sealer
from vaxtrail.inventory.v1 import events_pb2 as inventory

from .kafka_helpers import wait_for

SERVICE = "inventory"
OFFICER = CommandContext(actor_id="officer-7", actor_role="national_admin")


def origin(log: str) -> str:
    return f"vaxtrail.test/audit/{log}"


@dataclass
class AuditWorld:
    server_url: str
    bootstrap: str
    store_url: str
    audit_url: str
    topic: str
    store_pool: ConnectionPool
    audit_pool: ConnectionPool
    store: PostgresEventStore
    relay: Relay
    signer: Signer = field(default_factory=lambda: Signer(Ed25519PrivateKey.generate()))
    runners: list[ProjectionRunner] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def make(cls, server_url: str, bootstrap_servers: str, store_url: str, topic: str) -> AuditWorld:
        name = f"test_audit_{uuid.uuid4().hex[:10]}"
        db.ensure_database(server_url, name)
        audit_url = with_database(server_url, name)
        db.migrate(audit_url, bootstrap.MIGRATIONS)
        store_pool, audit_pool = db.make_pool(store_url, max_size=4), db.make_pool(audit_url, max_size=6)
        store = PostgresEventStore(store_pool, service=SERVICE)
        relay = Relay(store, store_pool, lambda: make_producer(bootstrap_servers, client_id="test-relay"),
                      topic=topic, service=SERVICE)
        return cls(server_url, bootstrap_servers, store_url, audit_url, topic, store_pool, audit_pool, store, relay)

    @classmethod
    @contextlib.contextmanager
    def running(cls, infra, store_url: str, topic: str) -> Iterator[AuditWorld]:
        """A world on the suite's servers (the ``infra`` fixture), closed afterwards."""
        world = cls.make(infra.server_url, infra.kafka_bootstrap, store_url, topic)
        try:
            yield world
        finally:
            world.close()

    # -- the service side ---------------------------------------------------------------------------------
    def append(self, aggregate: str, *messages, aggregate_type: str = "stock_item") -> None:
        version = len(self.store.load(aggregate))
        drafts = [EventDraft(m.DESCRIPTOR.full_name, m.SerializeToString(deterministic=True), datetime.now(UTC))
                  for m in messages]
        self.store.append([AggregateChanges(aggregate_type, aggregate, version, drafts)], OFFICER,
                          producer="inventory/test")

    def receive(self, lot: str, location: str = "NAT-EPI", times: int = 1) -> None:
        for _ in range(times):
            self.append(f"stock/{location}/{lot}", inventory.DoseReceived(location_id=location, lot_id=lot, doses=100))

    def publish(self) -> None:
        while self.relay.publish_batch():
            pass

    def skip_positions(self, count: int) -> None:
        """Draw positions and commit nothing, as a rolled-back append does (a gap in the log)."""
        with psycopg.connect(self.store_url) as conn:
            for _ in range(count):
                conn.execute("SELECT nextval('events_position_seq')")

    def tamper(self, statement: str, *params) -> None:
        """Run ``statement`` on the service database as its superuser with the append-only triggers off."""
        with psycopg.connect(self.store_url) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute(statement, params)

    # -- the audit side -----------------------------------------------------------------------------------
    def start(self, settle_seconds: float = 0.2) -> None:
        projection = dataclasses.replace(audit_log(), topics=(self.topic,))
        tag = uuid.uuid4().hex[:8]
        runner = ProjectionRunner(
            projection, self.audit_pool,
            lambda group: make_consumer(self.bootstrap, group_id=f"{group}.{tag}", client_id="test-audit"),
            lambda: make_producer(self.bootstrap, client_id="test-audit-dlq"), service="audit",
            dlq_topic=f"{self.topic}.dlq", batch_size=100)
        self.runners.append(runner)
        ends = KafkaEnds(self.bootstrap)
        sealer = Sealer(self.audit_pool, {SERVICE: self.topic}, ends, settle_seconds=settle_seconds,
                        interval_seconds=0.05)
        for target in (runner.run, sealer.run):
            thread = threading.Thread(target=target, args=(self.stop,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def bus(self):
        es = EventSourcing(PostgresEventStore(self.audit_pool, service="audit"), build_codec(), producer="audit/test")
        deps = Deps(clock=lambda: datetime.now(UTC), signer=self.signer, origin=origin,
                    log_head=lambda log: bootstrap.log_head(self.audit_pool, self.topic, log))
        return bootstrap.bus(es, deps)

    def sealed(self) -> int:
        with self.audit_pool.connection() as conn:
            return conn.execute("SELECT count(*) FROM audit_events WHERE service = %s AND leaf_index IS NOT NULL",
                                (SERVICE,)).fetchone()[0]

    def stored(self) -> int:
        with self.store_pool.connection() as conn:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def wait_sealed(self, count: int | None = None) -> None:
        expected = self.stored() if count is None else count
        wait_for(lambda: self.sealed() == expected, timeout=90, what=f"{expected} events sealed")

    def checkpoint(self) -> dict:
        return sign_all(self.bus(), [SERVICE])[0]

    def report(self) -> int:
        return report_findings(self.audit_pool, self.bus(), lambda: datetime.now(UTC))

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)
        for runner in self.runners:
            runner.close()
        self.store_pool.close()
        self.audit_pool.close()
        db.drop_database(self.server_url, Path(self.audit_url.split("?")[0]).name)



def envelope(service: str, message, position: int, aggregate_id: str, version: int, prev: bytes,
             aggregate_type: str = "property_test") -> StoredEvent:
    """A committed event of ``service``'s log carrying ``message``, its hash chained to ``prev``."""
    unsigned = StoredEvent(
        position=position, event_id=uuid7(), event_type=message.DESCRIPTOR.full_name, aggregate_type=aggregate_type,
        aggregate_id=aggregate_id, aggregate_version=version, occurred_at=datetime.now(UTC),
        recorded_at=datetime.now(UTC), producer=f"{service}/test", actor_id="property-test", actor_role="system",
        correlation_id="property-test", causation_id="", idempotency_key=None,
        payload=message.SerializeToString(deterministic=True), prev_hash=prev, hash=b"")
    return dataclasses.replace(unsigned, hash=compute_hash(prev, unsigned))


@functools.cache
def _log():
    return audit_log()


def log_event(conn: psycopg.Connection, event: StoredEvent) -> None:
    """Apply one event as the audit log projection receives it from Kafka."""
    record = to_record(event)
    received = from_record(record.key, record.value, record.headers)
    log = _log()
    log.handlers[received.event_type](conn, received, log.decoder(received.event_type, received.payload))
