"""Per service: web and worker Deployments, Service, HPA, KEDA ScaledObject, PDBs, ConfigMap, Ingress,
NetworkPolicies; and the web gateway (web/gateway: the browser app and ``/api/<service>/…``) in front of them.
Every pod runs the one image as user 10001, read-only root, no capability, no token."""

from __future__ import annotations

from tools.k8s_manifests.facts import (
    AUDIT_LOG_ORIGIN,
    AUDIT_SIGNING_KEY_DIR,
    AUDIT_SIGNING_KEY_NAME,
    AUDIT_SIGNING_KEY_SECRET,
    CERTIFICATE_KEYS_ARCHIVE_DIR,
    CERTIFICATE_KEYS_DIR,
    GATEWAY,
    GATEWAY_HOST,
    GATEWAY_OIDC_SECRET,
    IMAGE,
    JWT_DIR,
    KAFKA_CA_DIR,
    KAFKA_CA_SECRET,
    KAFKA_CLUSTER,
    METRICS_PORT,
    PARTNER_KEY_DIR,
    UID,
    VENV,
    WEB_PORT,
    ServiceFacts,
)

PART_OF = {"app.kubernetes.io/part-of": "vaxtrail"}


def labels(service: str, role: str) -> dict:
    return {"app.kubernetes.io/name": f"{service}-{role}", **PART_OF, "app.kubernetes.io/component": role,
            "vaxtrail.org/service": service}


def selector(service: str, role: str) -> dict:
    return {"app.kubernetes.io/name": f"{service}-{role}"}


def meta(name: str, service: str, role: str, **extra) -> dict:
    return {"name": name, "labels": labels(service, role), **extra}


def resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict:
    """Requests and limits; ephemeral storage covers the /tmp volume (metrics files, gunicorn's heartbeats)."""
    return {"requests": {"cpu": cpu, "memory": memory, "ephemeral-storage": "64Mi"},
            "limits": {"cpu": cpu_limit, "memory": memory_limit, "ephemeral-storage": "512Mi"}}


def container_security() -> dict:
    return {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "privileged": False,
            "runAsNonRoot": True, "runAsUser": UID, "runAsGroup": UID, "capabilities": {"drop": ["ALL"]}}


def pod_security() -> dict:
    return {"runAsNonRoot": True, "runAsUser": UID, "runAsGroup": UID, "fsGroup": UID,
            "seccompProfile": {"type": "RuntimeDefault"}}


def secret_env(name: str, secret: str, key: str) -> dict:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def service_env(svc: ServiceFacts) -> list[dict]:
    """What every container of ``svc`` gets besides the shared ``vaxtrail-config`` ConfigMap."""
    env = [secret_env(f"{svc.name.upper()}_DATABASE_URL", f"{svc.database_cluster}-app", "uri"),
           secret_env("KAFKA_SASL_PASSWORD", svc.kafka_user, "password")]
    if svc.name == "registration":
        env.append(secret_env("REGISTRATION_IDENTITY_KEY", "registration-identity-key", "key"))
    return env


def env_from(svc: ServiceFacts) -> list[dict]:
    return [{"configMapRef": {"name": "vaxtrail-config"}}, {"configMapRef": {"name": f"{svc.name}-config"}}]


def service_config(svc: ServiceFacts) -> dict:
    data = {"VAXTRAIL_SERVICE": svc.name, "KAFKA_SASL_USERNAME": svc.kafka_user}
    if svc.name == "certificate":
        data |= {"CERTIFICATE_KEYS_DIR": CERTIFICATE_KEYS_DIR,
                 "CERTIFICATE_SHC_ISSUER": "https://certificate.vaxtrail.example",
                 "CERTIFICATE_ISSUER_NAME": "Ministry of Health of Viet Nam"}
    if svc.name == "partner":
        data |= {"PARTNER_KEY_FILE": f"{PARTNER_KEY_DIR}/key"}
    if svc.name == "audit":
        data |= {"AUDIT_SIGNING_KEY_FILE": f"{AUDIT_SIGNING_KEY_DIR}/{AUDIT_SIGNING_KEY_NAME}",
                 "AUDIT_LOG_ORIGIN": AUDIT_LOG_ORIGIN}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(f"{svc.name}-config", svc.name, "config"),
            "data": data}


