"""Registration domain events <-> protobuf (``schemas/vaxtrail/registration/v1/events.proto``).

``PersonalDataAccessed`` is audit's message, the one definition in :mod:`eventkit.access` (every service that
serves personal data registers it); registration appends it to its own store and topic.
"""

from __future__ import annotations

from eventkit import access
from eventkit.codec import ProtoCodec
from services.registration.domain import events as ev
from vaxtrail.registration.v1 import events_pb2

REGISTRATION_EVENTS = (
    ev.PersonRegistered, ev.PersonDetailsCorrected, ev.PersonsMerged, ev.PriorityGroupAssigned,
    ev.PriorityGroupRevoked, ev.RegistrationApproved, ev.RegistrationRejected, ev.PersonAssignedToDistrict,
    ev.AppointmentScheduled, ev.AppointmentCancelled, ev.NationalIdClaimed, ev.NationalIdReleased,
    ev.SessionSeatReserved, ev.SessionSeatReleased, ev.BulkUploadCompleted,
)


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    for event_class in REGISTRATION_EVENTS:
        codec.register(event_class, getattr(events_pb2, event_class.__name__))
    access.register(codec)
    return codec
