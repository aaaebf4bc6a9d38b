"""One frozen settings object per process, read from environment variables.

Only entry points (``bootstrap.py``, ``wsgi.py``, ``worker.py``, the CLI) call :meth:`Settings.from_env`;
everything else receives the object. Variables (all optional unless noted):

=========================== ===================================================================
``DATABASE_URL``            PostgreSQL server (required in production). The service's own database
                            is ``vaxtrail_<service>`` on that server unless
                            ``<SERVICE>_DATABASE_URL`` names one explicitly.
``<SERVICE>_DATABASE_URL``  full URL of one service's database (overrides the derived one).
``KAFKA_BOOTSTRAP``         Kafka bootstrap servers, comma separated (required).
``VAXTRAIL_ENV``            ``local`` (development stack) or ``production`` (default).
``VAXTRAIL_STATE_DIR``      state folder of the local stack (default ``.vaxtrail``).
``JWT_PUBLIC_KEY_FILE``     PEM public key that verifies bearer tokens.
``JWT_JWKS_URL``            JWKS endpoint (production alternative to the key file).
``JWT_ISSUER``              expected ``iss`` claim (default ``vaxtrail``).
``JWT_AUDIENCE``            expected ``aud`` claim (default ``vaxtrail``).
``LOG_LEVEL``               default ``INFO``.
``PROMETHEUS_MULTIPROC_DIR`` set by the gunicorn config / worker for multiprocess metrics.
``RELAY_BATCH_SIZE``        events per relay batch (default 500).
``PROJECTION_BATCH_SIZE``   records per projection transaction (default 500).
``MAX_REQUEST_BYTES``       largest request body a web process accepts (default 2 MiB; larger is a 413
                            problem). Routes that stream big files (CSV uploads) raise it for themselves.
``KAFKA_GROUP_PREFIX``      prefix of the projections' consumer group ids (default ``vaxtrail``): two
                            deployments sharing one Kafka cluster need different prefixes.
``WORKER_INSTANCE_ID``      static group membership id of this worker (default: host name + a hash of
                            the database URL); keep it stable across restarts of the same worker.
``METRICS_PORT``            where a worker serves its Prometheus metrics (unset: not served).
``METRICS_BIND``            the address it listens on (default ``127.0.0.1``; ``0.0.0.0`` in a pod).
``KAFKA_SECURITY_PROTOCOL`` ``PLAINTEXT`` (default, the local broker), ``SSL``, ``SASL_PLAINTEXT`` or
                            ``SASL_SSL`` (a Strimzi listener with SCRAM, see deploy/k8s).
``KAFKA_SASL_MECHANISM``    e.g. ``SCRAM-SHA-512``; with ``KAFKA_SASL_USERNAME`` / ``KAFKA_SASL_PASSWORD``.
``KAFKA_SSL_CAFILE``        PEM bundle that verifies the brokers' certificates (the cluster CA).
``CAMPAIGN_TIME_ZONE``      IANA zone of the campaign calendar (default ``Asia/Ho_Chi_Minh``): the day
                            every day rule of every service speaks of (:mod:`eventkit.clock`).
=========================== ===================================================================

No secret has a default: the local stack writes its own development key and points
``JWT_PUBLIC_KEY_FILE`` at it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from urllib.parse import urlsplit, urlunsplit

from eventkit.clock import CAMPAIGN_TIME_ZONE, campaign_zone

SERVICES: tuple[str, ...] = ("registration", "inventory", "allocation", "immunization", "certificate", "audit",
                             "partner")
PORTS: dict[str, int] = {name: 8001 + i for i, name in enumerate(SERVICES)}
WORKER_METRICS_PORTS: dict[str, int] = {name: 9101 + i for i, name in enumerate(SERVICES)}
"""Local defaults for each worker's ``METRICS_PORT`` (relay lag, projection lag, dead letters)."""


class SettingsError(ValueError):
    """A required variable is missing or malformed."""


KAFKA_SECURITY_VARIABLES: dict[str, str] = {
    "KAFKA_SECURITY_PROTOCOL": "security_protocol",
    "KAFKA_SASL_MECHANISM": "sasl_mechanism",
    "KAFKA_SASL_USERNAME": "sasl_plain_username",
    "KAFKA_SASL_PASSWORD": "sasl_plain_password",
    "KAFKA_SSL_CAFILE": "ssl_cafile",
}
"""Environment variable -> kafka-python client option, for every client a process builds."""


