"""What the code says about each service: projections, consumer groups, topics, routes, and the contract
every container follows (image, paths, ports, environment)."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from eventkit.settings import SERVICES, Settings
from eventkit.topics import TopicSpec, all_topics, dlq_topic, event_topic

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"

IMAGE = "vaxtrail:0.1.0"
"""Overlays replace it (kustomize ``images``) with the registry path and digest of `make image`'s output."""
VENV = "/opt/vaxtrail/bin"
WEB_PORT = 8080
METRICS_PORT = 9090
UID = 10001
KAFKA_CLUSTER = "vaxtrail"
KAFKA_BOOTSTRAP = f"{KAFKA_CLUSTER}-kafka-bootstrap:9093"
KAFKA_CA_SECRET = f"{KAFKA_CLUSTER}-cluster-ca-cert"
KAFKA_CA_DIR = "/etc/vaxtrail/kafka-ca"
JWT_DIR = "/etc/vaxtrail/jwt"
CERTIFICATE_KEYS_DIR = "/var/run/vaxtrail/certificate-keys"
CERTIFICATE_KEYS_ARCHIVE_DIR = "/etc/vaxtrail/certificate-keys-archive"
AUDIT_SIGNING_KEY_SECRET = "audit-signing-key"
AUDIT_SIGNING_KEY_NAME = "checkpoint-ed25519.pem"
"""The key of Secret ``audit-signing-key`` and the file name it is mounted as."""
AUDIT_SIGNING_KEY_DIR = "/etc/vaxtrail/audit-signing-key"
PARTNER_KEY_DIR = "/etc/vaxtrail/partner-key"
AUDIT_LOG_ORIGIN = "vaxtrail.example/audit"
"""Prefix of each audit log's checkpoint origin and key name; overlays/production SETs the real domain."""
GATEWAY = "web-gateway"
"""The web gateway (web/gateway): Deployment, Service, HPA, PDB, Ingress and NetworkPolicy names."""
GATEWAY_HOST = "vaxtrail.example"
GATEWAY_OIDC_SECRET = "web-oidc"
GROUP_PREFIX = "vaxtrail"
OPS_USER = "vaxtrail-ops"


@dataclass(frozen=True)
class ProjectionFacts:
    name: str
    group: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class ServiceFacts:
    name: str
    projections: tuple[ProjectionFacts, ...]
    route_prefixes: tuple[str, ...]

    @property
    def topic(self) -> str:
        return event_topic(self.name)

    @property
    def dlq(self) -> str:
        return dlq_topic(self.name)

    @property
    def consumed(self) -> tuple[str, ...]:
        return tuple(sorted({t for p in self.projections for t in p.topics}))

    @property
    def kafka_user(self) -> str:
        return f"vaxtrail-{self.name}"

    @property
    def database_cluster(self) -> str:
        return f"{self.name}-db"

    @property
    def database(self) -> str:
        return f"vaxtrail_{self.name}"

    @property
    def max_workers(self) -> int:
        """KEDA's cap: beyond the largest partition count of the topics it reads, a worker idles."""
        partitions = {t.name: t.partitions for t in national_topics()}
        return max((partitions[t] for t in self.consumed), default=1)


def national_topics() -> list[TopicSpec]:
    return all_topics(national=True)


def _projections(service: str) -> tuple[ProjectionFacts, ...]:
    wiring = importlib.import_module(f"services.{service}.bootstrap").WIRING
    settings = Settings(service=service, database_url="postgresql://offline/none", kafka_bootstrap="offline:0")
    return tuple(ProjectionFacts(p.name, f"{GROUP_PREFIX}.{service}.{p.name}", tuple(p.topics))
                 for p in wiring.projections(settings, wiring.codec()))


INTERNAL_ROUTES = ("/healthz", "/readyz", "/metrics")


def _route_prefixes(service: str) -> tuple[str, ...]:
    document = json.loads((ROOT / "services" / service / "openapi.json").read_text())
    prefixes = {"/" + path.split("/")[1] for path in document["paths"]}
    return tuple(sorted(prefixes - set(INTERNAL_ROUTES)))


@cache
def services() -> tuple[ServiceFacts, ...]:
    return tuple(ServiceFacts(name, _projections(name), _route_prefixes(name)) for name in SERVICES)
