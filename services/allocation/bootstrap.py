"""Allocation composition root: the service's only wiring, built once per process from settings.

Unit tests build the write side the same way: ``bus(es, Deps(clock, fake_queries, es.fold_type))`` over an
``EventSourcing`` of an ``InMemoryEventStore``. ``components`` is the worker: the relay, the projection runners
and the reserve worker (second-dose reserves follow the doses: :mod:`services.allocation.projections.doses`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from eventkit.aggregates import EventSourcing
from eventkit.handling import CommandBus
from eventkit.projections.gate import RebuildGate, topic_ends
from eventkit.service import ServiceRuntime, ServiceWiring, retarget, worker_components
from eventkit.settings import Settings
from services.allocation import api, handlers
from services.allocation.codec import build_codec
from services.allocation.handlers import Deps
from services.allocation.projections import demand, doses, public, supply
from services.allocation.queries import Queries

MIGRATIONS = Path(__file__).parent / "migrations"


def deps(runtime: ServiceRuntime) -> Deps:
    return Deps(clock=lambda: datetime.now(UTC), read=Queries(runtime.pool), fold_type=runtime.es.fold_type,
                zone=runtime.settings.campaign_zone)


def bus(es: EventSourcing, service_deps: Deps) -> CommandBus:
    return handlers.bus(es, service_deps)


def blueprints(runtime: ServiceRuntime):
    service_deps = deps(runtime)
    return api.blueprints(bus(runtime.es, service_deps), service_deps)


def projections(settings: Settings, codec):
    return [supply.supply(), demand.demand(), doses.doses_given(), public.public_allocations()]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=projections)


def reserve_worker(runtime: ServiceRuntime) -> doses.ReserveWorker:
    """The reserve worker, waiting while ``doses_given`` replays a rebuild."""
    settings = runtime.settings
    given = retarget(doses.doses_given(), settings)
    gate = RebuildGate(runtime.pool, given.name, given.topics,
                       topic_ends(settings.kafka_bootstrap, **settings.kafka_security))
    return doses.ReserveWorker(runtime.pool, bus(runtime.es, deps(runtime)), gate=gate)


def components(settings: Settings) -> list[tuple[str, Callable[[threading.Event], None]]]:
    """The worker's components: the relay and the projection runners (as every service's), and the reserve worker."""
    runtime = WIRING.runtime(settings)
    return [*worker_components(runtime, projections(settings, runtime.es.codec)),
            ("reserves", reserve_worker(runtime).run)]
