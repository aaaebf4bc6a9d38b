"""Strimzi topics and users, CloudNativePG clusters and backups, and the Jobs: migrations, the topic
check, and the rebuild / dead-letter templates operators start by hand (docs/operations.md)."""

from __future__ import annotations

from tools.k8s_manifests.facts import (
    GROUP_PREFIX,
    IMAGE,
    KAFKA_CLUSTER,
    OPS_USER,
    VENV,
    ServiceFacts,
    national_topics,
)
from tools.k8s_manifests.workloads import (
    DNS_EGRESS,
    KAFKA_EGRESS,
    container_security,
    labels,
    meta,
    pod_security,
    pod_spec,
    resources,
    secret_env,
)
from vaxtrail_cli.kafka_access import LITERAL, Grant, service_grants

STRIMZI = "kafka.strimzi.io/v1"
CLUSTER_LABEL = {"strimzi.io/cluster": KAFKA_CLUSTER}


def kafka_topics() -> list[dict]:
    return [{"apiVersion": STRIMZI, "kind": "KafkaTopic",
             "metadata": {"name": spec.name, "labels": {**CLUSTER_LABEL, "app.kubernetes.io/part-of": "vaxtrail"},
                          "annotations": {"vaxtrail.org/purpose": spec.purpose}},
             "spec": {"topicName": spec.name, "partitions": spec.partitions, "replicas": 3,
                      "config": {**spec.config, "min.insync.replicas": 2}}}
            for spec in national_topics()]


def acl(resource_type: str, name: str, operations: list[str], pattern: str = "literal") -> dict:
    return {"resource": {"type": resource_type, "name": name, "patternType": pattern},
            "operations": operations, "host": "*"}


def strimzi_acl(grant: Grant) -> dict:
    """One grant of the shared model (:mod:`vaxtrail_cli.kafka_access`) in Strimzi's spelling."""
    return acl(grant.resource_type.lower(), grant.name, [op.capitalize() for op in grant.operations],
               "literal" if grant.pattern == LITERAL else "prefix")


def kafka_user(name: str, acls: list[dict], service: str) -> dict:
    return {"apiVersion": STRIMZI, "kind": "KafkaUser",
            "metadata": {"name": name, "labels": {**CLUSTER_LABEL, **labels(service, "kafka-user")}},
            "spec": {"authentication": {"type": "scram-sha-512"},
                     "authorization": {"type": "simple", "acls": acls}}}


def service_user(svc: ServiceFacts) -> dict:
    """The service's grants of :func:`vaxtrail_cli.kafka_access.service_grants` (the local broker's too): write
    only its own topic and dead-letter topic; read what its projections consume; its own groups."""
    grants = service_grants(svc.name, svc.consumed, group_prefix=GROUP_PREFIX)
    return kafka_user(svc.kafka_user, [strimzi_acl(g) for g in grants], svc.name)


def ops_user() -> dict:
    """The topic check Job: describe VaxTrail's topics, nothing else."""
    return kafka_user(OPS_USER, [acl("topic", "vaxtrail.", ["Describe", "DescribeConfigs"], "prefix")], "ops")


CERTIFICATE_QUERIES = {
    "vaxtrail_certificate_pending": {
        "query": "SELECT count(*) AS persons, COALESCE(EXTRACT(EPOCH FROM now() - min(marked_at)), 0) AS oldest_seconds"
                 " FROM certificate_pending",
        "primary": True, "target_databases": ["vaxtrail_certificate"],
        "metrics": [{"persons": {"usage": "GAUGE", "description": "Persons whose certificates the issuer has yet to bring in line"}},
                    {"oldest_seconds": {"usage": "GAUGE", "description": "Age of the oldest pending mark (dose, correction, revocation -> certificate)"}}],
    }
}


