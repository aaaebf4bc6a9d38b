import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CertificateIssued(_message.Message):
    __slots__ = ("certificate_id", "person_id", "level", "dose_ids", "format", "key_id", "issued_at", "expires_at", "payload_hash", "dose_revisions", "person_revision")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    DOSE_IDS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_HASH_FIELD_NUMBER: _ClassVar[int]
    DOSE_REVISIONS_FIELD_NUMBER: _ClassVar[int]
    PERSON_REVISION_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    person_id: str
    level: str
    dose_ids: _containers.RepeatedScalarFieldContainer[str]
    format: str
    key_id: str
    issued_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    payload_hash: bytes
    dose_revisions: _containers.RepeatedScalarFieldContainer[str]
    person_revision: str
    def __init__(self, certificate_id: _Optional[str] = ..., person_id: _Optional[str] = ..., level: _Optional[str] = ..., dose_ids: _Optional[_Iterable[str]] = ..., format: _Optional[str] = ..., key_id: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., payload_hash: _Optional[bytes] = ..., dose_revisions: _Optional[_Iterable[str]] = ..., person_revision: _Optional[str] = ...) -> None: ...

class CertificateRevoked(_message.Message):
    __slots__ = ("certificate_id", "reason", "person_id", "revoked_at")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    reason: str
    person_id: str
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, certificate_id: _Optional[str] = ..., reason: _Optional[str] = ..., person_id: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CertificateSuspended(_message.Message):
    __slots__ = ("certificate_id", "reason", "person_id", "suspended_at")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SUSPENDED_AT_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    reason: str
    person_id: str
    suspended_at: _timestamp_pb2.Timestamp
    def __init__(self, certificate_id: _Optional[str] = ..., reason: _Optional[str] = ..., person_id: _Optional[str] = ..., suspended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CertificateReinstated(_message.Message):
    __slots__ = ("certificate_id", "reason", "person_id", "reinstated_at")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REINSTATED_AT_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    reason: str
    person_id: str
    reinstated_at: _timestamp_pb2.Timestamp
    def __init__(self, certificate_id: _Optional[str] = ..., reason: _Optional[str] = ..., person_id: _Optional[str] = ..., reinstated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CertificateReissued(_message.Message):
    __slots__ = ("old_certificate_id", "new_certificate_id", "reason", "person_id", "reissued_at")
    OLD_CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    NEW_CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    old_certificate_id: str
    new_certificate_id: str
    reason: str
    person_id: str
    reissued_at: _timestamp_pb2.Timestamp
    def __init__(self, old_certificate_id: _Optional[str] = ..., new_certificate_id: _Optional[str] = ..., reason: _Optional[str] = ..., person_id: _Optional[str] = ..., reissued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SigningKeyActivated(_message.Message):
    __slots__ = ("key_id", "format", "algorithm", "certificate_der", "public_jwk_json", "not_before", "not_after", "activated_at")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_DER_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_JWK_JSON_FIELD_NUMBER: _ClassVar[int]
    NOT_BEFORE_FIELD_NUMBER: _ClassVar[int]
    NOT_AFTER_FIELD_NUMBER: _ClassVar[int]
    ACTIVATED_AT_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    format: str
    algorithm: str
    certificate_der: bytes
    public_jwk_json: str
    not_before: _timestamp_pb2.Timestamp
    not_after: _timestamp_pb2.Timestamp
    activated_at: _timestamp_pb2.Timestamp
    def __init__(self, key_id: _Optional[str] = ..., format: _Optional[str] = ..., algorithm: _Optional[str] = ..., certificate_der: _Optional[bytes] = ..., public_jwk_json: _Optional[str] = ..., not_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., not_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., activated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SigningKeyRetired(_message.Message):
    __slots__ = ("key_id", "reason", "retired_at")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RETIRED_AT_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    reason: str
    retired_at: _timestamp_pb2.Timestamp
    def __init__(self, key_id: _Optional[str] = ..., reason: _Optional[str] = ..., retired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TrustListPublished(_message.Message):
    __slots__ = ("version", "entries_hash", "entry_count", "published_at")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_HASH_FIELD_NUMBER: _ClassVar[int]
    ENTRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    version: int
    entries_hash: bytes
    entry_count: int
    published_at: _timestamp_pb2.Timestamp
    def __init__(self, version: _Optional[int] = ..., entries_hash: _Optional[bytes] = ..., entry_count: _Optional[int] = ..., published_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RevocationListPublished(_message.Message):
    __slots__ = ("version", "entries_hash", "entry_count", "published_at", "signed_sha256")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_HASH_FIELD_NUMBER: _ClassVar[int]
    ENTRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    SIGNED_SHA256_FIELD_NUMBER: _ClassVar[int]
    version: int
    entries_hash: bytes
    entry_count: int
    published_at: _timestamp_pb2.Timestamp
    signed_sha256: bytes
    def __init__(self, version: _Optional[int] = ..., entries_hash: _Optional[bytes] = ..., entry_count: _Optional[int] = ..., published_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., signed_sha256: _Optional[bytes] = ...) -> None: ...
