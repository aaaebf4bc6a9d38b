"""Partner events <-> protobuf (``schemas/vaxtrail/partner/v1/events.proto``). The feed records
(``feeds.proto``) are not events of this store: :mod:`services.partner.feeds.records` builds them."""

from __future__ import annotations

from eventkit.codec import ProtoCodec
from services.partner.domain import partners
from vaxtrail.partner.v1 import events_pb2

EVENTS = (partners.PartnerGranted, partners.PartnerRevoked)


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    for event in EVENTS:
        codec.register(event, getattr(events_pb2, event.__name__))
    return codec
