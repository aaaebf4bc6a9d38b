"""Inventory domain events <-> their protobuf messages (``schemas/vaxtrail/inventory/v1/events.proto``)."""

from __future__ import annotations

from eventkit.codec import ProtoCodec
from services.inventory import domain
from vaxtrail.inventory.v1 import events_pb2


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    codec.register(domain.DoseReceived, events_pb2.DoseReceived)
    return codec


def inventory_event_types() -> frozenset[str]:
    """Every event type the inventory topic can carry (v1), whether or not this service decodes it yet."""
    return frozenset(m.full_name for m in events_pb2.DESCRIPTOR.message_types_by_name.values())
