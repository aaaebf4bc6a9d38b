"""Allocation domain events <-> their protobuf messages (``schemas/vaxtrail/allocation/v1/events.proto``)."""

from __future__ import annotations

from eventkit.codec import ProtoCodec
from services.allocation.domain import plans, reservations, sessions
from vaxtrail.allocation.v1 import events_pb2

EVENTS = (
    (plans.AllocationPlanDrafted, events_pb2.AllocationPlanDrafted),
    (plans.BatchAllocated, events_pb2.BatchAllocated),
    (plans.AllocationPlanSubmitted, events_pb2.AllocationPlanSubmitted),
    (plans.AllocationPlanApproved, events_pb2.AllocationPlanApproved),
    (plans.AllocationPlanRejected, events_pb2.AllocationPlanRejected),
    (plans.AllocationReleased, events_pb2.AllocationReleased),
    (plans.AllocationLineAmended, events_pb2.AllocationLineAmended),
    (plans.AllocationCancelled, events_pb2.AllocationCancelled),
    (reservations.DosesReservedForSecondDose, events_pb2.DosesReservedForSecondDose),
    (reservations.ReservationReleased, events_pb2.ReservationReleased),
    (sessions.SessionPlanned, events_pb2.SessionPlanned),
    (sessions.SessionStockDispensed, events_pb2.SessionStockDispensed),
)


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    for event_class, message_class in EVENTS:
        codec.register(event_class, message_class)
    return codec