def cnpg_cluster(svc: ServiceFacts) -> dict:
    spec = {"instances": 3, "imageName": "ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie",
            "primaryUpdateStrategy": "unsupervised",
            "bootstrap": {"initdb": {"database": svc.database, "owner": svc.database}},
            # A commit is acknowledged once a standby has it too: the relay publishes what the store says is
            # committed, and a failover must not take back an event partners and read models already have.
            "postgresql": {"parameters": {"max_connections": "400", "shared_buffers": "1GB",
                                          "idle_in_transaction_session_timeout": "60s",
                                          "synchronous_commit": "on"},
                           "synchronous": {"method": "any", "number": 1, "dataDurability": "required"}},
            "storage": {"size": "100Gi"}, "walStorage": {"size": "20Gi"},
            "resources": {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"memory": "4Gi"}},
            "affinity": {"enablePodAntiAffinity": True, "topologyKey": "kubernetes.io/hostname",
                         "podAntiAffinityType": "required"}}
    if svc.name == "certificate":
        spec["monitoring"] = {"customQueriesConfigMap": [{"name": "vaxtrail-cnpg-queries", "key": "queries.yaml"}]}
    return {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
            "metadata": meta(svc.database_cluster, svc.name, "database"), "spec": spec}


def cnpg_queries(dump) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "vaxtrail-cnpg-queries", "labels": {"app.kubernetes.io/part-of": "vaxtrail",
                                                                     "cnpg.io/reload": ""}},
            "data": {"queries.yaml": dump(CERTIFICATE_QUERIES)}}


BARMAN = "barman-cloud.cloudnative-pg.io"


def backup_resources(svc: ServiceFacts) -> list[dict]:
    """Production: WAL archiving + a daily base backup of each service database to object storage."""
    store = f"{svc.database_cluster}-backups"
    return [
        {"apiVersion": "barmancloud.cnpg.io/v1", "kind": "ObjectStore", "metadata": meta(store, svc.name, "database"),
         "spec": {"retentionPolicy": "30d", "configuration": {
             "destinationPath": f"s3://vaxtrail-backups/{svc.name}",
             "s3Credentials": {"accessKeyId": {"name": "vaxtrail-backup-s3", "key": "ACCESS_KEY_ID"},
                               "secretAccessKey": {"name": "vaxtrail-backup-s3", "key": "ACCESS_SECRET_KEY"}},
             "wal": {"compression": "gzip"}, "data": {"compression": "gzip"}}}},
        {"apiVersion": "postgresql.cnpg.io/v1", "kind": "ScheduledBackup",
         "metadata": meta(f"{svc.database_cluster}-daily", svc.name, "database"),
         "spec": {"schedule": "0 0 2 * * *", "backupOwnerReference": "self", "method": "plugin",
                  "pluginConfiguration": {"name": BARMAN}, "cluster": {"name": svc.database_cluster}}},
    ]


def backup_patch(svc: ServiceFacts) -> dict:
    return {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": svc.database_cluster},
            "spec": {"plugins": [{"name": BARMAN, "isWALArchiver": True,
                                  "parameters": {"barmanObjectName": f"{svc.database_cluster}-backups"}}]}}


def job(name: str, svc: ServiceFacts, role: str, args: list[str], *, ttl: int | None = 600) -> dict:
    container = {"name": role, "command": [f"{VENV}/vaxtrail"], "args": args,
                 "env": [secret_env(f"{svc.name.upper()}_DATABASE_URL", f"{svc.database_cluster}-app", "uri"),
                         secret_env("KAFKA_SASL_PASSWORD", svc.kafka_user, "password")],
                 "resources": resources("100m", "256Mi", "1", "512Mi")}
    spec = {"backoffLimit": 10, "activeDeadlineSeconds": 3600,
            "template": {"metadata": {"labels": labels(svc.name, role)},
                         "spec": pod_spec(svc, role, container, restart="OnFailure")}}
    if ttl is not None:
        spec["ttlSecondsAfterFinished"] = ttl
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta(name, svc.name, role), "spec": spec}


