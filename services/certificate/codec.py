"""Certificate events <-> protobuf (``schemas/vaxtrail/certificate/v1/events.proto``), plus the audit
``PersonalDataAccessed`` (:mod:`eventkit.access`) this service appends on its own topic for every staff read."""

from __future__ import annotations

from eventkit import access
from eventkit.codec import ProtoCodec
from services.certificate.domain import certificates as domain
from services.certificate.domain.keys import SigningKeyActivated, SigningKeyRetired, TrustListPublished
from services.certificate.domain.revocations import RevocationListPublished
from vaxtrail.certificate.v1 import events_pb2

DOMAIN_EVENTS = (domain.CertificateIssued, domain.CertificateRevoked, domain.CertificateSuspended,
                 domain.CertificateReinstated, domain.CertificateReissued)
KEY_EVENTS = (SigningKeyActivated, SigningKeyRetired, TrustListPublished, RevocationListPublished)


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    for event in (*DOMAIN_EVENTS, *KEY_EVENTS):
        codec.register(event, getattr(events_pb2, event.__name__))
    access.register(codec)
    return codec
