import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vaxtrail.audit.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AuditCheckpointSigned(_message.Message):
    __slots__ = ("checkpoint_id", "period_start", "period_end", "positions", "merkle_root", "signature", "key_id", "log", "origin", "tree_size", "note")
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    MERKLE_ROOT_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    LOG_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    checkpoint_id: str
    period_start: _timestamp_pb2.Timestamp
    period_end: _timestamp_pb2.Timestamp
    positions: _containers.RepeatedCompositeFieldContainer[_types_pb2.TopicPosition]
    merkle_root: bytes
    signature: bytes
    key_id: str
    log: str
    origin: str
    tree_size: int
    note: str
    def __init__(self, checkpoint_id: _Optional[str] = ..., period_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., period_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., positions: _Optional[_Iterable[_Union[_types_pb2.TopicPosition, _Mapping]]] = ..., merkle_root: _Optional[bytes] = ..., signature: _Optional[bytes] = ..., key_id: _Optional[str] = ..., log: _Optional[str] = ..., origin: _Optional[str] = ..., tree_size: _Optional[int] = ..., note: _Optional[str] = ...) -> None: ...

class AuditChainBroken(_message.Message):
    __slots__ = ("topic", "aggregate_id", "aggregate_version", "expected_hash", "found_hash", "event_id", "partition", "offset", "service", "position", "event_type", "reason", "found_at")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ID_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_HASH_FIELD_NUMBER: _ClassVar[int]
    FOUND_HASH_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FOUND_AT_FIELD_NUMBER: _ClassVar[int]
    topic: str
    aggregate_id: str
    aggregate_version: int
    expected_hash: bytes
    found_hash: bytes
    event_id: str
    partition: int
    offset: int
    service: str
    position: int
    event_type: str
    reason: str
    found_at: _timestamp_pb2.Timestamp
    def __init__(self, topic: _Optional[str] = ..., aggregate_id: _Optional[str] = ..., aggregate_version: _Optional[int] = ..., expected_hash: _Optional[bytes] = ..., found_hash: _Optional[bytes] = ..., event_id: _Optional[str] = ..., partition: _Optional[int] = ..., offset: _Optional[int] = ..., service: _Optional[str] = ..., position: _Optional[int] = ..., event_type: _Optional[str] = ..., reason: _Optional[str] = ..., found_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PersonalDataAccessed(_message.Message):
    __slots__ = ("actor_id", "actor_role", "purpose", "subject_person_id", "endpoint")
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ROLE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    actor_id: str
    actor_role: str
    purpose: str
    subject_person_id: str
    endpoint: str
    def __init__(self, actor_id: _Optional[str] = ..., actor_role: _Optional[str] = ..., purpose: _Optional[str] = ..., subject_person_id: _Optional[str] = ..., endpoint: _Optional[str] = ...) -> None: ...
