"""The Prometheus metrics eventkit records, defined once.

Under gunicorn, prometheus-client runs in multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, set by
:mod:`eventkit.web.gunicorn_conf` and by the worker entry point); ``/metrics`` aggregates every process's
files. Gauges use ``multiprocess_mode='livemax'`` so a dead process's last value does not linger.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "vaxtrail_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "vaxtrail_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
EVENTS_APPENDED = Counter("vaxtrail_events_appended_total", "Events appended to the event store", ["service", "event_type"])
IDEMPOTENT_REPLAYS = Counter(
    "vaxtrail_idempotent_replays_total", "Commands answered from the idempotency record", ["service"]
)
RELAY_PUBLISHED = Counter("vaxtrail_relay_published_total", "Events the relay published to Kafka", ["service"])
RELAY_LAG = Gauge(
    "vaxtrail_relay_lag_events",
    "Committed events not yet acknowledged by Kafka",
    ["service"],
    multiprocess_mode="livemax",
)
PROJECTION_APPLIED = Counter(
    "vaxtrail_projection_applied_total", "Kafka records applied by projections", ["service", "projection"]
)
PROJECTION_LAG = Gauge(
    "vaxtrail_projection_lag_records",
    "Records between a projection's position and the partition end",
    ["service", "projection", "topic"],
    multiprocess_mode="livemax",
)
PROJECTION_RESTARTS = Counter(
    "vaxtrail_projection_consumer_restarts_total",
    "Consumers restarted because they returned nothing while their partitions were behind",
    ["service", "projection"],
)
DEAD_LETTERED = Counter(
    "vaxtrail_dead_lettered_total", "Records sent to the dead-letter topic", ["service", "projection", "reason"]
)
DEAD_LETTERED_OWN = Counter(
    "vaxtrail_dead_lettered_own_events_total",
    "Dead-lettered records that are our own events (decode as envelopes, type vaxtrail.*): a bug to fix."
    " Alert: increase(vaxtrail_dead_lettered_own_events_total[5m]) > 0",
    ["service", "projection", "event_type"],
)
PROJECTION_RETRIES = Counter(
    "vaxtrail_projection_retries_total",
    "Projection batches rolled back and retried after a transient database error (never dead-lettered)",
    ["service", "projection", "error"],
)
RELAY_LEADER = Gauge(
    "vaxtrail_relay_leader",
    "1 while this process's relay holds its service's leader lock and publishes, 0 while it waits",
    ["service"],
    multiprocess_mode="livemax",
)