def kafka_security(environ: Mapping[str, str]) -> dict[str, str]:
    """The kafka-python options that authenticate and encrypt (empty: plaintext, as the local broker)."""
    options = {option: environ[name] for name, option in KAFKA_SECURITY_VARIABLES.items() if environ.get(name)}
    protocol = options.get("security_protocol", "PLAINTEXT")
    if protocol not in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"):
        raise SettingsError(f"KAFKA_SECURITY_PROTOCOL={protocol!r} is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")
    if protocol.startswith("SASL") and not ("sasl_mechanism" in options and "sasl_plain_username" in options
                                            and "sasl_plain_password" in options):
        raise SettingsError(f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME "
                            "and KAFKA_SASL_PASSWORD")
    return options


def database_name(service: str) -> str:
    return f"vaxtrail_{service}"


def with_database(server_url: str, database: str) -> str:
    """``server_url`` pointing at another database on the same server.

    Works for both TCP URLs (``postgresql://u@h:5432/postgres``) and socket URLs
    (``postgresql://postgres:@/postgres?host=/run/pg``): only the path (database name) changes.
    """
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def service_database_url(server_url: str, service: str) -> str:
    """The URL of ``service``'s own database on the server named by ``server_url``."""
    return with_database(server_url, database_name(service))


@dataclass(frozen=True)
class Settings:
    service: str
    database_url: str
    kafka_bootstrap: str
    env: str = "production"
    state_dir: str = ".vaxtrail"
    jwt_public_key_file: str | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str = "vaxtrail"
    jwt_audience: str = "vaxtrail"
    log_level: str = "INFO"
    http_port: int = 8000
    relay_batch_size: int = 500
    projection_batch_size: int = 500
    max_request_bytes: int = 2 * 1024 * 1024
    kafka_group_prefix: str = "vaxtrail"
    worker_instance_id: str | None = None
    kafka_security: Mapping[str, str] = field(default_factory=dict, repr=False)
    """kafka-python options from ``KAFKA_SECURITY_PROTOCOL`` & co. (:func:`kafka_security`); not printed."""
    version: str = "0.1.0"
    campaign_time_zone: str = CAMPAIGN_TIME_ZONE
    """IANA name of the campaign's calendar zone (``CAMPAIGN_TIME_ZONE``)."""

    @property
    def campaign_zone(self) -> tzinfo:
        """The campaign zone every day rule takes (:func:`eventkit.clock.campaign_date`)."""
        return campaign_zone(self.campaign_time_zone)

    def topic_of(self, service: str) -> str:
        """The event topic of ``service`` as this process names it (a benchmark renames every topic)."""
        return f"vaxtrail.{service}.v1"

    @property
    def topic(self) -> str:
        """The service's own event topic."""
        return self.topic_of(self.service)

    @property
    def dlq_topic(self) -> str:
        """Where the service's projections dead-letter what they cannot decode or apply."""
        return f"vaxtrail.{self.service}.dlq.v1"

    @property
    def producer(self) -> str:
        return f"{self.service}/{self.version}"

    @classmethod
    def from_env(cls, service: str, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        if service not in SERVICES:
            raise SettingsError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
        own = env.get(f"{service.upper()}_DATABASE_URL")
        server = env.get("DATABASE_URL")
        if not own and not server:
            raise SettingsError("DATABASE_URL is not set (run `vaxtrail stack up` or point it at a server)")
        kafka = env.get("KAFKA_BOOTSTRAP")
        if not kafka:
            raise SettingsError("KAFKA_BOOTSTRAP is not set (run `vaxtrail stack up` or point it at a cluster)")
        try:
            return cls(
                service=service,
                database_url=own or service_database_url(server, service),
                kafka_bootstrap=kafka,
                env=env.get("VAXTRAIL_ENV", "production"),
                state_dir=env.get("VAXTRAIL_STATE_DIR", ".vaxtrail"),
                jwt_public_key_file=env.get("JWT_PUBLIC_KEY_FILE") or None,
                jwt_jwks_url=env.get("JWT_JWKS_URL") or None,
                jwt_issuer=env.get("JWT_ISSUER", "vaxtrail"),
                jwt_audience=env.get("JWT_AUDIENCE", "vaxtrail"),
                log_level=env.get("LOG_LEVEL", "INFO"),
                http_port=int(env.get("PORT", PORTS[service])),
                relay_batch_size=int(env.get("RELAY_BATCH_SIZE", "500")),
                projection_batch_size=int(env.get("PROJECTION_BATCH_SIZE", "500")),
                max_request_bytes=int(env.get("MAX_REQUEST_BYTES", str(2 * 1024 * 1024))),
                kafka_group_prefix=env.get("KAFKA_GROUP_PREFIX", "vaxtrail"),
                worker_instance_id=env.get("WORKER_INSTANCE_ID") or None,
                kafka_security=kafka_security(env),
                campaign_time_zone=_zone_name(env.get("CAMPAIGN_TIME_ZONE") or CAMPAIGN_TIME_ZONE),
            )
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc


def _zone_name(name: str) -> str:
    campaign_zone(name)  # refuses an unknown zone at start-up, not at the first request
    return name