SIGNING_ROLES = ("web", "worker")
"""The roles that sign (audit checkpoints); jobs (migrate, rebuild, dead letters) never get the audit key."""


def volumes(svc: ServiceFacts, role: str) -> tuple[list[dict], list[dict]]:
    """(pod volumes, container mounts) shared by web, worker and job containers."""
    vols = [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}},
            {"name": "kafka-ca", "secret": {"secretName": KAFKA_CA_SECRET, "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"name": "jwt", "configMap": {"name": "vaxtrail-jwt", "optional": True}}]
    mounts = [{"name": "tmp", "mountPath": "/tmp"}, {"name": "kafka-ca", "mountPath": KAFKA_CA_DIR, "readOnly": True},
              {"name": "jwt", "mountPath": JWT_DIR, "readOnly": True}]
    if svc.name == "certificate":
        vols += [{"name": "certificate-keys-archive", "secret": {"secretName": "certificate-signing-keys"}},
                 {"name": "certificate-keys", "emptyDir": {"medium": "Memory", "sizeLimit": "16Mi"}}]
        mounts.append({"name": "certificate-keys", "mountPath": CERTIFICATE_KEYS_DIR, "readOnly": True})
    if svc.name == "partner":  # the pseudonyms' master key (Secret partner-key, key "key": 64 hex characters)
        vols.append({"name": "partner-key", "secret": {"secretName": "partner-key", "defaultMode": 0o440,
                                                       "items": [{"key": "key", "path": "key"}]}})
        mounts.append({"name": "partner-key", "mountPath": PARTNER_KEY_DIR, "readOnly": True})
    if svc.name == "audit" and role in SIGNING_ROLES:
        # One file, so the Secret is mounted as it is (no tar): readable by the pod's group (fsGroup 10001) only.
        vols.append({"name": "audit-signing-key", "secret": {
            "secretName": AUDIT_SIGNING_KEY_SECRET, "defaultMode": 0o440,
            "items": [{"key": AUDIT_SIGNING_KEY_NAME, "path": AUDIT_SIGNING_KEY_NAME}]}})
        mounts.append({"name": "audit-signing-key", "mountPath": AUDIT_SIGNING_KEY_DIR, "readOnly": True})
    return vols, mounts


def init_containers(svc: ServiceFacts) -> list[dict]:
    """The certificate keyring arrives as one tar in a Secret (a Secret volume has no sub-folders); Python's
    own tarfile unpacks it into a memory volume the service reads (the image has no shell or tar)."""
    if svc.name != "certificate":
        return []
    return [{"name": "unpack-keys", "image": IMAGE, "imagePullPolicy": "IfNotPresent",
             "command": [f"{VENV}/python", "-m", "tarfile", "-e",
                         f"{CERTIFICATE_KEYS_ARCHIVE_DIR}/keyring.tar", CERTIFICATE_KEYS_DIR],
             "volumeMounts": [{"name": "certificate-keys-archive", "mountPath": CERTIFICATE_KEYS_ARCHIVE_DIR,
                               "readOnly": True},
                              {"name": "certificate-keys", "mountPath": CERTIFICATE_KEYS_DIR}],
             "resources": resources("50m", "64Mi", "200m", "128Mi"),
             "securityContext": container_security()}]


def spread(service: str, role: str) -> list[dict]:
    return [{"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway",
             "labelSelector": {"matchLabels": selector(service, role)}}
            for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")]


def anti_affinity(service: str, role: str) -> dict:
    return {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                           "labelSelector": {"matchLabels": selector(service, role)}}}]}}


def pod_spec(svc: ServiceFacts, role: str, container: dict, *, restart: str | None = None) -> dict:
    vols, mounts = volumes(svc, role)
    spec = {"serviceAccountName": "vaxtrail", "automountServiceAccountToken": False,
            "securityContext": pod_security(), "terminationGracePeriodSeconds": 30,
            "initContainers": init_containers(svc),
            "containers": [{"image": IMAGE, "imagePullPolicy": "IfNotPresent", **container,
                            "envFrom": env_from(svc), "volumeMounts": mounts,
                            "securityContext": container_security()}],
            "volumes": vols}
    if not spec["initContainers"]:
        del spec["initContainers"]
    if restart:
        spec["restartPolicy"] = restart
    else:
        spec["topologySpreadConstraints"] = spread(svc.name, role)
        spec["affinity"] = anti_affinity(svc.name, role)
    return spec


