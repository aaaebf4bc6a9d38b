import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vaxtrail.common.v1 import types_pb2 as _types_pb2
from vaxtrail.immunization.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SessionOpened(_message.Message):
    __slots__ = ("session_id", "site_id", "staff", "opened_at")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    STAFF_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    site_id: str
    staff: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.StaffMember]
    opened_at: _timestamp_pb2.Timestamp
    def __init__(self, session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., staff: _Optional[_Iterable[_Union[_types_pb2_1.StaffMember, _Mapping]]] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SessionClosed(_message.Message):
    __slots__ = ("session_id", "site_id", "staff", "closed_at")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    STAFF_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    site_id: str
    staff: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.StaffMember]
    closed_at: _timestamp_pb2.Timestamp
    def __init__(self, session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., staff: _Optional[_Iterable[_Union[_types_pb2_1.StaffMember, _Mapping]]] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PersonCheckedIn(_message.Message):
    __slots__ = ("visit_id", "person_id", "session_id", "checked_in_at", "identity_method", "presence_code_verified", "presence_override_reason", "presence_override_by", "site_id", "read_model_positions")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    CHECKED_IN_AT_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_METHOD_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_CODE_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_OVERRIDE_REASON_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_OVERRIDE_BY_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    person_id: str
    session_id: str
    checked_in_at: _timestamp_pb2.Timestamp
    identity_method: str
    presence_code_verified: bool
    presence_override_reason: str
    presence_override_by: str
    site_id: str
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, visit_id: _Optional[str] = ..., person_id: _Optional[str] = ..., session_id: _Optional[str] = ..., checked_in_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., identity_method: _Optional[str] = ..., presence_code_verified: _Optional[bool] = ..., presence_override_reason: _Optional[str] = ..., presence_override_by: _Optional[str] = ..., site_id: _Optional[str] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class ScreeningCompleted(_message.Message):
    __slots__ = ("visit_id", "person_id", "screener_id", "vitals", "answers", "pregnancy_weeks", "outcome", "postponed_until_date", "postponed_until_condition", "contraindicated_products", "ruleset_id", "screened_at", "session_id", "site_id")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SCREENER_ID_FIELD_NUMBER: _ClassVar[int]
    VITALS_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    PREGNANCY_WEEKS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    POSTPONED_UNTIL_DATE_FIELD_NUMBER: _ClassVar[int]
    POSTPONED_UNTIL_CONDITION_FIELD_NUMBER: _ClassVar[int]
    CONTRAINDICATED_PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    RULESET_ID_FIELD_NUMBER: _ClassVar[int]
    SCREENED_AT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    person_id: str
    screener_id: str
    vitals: _types_pb2_1.Vitals
    answers: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.ScreeningAnswer]
    pregnancy_weeks: int
    outcome: str
    postponed_until_date: str
    postponed_until_condition: str
    contraindicated_products: _containers.RepeatedScalarFieldContainer[str]
    ruleset_id: str
    screened_at: _timestamp_pb2.Timestamp
    session_id: str
    site_id: str
    def __init__(self, visit_id: _Optional[str] = ..., person_id: _Optional[str] = ..., screener_id: _Optional[str] = ..., vitals: _Optional[_Union[_types_pb2_1.Vitals, _Mapping]] = ..., answers: _Optional[_Iterable[_Union[_types_pb2_1.ScreeningAnswer, _Mapping]]] = ..., pregnancy_weeks: _Optional[int] = ..., outcome: _Optional[str] = ..., postponed_until_date: _Optional[str] = ..., postponed_until_condition: _Optional[str] = ..., contraindicated_products: _Optional[_Iterable[str]] = ..., ruleset_id: _Optional[str] = ..., screened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., session_id: _Optional[str] = ..., site_id: _Optional[str] = ...) -> None: ...

