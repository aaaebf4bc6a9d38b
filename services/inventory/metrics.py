"""Inventory's own Prometheus metrics (the shared ones live in :mod:`eventkit.metrics`)."""

from __future__ import annotations

from prometheus_client import Counter

CONSUMPTION_DISCREPANCIES = Counter(
    "vaxtrail_inventory_consumption_discrepancies_total",
    "Consumption reported by immunization that a site's stock could not cover (INV-28 reconciliation)",
    ["reason"],
)