def web_container(svc: ServiceFacts) -> dict:
    return gunicorn_container(f"services.{svc.name}.wsgi:create_app()", threads=4, env=service_env(svc),
                              resources=resources("250m", "384Mi", "1", "768Mi"))


def gunicorn_container(app: str, *, threads: int, env: list[dict], resources: dict) -> dict:
    """A container named ``web`` running ``app`` under the shared gunicorn configuration on port ``WEB_PORT``:
    every service's web and the gateway (probes ``/healthz`` and ``/readyz``, a short pre-stop pause)."""
    return {"name": "web",
            "command": [f"{VENV}/gunicorn", "-c", "python:eventkit.web.gunicorn_conf", app],
            "env": [{"name": "BIND", "value": f"0.0.0.0:{WEB_PORT}"}, {"name": "PORT", "value": str(WEB_PORT)},
                    {"name": "PROMETHEUS_MULTIPROC_DIR", "value": "/tmp/prometheus"},
                    {"name": "WEB_CONCURRENCY", "value": "2"}, {"name": "WEB_THREADS", "value": str(threads)},
                    *env],
            "ports": [{"name": "http", "containerPort": WEB_PORT, "protocol": "TCP"}],
            "startupProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 2,
                             "failureThreshold": 30},
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10,
                              "timeoutSeconds": 2, "failureThreshold": 3},
            "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 5,
                               "timeoutSeconds": 3, "failureThreshold": 2},
            "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
            "resources": resources}


def worker_container(svc: ServiceFacts) -> dict:
    return {"name": "worker",
            "command": [f"{VENV}/python", "-m", f"services.{svc.name}.worker"],
            "env": [{"name": "METRICS_PORT", "value": str(METRICS_PORT)}, {"name": "METRICS_BIND", "value": "0.0.0.0"},
                    *service_env(svc)],
            "ports": [{"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"}],
            "livenessProbe": {"httpGet": {"path": "/metrics", "port": "metrics"}, "periodSeconds": 15,
                              "timeoutSeconds": 5, "failureThreshold": 4},
            "resources": resources("500m", "512Mi", "1", "1Gi")}


def deployment(svc: ServiceFacts, role: str, container: dict) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(f"{svc.name}-{role}", svc.name, role),
            "spec": {"revisionHistoryLimit": 5, "selector": {"matchLabels": selector(svc.name, role)},
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                     "template": {"metadata": {"labels": labels(svc.name, role)},
                                  "spec": pod_spec(svc, role, container)}}}


def pdb(svc: ServiceFacts, role: str) -> dict:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(f"{svc.name}-{role}", svc.name, role),
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(svc.name, role)}}}


def service(svc: ServiceFacts) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(svc.name, svc.name, "web"),
            "spec": {"type": "ClusterIP", "selector": selector(svc.name, "web"),
                     "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]}}


def hpa(svc: ServiceFacts) -> dict:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(f"{svc.name}-web", svc.name, "web"),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{svc.name}-web"},
                     "minReplicas": 2, "maxReplicas": 10,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                         "type": "Utilization", "averageUtilization": 70}}}]}}


LAG_PER_WORKER = 30_000
"""KEDA adds a worker per this many records of lag (about 30 s of work at 1,000 events/s)."""


def scaled_object(svc: ServiceFacts) -> dict:
    triggers = [{"type": "kafka", "name": p.name, "authenticationRef": {"name": f"{svc.name}-kafka"},
                 "metadata": {"bootstrapServers": "vaxtrail-kafka-bootstrap:9093", "consumerGroup": p.group,
                              **({"topic": p.topics[0]} if len(p.topics) == 1 else {}),
                              "lagThreshold": str(LAG_PER_WORKER), "offsetResetPolicy": "earliest",
                              "allowIdleConsumers": "false", "sasl": "scram_sha512", "tls": "enable"}}
                for p in svc.projections]
    return {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": meta(f"{svc.name}-worker", svc.name, "worker"),
            "spec": {"scaleTargetRef": {"name": f"{svc.name}-worker"}, "minReplicaCount": 1,
                     "maxReplicaCount": svc.max_workers, "pollingInterval": 30, "cooldownPeriod": 300,
                     "triggers": triggers or [{"type": "cpu", "metricType": "Utilization", "metadata": {"value": "80"}}]}}


