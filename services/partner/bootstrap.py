"""Partner composition root - the only wiring.

- :func:`deps` / :func:`bus` - the clock and the topic naming the grant handlers need, and the command bus;
- :func:`blueprints`, :func:`projections` and :data:`WIRING` - as in every service (one projection,
  ``partner_feeds``, which needs the pseudonym master key of :class:`PartnerSettings`);
- :func:`components` - the worker: relay of the grant events + the projection (as every service) and the feed
  relay (an :class:`eventkit.relay.Relay` over the feed outbox, publishing each record to its feed's topic).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path

from eventkit.aggregates import EventSourcing
from eventkit.handling import CommandBus
from eventkit.kafka import make_producer
from eventkit.relay import Relay
from eventkit.service import ServiceRuntime, ServiceWiring, worker_components
from eventkit.settings import Settings
from services.partner.api import partners as partners_api
from services.partner.codec import build_codec
from services.partner.feeds.outbox import FeedOutbox, topic_of
from services.partner.handlers import COMMANDS, Deps
from services.partner.projections.derivation import partner_feeds
from services.partner.settings import PartnerSettings
from vaxtrail_cli.topics_admin import ensure_topics

MIGRATIONS = Path(__file__).parent / "migrations"


def clock() -> datetime:
    return datetime.now(UTC)


def deps(runtime: ServiceRuntime | None = None) -> Deps:
    return Deps(clock=clock, topic_of=topic_of)


def bus(es: EventSourcing, dependencies: Deps) -> CommandBus:
    return CommandBus(es, COMMANDS, dependencies)


def blueprints(runtime: ServiceRuntime):
    return [partners_api.blueprint(runtime.pool, bus(runtime.es, deps(runtime)))]


def projections(settings: Settings, codec):
    """The key is read when first needed: :func:`components` reads it before anything runs (a missing key stops
    the worker at start-up), and offline builds of the wiring never need it."""
    key = functools.cache(lambda: PartnerSettings.from_env(settings).master_key)
    return [partner_feeds(codec, key, settings.campaign_zone)]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=projections)


def feed_relay(runtime: ServiceRuntime, own: PartnerSettings) -> Relay:
    settings = runtime.settings
    security = settings.kafka_security
    outbox = FeedOutbox(runtime.pool, lambda specs: ensure_topics(settings.kafka_bootstrap, specs, security=security),
                        national=settings.env != "local")
    return Relay(outbox, runtime.pool,
                 lambda: make_producer(settings.kafka_bootstrap, client_id="partner-feed-relay", **security),
                 topic="vaxtrail.partner.<feed>.v1", service=settings.service, name="feeds",
                 batch_size=own.outbox_batch, route=FeedOutbox.route)


def components(settings: Settings):
    """Relay + projection (as every service) + the feed relay."""
    runtime = WIRING.runtime(settings)
    own = PartnerSettings.from_env(settings)
    return [*worker_components(runtime, projections(settings, runtime.es.codec)),
            ("feed-relay", feed_relay(runtime, own).run)]
