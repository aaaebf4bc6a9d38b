"""What every service's composition root shares: the runtime, the web app and the worker components.

A service's ``bootstrap.py`` declares a :class:`ServiceWiring`: its migrations folder, its codec, and two
functions that build its blueprints and its projections. The wiring is plain data; everything it names
is built when a process starts (``create_app`` / ``components``), never at import time.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, Flask
from psycopg_pool import ConnectionPool

from eventkit import db
from eventkit.aggregates import Repository
from eventkit.auth import Authenticator
from eventkit.codec import ProtoCodec
from eventkit.kafka import check_kafka, make_consumer, make_producer
from eventkit.logs import configure_logging
from eventkit.projections import Projection, ProjectionRunner
from eventkit.relay import Relay
from eventkit.settings import Settings
from eventkit.store.postgres import PostgresEventStore
from eventkit.web import create_app
from eventkit.web.openapi import build_openapi
from eventkit.web.trail import trail_blueprint
from eventkit.worker import run_worker


@dataclass
class ServiceRuntime:
    settings: Settings
    pool: ConnectionPool
    store: PostgresEventStore
    repository: Repository
    migrations: Path

    @classmethod
    def build(cls, settings: Settings, codec, migrations: Path, *, pool_size: int = 10,
              connect: bool = True) -> ServiceRuntime:
        """``connect=False`` leaves the pool closed: enough to build the app for its OpenAPI document."""
        if connect:
            pool = db.make_pool(settings.database_url, max_size=pool_size, name=settings.service)
        else:
            pool = ConnectionPool(settings.database_url, open=False)
        store = PostgresEventStore(pool, service=settings.service)
        return cls(settings, pool, store, Repository(store, codec, producer=settings.producer), migrations)

    def check_database(self) -> None:
        with self.pool.connection() as conn:
            conn.execute("SELECT 1")

    def check_kafka(self) -> None:
        check_kafka(self.settings.kafka_bootstrap)

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
        app = create_app(settings, blueprints=[*self.blueprints(runtime), trail_blueprint(runtime.store)],
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
    """The service's Flask app: its own blueprints plus the shared aggregate-trail route."""
    return create_app(
        runtime.settings,
        blueprints=[*blueprints, trail_blueprint(runtime.store)],
        authenticator=Authenticator.from_settings(runtime.settings),
        readiness_checks={"database": runtime.check_database, "kafka": runtime.check_kafka},
        extensions={"runtime": runtime},
    )


def worker_components(
    runtime: ServiceRuntime, projections: Sequence[Projection], *, instance_id: str | None = None
) -> list[tuple[str, Callable[[threading.Event], None]]]:
    """The relay plus one runner per projection, ready for :func:`eventkit.worker.run_worker`."""
    settings = runtime.settings
    bootstrap = settings.kafka_bootstrap
    instance = instance_id or settings.worker_instance_id or _default_instance_id(settings)
    relay = Relay(
        runtime.store,
        runtime.pool,
        lambda: make_producer(bootstrap, client_id=f"{settings.service}-relay"),
        topic=settings.topic,
        service=settings.service,
        batch_size=settings.relay_batch_size,
    )
    components: list[tuple[str, Callable[[threading.Event], None]]] = [("relay", relay.run)]
    for projection in projections:
        runner = ProjectionRunner(
            projection,
            runtime.pool,
            lambda group: make_consumer(bootstrap, group_id=f"{settings.kafka_group_prefix}.{group}",
                                        client_id=f"{settings.service}-projection",
                                        max_poll_records=settings.projection_batch_size, instance_id=instance),
            lambda: make_producer(bootstrap, client_id=f"{settings.service}-dlq"),
            service=settings.service,
            dlq_topic=settings.dlq_topic,
            batch_size=settings.projection_batch_size,
        )
        components.append((f"projection:{projection.name}", runner.run))
    return components


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

    Metrics are served on ``METRICS_PORT`` when set (single-process registry; see eventkit.worker).
    """
    settings = Settings.from_env(service)
    configure_logging(settings.service, settings.log_level)
    port = os.environ.get("METRICS_PORT")
    run_worker(components(settings), metrics_port=int(port) if port else None)
