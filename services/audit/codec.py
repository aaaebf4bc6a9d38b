"""Audit events <-> protobuf (``schemas/vaxtrail/audit/v1/events.proto``): the checkpoints and findings the
service appends, and ``PersonalDataAccessed`` (:mod:`eventkit.access`) for every read of a person's trail."""

from __future__ import annotations

from eventkit import access
from eventkit.codec import ProtoCodec
from services.audit.domain.events import AuditChainBroken, AuditCheckpointSigned
from vaxtrail.audit.v1 import events_pb2


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    codec.register(AuditCheckpointSigned, events_pb2.AuditCheckpointSigned)
    codec.register(AuditChainBroken, events_pb2.AuditChainBroken)
    access.register(codec)
    return codec
