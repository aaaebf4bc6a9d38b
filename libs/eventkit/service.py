"""What every service's composition root shares: the runtime, the web app and the worker components.

A service's ``bootstrap.py`` declares a :class:`ServiceWiring`: its migrations folder, its codec, and two
functions that build its blueprints and its projections. The wiring is plain data; everything it names
is built when a process starts (``create_app`` / ``components``), never at import time.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, Flask
from psycopg_pool import ConnectionPool

from eventkit import db
from eventkit.aggregates import EventSourcing
from eventkit.auth import Authenticator
from eventkit.codec import ProtoCodec
from eventkit.kafka import check_kafka, make_consumer, make_producer
from eventkit.logs import configure_logging
from eventkit.projections import Projection, ProjectionRunner
from eventkit.relay import Relay
from eventkit.settings import Settings
from eventkit.store.group import GroupCommit
from eventkit.store.postgres import PostgresEventStore
from eventkit.web import create_app
from eventkit.web.openapi import build_openapi
from eventkit.web.ops import ops_blueprint
from eventkit.web.trail import trail_blueprint
from eventkit.worker import run_worker

DATABASE_WAIT_SECONDS = 10.0
"""How long a request waits for a pooled database connection before its 503 (``PoolTimeout``): well under
gunicorn's 30 s worker timeout, so a client hears "retry later" rather than a dropped connection."""
READINESS_WAIT_SECONDS = 2.0
"""How long ``/readyz`` waits for a database connection: a probe must answer within its own timeout."""


@dataclass
class ServiceRuntime:
    """What a service process holds: settings, the database pool, the event store and the write side."""

    settings: Settings
    pool: ConnectionPool
    store: PostgresEventStore
    es: EventSourcing
    migrations: Path

    @classmethod
    def build(cls, settings: Settings, codec, migrations: Path, *, pool_size: int = 10,
              connect: bool = True, pool_timeout: float = DATABASE_WAIT_SECONDS) -> ServiceRuntime:
        """``connect=False`` leaves the pool closed: enough to build the app for its OpenAPI document."""
        if connect:
            pool = db.make_pool(settings.database_url, max_size=pool_size, name=settings.service,
                                timeout=pool_timeout, wait=False)
        else:
            pool = ConnectionPool(settings.database_url, open=False)
        store = PostgresEventStore(pool, service=settings.service)
        # Commands of concurrent requests share commits (eventkit.store.group); reads go to the store.
        es = EventSourcing(GroupCommit(store), codec, producer=settings.producer)
        return cls(settings, pool, store, es, migrations)

    def check_database(self) -> None:
        with self.pool.connection(timeout=READINESS_WAIT_SECONDS) as conn:
            conn.execute("SELECT 1")

    def check_kafka(self) -> None:
        """Whether the broker answers (for a worker's health; the web's readiness does not depend on it)."""
        check_kafka(self.settings.kafka_bootstrap, **self.settings.kafka_security)

    def close(self) -> None:
        self.pool.close()


@dataclass(frozen=True)
class ServiceWiring:
    """How one service is put together; ``bootstrap.py`` holds one and exposes its methods."""

    migrations: Path
    codec: Callable[[], Any] = ProtoCodec
    blueprints: Callable[[ServiceRuntime], Sequence[Blueprint]] = lambda runtime: ()
    projections: Callable[[Settings, Any], Sequence[Projection]] = lambda settings, codec: ()

    def runtime(self, settings: Settings) -> ServiceRuntime:
        return ServiceRuntime.build(settings, self.codec(), self.migrations)

    def create_app(self, settings: Settings) -> Flask:
        runtime = self.runtime(settings)
        return web_app(runtime, self.blueprints(runtime))

    def components(self, settings: Settings) -> list[tuple[str, Callable[[threading.Event], None]]]:
        return worker_components(self.runtime(settings), self.projections(settings, self.codec()))

    def openapi(self, service: str) -> dict[str, Any]:
        """The service's OpenAPI document, built offline (no database, broker or key needed)."""
        settings = Settings(service=service, database_url="postgresql://offline/none", kafka_bootstrap="offline:0")
        runtime = ServiceRuntime.build(settings, self.codec(), self.migrations, connect=False)
        throwaway = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        app = create_app(settings, blueprints=[*self.blueprints(runtime), trail_blueprint(runtime.store),
                                               ops_blueprint(settings, runtime.pool)],
                         authenticator=Authenticator(issuer="offline", audience="offline", public_key_pem=throwaway),
                         readiness_checks={})
        return build_openapi(app, title=f"VaxTrail {service} API", version=settings.version)

    def projection(self, settings: Settings, name: str) -> Projection:
        """One of the service's projections by name (for ``vaxtrail rebuild``)."""
        found = {p.name: p for p in self.projections(settings, self.codec())}
        if name not in found:
            raise KeyError(f"{settings.service} has no projection {name!r}; it has: {', '.join(found) or 'none'}")
        return found[name]


