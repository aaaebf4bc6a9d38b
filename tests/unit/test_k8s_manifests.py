"""deploy/k8s against the code: generated files current, topics and ACLs from the topic list and the
projections, every container's command / args / env / ports / probes real, alerts on metrics that exist.

`make lint` validates the rendered overlays with kubeconform and kube-score (tools/k8s_lint.py); these
tests check what no schema knows: that the manifests and the code agree.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import shlex
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from eventkit import metrics
from eventkit.settings import SERVICES, Settings
from eventkit.topics import PARTNER_FEEDS, all_topics
from tests.kubelet import kubelet_env as resolve_env
from tools.k8s_manifests import facts, files, monitoring

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
VENV = "/opt/vaxtrail/bin/"


def load(relative: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all((K8S / relative).read_text()) if doc]


def all_docs() -> list[dict]:
    paths = ["base/common.yaml", "base/generated-ops.yaml", "base/web-gateway.yaml",
             *(f"base/services/{s}.yaml" for s in SERVICES),
             *(f"ops/{s}.yaml" for s in SERVICES)]
    return [doc for path in paths for doc in load(path)]


def pods() -> Iterator[tuple[str, dict]]:
    for doc in all_docs():
        if doc["kind"] in ("Deployment", "Job"):
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


def containers() -> Iterator[tuple[str, dict]]:
    for name, spec in pods():
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            yield f"{name}/{container['name']}", container


class Recorder(Mapping[str, str]):
    """An environment that answers like a production one and remembers every name the code asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values, self.asked = values, set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return self.values[key]

    def get(self, key, default=None):
        self.asked.add(key)
        return self.values.get(key, default)

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def names_read_by_the_code() -> set[str]:
    """Every variable Settings.from_env, the services' own settings, the web gateway's settings, gunicorn's
    config and the worker read."""
    from services.audit.settings import AuditSettings
    from services.certificate.settings import CertificateSettings
    from services.partner.settings import PartnerSettings
    from services.registration.settings import identity_key
    from web.gateway.settings import GatewaySettings

    asked: set[str] = set()
    partner_key = Path(tempfile.mkdtemp()) / "partner-key"
    partner_key.write_text("ab" * 32)
    for service in SERVICES:
        env = Recorder({"DATABASE_URL": "postgresql://x/postgres", "KAFKA_BOOTSTRAP": "k:9093",
                        "CERTIFICATE_KEYS_DIR": "/keys", "CERTIFICATE_SHC_ISSUER": "https://c",
                        "REGISTRATION_IDENTITY_KEY": "k" * 32, "AUDIT_SIGNING_KEY_FILE": "/keys/audit.pem",
                        "PARTNER_KEY_FILE": str(partner_key)})
        settings = Settings.from_env(service, env)
        CertificateSettings.from_env(settings, env)
        AuditSettings.from_env(settings, env)
        PartnerSettings.from_env(settings, env)
        identity_key(settings.env, env)
        asked |= env.asked
    gateway = Recorder({"JWT_JWKS_URL": "https://id/certs", "OIDC_CLIENT_ID": "web", "OIDC_ISSUER": "https://id",
                        "OIDC_REDIRECT_URI": "https://app/auth/callback", "WEB_SESSION_SECRET": "s" * 32})
    GatewaySettings.from_env(gateway)
    asked |= gateway.asked
    for module in ("eventkit/web/gunicorn_conf.py", "eventkit/service.py"):
        source = (ROOT / "libs" / module).read_text()
        asked |= set(re.findall(r"""os\.environ(?:\.get\(|\[|\.setdefault\()\s*["']([A-Z_]+)["']""", source))
    return asked


def test_the_generated_manifests_are_what_make_k8s_writes() -> None:
    assert files.differences() == [], "run `make k8s` and commit the result"


def test_a_kafka_topic_resource_for_every_topic_with_its_national_size_and_retention() -> None:
    topics = {doc["spec"]["topicName"]: doc["spec"] for doc in load("components/strimzi/topics.yaml")}
    declared = all_topics(national=True)
    assert sorted(topics) == sorted(spec.name for spec in declared)
    for spec in declared:
        assert topics[spec.name]["partitions"] == spec.partitions
        assert {k: str(v) for k, v in topics[spec.name]["config"].items() if k in spec.config} == spec.config
    assert all(t.partitions >= 12 for t in declared if not t.name.endswith(".dlq.v1"))