def trigger_auth(svc: ServiceFacts) -> dict:
    return {"apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication", "metadata": meta(f"{svc.name}-kafka", svc.name, "worker"),
            "spec": {"configMapTargetRef": [{"parameter": "username", "name": f"{svc.name}-config", "key": "KAFKA_SASL_USERNAME"}],
                     "secretTargetRef": [{"parameter": "password", "name": svc.kafka_user, "key": "password"},
                                         {"parameter": "ca", "name": KAFKA_CA_SECRET, "key": "ca.crt"}]}}


def ingress(svc: ServiceFacts) -> dict:
    host = f"{svc.name}.vaxtrail.example"
    paths = [{"path": prefix, "pathType": "Prefix",
              "backend": {"service": {"name": svc.name, "port": {"name": "http"}}}} for prefix in svc.route_prefixes]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta(svc.name, svc.name, "web"),
            "spec": {"ingressClassName": "nginx", "tls": [{"hosts": [host], "secretName": "vaxtrail-tls"}],
                     "rules": [{"host": host, "http": {"paths": paths}}]}}


def namespace_peer(name: str) -> dict:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


DNS_EGRESS = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                      "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
              "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}
KAFKA_EGRESS = {"to": [{"podSelector": {"matchLabels": {"strimzi.io/cluster": KAFKA_CLUSTER, "strimzi.io/kind": "Kafka"}}}],
                "ports": [{"protocol": "TCP", "port": 9093}]}


def network_policy(svc: ServiceFacts) -> dict:
    """Pods of ``svc`` reach only their database, Kafka and DNS; only the ingress controller, the web gateway
    and Prometheus reach the web port and only Prometheus the metrics."""
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(svc.name, svc.name, "network"),
            "spec": {"podSelector": {"matchLabels": {"vaxtrail.org/service": svc.name}},
                     "policyTypes": ["Ingress", "Egress"],
                     "ingress": [{"from": [namespace_peer("ingress-nginx"), namespace_peer("monitoring"),
                                           {"podSelector": {"matchLabels": gateway_selector()}}],
                                  "ports": [{"protocol": "TCP", "port": WEB_PORT}]},
                                 {"from": [namespace_peer("monitoring")], "ports": [{"protocol": "TCP", "port": METRICS_PORT}]}],
                     "egress": [{"to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": svc.database_cluster}}}],
                                 "ports": [{"protocol": "TCP", "port": 5432}]}, KAFKA_EGRESS, DNS_EGRESS]}}


def service_resources(svc: ServiceFacts) -> list[dict]:
    return [service_config(svc), deployment(svc, "web", web_container(svc)), service(svc), hpa(svc), pdb(svc, "web"),
            deployment(svc, "worker", worker_container(svc)), scaled_object(svc), trigger_auth(svc), pdb(svc, "worker"),
            ingress(svc), network_policy(svc)]


# The web gateway: one more Deployment of the image, serving the built browser app (web/app/dist, inside the
# image) and relaying /api/<service>/… to each service's Service. It needs no database and no Kafka.

def gateway_labels() -> dict:
    """Component ``web`` like the services' webs: the ServiceMonitor scrapes it and the production overlay's
    identity-provider egress (JWKS, OpenID Connect token endpoint) applies to it."""
    return {"app.kubernetes.io/name": GATEWAY, **PART_OF, "app.kubernetes.io/component": "web",
            "vaxtrail.org/service": "web"}


def gateway_selector() -> dict:
    return {"app.kubernetes.io/name": GATEWAY}


def gateway_meta(name: str) -> dict:
    return {"name": name, "labels": gateway_labels()}


def upstream(svc: ServiceFacts) -> str:
    """The in-cluster URL of ``svc``'s Service (:func:`service`: port 80 -> the web pods' 8080)."""
    return f"http://{svc.name}:80"


def gateway_config(svcs: tuple[ServiceFacts, ...]) -> dict:
    data = {"VAXTRAIL_SERVICE": "web", **{f"WEB_UPSTREAM_{svc.name.upper()}": upstream(svc) for svc in svcs}}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": gateway_meta("web-config"), "data": data}


