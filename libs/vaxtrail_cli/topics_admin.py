"""Create VaxTrail's topics idempotently (see :mod:`eventkit.topics` for the declarative list).

Existing topics are left exactly as they are (partitions and configuration are not altered): changing a
live topic is an operator decision, not something a ``stack up`` should do behind anyone's back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from eventkit.topics import TopicSpec


@dataclass
class EnsureResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def admin_client(bootstrap: str, *, client_id: str = "vaxtrail-cli", **security):
    """A connected ``KafkaAdminClient``; the caller closes it. ``security``: kafka-python TLS / SASL options."""
    from kafka.admin import KafkaAdminClient

    return KafkaAdminClient(bootstrap_servers=bootstrap, client_id=client_id, request_timeout_ms=30000, **security)


def ensure_topics(bootstrap: str, specs: Iterable[TopicSpec], *, replication_factor: int = 1,
                  security: Mapping[str, str] | None = None) -> EnsureResult:
    """Create every topic in ``specs`` that does not exist yet and wait until each has a leader."""
    from kafka.errors import TopicAlreadyExistsError, for_code

    specs = list(specs)
    result = EnsureResult()
    admin = admin_client(bootstrap, **(security or {}))
    try:
        present = set(admin.list_topics())
        missing = [spec for spec in specs if spec.name not in present]
        result.existing = [spec.name for spec in specs if spec.name in present]
        if missing:
            request = {
                spec.name: {"num_partitions": spec.partitions, "replication_factor": replication_factor,
                            "configs": dict(spec.config)}
                for spec in missing
            }
            response = admin.create_topics(request, raise_errors=False)
            failures = []
            for topic in response["topics"]:
                error = for_code(topic["error_code"])
                if topic["error_code"] == 0:
                    result.created.append(topic["name"])
                elif error is TopicAlreadyExistsError:
                    result.existing.append(topic["name"])
                else:
                    failures.append(f"{topic['name']}: {error.__name__} {topic.get('error_message') or ''}")
            if failures:
                raise RuntimeError("could not create topics: " + "; ".join(failures))
            admin.wait_for_topics(result.created, timeout_ms=30000)
    finally:
        admin.close()
    order = {spec.name: i for i, spec in enumerate(specs)}
    result.created.sort(key=order.__getitem__)
    result.existing.sort(key=order.__getitem__)
    return result


def check_topics(bootstrap: str, specs: Iterable[TopicSpec], *,
                 security: Mapping[str, str] | None = None) -> list[str]:
    """What is missing: topics that do not exist, or have fewer partitions than declared (one line each)."""
    admin = admin_client(bootstrap, **(security or {}))
    try:
        present = {t["name"]: len(t["partitions"]) for t in admin.describe_topics()}
    finally:
        admin.close()
    problems = []
    for spec in specs:
        if spec.name not in present:
            problems.append(f"{spec.name} (partitions={spec.partitions})")
        elif present[spec.name] < spec.partitions:
            problems.append(f"{spec.name} has {present[spec.name]} partitions, declared {spec.partitions}")
    return problems
