import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PartnerGranted(_message.Message):
    __slots__ = ("partner", "feeds", "principal", "group_prefix", "reason", "granted_at", "topics")
    PARTNER_FIELD_NUMBER: _ClassVar[int]
    FEEDS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    GROUP_PREFIX_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    GRANTED_AT_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    partner: str
    feeds: _containers.RepeatedScalarFieldContainer[str]
    principal: str
    group_prefix: str
    reason: str
    granted_at: _timestamp_pb2.Timestamp
    topics: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, partner: _Optional[str] = ..., feeds: _Optional[_Iterable[str]] = ..., principal: _Optional[str] = ..., group_prefix: _Optional[str] = ..., reason: _Optional[str] = ..., granted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., topics: _Optional[_Iterable[str]] = ...) -> None: ...

class PartnerRevoked(_message.Message):
    __slots__ = ("partner", "reason", "revoked_at")
    PARTNER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    partner: str
    reason: str
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, partner: _Optional[str] = ..., reason: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