def optional_secret_env(name: str, secret: str, key: str) -> dict:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key, "optional": True}}}


def gateway_container() -> dict:
    """The OpenID Connect secrets come from Secret ``web-oidc`` (optional: without OpenID Connect, as in the dev
    overlay, nothing needs it; with ``OIDC_CLIENT_ID`` set the gateway refuses to start without the session
    secret). ``JWT_*`` and ``VAXTRAIL_ENV`` come from vaxtrail-config, as for every service."""
    return gunicorn_container("web.gateway.wsgi:create_app()", threads=8,
                              env=[optional_secret_env("WEB_SESSION_SECRET", GATEWAY_OIDC_SECRET, "session-secret"),
                                   optional_secret_env("OIDC_CLIENT_SECRET", GATEWAY_OIDC_SECRET, "client-secret")],
                              resources=resources("100m", "192Mi", "1", "512Mi"))


def gateway_deployment() -> dict:
    spread_ = [{"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": gateway_selector()}}
               for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")]
    affinity = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                           "labelSelector": {"matchLabels": gateway_selector()}}}]}}
    spec = {"serviceAccountName": "vaxtrail", "automountServiceAccountToken": False,
            "securityContext": pod_security(), "terminationGracePeriodSeconds": 30,
            "containers": [{"image": IMAGE, "imagePullPolicy": "IfNotPresent", **gateway_container(),
                            "envFrom": [{"configMapRef": {"name": "vaxtrail-config"}},
                                        {"configMapRef": {"name": "web-config"}}],
                            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"},
                                             {"name": "jwt", "mountPath": JWT_DIR, "readOnly": True}],
                            "securityContext": container_security()}],
            "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}},
                        {"name": "jwt", "configMap": {"name": "vaxtrail-jwt", "optional": True}}],
            "topologySpreadConstraints": spread_, "affinity": affinity}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": gateway_meta(GATEWAY),
            "spec": {"revisionHistoryLimit": 5, "selector": {"matchLabels": gateway_selector()},
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                     "template": {"metadata": {"labels": gateway_labels()}, "spec": spec}}}


def gateway_resources(svcs: tuple[ServiceFacts, ...]) -> list[dict]:
    """ConfigMap, Deployment, Service, HPA, PDB, Ingress (``/`` of the app's host) and NetworkPolicy (in from
    the ingress controller and Prometheus; out to the services' web pods and DNS)."""
    service_ = {"apiVersion": "v1", "kind": "Service", "metadata": gateway_meta(GATEWAY),
                "spec": {"type": "ClusterIP", "selector": gateway_selector(),
                         "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]}}
    hpa_ = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": gateway_meta(GATEWAY),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": GATEWAY},
                     "minReplicas": 2, "maxReplicas": 10,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                         "type": "Utilization", "averageUtilization": 70}}}]}}
    pdb_ = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": gateway_meta(GATEWAY),
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": gateway_selector()}}}
    ingress_ = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": gateway_meta(GATEWAY),
                "spec": {"ingressClassName": "nginx", "tls": [{"hosts": [GATEWAY_HOST], "secretName": "vaxtrail-tls"}],
                         "rules": [{"host": GATEWAY_HOST, "http": {"paths": [
                             {"path": "/", "pathType": "Prefix",
                              "backend": {"service": {"name": GATEWAY, "port": {"name": "http"}}}}]}}]}}
    services_web = {"podSelector": {"matchLabels": {**PART_OF, "app.kubernetes.io/component": "web"},
                                    "matchExpressions": [{"key": "vaxtrail.org/service", "operator": "In",
                                                          "values": [svc.name for svc in svcs]}]}}
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": gateway_meta(GATEWAY),
              "spec": {"podSelector": {"matchLabels": gateway_selector()}, "policyTypes": ["Ingress", "Egress"],
                       "ingress": [{"from": [namespace_peer("ingress-nginx"), namespace_peer("monitoring")],
                                    "ports": [{"protocol": "TCP", "port": WEB_PORT}]}],
                       "egress": [{"to": [services_web], "ports": [{"protocol": "TCP", "port": WEB_PORT}]},
                                  DNS_EGRESS]}}
    return [gateway_config(svcs), gateway_deployment(), service_, hpa_, pdb_, ingress_, policy]
