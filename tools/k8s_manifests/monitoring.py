"""ServiceMonitor / PodMonitors, the PrometheusRule alerts and the Grafana dashboard.

Every alert's runbook section is in docs/operations.md ("Alerts"); tests/unit/test_k8s_manifests.py
checks that each metric an expression names is one eventkit defines, or one listed in
:data:`EXTERNAL_METRICS` with who exports it.
"""

from __future__ import annotations

from tools.k8s_manifests.facts import KAFKA_CLUSTER, ServiceFacts

PART_OF = {"app.kubernetes.io/part-of": "vaxtrail"}
EXTERNAL_METRICS = {
    "vaxtrail_audit_chain_broken_total": "the audit service (issue 11): a broken hash chain, by service",
    "cnpg_vaxtrail_certificate_pending_oldest_seconds": "CloudNativePG's exporter, query vaxtrail-cnpg-queries",
    "cnpg_vaxtrail_certificate_pending_persons": "CloudNativePG's exporter, query vaxtrail-cnpg-queries",
    "up": "Prometheus itself",
}
RUNBOOK = "docs/operations.md#"


def service_monitor() -> dict:
    return {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
            "metadata": {"name": "vaxtrail-web", "labels": PART_OF},
            "spec": {"selector": {"matchLabels": {**PART_OF, "app.kubernetes.io/component": "web"}},
                     "endpoints": [{"port": "http", "path": "/metrics", "interval": "30s"}]}}


def pod_monitor(name: str, match: dict, port: str, expressions: list[dict] | None = None) -> dict:
    selector = {"matchLabels": match} | ({"matchExpressions": expressions} if expressions else {})
    return {"apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor", "metadata": {"name": name, "labels": PART_OF},
            "spec": {"selector": selector, "podMetricsEndpoints": [{"port": port, "interval": "30s"}]}}


def monitors(services: tuple[ServiceFacts, ...]) -> list[dict]:
    return [service_monitor(),
            pod_monitor("vaxtrail-workers", {**PART_OF, "app.kubernetes.io/component": "worker"}, "metrics"),
            pod_monitor("vaxtrail-databases", {"cnpg.io/podRole": "instance"}, "metrics",
                        [{"key": "cnpg.io/cluster", "operator": "In", "values": [s.database_cluster for s in services]}]),
            pod_monitor("vaxtrail-kafka-exporter", {"strimzi.io/cluster": KAFKA_CLUSTER, "strimzi.io/kind": "Kafka",
                                                    "strimzi.io/name": f"{KAFKA_CLUSTER}-kafka-exporter"}, "tcp-prometheus")]


def rule(alert: str, expr: str, severity: str, summary: str, *, for_: str | None = None) -> dict:
    out = {"alert": alert, "expr": expr}
    if for_:
        out["for"] = for_
    out["labels"] = {"severity": severity, "system": "vaxtrail"}
    out["annotations"] = {"summary": summary, "runbook_url": RUNBOOK + alert.lower()}
    return out


GROUPS = {
    "vaxtrail-workers": [
        rule("VaxTrailOwnEventDeadLettered", "increase(vaxtrail_dead_lettered_own_events_total[5m]) > 0", "page",
             "{{ $labels.service }}/{{ $labels.projection }} dead-lettered one of our events ({{ $labels.event_type }})"),
        rule("VaxTrailRecordDeadLettered", "increase(vaxtrail_dead_lettered_total[15m]) > 0", "ticket",
             "{{ $labels.service }}/{{ $labels.projection }} dead-lettered a record ({{ $labels.reason }})"),
        rule("VaxTrailProjectionRetrying", "increase(vaxtrail_projection_retries_total[10m]) > 5", "ticket",
             "{{ $labels.service }}/{{ $labels.projection }} keeps retrying batches ({{ $labels.error }})"),
        rule("VaxTrailProjectionLagging", "max by (service, projection) (vaxtrail_projection_lag_records) > 50000",
             "ticket", "{{ $labels.service }}/{{ $labels.projection }} is {{ $value }} records behind", for_="15m"),
        rule("VaxTrailNoRelayLeader", "max by (service) (vaxtrail_relay_leader) < 1", "page",
             "no relay publishes {{ $labels.service }}'s events", for_="2m"),
        rule("VaxTrailRelayLagging", "max by (service) (vaxtrail_relay_lag_events) > 10000", "ticket",
             "{{ $labels.service }}'s relay is {{ $value }} events behind the store", for_="10m"),
        rule("VaxTrailWorkerDown", 'up{job=~".*vaxtrail-workers"} == 0', "page",
             "a worker of {{ $labels.namespace }} stopped answering its metrics", for_="5m"),
    ],
    "vaxtrail-http": [
        rule("VaxTrailHigh5xxRate",
             'sum by (service) (rate(vaxtrail_http_requests_total{status=~"5.."}[5m]))'
             " / sum by (service) (rate(vaxtrail_http_requests_total[5m])) > 0.02",
             "page", "{{ $labels.service }} answers {{ $value | humanizePercentage }} of requests with a 5xx", for_="10m"),
        rule("VaxTrailSlowRequests",
             "histogram_quantile(0.95, sum by (service, le) (rate(vaxtrail_http_request_duration_seconds_bucket[5m]))) > 2",
             "ticket", "{{ $labels.service }} p95 latency is {{ $value }}s", for_="15m"),
    ],
    "vaxtrail-certificate": [
        rule("VaxTrailDoseToCertificateSlow", "max(cnpg_vaxtrail_certificate_pending_oldest_seconds) > 120", "page",
             "a dosed person has waited {{ $value }}s for a certificate", for_="10m"),
    ],
    "vaxtrail-audit": [
        rule("VaxTrailAuditChainBroken", "increase(vaxtrail_audit_chain_broken_total[15m]) > 0", "page",
             "audit: a broken hash chain in {{ $labels.service }}'s events ({{ $labels.reason }})"),
        rule("VaxTrailAuditLateEvent", "increase(vaxtrail_audit_late_events_total[15m]) > 0", "ticket",
             "audit: an event of {{ $labels.service }} arrived after its log position was sealed"),
    ],
}