def test_a_service_principal_writes_only_its_own_topics_and_reads_what_its_projections_consume() -> None:
    users = {doc["metadata"]["name"]: doc["spec"]["authorization"]["acls"] for doc in load("components/strimzi/users.yaml")}
    for svc in facts.services():
        acls = users[svc.kafka_user]
        written = {a["resource"]["name"] for a in acls if "Write" in a["operations"]}
        # the partner feeds: one prefix per feed, not vaxtrail.partner. (which covers vaxtrail.partner.v1 too)
        feeds = {f"vaxtrail.partner.{f.lower()}." for f in PARTNER_FEEDS} if svc.name == "partner" else set()
        assert written == {svc.topic, svc.dlq} | feeds
        read_topics = {a["resource"]["name"] for a in acls if a["resource"]["type"] == "topic" and "Read" in a["operations"]}
        assert set(svc.consumed) <= read_topics
        groups = [a for a in acls if a["resource"]["type"] == "group"]
        assert groups == [{"resource": {"type": "group", "name": f"vaxtrail.{svc.name}.", "patternType": "prefix"},
                           "operations": ["Read", "Describe"], "host": "*"}]


def test_keda_scales_each_worker_on_its_projections_groups_up_to_the_partitions_it_reads() -> None:
    partitions = {t.name: t.partitions for t in all_topics(national=True)}
    for svc in facts.services():
        scaled = next(d for d in load(f"base/services/{svc.name}.yaml") if d["kind"] == "ScaledObject")["spec"]
        groups = [t["metadata"]["consumerGroup"] for t in scaled["triggers"] if t["type"] == "kafka"]
        assert groups == [f"vaxtrail.{svc.name}.{p.name}" for p in svc.projections]
        assert scaled["maxReplicaCount"] == max((partitions[t] for t in svc.consumed), default=1)
        assert scaled["minReplicaCount"] == 1, "the relay runs in the worker: never scale it to zero"


def test_every_command_exists_in_the_image_and_its_arguments_parse() -> None:
    from vaxtrail_cli.main import COMMANDS, build_parser

    parser = build_parser()
    scripts = {"vaxtrail": "vaxtrail_cli.main:main"}
    for where, container in containers():
        command = container["command"] + container.get("args", [])
        assert command[0].startswith(VENV), where
        program = command[0].removeprefix(VENV)
        if program == "python":
            assert command[1] == "-m" and importlib.util.find_spec(command[2]) is not None, where
        elif program == "gunicorn":
            assert command[1:3] == ["-c", "python:eventkit.web.gunicorn_conf"], where
            module, _, call = command[3].partition(":")
            assert call == "create_app()" and hasattr(importlib.import_module(module), "create_app"), where
        else:
            assert program in scripts, where
            assert command[1] in COMMANDS, where
            parser.parse_args(command[1:])  # exits (fails the test) on arguments the CLI does not take


def test_every_environment_variable_the_manifests_set_is_one_the_code_reads() -> None:
    known = names_read_by_the_code()
    configured: dict[str, str] = {}
    for doc in all_docs():
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] != "vaxtrail-cnpg-queries":
            configured |= {key: f"ConfigMap {doc['metadata']['name']}" for key in doc["data"]}
    for overlay in ("dev", "production"):
        for doc in load(f"overlays/{overlay}/config.yaml"):
            configured |= {key: f"overlay {overlay}" for key in doc["data"]}
    for where, container in containers():
        configured |= {item["name"]: where for item in container.get("env", [])}
    unknown = {name: where for name, where in configured.items() if name not in known}
    assert unknown == {}, "set but never read (misspelt, or missing from eventkit/settings.py)"


def test_ports_and_probes_point_at_real_ports_and_routes() -> None:
    for svc in facts.services():
        routes = set(importlib.import_module(f"services.{svc.name}.bootstrap").WIRING.openapi(svc.name)["paths"])
        docs = {(d["kind"], d["metadata"]["name"]): d for d in load(f"base/services/{svc.name}.yaml")}
        web = docs[("Deployment", f"{svc.name}-web")]["spec"]["template"]["spec"]["containers"][0]
        env = {item["name"]: item.get("value") for item in web["env"]}
        assert env["BIND"] == f"0.0.0.0:{facts.WEB_PORT}" and env["PORT"] == str(facts.WEB_PORT)
        assert web["ports"] == [{"name": "http", "containerPort": facts.WEB_PORT, "protocol": "TCP"}]
        assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert {"/healthz", "/readyz", "/metrics"} <= routes
        worker = docs[("Deployment", f"{svc.name}-worker")]["spec"]["template"]["spec"]["containers"][0]
        worker_env = {item["name"]: item.get("value") for item in worker["env"]}
        assert worker["ports"][0]["containerPort"] == int(worker_env["METRICS_PORT"])
        assert worker_env["METRICS_BIND"] == "0.0.0.0"
        assert docs[("Service", svc.name)]["spec"]["ports"][0]["targetPort"] == "http"
        ingress = docs[("Ingress", svc.name)]["spec"]["rules"][0]["http"]["paths"]
        exposed = {p["path"] for p in ingress}
        assert exposed and not exposed & {"/metrics", "/healthz", "/readyz"}
        assert all(any(route.startswith(prefix) for route in routes) for prefix in exposed)


