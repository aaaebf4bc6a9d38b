"""Certificate composition root: keys, signers, blueprints, projections and the worker's components.

The worker runs, besides the relay and the two projections, the issuer (issuer.py: record changes ->
certificates) and the key publisher (keypublisher.py: the keyring as events).
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from eventkit.service import ServiceRuntime, ServiceWiring, worker_components
from eventkit.settings import Settings
from services.certificate import keypublisher
from services.certificate.api import record, trust
from services.certificate.codec import build_codec
from services.certificate.formats.factory import CertificateFactory
from services.certificate.issuer import Issuer
from services.certificate.projections.certificates import certificate_views
from services.certificate.projections.records import canonical_records
from services.certificate.settings import CertificateSettings
from services.certificate.signing.keyring import init_keyring, load_keyring
from services.certificate.views import CertificateViews

MIGRATIONS = Path(__file__).parent / "migrations"


def clock() -> datetime:
    return datetime.now(UTC)


def blueprints(runtime: ServiceRuntime):
    if runtime.pool.closed:  # the offline OpenAPI build (no database): throwaway keys, routes only
        with tempfile.TemporaryDirectory() as scratch:
            keyring = load_keyring(init_keyring(Path(scratch) / "keys"))
    else:
        keyring = load_keyring(CertificateSettings.from_env(runtime.settings).keys_dir)
    views = CertificateViews(runtime.pool)
    return [trust.blueprint(trust.TrustMaterial(keyring, views)),
            record.blueprint(views, runtime.repository, producer=runtime.settings.producer, clock=clock)]


def all_projections(settings: Settings, codec):
    return [canonical_records(), certificate_views(settings.topic, codec)]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=all_projections)


def components(settings: Settings):
    """Relay + projections (as every service) + the issuer and the key publisher."""
    own = CertificateSettings.from_env(settings)
    keyring = load_keyring(own.keys_dir)
    codec = build_codec()
    runtime = ServiceRuntime.build(settings, codec, MIGRATIONS)
    factory = CertificateFactory(keyring, issuer_name=own.issuer_name, shc_issuer_url=own.shc_issuer)
    issuer = Issuer(runtime.pool, runtime.repository, factory, country=keyring.country,
                    producer=settings.producer, clock=clock, batch=own.issuer_batch,
                    renewal_scan_seconds=own.renewal_scan_seconds)
    return [*worker_components(runtime, all_projections(settings, codec)), ("issuer", issuer.run),
            ("keys", keypublisher.publisher(runtime.repository, codec, keyring, producer=settings.producer,
                                            clock=clock))]