def web_app(runtime: ServiceRuntime, blueprints: Sequence[Blueprint]) -> Flask:
    """The service's Flask app: its own blueprints plus the shared aggregate-trail route.

    Ready when its database is: a request never talks to Kafka (writes go to the event store, the relay
    publishes them), so a broker outage must not take every web pod out of its Service.
    """
    return create_app(
        runtime.settings,
        blueprints=[*blueprints, trail_blueprint(runtime.store), ops_blueprint(runtime.settings, runtime.pool)],
        authenticator=Authenticator.from_settings(runtime.settings),
        readiness_checks={"database": runtime.check_database},
        extensions={"runtime": runtime},
    )


def worker_components(
    runtime: ServiceRuntime, projections: Sequence[Projection], *, instance_id: str | None = None
) -> list[tuple[str, Callable[[threading.Event], None]]]:
    """The relay plus one runner per projection, ready for :func:`eventkit.worker.run_worker`.

    Projections name the standard topics (``vaxtrail.<service>.v1``); each is consumed under the name
    ``settings.topic_of(service)`` gives it (the same, except in a benchmark, which renames every topic).
    """
    settings = runtime.settings
    bootstrap = settings.kafka_bootstrap
    security = settings.kafka_security
    projections = [retarget(p, settings) for p in projections]
    instance = instance_id or settings.worker_instance_id or _default_instance_id(settings)
    relay = Relay(
        runtime.store,
        runtime.pool,
        lambda: make_producer(bootstrap, client_id=f"{settings.service}-relay", **security),
        topic=settings.topic,
        service=settings.service,
        batch_size=settings.relay_batch_size,
    )
    components: list[tuple[str, Callable[[threading.Event], None]]] = [("relay", relay.run)]
    for projection in projections:
        runner = projection_runner(settings, runtime.pool, projection, instance_id=instance)
        components.append((f"projection:{projection.name}", runner.run))
    return components


def projection_runner(settings: Settings, pool, projection: Projection, *,
                      instance_id: str | None) -> ProjectionRunner:
    """The runner the worker runs for ``projection`` (already retargeted), in the worker's consumer group.

    ``instance_id`` None makes a dynamic group member, which leaves the group when it closes (``vaxtrail
    rebuild --replay`` joins the worker's group for a while and must hand its partitions back at once).
    """
    bootstrap = settings.kafka_bootstrap
    security = settings.kafka_security
    return ProjectionRunner(
        projection,
        pool,
        lambda group: make_consumer(bootstrap, group_id=f"{settings.kafka_group_prefix}.{group}",
                                    client_id=f"{settings.service}-projection",
                                    max_poll_records=settings.projection_batch_size, instance_id=instance_id,
                                    **security),
        lambda: make_producer(bootstrap, client_id=f"{settings.service}-dlq", **security),
        service=settings.service,
        dlq_topic=settings.dlq_topic,
        batch_size=settings.projection_batch_size,
    )


def retarget(projection: Projection, settings: Settings) -> Projection:
    """``projection`` consuming each of its topics under the name ``settings.topic_of`` gives it."""
    topics = tuple(settings.topic_of(t.split(".")[1]) if _STANDARD_TOPIC.fullmatch(t) else t
                   for t in projection.topics)
    return projection if topics == projection.topics else replace(projection, topics=topics)


_STANDARD_TOPIC = re.compile(r"vaxtrail\.[a-z]+\.v1")


def _default_instance_id(settings: Settings) -> str:
    """Host name + a short hash of the database URL: stable across restarts of this worker, distinct for
    two workers on one host that serve different databases (e.g. a test run beside `make up`)."""
    digest = hashlib.sha256(settings.database_url.encode()).hexdigest()[:8]
    return f"{socket.gethostname()}-{digest}"


def wsgi_app(service: str, create: Callable[[Settings], Flask]) -> Flask:
    """Entry point body of every ``services/<name>/wsgi.py``: settings, logging, then the app."""
    settings = Settings.from_env(service)
    configure_logging(settings.service, settings.log_level)
    return create(settings)


def worker_main(service: str, components: Callable[[Settings], list]) -> None:
    """Entry point body of every ``services/<name>/worker.py``: relay + projections until SIGTERM.

    Metrics are served on ``METRICS_PORT`` when set, on ``METRICS_BIND`` (default 127.0.0.1; a pod sets
    0.0.0.0 so Prometheus can scrape it) - a single-process registry, see eventkit.worker.
    """
    settings = Settings.from_env(service)
    configure_logging(settings.service, settings.log_level)
    port = os.environ.get("METRICS_PORT")
    run_worker(components(settings), metrics_port=int(port) if port else None,
               metrics_bind=os.environ.get("METRICS_BIND") or "127.0.0.1")