def test_every_pod_runs_as_the_image_user_read_only_without_capabilities() -> None:
    for name, spec in pods():
        assert spec["securityContext"]["runAsNonRoot"] and spec["securityContext"]["runAsUser"] == facts.UID, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] and not security["allowPrivilegeEscalation"], name
            assert security["capabilities"] == {"drop": ["ALL"]}, name
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name


def metric_names(expr: str) -> set[str]:
    names = set(re.findall(r"\b((?:vaxtrail|cnpg)_[a-z_]+|up)\b", expr))
    return {re.sub(r"_(bucket|count|sum)$", "", name) for name in names}


def test_alerts_and_dashboard_use_metrics_that_exist_and_each_alert_has_a_runbook_section() -> None:
    modules = [metrics, *(importlib.import_module(f"services.audit.workers.{m}") for m in ("sealer", "publisher"))]
    defined = {m._name for module in modules for m in vars(module).values() if hasattr(m, "_name") and hasattr(m, "_type")}
    defined |= {name + "_total" for name in defined}
    rules = load("components/monitoring/rules.yaml")[0]["spec"]["groups"]
    panels = yaml.safe_load((K8S / "components/monitoring/dashboard.json").read_text())["panels"]
    exprs = [r["expr"] for g in rules for r in g["rules"]] + [t["expr"] for p in panels for t in p["targets"]]
    used = set().union(*(metric_names(e) for e in exprs))
    assert used - defined - set(monitoring.EXTERNAL_METRICS) == set()
    runbook = (ROOT / "docs" / "operations.md").read_text()
    for group in rules:
        for alert in group["rules"]:
            assert re.search(rf"^### {alert['alert']}\b", runbook, re.M), f"docs/operations.md has no ### {alert['alert']}"


def test_the_offline_validation_rejects_a_misspelt_field() -> None:
    """kubeconform -strict with the committed schemas is not vacuous: a typo in a CRD and in a core kind fails."""
    kubeconform = ROOT / ".tools" / "bin" / "kubeconform"
    if not kubeconform.exists():
        pytest.skip("run `make tools` (make lint does) to install kubeconform")
    broken = "\n---\n".join([
        "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: {name: t}\nspec: {partitons: 3}",
        "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: c}\nspec: {instances: 1, storage: {size: 1Gi}, instance: 3}",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {}\n  template:\n    spec:\n"
        "      containers: [{name: a, image: b, readinessProbe: {httpGet: {port: 1, pathh: /}}}]"])
    schemas = K8S / "schemas"
    done = subprocess.run(
        [str(kubeconform), "-strict", "-summary", "-schema-location",
         f"{schemas}/kubernetes/v1.34.0-local-strict/{{{{.ResourceKind}}}}{{{{.KindSuffix}}}}.json",
         "-schema-location", f"{schemas}/crds/{{{{.Group}}}}/{{{{.ResourceKind}}}}_{{{{.ResourceAPIVersion}}}}.json", "-"],
        input=broken, capture_output=True, text=True)
    assert done.returncode == 1, shlex.join(done.args)
    assert "Invalid: 3" in done.stdout and "'partitons' not allowed" in done.stdout and "'pathh' not allowed" in done.stdout


def kubelet_env(container: dict, secrets: Mapping[tuple[str, str], str], overlay: str | None = None) -> dict[str, str]:
    """The container's environment from the base (and an overlay's config patches), as the kubelet builds it."""
    maps = {d["metadata"]["name"]: dict(d["data"]) for d in all_docs() if d["kind"] == "ConfigMap"}
    if overlay:
        for doc in load(f"overlays/{overlay}/config.yaml"):
            maps[doc["metadata"]["name"]].update(doc["data"])
    return resolve_env(container, maps, secrets)


def mounted_files(spec: dict, container: dict) -> dict[str, tuple[str, str]]:
    """Container path -> (Secret, key) of every file a Secret volume puts into ``container``."""
    volumes = {v["name"]: v for v in spec["volumes"]}
    files = {}
    for mount in container["volumeMounts"]:
        secret = volumes[mount["name"]].get("secret")
        for item in (secret or {}).get("items", []):
            files[f"{mount['mountPath']}/{item['path']}"] = (secret["secretName"], item["key"])
    return files