class VialOpened(_message.Message):
    __slots__ = ("vial_opening_id", "site_id", "session_id", "lot_id", "doses_in_vial", "opened_at", "discard_at", "presentation_id", "presentation_version", "read_model_positions")
    VIAL_OPENING_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_IN_VIAL_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    DISCARD_AT_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_VERSION_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    vial_opening_id: str
    site_id: str
    session_id: str
    lot_id: str
    doses_in_vial: int
    opened_at: _timestamp_pb2.Timestamp
    discard_at: _timestamp_pb2.Timestamp
    presentation_id: str
    presentation_version: int
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, vial_opening_id: _Optional[str] = ..., site_id: _Optional[str] = ..., session_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., doses_in_vial: _Optional[int] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., discard_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., presentation_id: _Optional[str] = ..., presentation_version: _Optional[int] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class VialDiscarded(_message.Message):
    __slots__ = ("vial_opening_id", "discarded_at", "doses_drawn", "residual_doses", "reason", "site_id", "lot_id", "session_id")
    VIAL_OPENING_ID_FIELD_NUMBER: _ClassVar[int]
    DISCARDED_AT_FIELD_NUMBER: _ClassVar[int]
    DOSES_DRAWN_FIELD_NUMBER: _ClassVar[int]
    RESIDUAL_DOSES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    vial_opening_id: str
    discarded_at: _timestamp_pb2.Timestamp
    doses_drawn: int
    residual_doses: int
    reason: str
    site_id: str
    lot_id: str
    session_id: str
    def __init__(self, vial_opening_id: _Optional[str] = ..., discarded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., doses_drawn: _Optional[int] = ..., residual_doses: _Optional[int] = ..., reason: _Optional[str] = ..., site_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class VialRegistered(_message.Message):
    __slots__ = ("session_id", "vial_opening_id", "site_id", "opened_at")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    VIAL_OPENING_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    vial_opening_id: str
    site_id: str
    opened_at: _timestamp_pb2.Timestamp
    def __init__(self, session_id: _Optional[str] = ..., vial_opening_id: _Optional[str] = ..., site_id: _Optional[str] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VialDoseDrawn(_message.Message):
    __slots__ = ("vial_opening_id", "dose_id", "person_id", "visit_id", "session_id", "site_id", "lot_id", "drawn_at")
    VIAL_OPENING_ID_FIELD_NUMBER: _ClassVar[int]
    DOSE_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    DRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    vial_opening_id: str
    dose_id: str
    person_id: str
    visit_id: str
    session_id: str
    site_id: str
    lot_id: str
    drawn_at: _timestamp_pb2.Timestamp
    def __init__(self, vial_opening_id: _Optional[str] = ..., dose_id: _Optional[str] = ..., person_id: _Optional[str] = ..., visit_id: _Optional[str] = ..., session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., drawn_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DoseAdministered(_message.Message):
    __slots__ = ("dose_id", "person_id", "visit_id", "session_id", "site_id", "administered_at", "presentation_id", "lot_id", "lot_number", "effective_expiry_date", "vial_opening_id", "series", "dose_number", "volume_ml", "route", "body_site", "performer_id", "screening_reference", "heterologous_consent", "interval_override", "device_id", "device_sequence", "vaccine_code", "component", "schedule_rule_id", "presence_code_verified", "platform", "read_model_positions")
    DOSE_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    ADMINISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    VIAL_OPENING_ID_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    VOLUME_ML_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    BODY_SITE_FIELD_NUMBER: _ClassVar[int]
    PERFORMER_ID_FIELD_NUMBER: _ClassVar[int]
    SCREENING_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    HETEROLOGOUS_CONSENT_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    DEVICE_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    VACCINE_CODE_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_RULE_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_CODE_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    dose_id: str
    person_id: str
    visit_id: str
    session_id: str
    site_id: str
    administered_at: _timestamp_pb2.Timestamp
    presentation_id: str
    lot_id: str
    lot_number: str
    effective_expiry_date: str
    vial_opening_id: str
    series: str
    dose_number: int
    volume_ml: str
    route: str
    body_site: str
    performer_id: str
    screening_reference: str
    heterologous_consent: bool
    interval_override: _types_pb2_1.IntervalOverride
    device_id: str
    device_sequence: int
    vaccine_code: str
    component: str
    schedule_rule_id: str
    presence_code_verified: bool
    platform: str
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, dose_id: _Optional[str] = ..., person_id: _Optional[str] = ..., visit_id: _Optional[str] = ..., session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., administered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., presentation_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., lot_number: _Optional[str] = ..., effective_expiry_date: _Optional[str] = ..., vial_opening_id: _Optional[str] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., volume_ml: _Optional[str] = ..., route: _Optional[str] = ..., body_site: _Optional[str] = ..., performer_id: _Optional[str] = ..., screening_reference: _Optional[str] = ..., heterologous_consent: _Optional[bool] = ..., interval_override: _Optional[_Union[_types_pb2_1.IntervalOverride, _Mapping]] = ..., device_id: _Optional[str] = ..., device_sequence: _Optional[int] = ..., vaccine_code: _Optional[str] = ..., component: _Optional[str] = ..., schedule_rule_id: _Optional[str] = ..., presence_code_verified: _Optional[bool] = ..., platform: _Optional[str] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class DoseNotAdministered(_message.Message):
    __slots__ = ("person_id", "visit_id", "reason", "session_id", "recorded_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    visit_id: str
    reason: str
    session_id: str
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., visit_id: _Optional[str] = ..., reason: _Optional[str] = ..., session_id: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DoseRecordedHistorical(_message.Message):
    __slots__ = ("dose_id", "person_id", "product", "lot_number", "administered_date", "country", "source", "primary_source", "series", "dose_number")
    DOSE_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ADMINISTERED_DATE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_SOURCE_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    dose_id: str
    person_id: str
    product: str
    lot_number: str
    administered_date: str
    country: str
    source: str
    primary_source: bool
    series: str
    dose_number: int
    def __init__(self, dose_id: _Optional[str] = ..., person_id: _Optional[str] = ..., product: _Optional[str] = ..., lot_number: _Optional[str] = ..., administered_date: _Optional[str] = ..., country: _Optional[str] = ..., source: _Optional[str] = ..., primary_source: _Optional[bool] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ...) -> None: ...

class DoseEnteredInError(_message.Message):
    __slots__ = ("dose_id", "reverses_event_id", "reason", "person_id", "recorded_at")
    DOSE_ID_FIELD_NUMBER: _ClassVar[int]
    REVERSES_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    dose_id: str
    reverses_event_id: str
    reason: str
    person_id: str
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, dose_id: _Optional[str] = ..., reverses_event_id: _Optional[str] = ..., reason: _Optional[str] = ..., person_id: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DoseCorrected(_message.Message):
    __slots__ = ("dose_id", "reverses_event_id", "changes", "reason", "person_id", "corrected_at")
    DOSE_ID_FIELD_NUMBER: _ClassVar[int]
    REVERSES_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_AT_FIELD_NUMBER: _ClassVar[int]
    dose_id: str
    reverses_event_id: str
    changes: _containers.RepeatedCompositeFieldContainer[_types_pb2.FieldChange]
    reason: str
    person_id: str
    corrected_at: _timestamp_pb2.Timestamp
    def __init__(self, dose_id: _Optional[str] = ..., reverses_event_id: _Optional[str] = ..., changes: _Optional[_Iterable[_Union[_types_pb2.FieldChange, _Mapping]]] = ..., reason: _Optional[str] = ..., person_id: _Optional[str] = ..., corrected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ObservationCompleted(_message.Message):
    __slots__ = ("visit_id", "person_id", "started_at", "ended_at", "outcome")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    person_id: str
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    outcome: str
    def __init__(self, visit_id: _Optional[str] = ..., person_id: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., outcome: _Optional[str] = ...) -> None: ...

class AefiReported(_message.Message):
    __slots__ = ("aefi_id", "person_id", "dose_ids", "lot_ids", "onset_at", "symptoms", "serious", "seriousness_criteria", "outcome", "source", "reporter_id", "died_at", "reported_at", "site_ids")
    AEFI_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    DOSE_IDS_FIELD_NUMBER: _ClassVar[int]
    LOT_IDS_FIELD_NUMBER: _ClassVar[int]
    ONSET_AT_FIELD_NUMBER: _ClassVar[int]
    SYMPTOMS_FIELD_NUMBER: _ClassVar[int]
    SERIOUS_FIELD_NUMBER: _ClassVar[int]
    SERIOUSNESS_CRITERIA_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REPORTER_ID_FIELD_NUMBER: _ClassVar[int]
    DIED_AT_FIELD_NUMBER: _ClassVar[int]
    REPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    SITE_IDS_FIELD_NUMBER: _ClassVar[int]
    aefi_id: str
    person_id: str
    dose_ids: _containers.RepeatedScalarFieldContainer[str]
    lot_ids: _containers.RepeatedScalarFieldContainer[str]
    onset_at: _timestamp_pb2.Timestamp
    symptoms: _containers.RepeatedScalarFieldContainer[str]
    serious: bool
    seriousness_criteria: _containers.RepeatedScalarFieldContainer[str]
    outcome: str
    source: str
    reporter_id: str
    died_at: _timestamp_pb2.Timestamp
    reported_at: _timestamp_pb2.Timestamp
    site_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, aefi_id: _Optional[str] = ..., person_id: _Optional[str] = ..., dose_ids: _Optional[_Iterable[str]] = ..., lot_ids: _Optional[_Iterable[str]] = ..., onset_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., symptoms: _Optional[_Iterable[str]] = ..., serious: _Optional[bool] = ..., seriousness_criteria: _Optional[_Iterable[str]] = ..., outcome: _Optional[str] = ..., source: _Optional[str] = ..., reporter_id: _Optional[str] = ..., died_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., site_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AefiInvestigationOpened(_message.Message):
    __slots__ = ("aefi_id", "level", "due_by", "opened_at", "opened_by")
    AEFI_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    OPENED_BY_FIELD_NUMBER: _ClassVar[int]
    aefi_id: str
    level: str
    due_by: _timestamp_pb2.Timestamp
    opened_at: _timestamp_pb2.Timestamp
    opened_by: str
    def __init__(self, aefi_id: _Optional[str] = ..., level: _Optional[str] = ..., due_by: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., opened_by: _Optional[str] = ...) -> None: ...

class AefiClassified(_message.Message):
    __slots__ = ("aefi_id", "level", "due_by", "causality", "rationale", "classified_at", "lot_ids", "lot_review_requested", "classified_by")
    AEFI_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    CAUSALITY_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    CLASSIFIED_AT_FIELD_NUMBER: _ClassVar[int]
    LOT_IDS_FIELD_NUMBER: _ClassVar[int]
    LOT_REVIEW_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    CLASSIFIED_BY_FIELD_NUMBER: _ClassVar[int]
    aefi_id: str
    level: str
    due_by: _timestamp_pb2.Timestamp
    causality: str
    rationale: str
    classified_at: _timestamp_pb2.Timestamp
    lot_ids: _containers.RepeatedScalarFieldContainer[str]
    lot_review_requested: bool
    classified_by: str
    def __init__(self, aefi_id: _Optional[str] = ..., level: _Optional[str] = ..., due_by: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., causality: _Optional[str] = ..., rationale: _Optional[str] = ..., classified_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lot_ids: _Optional[_Iterable[str]] = ..., lot_review_requested: _Optional[bool] = ..., classified_by: _Optional[str] = ...) -> None: ...

class NextDoseRecommended(_message.Message):
    __slots__ = ("person_id", "series", "dose_number", "earliest_date", "due_date", "latest_date", "allowed_presentation_ids", "schedule_rule_id", "allowed_products", "recommended_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EARLIEST_DATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    LATEST_DATE_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_PRESENTATION_IDS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_RULE_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    series: str
    dose_number: int
    earliest_date: str
    due_date: str
    latest_date: str
    allowed_presentation_ids: _containers.RepeatedScalarFieldContainer[str]
    schedule_rule_id: str
    allowed_products: _containers.RepeatedScalarFieldContainer[str]
    recommended_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., earliest_date: _Optional[str] = ..., due_date: _Optional[str] = ..., latest_date: _Optional[str] = ..., allowed_presentation_ids: _Optional[_Iterable[str]] = ..., schedule_rule_id: _Optional[str] = ..., allowed_products: _Optional[_Iterable[str]] = ..., recommended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
