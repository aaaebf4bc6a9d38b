import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vaxtrail.common.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PersonRegistered(_message.Message):
    __slots__ = ("person_id", "national_id", "national_id_kind", "full_name", "date_of_birth", "date_of_birth_estimated", "sex", "phone", "address", "occupation", "channel", "registered_by", "registered_by_kind", "nationality", "family_name", "given_name", "account_id", "relationship", "upload_id", "upload_line", "registered_at", "site_id")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_KIND_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_BIRTH_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_BIRTH_ESTIMATED_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    OCCUPATION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_BY_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_BY_KIND_FIELD_NUMBER: _ClassVar[int]
    NATIONALITY_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_LINE_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    national_id: str
    national_id_kind: str
    full_name: str
    date_of_birth: str
    date_of_birth_estimated: bool
    sex: str
    phone: str
    address: _types_pb2.Address
    occupation: str
    channel: str
    registered_by: str
    registered_by_kind: str
    nationality: str
    family_name: str
    given_name: str
    account_id: str
    relationship: str
    upload_id: str
    upload_line: int
    registered_at: _timestamp_pb2.Timestamp
    site_id: str
    def __init__(self, person_id: _Optional[str] = ..., national_id: _Optional[str] = ..., national_id_kind: _Optional[str] = ..., full_name: _Optional[str] = ..., date_of_birth: _Optional[str] = ..., date_of_birth_estimated: _Optional[bool] = ..., sex: _Optional[str] = ..., phone: _Optional[str] = ..., address: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., occupation: _Optional[str] = ..., channel: _Optional[str] = ..., registered_by: _Optional[str] = ..., registered_by_kind: _Optional[str] = ..., nationality: _Optional[str] = ..., family_name: _Optional[str] = ..., given_name: _Optional[str] = ..., account_id: _Optional[str] = ..., relationship: _Optional[str] = ..., upload_id: _Optional[str] = ..., upload_line: _Optional[int] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., site_id: _Optional[str] = ...) -> None: ...

