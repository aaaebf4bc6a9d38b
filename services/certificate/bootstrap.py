"""Certificate composition root - the only wiring.

- :func:`deps` - what the handlers read besides the store: the clock, the keys (and the signer made of
  them), the issuing country and the documents table;
- :func:`bus` - the command bus over the service's :class:`~eventkit.aggregates.EventSourcing` and the
  ``handlers.COMMANDS`` table (unit tests build it the same way, with fakes);
- :func:`blueprints`, :func:`projections` and :data:`WIRING` - as in every service;
- :func:`components` - the worker: relay + the two projections (as every service), the issuer
  (``workers/issuer.py``: record changes -> certificates), the key publisher (``workers/keypublisher.py``)
  and the revocation list publisher (``workers/listpublisher.py``).
"""

from __future__ import annotations

import functools
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from eventkit.aggregates import EventSourcing
from eventkit.handling import CommandBus
from eventkit.service import ServiceRuntime, ServiceWiring, worker_components
from eventkit.settings import Settings
from services.certificate import queries
from services.certificate.api import record, trust
from services.certificate.codec import build_codec
from services.certificate.formats.factory import CertificateFactory
from services.certificate.handlers import COMMANDS, Deps
from services.certificate.projections.certificates import certificate_views
from services.certificate.projections.records import canonical_records
from services.certificate.queries import CertificateViews
from services.certificate.settings import CertificateSettings
from services.certificate.signing.keyring import Keyring, init_keyring, load_keyring
from services.certificate.signing.livekeys import LiveKeyring
from services.certificate.workers import keypublisher, listpublisher
from services.certificate.workers.issuer import Issuer

MIGRATIONS = Path(__file__).parent / "migrations"


def clock() -> datetime:
    return datetime.now(UTC)


def own_settings(runtime: ServiceRuntime) -> tuple[CertificateSettings, Keyring | LiveKeyring]:
    """The service's own settings and keys; the offline OpenAPI build (no database) gets throwaway keys."""
    if runtime.pool.closed:
        with tempfile.TemporaryDirectory() as scratch:
            keys = init_keyring(Path(scratch) / "keys")
            return CertificateSettings(keys, "offline", "http://offline.invalid"), load_keyring(keys)
    own = CertificateSettings.from_env(runtime.settings)
    return own, LiveKeyring(own.keys_dir)  # follows the key folder: rotation without a restart


def deps(runtime: ServiceRuntime) -> Deps:
    own, keyring = own_settings(runtime)
    factory = CertificateFactory(keyring, issuer_name=own.issuer_name, shc_issuer_url=own.shc_issuer)
    return Deps(clock=clock, country=keyring.country, keyring=keyring, sign=factory.sign,
                keep_documents=functools.partial(queries.keep_documents, runtime.pool),
                keep_revocation_list=functools.partial(queries.keep_revocation_list, runtime.pool))


def bus(es: EventSourcing, dependencies: Deps) -> CommandBus:
    return CommandBus(es, COMMANDS, dependencies)


def blueprints(runtime: ServiceRuntime):
    dependencies = deps(runtime)
    views = CertificateViews(runtime.pool)
    return [trust.blueprint(trust.TrustMaterial(dependencies.keyring, views)),
            record.blueprint(views, bus(runtime.es, dependencies))]


def projections(settings: Settings, codec):
    return [canonical_records(settings.campaign_zone), certificate_views(codec)]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=projections)


def components(settings: Settings):
    """Relay + projections (as every service) + the issuer, the key publisher and the list publisher."""
    own = CertificateSettings.from_env(settings)
    runtime = WIRING.runtime(settings)
    dependencies = deps(runtime)
    commands = bus(runtime.es, dependencies)
    issuer = Issuer(runtime.pool, commands, clock=clock, batch=own.issuer_batch,
                    renewal_scan_seconds=own.renewal_scan_seconds)
    return [*worker_components(runtime, projections(settings, runtime.es.codec)), ("issuer", issuer.run),
            ("keys", keypublisher.publisher(commands, dependencies.keyring, clock=clock)),
            ("lists", listpublisher.publisher(commands, CertificateViews(runtime.pool)))]