def test_the_audit_web_and_worker_start_with_the_checkpoint_key_from_its_secret(tmp_path: Path) -> None:
    """AUDIT_SIGNING_KEY_FILE (required outside local mode) names the file Secret audit-signing-key's volume puts
    into the audit web and worker, read-only and not world-readable; the settings accept what the pods get,
    with a production origin; no job holds the key."""
    from services.audit.settings import AuditSettings
    from services.audit.signing import Signer, create_key

    docs = {(d["kind"], d["metadata"]["name"]): d for d in load("base/services/audit.yaml")}
    secrets = {("audit-db-app", "uri"): "postgresql://audit-db-rw/vaxtrail_audit", ("vaxtrail-audit", "password"): "p"}
    for overlay in ("dev", "production"):
        for role in ("web", "worker"):
            spec = docs[("Deployment", f"audit-{role}")]["spec"]["template"]["spec"]
            container = spec["containers"][0]
            env = kubelet_env(container, secrets, overlay)
            assert env["VAXTRAIL_ENV"] == "production"
            files = mounted_files(spec, container)
            assert files[env["AUDIT_SIGNING_KEY_FILE"]] == ("audit-signing-key", "checkpoint-ed25519.pem"), role
            key_mount = next(m for m in container["volumeMounts"] if env["AUDIT_SIGNING_KEY_FILE"].startswith(m["mountPath"] + "/"))
            assert key_mount["readOnly"], role
            key_volume = next(v for v in spec["volumes"] if v["name"] == key_mount["name"])
            assert key_volume["secret"]["defaultMode"] & 0o007 == 0, "the key must not be world-readable"
            # the settings the pod reads, with the key file where the Secret puts it
            key = tmp_path / f"{overlay}-{role}.pem"
            create_key(key)
            own = AuditSettings.from_env(Settings.from_env("audit", env), env | {"AUDIT_SIGNING_KEY_FILE": str(key)})
            assert own.origin_prefix == env["AUDIT_LOG_ORIGIN"] != "vaxtrail.local/audit"
            assert own.origin("immunization") == f"{env['AUDIT_LOG_ORIGIN']}/immunization"
            Signer.load(own.signing_key_file)
    holders = {name for name, spec in pods()
               if any(v.get("secret", {}).get("secretName") == "audit-signing-key" for v in spec["volumes"])}
    assert holders == {"audit-web", "audit-worker"}
    deployment = (ROOT / "docs" / "deployment.md").read_text()
    assert "`audit-signing-key`" in deployment and "`checkpoint-ed25519.pem`" in deployment


def gateway_docs() -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for d in load("base/web-gateway.yaml")}


def test_the_web_gateway_is_a_deployment_of_the_image_with_what_its_settings_need() -> None:
    """The gateway's command, port, probes and environment: the settings accept what the pod gets (no local
    mode, no private key, no WEB_DIST: the app is found inside the image), every service has an upstream
    that is its in-cluster Service, and the probes are routes of the gateway app."""
    from web.gateway.app import create_app
    from web.gateway.settings import GatewaySettings

    docs = gateway_docs()
    spec = docs[("Deployment", "web-gateway")]["spec"]["template"]["spec"]
    web = spec["containers"][0]
    assert web["command"] == [f"{VENV}gunicorn", "-c", "python:eventkit.web.gunicorn_conf", "web.gateway.wsgi:create_app()"]
    assert web["ports"] == [{"name": "http", "containerPort": facts.WEB_PORT, "protocol": "TCP"}]
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert {"cpu", "memory"} <= set(web["resources"]["limits"])
    services_ = {d["metadata"]["name"]: d for path in (f"base/services/{s}.yaml" for s in SERVICES)
                 for d in load(path) if d["kind"] == "Service"}
    for overlay, secrets in (("dev", {}), ("production", {("web-oidc", "session-secret"): "s" * 32})):
        env = kubelet_env(web, secrets, overlay)
        assert env["VAXTRAIL_SERVICE"] == "web" and env["VAXTRAIL_ENV"] == "production"
        assert env["BIND"] == f"0.0.0.0:{facts.WEB_PORT}" and env["PORT"] == str(facts.WEB_PORT)
        assert "WEB_DIST" not in env and "JWT_PRIVATE_KEY_FILE" not in env
        settings = GatewaySettings.from_env(env)
        assert not settings.local and settings.cookie_secure
        assert (settings.oidc is not None) == (overlay == "production") and bool(settings.session_secret) == (overlay == "production")
        for service in SERVICES:
            url = urlsplit(settings.upstreams[service])
            target = services_[url.hostname]
            assert target["spec"]["selector"] == {"app.kubernetes.io/name": f"{service}-web"}
            assert url.port == target["spec"]["ports"][0]["port"], service
    production = kubelet_env(web, {}, "production")
    with pytest.raises(ValueError, match="WEB_SESSION_SECRET"):
        GatewaySettings.from_env(production)  # with OpenID Connect on, no start without Secret web-oidc
    routes = {rule.rule for rule in create_app(GatewaySettings.from_env({"JWT_JWKS_URL": "https://id/certs"})).url_map.iter_rules()}
    assert {"/healthz", "/readyz", "/metrics"} <= routes


