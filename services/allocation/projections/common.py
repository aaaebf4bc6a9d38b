"""Helpers the read-model projections share."""

from __future__ import annotations

from datetime import date
from types import ModuleType

SUPPLY_TOPIC = "vaxtrail.inventory.v1"
DEMAND_TOPIC = "vaxtrail.registration.v1"
DOSES_TOPIC = "vaxtrail.immunization.v1"


def event_types(module: ModuleType) -> frozenset[str]:
    """Every event type of a generated ``events_pb2`` module (every message of an events.proto is one)."""
    return frozenset(m.full_name for m in module.DESCRIPTOR.message_types_by_name.values())


def day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` wire date, or None for the empty string (not given)."""
    return date.fromisoformat(text) if text else None