def migrate_job(svc: ServiceFacts) -> dict:
    """Idempotent (an advisory lock and ``schema_migrations``); deleted 10 minutes after it succeeded, so
    the next ``kubectl apply`` of a new release runs it again."""
    return job(f"{svc.name}-migrate", svc, "migrate", ["migrate", svc.name])


def topics_job() -> dict:
    """Strimzi creates the topics from the KafkaTopic resources; this Job fails until all of them exist with
    their national partition counts, so a rollout can wait for it."""
    container = {"name": "topics", "command": [f"{VENV}/vaxtrail"], "args": ["topics", "--check", "--national"],
                 "env": [{"name": "KAFKA_SASL_USERNAME", "value": OPS_USER},
                         secret_env("KAFKA_SASL_PASSWORD", OPS_USER, "password")],
                 "envFrom": [{"configMapRef": {"name": "vaxtrail-config"}}],
                 "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"},
                                  {"name": "kafka-ca", "mountPath": "/etc/vaxtrail/kafka-ca", "readOnly": True}],
                 "resources": resources("100m", "128Mi", "500m", "256Mi"),
                 "securityContext": container_security()}
    spec = {"serviceAccountName": "vaxtrail", "automountServiceAccountToken": False, "securityContext": pod_security(),
            "restartPolicy": "OnFailure",
            "containers": [{"image": IMAGE, "imagePullPolicy": "IfNotPresent", **container}],
            "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
                        {"name": "kafka-ca", "secret": {"secretName": f"{KAFKA_CLUSTER}-cluster-ca-cert",
                                                        "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("vaxtrail-topics", "ops", "topics"),
            "spec": {"backoffLimit": 20, "activeDeadlineSeconds": 1800, "ttlSecondsAfterFinished": 600,
                     "template": {"metadata": {"labels": labels("ops", "topics")}, "spec": spec}}}


def ops_jobs(svc: ServiceFacts) -> list[dict]:
    """Templates an operator creates by hand (never applied by an overlay): see docs/operations.md."""
    return [job(f"{svc.name}-rebuild", svc, "rebuild", ["rebuild", svc.name, "PROJECTION_NAME"], ttl=86400),
            job(f"{svc.name}-dlq-list", svc, "dlq-list", ["dlq", "list", svc.name], ttl=86400),
            job(f"{svc.name}-dlq-replay", svc, "dlq-replay", ["dlq", "replay", svc.name], ttl=86400)]


def ops_network_policy() -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("vaxtrail-ops", "ops", "network"),
            "spec": {"podSelector": {"matchLabels": {"vaxtrail.org/service": "ops"}}, "policyTypes": ["Ingress", "Egress"],
                     "ingress": [], "egress": [KAFKA_EGRESS, DNS_EGRESS]}}


def database_network_policy(svc: ServiceFacts) -> dict:
    """A service database accepts its own service's pods, its own instances (replication), the operator and
    Prometheus; egress stays open (WAL archiving to object storage)."""
    cluster = {"cnpg.io/cluster": svc.database_cluster}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            # kube-score cannot see the pods: the CloudNativePG operator creates them.
            "metadata": meta(svc.database_cluster, svc.name, "network",
                             annotations={"kube-score/ignore": "networkpolicy-targets-pod"}),
            "spec": {"podSelector": {"matchLabels": cluster}, "policyTypes": ["Ingress"],
                     "ingress": [
                         {"from": [{"podSelector": {"matchLabels": {"vaxtrail.org/service": svc.name}}},
                                   {"podSelector": {"matchLabels": cluster}}],
                          "ports": [{"protocol": "TCP", "port": 5432}]},
                         {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "cnpg-system"}}}],
                          "ports": [{"protocol": "TCP", "port": 8000}, {"protocol": "TCP", "port": 5432}]},
                         {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
                          "ports": [{"protocol": "TCP", "port": 9187}]}]}}
