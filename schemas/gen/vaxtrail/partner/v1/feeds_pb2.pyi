import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DoseGiven(_message.Message):
    __slots__ = ("person_key", "birth_year", "sex", "province_code", "district_code", "site_id", "product_id", "vaccine_code", "lot_number", "series", "dose_number", "date", "dose_ref", "historical", "country")
    PERSON_KEY_FIELD_NUMBER: _ClassVar[int]
    BIRTH_YEAR_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_CODE_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    VACCINE_CODE_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    DOSE_REF_FIELD_NUMBER: _ClassVar[int]
    HISTORICAL_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    person_key: str
    birth_year: int
    sex: str
    province_code: str
    district_code: str
    site_id: str
    product_id: str
    vaccine_code: str
    lot_number: str
    series: str
    dose_number: int
    date: str
    dose_ref: str
    historical: bool
    country: str
    def __init__(self, person_key: _Optional[str] = ..., birth_year: _Optional[int] = ..., sex: _Optional[str] = ..., province_code: _Optional[str] = ..., district_code: _Optional[str] = ..., site_id: _Optional[str] = ..., product_id: _Optional[str] = ..., vaccine_code: _Optional[str] = ..., lot_number: _Optional[str] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., date: _Optional[str] = ..., dose_ref: _Optional[str] = ..., historical: _Optional[bool] = ..., country: _Optional[str] = ...) -> None: ...

class DoseWithdrawn(_message.Message):
    __slots__ = ("person_key", "dose_ref", "given_record_id")
    PERSON_KEY_FIELD_NUMBER: _ClassVar[int]
    DOSE_REF_FIELD_NUMBER: _ClassVar[int]
    GIVEN_RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    person_key: str
    dose_ref: str
    given_record_id: str
    def __init__(self, person_key: _Optional[str] = ..., dose_ref: _Optional[str] = ..., given_record_id: _Optional[str] = ...) -> None: ...

class DoseCorrected(_message.Message):
    __slots__ = ("person_key", "dose_ref", "given_record_id", "corrected_fields", "site_id", "product_id", "vaccine_code", "lot_number", "series", "dose_number", "date", "country")
    PERSON_KEY_FIELD_NUMBER: _ClassVar[int]
    DOSE_REF_FIELD_NUMBER: _ClassVar[int]
    GIVEN_RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    VACCINE_CODE_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    person_key: str
    dose_ref: str
    given_record_id: str
    corrected_fields: _containers.RepeatedScalarFieldContainer[str]
    site_id: str
    product_id: str
    vaccine_code: str
    lot_number: str
    series: str
    dose_number: int
    date: str
    country: str
    def __init__(self, person_key: _Optional[str] = ..., dose_ref: _Optional[str] = ..., given_record_id: _Optional[str] = ..., corrected_fields: _Optional[_Iterable[str]] = ..., site_id: _Optional[str] = ..., product_id: _Optional[str] = ..., vaccine_code: _Optional[str] = ..., lot_number: _Optional[str] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., date: _Optional[str] = ..., country: _Optional[str] = ...) -> None: ...

class PersonKeysMerged(_message.Message):
    __slots__ = ("surviving_person_key", "retired_person_key")
    SURVIVING_PERSON_KEY_FIELD_NUMBER: _ClassVar[int]
    RETIRED_PERSON_KEY_FIELD_NUMBER: _ClassVar[int]
    surviving_person_key: str
    retired_person_key: str
    def __init__(self, surviving_person_key: _Optional[str] = ..., retired_person_key: _Optional[str] = ...) -> None: ...

class LotStatusChanged(_message.Message):
    __slots__ = ("lot_id", "lot_number", "product_id", "status", "scope", "scope_id", "expiry_date", "changed_at")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    lot_number: str
    product_id: str
    status: str
    scope: str
    scope_id: str
    expiry_date: str
    changed_at: _timestamp_pb2.Timestamp
    def __init__(self, lot_id: _Optional[str] = ..., lot_number: _Optional[str] = ..., product_id: _Optional[str] = ..., status: _Optional[str] = ..., scope: _Optional[str] = ..., scope_id: _Optional[str] = ..., expiry_date: _Optional[str] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AefiCase(_message.Message):
    __slots__ = ("aefi_report_id", "stage", "lot_ids", "site_ids", "birth_year", "sex", "province_code", "symptoms", "serious", "seriousness_criteria", "outcome", "onset_date", "causality")
    AEFI_REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    LOT_IDS_FIELD_NUMBER: _ClassVar[int]
    SITE_IDS_FIELD_NUMBER: _ClassVar[int]
    BIRTH_YEAR_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    SYMPTOMS_FIELD_NUMBER: _ClassVar[int]
    SERIOUS_FIELD_NUMBER: _ClassVar[int]
    SERIOUSNESS_CRITERIA_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ONSET_DATE_FIELD_NUMBER: _ClassVar[int]
    CAUSALITY_FIELD_NUMBER: _ClassVar[int]
    aefi_report_id: str
    stage: str
    lot_ids: _containers.RepeatedScalarFieldContainer[str]
    site_ids: _containers.RepeatedScalarFieldContainer[str]
    birth_year: int
    sex: str
    province_code: str
    symptoms: _containers.RepeatedScalarFieldContainer[str]
    serious: bool
    seriousness_criteria: _containers.RepeatedScalarFieldContainer[str]
    outcome: str
    onset_date: str
    causality: str
    def __init__(self, aefi_report_id: _Optional[str] = ..., stage: _Optional[str] = ..., lot_ids: _Optional[_Iterable[str]] = ..., site_ids: _Optional[_Iterable[str]] = ..., birth_year: _Optional[int] = ..., sex: _Optional[str] = ..., province_code: _Optional[str] = ..., symptoms: _Optional[_Iterable[str]] = ..., serious: _Optional[bool] = ..., seriousness_criteria: _Optional[_Iterable[str]] = ..., outcome: _Optional[str] = ..., onset_date: _Optional[str] = ..., causality: _Optional[str] = ...) -> None: ...

class CertificateRevocation(_message.Message):
    __slots__ = ("certificate_id", "reason", "revoked_at")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    reason: str
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, certificate_id: _Optional[str] = ..., reason: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