def prometheus_rule() -> dict:
    return {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
            "metadata": {"name": "vaxtrail", "labels": PART_OF},
            "spec": {"groups": [{"name": name, "rules": rules} for name, rules in GROUPS.items()]}}


def _panel(index: int, title: str, exprs: list[tuple[str, str]], unit: str = "short") -> dict:
    return {"id": index + 1, "type": "timeseries", "title": title, "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "targets": [{"refId": chr(65 + i), "expr": expr, "legendFormat": legend} for i, (expr, legend) in enumerate(exprs)]}


PANELS = [
    ("Requests / s by service", [('sum by (service) (rate(vaxtrail_http_requests_total{service=~"$service"}[5m]))', "{{service}}")], "reqps"),
    ("5xx share by service", [('sum by (service) (rate(vaxtrail_http_requests_total{service=~"$service",status=~"5.."}[5m]))'
                               ' / sum by (service) (rate(vaxtrail_http_requests_total{service=~"$service"}[5m]))', "{{service}}")], "percentunit"),
    ("p95 request latency", [('histogram_quantile(0.95, sum by (service, le) (rate(vaxtrail_http_request_duration_seconds_bucket{service=~"$service"}[5m])))', "{{service}}")], "s"),
    ("Events appended / s", [('sum by (service) (rate(vaxtrail_events_appended_total{service=~"$service"}[5m]))', "{{service}}")], "ops"),
    ("Relay lag (events) and leader", [('max by (service) (vaxtrail_relay_lag_events{service=~"$service"})', "lag {{service}}"),
                                       ('max by (service) (vaxtrail_relay_leader{service=~"$service"})', "leader {{service}}")], "short"),
    ("Projection lag (records)", [('max by (service, projection) (vaxtrail_projection_lag_records{service=~"$service"})', "{{service}}/{{projection}}")], "short"),
    ("Projection applied / s", [('sum by (service, projection) (rate(vaxtrail_projection_applied_total{service=~"$service"}[5m]))', "{{service}}/{{projection}}")], "ops"),
    ("Dead letters (15 min)", [('sum by (service, projection, reason) (increase(vaxtrail_dead_lettered_total{service=~"$service"}[15m]))', "{{service}}/{{projection}} {{reason}}"),
                               ('sum by (service, projection) (increase(vaxtrail_dead_lettered_own_events_total{service=~"$service"}[15m]))', "own {{service}}/{{projection}}")], "short"),
    ("Dose -> certificate: oldest pending (s)", [("max(cnpg_vaxtrail_certificate_pending_oldest_seconds)", "oldest"),
                                                 ("max(cnpg_vaxtrail_certificate_pending_persons)", "persons pending")], "s"),
    ("Projection retries / consumer restarts (15 min)", [('sum by (service, projection) (increase(vaxtrail_projection_retries_total{service=~"$service"}[15m]))', "retries {{service}}/{{projection}}"),
                                                         ('sum by (service, projection) (increase(vaxtrail_projection_consumer_restarts_total{service=~"$service"}[15m]))', "restarts {{service}}/{{projection}}")], "short"),
]


def dashboard(services: tuple[ServiceFacts, ...]) -> dict:
    return {"title": "VaxTrail", "uid": "vaxtrail", "schemaVersion": 39, "version": 1, "editable": True,
            "tags": ["vaxtrail"], "time": {"from": "now-6h", "to": "now"}, "refresh": "30s",
            "templating": {"list": [
                {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"},
                {"name": "service", "type": "custom", "multi": True, "includeAll": True, "allValue": ".*",
                 "query": ",".join(s.name for s in services), "current": {"text": "All", "value": "$__all"}}]},
            "panels": [_panel(i, title, exprs, unit) for i, (title, exprs, unit) in enumerate(PANELS)]}
