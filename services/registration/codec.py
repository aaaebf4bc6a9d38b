"""Registration domain events <-> protobuf (``schemas/vaxtrail/registration/v1/events.proto``).

``PersonalDataAccessed`` is audit's message (one definition for every service that serves personal data);
registration appends it to its own store and topic.
"""

from __future__ import annotations

from eventkit.codec import ProtoCodec
from services.registration.domain import events as ev
from vaxtrail.audit.v1 import events_pb2 as audit_pb2
from vaxtrail.registration.v1 import events_pb2

REGISTRATION_EVENTS = (
    ev.PersonRegistered, ev.PersonDetailsCorrected, ev.PersonsMerged, ev.PriorityGroupAssigned,
    ev.PriorityGroupRevoked, ev.RegistrationApproved, ev.RegistrationRejected, ev.PersonAssignedToDistrict,
    ev.AppointmentScheduled, ev.AppointmentCancelled, ev.NationalIdClaimed, ev.NationalIdReleased,
    ev.SessionSeatReserved, ev.SessionSeatReleased, ev.BulkUploadCompleted,
)
PERSONAL_DATA_ACCESSED = audit_pb2.PersonalDataAccessed.DESCRIPTOR.full_name


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    for event_class in REGISTRATION_EVENTS:
        codec.register(event_class, getattr(events_pb2, event_class.__name__))
    codec.register(ev.PersonalDataAccessed, audit_pb2.PersonalDataAccessed)
    return codec
