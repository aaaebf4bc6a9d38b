"""Audit composition root - the only wiring.

- :func:`deps` - what the handlers read besides the store: the clock, the checkpoint signer, the origin of
  each log and its tree head (``tree.state`` + the consumed topic positions);
- :func:`bus` - the command bus over ``handlers.COMMANDS`` (unit tests build it the same way, in memory);
- :func:`blueprints`, :func:`projections` and :data:`WIRING` - as in every service;
- :func:`components` - the worker: relay + projections (the five service logs, and the checkpoints of the
  audit topic), the sealer (``workers/sealer.py``) and the publisher (``workers/publisher.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg_pool import ConnectionPool

from eventkit.aggregates import EventSourcing
from eventkit.handling import CommandBus
from eventkit.service import ServiceRuntime, ServiceWiring, worker_components
from eventkit.settings import Settings
from services.audit import tree
from services.audit.api import proofs, trails
from services.audit.codec import build_codec
from services.audit.domain.events import TopicPosition
from services.audit.handlers import COMMANDS, Deps, LogHead
from services.audit.projections.checkpoints import checkpoints
from services.audit.projections.log import LOGGED_SERVICES, PROJECTION, audit_log
from services.audit.queries import AuditViews
from services.audit.settings import AuditSettings
from services.audit.signing import Signer
from services.audit.workers.publisher import publisher
from services.audit.workers.sealer import KafkaEnds, Sealer

MIGRATIONS = Path(__file__).parent / "migrations"


def clock() -> datetime:
    return datetime.now(UTC)


def own_settings(runtime: ServiceRuntime) -> tuple[AuditSettings, Signer]:
    """The service's own settings and key; the offline OpenAPI build (no database) gets a throwaway key."""
    if runtime.pool.closed:
        return AuditSettings(Path("offline.pem")), Signer(Ed25519PrivateKey.generate())
    own = AuditSettings.from_env(runtime.settings)
    return own, Signer.load(own.signing_key_file)


def log_head(pool: ConnectionPool, topic: str, service: str) -> LogHead:
    """The log's tree head and how far ``topic`` (the log's topic, as this process names it) was consumed."""
    with pool.connection() as conn:
        size, root = tree.state(conn, service)
        rows = conn.execute('SELECT partition, "offset" FROM projection_tracking WHERE projection = %s'
                            " AND topic = %s ORDER BY partition", (PROJECTION, topic)).fetchall()
    return LogHead(size, root, tuple(TopicPosition(topic, p, o + 1) for p, o in rows))


def deps(runtime: ServiceRuntime, own: AuditSettings, signer: Signer) -> Deps:
    return Deps(clock=clock, signer=signer, origin=own.origin,
                log_head=lambda service: log_head(runtime.pool, runtime.settings.topic_of(service), service))


def bus(es: EventSourcing, dependencies: Deps) -> CommandBus:
    return CommandBus(es, COMMANDS, dependencies)


def blueprints(runtime: ServiceRuntime):
    own, signer = own_settings(runtime)
    dependencies = deps(runtime, own, signer)
    views = AuditViews(runtime.pool)
    return [trails.blueprint(views, runtime.es),
            proofs.blueprint(views, bus(runtime.es, dependencies), dependencies.signer, own)]


def projections(settings: Settings, codec):
    return [audit_log(), checkpoints(codec)]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=projections)


def components(settings: Settings):
    """Relay + projections (as every service) + the sealer and the publisher."""
    runtime = WIRING.runtime(settings)
    own = AuditSettings.from_env(settings)
    dependencies = deps(runtime, own, Signer.load(own.signing_key_file))
    commands = bus(runtime.es, dependencies)
    sealer = Sealer(runtime.pool, {s: settings.topic_of(s) for s in LOGGED_SERVICES},
                    KafkaEnds(settings.kafka_bootstrap, **settings.kafka_security), settle_seconds=own.settle_seconds,
                    interval_seconds=own.seal_seconds)
    return [*worker_components(runtime, projections(settings, runtime.es.codec)), ("sealer", sealer.run),
            ("publisher", publisher(runtime.pool, commands, LOGGED_SERVICES, clock=clock,
                                    checkpoint_seconds=own.checkpoint_seconds))]
