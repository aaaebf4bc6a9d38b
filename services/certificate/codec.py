"""Certificate events <-> protobuf (``schemas/vaxtrail/certificate/v1/events.proto``), plus the audit
``PersonalDataAccessed`` that this service emits on its own topic for every staff lookup."""

from __future__ import annotations

from eventkit.codec import ProtoCodec
from services.certificate import audit
from services.certificate.domain import certificates as domain
from services.certificate.keyevents import SigningKeyActivated, SigningKeyRetired, TrustListPublished
from vaxtrail.audit.v1 import events_pb2 as audit_pb2
from vaxtrail.certificate.v1 import events_pb2

DOMAIN_EVENTS = (domain.CertificateIssued, domain.CertificateRevoked, domain.CertificateSuspended,
                 domain.CertificateReinstated, domain.CertificateReissued)


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    for event in DOMAIN_EVENTS:
        codec.register(event, getattr(events_pb2, event.__name__))
    codec.register(SigningKeyActivated, events_pb2.SigningKeyActivated)
    codec.register(SigningKeyRetired, events_pb2.SigningKeyRetired)
    codec.register(TrustListPublished, events_pb2.TrustListPublished)
    codec.register(audit.PersonalDataAccessed, audit_pb2.PersonalDataAccessed)
    return codec
