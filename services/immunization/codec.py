"""Immunization domain events <-> their protobuf messages (``schemas/vaxtrail/immunization/v1/events.proto``),
and audit's ``PersonalDataAccessed`` (staff reads of a person's doses, :mod:`eventkit.access`)."""

from __future__ import annotations

from eventkit import access
from eventkit.codec import ProtoCodec
from services.immunization.domain import events
from vaxtrail.immunization.v1 import events_pb2


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    for event_class in events.ALL_EVENTS:
        codec.register(event_class, getattr(events_pb2, event_class.__name__))
    access.register(codec)
    return codec