class PersonDetailsCorrected(_message.Message):
    __slots__ = ("person_id", "changes", "reason", "evidence", "corrected_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    changes: _containers.RepeatedCompositeFieldContainer[_types_pb2.FieldChange]
    reason: str
    evidence: str
    corrected_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., changes: _Optional[_Iterable[_Union[_types_pb2.FieldChange, _Mapping]]] = ..., reason: _Optional[str] = ..., evidence: _Optional[str] = ..., corrected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PersonsMerged(_message.Message):
    __slots__ = ("surviving_person_id", "merged_person_id", "reason", "merged_at")
    SURVIVING_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MERGED_AT_FIELD_NUMBER: _ClassVar[int]
    surviving_person_id: str
    merged_person_id: str
    reason: str
    merged_at: _timestamp_pb2.Timestamp
    def __init__(self, surviving_person_id: _Optional[str] = ..., merged_person_id: _Optional[str] = ..., reason: _Optional[str] = ..., merged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PriorityGroupAssigned(_message.Message):
    __slots__ = ("person_id", "group_code", "catalogue_version", "evidence", "effective_date", "assigned_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    group_code: str
    catalogue_version: str
    evidence: str
    effective_date: str
    assigned_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., group_code: _Optional[str] = ..., catalogue_version: _Optional[str] = ..., evidence: _Optional[str] = ..., effective_date: _Optional[str] = ..., assigned_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PriorityGroupRevoked(_message.Message):
    __slots__ = ("person_id", "group_code", "catalogue_version", "evidence", "reason", "revoked_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    group_code: str
    catalogue_version: str
    evidence: str
    reason: str
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., group_code: _Optional[str] = ..., catalogue_version: _Optional[str] = ..., evidence: _Optional[str] = ..., reason: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegistrationApproved(_message.Message):
    __slots__ = ("person_id", "approver_id", "province_code", "reason", "decided_at", "delegation_rule", "site_id", "session_id")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    DELEGATION_RULE_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    approver_id: str
    province_code: str
    reason: str
    decided_at: _timestamp_pb2.Timestamp
    delegation_rule: str
    site_id: str
    session_id: str
    def __init__(self, person_id: _Optional[str] = ..., approver_id: _Optional[str] = ..., province_code: _Optional[str] = ..., reason: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., delegation_rule: _Optional[str] = ..., site_id: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class RegistrationRejected(_message.Message):
    __slots__ = ("person_id", "approver_id", "province_code", "reason", "decided_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    approver_id: str
    province_code: str
    reason: str
    decided_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., approver_id: _Optional[str] = ..., province_code: _Optional[str] = ..., reason: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PersonAssignedToDistrict(_message.Message):
    __slots__ = ("person_id", "district_health_centre_id", "allocation_wave", "province_code", "district_code", "assigned_at", "centre_source_event_id")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_HEALTH_CENTRE_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_WAVE_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_CODE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    CENTRE_SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    district_health_centre_id: str
    allocation_wave: str
    province_code: str
    district_code: str
    assigned_at: _timestamp_pb2.Timestamp
    centre_source_event_id: str
    def __init__(self, person_id: _Optional[str] = ..., district_health_centre_id: _Optional[str] = ..., allocation_wave: _Optional[str] = ..., province_code: _Optional[str] = ..., district_code: _Optional[str] = ..., assigned_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., centre_source_event_id: _Optional[str] = ...) -> None: ...

class AppointmentScheduled(_message.Message):
    __slots__ = ("appointment_id", "person_id", "session_id", "site_id", "slot_start", "slot_end", "series", "dose_number", "scheduled_at", "replaces_appointment_id", "session_source_event_id")
    APPOINTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_START_FIELD_NUMBER: _ClassVar[int]
    SLOT_END_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_AT_FIELD_NUMBER: _ClassVar[int]
    REPLACES_APPOINTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    appointment_id: str
    person_id: str
    session_id: str
    site_id: str
    slot_start: _timestamp_pb2.Timestamp
    slot_end: _timestamp_pb2.Timestamp
    series: str
    dose_number: int
    scheduled_at: _timestamp_pb2.Timestamp
    replaces_appointment_id: str
    session_source_event_id: str
    def __init__(self, appointment_id: _Optional[str] = ..., person_id: _Optional[str] = ..., session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., slot_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., slot_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., scheduled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., replaces_appointment_id: _Optional[str] = ..., session_source_event_id: _Optional[str] = ...) -> None: ...

class AppointmentCancelled(_message.Message):
    __slots__ = ("appointment_id", "person_id", "session_id", "site_id", "slot_start", "slot_end", "series", "dose_number", "reason", "cancelled_at")
    APPOINTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_START_FIELD_NUMBER: _ClassVar[int]
    SLOT_END_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_AT_FIELD_NUMBER: _ClassVar[int]
    appointment_id: str
    person_id: str
    session_id: str
    site_id: str
    slot_start: _timestamp_pb2.Timestamp
    slot_end: _timestamp_pb2.Timestamp
    series: str
    dose_number: int
    reason: str
    cancelled_at: _timestamp_pb2.Timestamp
    def __init__(self, appointment_id: _Optional[str] = ..., person_id: _Optional[str] = ..., session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., slot_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., slot_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., reason: _Optional[str] = ..., cancelled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class NationalIdClaimed(_message.Message):
    __slots__ = ("person_id", "national_id_kind", "reason", "claimed_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    national_id_kind: str
    reason: str
    claimed_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., national_id_kind: _Optional[str] = ..., reason: _Optional[str] = ..., claimed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class NationalIdReleased(_message.Message):
    __slots__ = ("person_id", "reason", "released_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RELEASED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    reason: str
    released_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., reason: _Optional[str] = ..., released_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SessionSeatReserved(_message.Message):
    __slots__ = ("session_id", "appointment_id", "capacity", "reserved_at")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    RESERVED_AT_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    appointment_id: str
    capacity: int
    reserved_at: _timestamp_pb2.Timestamp
    def __init__(self, session_id: _Optional[str] = ..., appointment_id: _Optional[str] = ..., capacity: _Optional[int] = ..., reserved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SessionSeatReleased(_message.Message):
    __slots__ = ("session_id", "appointment_id", "released_at")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    APPOINTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    RELEASED_AT_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    appointment_id: str
    released_at: _timestamp_pb2.Timestamp
    def __init__(self, session_id: _Optional[str] = ..., appointment_id: _Optional[str] = ..., released_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BulkUploadCompleted(_message.Message):
    __slots__ = ("upload_id", "organisation_id", "file_sha256", "rows", "registered", "invalid", "duplicates_in_file", "already_registered", "completed_at")
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_SHA256_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    INVALID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_IN_FILE_FIELD_NUMBER: _ClassVar[int]
    ALREADY_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    upload_id: str
    organisation_id: str
    file_sha256: str
    rows: int
    registered: int
    invalid: int
    duplicates_in_file: int
    already_registered: int
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, upload_id: _Optional[str] = ..., organisation_id: _Optional[str] = ..., file_sha256: _Optional[str] = ..., rows: _Optional[int] = ..., registered: _Optional[int] = ..., invalid: _Optional[int] = ..., duplicates_in_file: _Optional[int] = ..., already_registered: _Optional[int] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