def test_the_ingress_routes_slash_to_the_gateway_and_the_services_keep_their_api_routes() -> None:
    docs = gateway_docs()
    service = docs[("Service", "web-gateway")]["spec"]
    pod_labels = docs[("Deployment", "web-gateway")]["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= pod_labels.items() and service["ports"][0]["targetPort"] == "http"
    rules = docs[("Ingress", "web-gateway")]["spec"]["rules"]
    assert rules[0]["http"]["paths"] == [{"path": "/", "pathType": "Prefix",
                                          "backend": {"service": {"name": "web-gateway", "port": {"name": "http"}}}}]
    assert rules[0]["host"] == facts.GATEWAY_HOST
    for svc in facts.services():
        ingress = next(d for d in load(f"base/services/{svc.name}.yaml") if d["kind"] == "Ingress")
        assert [p["path"] for p in ingress["spec"]["rules"][0]["http"]["paths"]] == list(svc.route_prefixes)
    assert ("HorizontalPodAutoscaler", "web-gateway") in docs and ("PodDisruptionBudget", "web-gateway") in docs
    assert "web-gateway.yaml" in yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())["resources"]


def selects(selector: dict, labels: dict) -> bool:
    ok = selector.get("matchLabels", {}).items() <= labels.items()
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In"
        ok = ok and labels.get(expression["key"]) in expression["values"]
    return ok


def test_the_gateway_reaches_every_service_web_and_nothing_else_and_each_service_admits_it() -> None:
    docs = gateway_docs()
    gateway_labels = docs[("Deployment", "web-gateway")]["spec"]["template"]["metadata"]["labels"]
    policy = docs[("NetworkPolicy", "web-gateway")]["spec"]
    assert selects(policy["podSelector"], gateway_labels) and policy["policyTypes"] == ["Ingress", "Egress"]
    egress = [rule for rule in policy["egress"] if rule["ports"] == [{"protocol": "TCP", "port": facts.WEB_PORT}]]
    for svc in facts.services():
        svc_docs = load(f"base/services/{svc.name}.yaml")
        web_labels = next(d for d in svc_docs if d["kind"] == "Deployment" and d["metadata"]["name"] == f"{svc.name}-web"
                          )["spec"]["template"]["metadata"]["labels"]
        worker_labels = next(d for d in svc_docs if d["metadata"]["name"] == f"{svc.name}-worker")["spec"]["template"]["metadata"]["labels"]
        assert any(selects(peer["podSelector"], web_labels) for rule in egress for peer in rule["to"]), svc.name
        assert not any(selects(peer["podSelector"], worker_labels) for rule in egress for peer in rule["to"]), svc.name
        own = next(d for d in svc_docs if d["kind"] == "NetworkPolicy")["spec"]
        assert any("podSelector" in peer and selects(peer["podSelector"], gateway_labels)
                   and {"protocol": "TCP", "port": facts.WEB_PORT} in rule["ports"]
                   for rule in own["ingress"] for peer in rule["from"]), svc.name


def test_every_database_acknowledges_a_commit_only_once_a_standby_has_it() -> None:
    """The relay publishes what the primary says is committed; a failover must not take an event back."""
    clusters = [d for d in load("components/cnpg/clusters.yaml") if d["kind"] == "Cluster"]
    assert len(clusters) == 7
    for cluster in clusters:
        postgresql = cluster["spec"]["postgresql"]
        assert postgresql["parameters"]["synchronous_commit"] == "on", cluster["metadata"]["name"]
        assert postgresql["synchronous"] == {"method": "any", "number": 1, "dataDurability": "required"}
        assert cluster["spec"]["instances"] > postgresql["synchronous"]["number"]
