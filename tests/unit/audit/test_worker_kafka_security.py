"""The audit worker's own Kafka client (the sealer's end-offset reader) uses the worker's Kafka security
settings: on a TLS + SCRAM listener (deploy/k8s) a plaintext client would never reach the brokers."""

from __future__ import annotations

from pathlib import Path

from eventkit.service import ServiceRuntime, ServiceWiring
from eventkit.settings import Settings
from services.audit import bootstrap
from services.audit.signing import create_key
from services.audit.workers import sealer

SECURITY = {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "vaxtrail-audit",
            "sasl_plain_password": "secret", "ssl_cafile": "/etc/vaxtrail/kafka-ca/ca.crt"}


class FakeConsumer:
    def partitions_for_topic(self, topic: str) -> set[int]:
        return {0}

    def end_offsets(self, partitions):
        return {tp: 7 for tp in partitions}


def test_kafka_ends_builds_its_consumer_with_the_security_options(monkeypatch) -> None:
    made = []
    monkeypatch.setattr(sealer, "make_consumer", lambda bootstrap, **options: made.append((bootstrap, options))
                        or FakeConsumer())
    ends = sealer.KafkaEnds("kafka:9093", **SECURITY)
    assert ends("vaxtrail.inventory.v1") == {0: 7}
    assert made == [("kafka:9093", {"group_id": None, "client_id": "audit-sealer", **SECURITY})]


def test_the_worker_gives_the_sealer_the_settings_kafka_security(monkeypatch, tmp_path: Path) -> None:
    key = tmp_path / "checkpoint-ed25519.pem"
    create_key(key)
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", str(key))
    monkeypatch.setenv("AUDIT_LOG_ORIGIN", "vaxtrail.example/audit")
    monkeypatch.setattr(ServiceWiring, "runtime", lambda self, settings: ServiceRuntime.build(
        settings, self.codec(), self.migrations, connect=False))
    built = []
    monkeypatch.setattr(bootstrap, "KafkaEnds", lambda bootstrap_servers, **security: built.append(
        (bootstrap_servers, security)) or sealer.KafkaEnds(bootstrap_servers, **security))
    settings = Settings(service="audit", database_url="postgresql://offline/none", kafka_bootstrap="kafka:9093",
                        kafka_security=SECURITY)
    names = [name for name, _ in bootstrap.components(settings)]
    assert "sealer" in names and "publisher" in names
    assert built == [("kafka:9093", SECURITY)]
