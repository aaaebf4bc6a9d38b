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
    __slots__ = ("person_id", "national_id", "national_id_kind", "full_name", "date_of_birth", "date_of_birth_estimated", "sex", "phone", "address", "occupation", "channel", "registered_by", "registered_by_kind", "nationality", "family_name", "given_name")
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
    def __init__(self, person_id: _Optional[str] = ..., national_id: _Optional[str] = ..., national_id_kind: _Optional[str] = ..., full_name: _Optional[str] = ..., date_of_birth: _Optional[str] = ..., date_of_birth_estimated: _Optional[bool] = ..., sex: _Optional[str] = ..., phone: _Optional[str] = ..., address: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., occupation: _Optional[str] = ..., channel: _Optional[str] = ..., registered_by: _Optional[str] = ..., registered_by_kind: _Optional[str] = ..., nationality: _Optional[str] = ..., family_name: _Optional[str] = ..., given_name: _Optional[str] = ...) -> None: ...

class PersonDetailsCorrected(_message.Message):
    __slots__ = ("person_id", "changes", "reason", "evidence")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    changes: _containers.RepeatedCompositeFieldContainer[_types_pb2.FieldChange]
    reason: str
    evidence: str
    def __init__(self, person_id: _Optional[str] = ..., changes: _Optional[_Iterable[_Union[_types_pb2.FieldChange, _Mapping]]] = ..., reason: _Optional[str] = ..., evidence: _Optional[str] = ...) -> None: ...

class PersonsMerged(_message.Message):
    __slots__ = ("surviving_person_id", "merged_person_id", "reason")
    SURVIVING_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    surviving_person_id: str
    merged_person_id: str
    reason: str
    def __init__(self, surviving_person_id: _Optional[str] = ..., merged_person_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class PriorityGroupAssigned(_message.Message):
    __slots__ = ("person_id", "group_code", "catalogue_version", "evidence")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    group_code: str
    catalogue_version: str
    evidence: str
    def __init__(self, person_id: _Optional[str] = ..., group_code: _Optional[str] = ..., catalogue_version: _Optional[str] = ..., evidence: _Optional[str] = ...) -> None: ...

class PriorityGroupRevoked(_message.Message):
    __slots__ = ("person_id", "group_code", "catalogue_version", "evidence", "reason")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    group_code: str
    catalogue_version: str
    evidence: str
    reason: str
    def __init__(self, person_id: _Optional[str] = ..., group_code: _Optional[str] = ..., catalogue_version: _Optional[str] = ..., evidence: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RegistrationApproved(_message.Message):
    __slots__ = ("person_id", "approver_id", "province_code", "reason")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    approver_id: str
    province_code: str
    reason: str
    def __init__(self, person_id: _Optional[str] = ..., approver_id: _Optional[str] = ..., province_code: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RegistrationRejected(_message.Message):
    __slots__ = ("person_id", "approver_id", "province_code", "reason")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    approver_id: str
    province_code: str
    reason: str
    def __init__(self, person_id: _Optional[str] = ..., approver_id: _Optional[str] = ..., province_code: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class PersonAssignedToDistrict(_message.Message):
    __slots__ = ("person_id", "district_health_centre_id", "allocation_wave")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_HEALTH_CENTRE_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_WAVE_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    district_health_centre_id: str
    allocation_wave: str
    def __init__(self, person_id: _Optional[str] = ..., district_health_centre_id: _Optional[str] = ..., allocation_wave: _Optional[str] = ...) -> None: ...

class AppointmentScheduled(_message.Message):
    __slots__ = ("appointment_id", "person_id", "session_id", "site_id", "slot_start", "slot_end", "series", "dose_number")
    APPOINTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_START_FIELD_NUMBER: _ClassVar[int]
    SLOT_END_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    appointment_id: str
    person_id: str
    session_id: str
    site_id: str
    slot_start: _timestamp_pb2.Timestamp
    slot_end: _timestamp_pb2.Timestamp
    series: str
    dose_number: int
    def __init__(self, appointment_id: _Optional[str] = ..., person_id: _Optional[str] = ..., session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., slot_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., slot_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ...) -> None: ...

class AppointmentCancelled(_message.Message):
    __slots__ = ("appointment_id", "person_id", "session_id", "site_id", "slot_start", "slot_end", "series", "dose_number", "reason")
    APPOINTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_START_FIELD_NUMBER: _ClassVar[int]
    SLOT_END_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    appointment_id: str
    person_id: str
    session_id: str
    site_id: str
    slot_start: _timestamp_pb2.Timestamp
    slot_end: _timestamp_pb2.Timestamp
    series: str
    dose_number: int
    reason: str
    def __init__(self, appointment_id: _Optional[str] = ..., person_id: _Optional[str] = ..., session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., slot_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., slot_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...
