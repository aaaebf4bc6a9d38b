import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vaxtrail.common.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AllocationPlanDrafted(_message.Message):
    __slots__ = ("plan_id", "presentation_id", "lot_ids", "total_doses", "funding_source", "method", "legal_reference", "completion_deadline_date", "source_location_id", "level", "issuing_province_code", "target_group_codes", "occurred_at", "read_model_positions")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_IDS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DOSES_FIELD_NUMBER: _ClassVar[int]
    FUNDING_SOURCE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    LEGAL_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_DEADLINE_DATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    ISSUING_PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    TARGET_GROUP_CODES_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    presentation_id: str
    lot_ids: _containers.RepeatedScalarFieldContainer[str]
    total_doses: int
    funding_source: str
    method: str
    legal_reference: str
    completion_deadline_date: str
    source_location_id: str
    level: str
    issuing_province_code: str
    target_group_codes: _containers.RepeatedScalarFieldContainer[str]
    occurred_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan_id: _Optional[str] = ..., presentation_id: _Optional[str] = ..., lot_ids: _Optional[_Iterable[str]] = ..., total_doses: _Optional[int] = ..., funding_source: _Optional[str] = ..., method: _Optional[str] = ..., legal_reference: _Optional[str] = ..., completion_deadline_date: _Optional[str] = ..., source_location_id: _Optional[str] = ..., level: _Optional[str] = ..., issuing_province_code: _Optional[str] = ..., target_group_codes: _Optional[_Iterable[str]] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchAllocated(_message.Message):
    __slots__ = ("plan_id", "line_id", "recipient_unit_id", "recipient_unit_kind", "doses", "series", "dose_number", "target_group_codes", "use_by_date", "recipient_location_id", "occurred_at", "read_model_positions")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_UNIT_KIND_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TARGET_GROUP_CODES_FIELD_NUMBER: _ClassVar[int]
    USE_BY_DATE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    line_id: str
    recipient_unit_id: str
    recipient_unit_kind: str
    doses: int
    series: str
    dose_number: int
    target_group_codes: _containers.RepeatedScalarFieldContainer[str]
    use_by_date: str
    recipient_location_id: str
    occurred_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan_id: _Optional[str] = ..., line_id: _Optional[str] = ..., recipient_unit_id: _Optional[str] = ..., recipient_unit_kind: _Optional[str] = ..., doses: _Optional[int] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., target_group_codes: _Optional[_Iterable[str]] = ..., use_by_date: _Optional[str] = ..., recipient_location_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class AllocationPlanSubmitted(_message.Message):
    __slots__ = ("plan_id", "actor_id", "level", "comment", "occurred_at", "read_model_positions")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    actor_id: str
    level: str
    comment: str
    occurred_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., level: _Optional[str] = ..., comment: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class AllocationPlanApproved(_message.Message):
    __slots__ = ("plan_id", "actor_id", "level", "comment", "occurred_at", "read_model_positions")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    actor_id: str
    level: str
    comment: str
    occurred_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., level: _Optional[str] = ..., comment: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class AllocationPlanRejected(_message.Message):
    __slots__ = ("plan_id", "actor_id", "level", "comment", "occurred_at")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    actor_id: str
    level: str
    comment: str
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., level: _Optional[str] = ..., comment: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AllocationReleased(_message.Message):
    __slots__ = ("plan_id", "line_id", "shipment_ids", "doses", "from_location_id", "recipient_unit_id", "recipient_unit_kind", "recipient_location_id", "presentation_id", "lines", "use_by_date", "series", "dose_number", "occurred_at", "read_model_positions")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    FROM_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_UNIT_KIND_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    USE_BY_DATE_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DOSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    line_id: str
    shipment_ids: _containers.RepeatedScalarFieldContainer[str]
    doses: int
    from_location_id: str
    recipient_unit_id: str
    recipient_unit_kind: str
    recipient_location_id: str
    presentation_id: str
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2.StockLine]
    use_by_date: str
    series: str
    dose_number: int
    occurred_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan_id: _Optional[str] = ..., line_id: _Optional[str] = ..., shipment_ids: _Optional[_Iterable[str]] = ..., doses: _Optional[int] = ..., from_location_id: _Optional[str] = ..., recipient_unit_id: _Optional[str] = ..., recipient_unit_kind: _Optional[str] = ..., recipient_location_id: _Optional[str] = ..., presentation_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[_types_pb2.StockLine, _Mapping]]] = ..., use_by_date: _Optional[str] = ..., series: _Optional[str] = ..., dose_number: _Optional[int] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class AllocationLineAmended(_message.Message):
    __slots__ = ("plan_id", "line_id", "delta_doses", "reason", "occurred_at", "actor_id", "read_model_positions")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    DELTA_DOSES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    line_id: str
    delta_doses: int
    reason: str
    occurred_at: _timestamp_pb2.Timestamp
    actor_id: str
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan_id: _Optional[str] = ..., line_id: _Optional[str] = ..., delta_doses: _Optional[int] = ..., reason: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor_id: _Optional[str] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class AllocationCancelled(_message.Message):
    __slots__ = ("plan_id", "line_id", "delta_doses", "reason", "occurred_at", "actor_id")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    DELTA_DOSES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    line_id: str
    delta_doses: int
    reason: str
    occurred_at: _timestamp_pb2.Timestamp
    actor_id: str
    def __init__(self, plan_id: _Optional[str] = ..., line_id: _Optional[str] = ..., delta_doses: _Optional[int] = ..., reason: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class DosesReservedForSecondDose(_message.Message):
    __slots__ = ("reservation_id", "unit_id", "presentation_id", "doses", "cohort", "held_at_location_id", "first_doses_given", "second_doses_given", "occurred_at", "read_model_positions")
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    COHORT_FIELD_NUMBER: _ClassVar[int]
    HELD_AT_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_DOSES_GIVEN_FIELD_NUMBER: _ClassVar[int]
    SECOND_DOSES_GIVEN_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    reservation_id: str
    unit_id: str
    presentation_id: str
    doses: int
    cohort: str
    held_at_location_id: str
    first_doses_given: int
    second_doses_given: int
    occurred_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, reservation_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., presentation_id: _Optional[str] = ..., doses: _Optional[int] = ..., cohort: _Optional[str] = ..., held_at_location_id: _Optional[str] = ..., first_doses_given: _Optional[int] = ..., second_doses_given: _Optional[int] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class ReservationReleased(_message.Message):
    __slots__ = ("reservation_id", "unit_id", "presentation_id", "doses", "cohort", "held_at_location_id", "first_doses_given", "second_doses_given", "occurred_at", "read_model_positions")
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    COHORT_FIELD_NUMBER: _ClassVar[int]
    HELD_AT_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_DOSES_GIVEN_FIELD_NUMBER: _ClassVar[int]
    SECOND_DOSES_GIVEN_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    reservation_id: str
    unit_id: str
    presentation_id: str
    doses: int
    cohort: str
    held_at_location_id: str
    first_doses_given: int
    second_doses_given: int
    occurred_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, reservation_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., presentation_id: _Optional[str] = ..., doses: _Optional[int] = ..., cohort: _Optional[str] = ..., held_at_location_id: _Optional[str] = ..., first_doses_given: _Optional[int] = ..., second_doses_given: _Optional[int] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class SessionPlanned(_message.Message):
    __slots__ = ("session_id", "site_id", "session_date", "starts_at", "ends_at", "injection_tables", "presentation_id", "planned_persons", "planned_doses", "priority_group_codes", "target_series", "target_dose_numbers", "district_health_centre_id", "occurred_at", "read_model_positions")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_DATE_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    INJECTION_TABLES_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    PLANNED_PERSONS_FIELD_NUMBER: _ClassVar[int]
    PLANNED_DOSES_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_GROUP_CODES_FIELD_NUMBER: _ClassVar[int]
    TARGET_SERIES_FIELD_NUMBER: _ClassVar[int]
    TARGET_DOSE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_HEALTH_CENTRE_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    site_id: str
    session_date: str
    starts_at: _timestamp_pb2.Timestamp
    ends_at: _timestamp_pb2.Timestamp
    injection_tables: int
    presentation_id: str
    planned_persons: int
    planned_doses: int
    priority_group_codes: _containers.RepeatedScalarFieldContainer[str]
    target_series: str
    target_dose_numbers: _containers.RepeatedScalarFieldContainer[int]
    district_health_centre_id: str
    occurred_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, session_id: _Optional[str] = ..., site_id: _Optional[str] = ..., session_date: _Optional[str] = ..., starts_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ends_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., injection_tables: _Optional[int] = ..., presentation_id: _Optional[str] = ..., planned_persons: _Optional[int] = ..., planned_doses: _Optional[int] = ..., priority_group_codes: _Optional[_Iterable[str]] = ..., target_series: _Optional[str] = ..., target_dose_numbers: _Optional[_Iterable[int]] = ..., district_health_centre_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...

class SessionStockDispensed(_message.Message):
    __slots__ = ("session_id", "from_location_id", "to_site_id", "lines", "dispensed_at", "read_model_positions")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    TO_SITE_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    DISPENSED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_MODEL_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    from_location_id: str
    to_site_id: str
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2.StockLine]
    dispensed_at: _timestamp_pb2.Timestamp
    read_model_positions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, session_id: _Optional[str] = ..., from_location_id: _Optional[str] = ..., to_site_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[_types_pb2.StockLine, _Mapping]]] = ..., dispensed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_model_positions: _Optional[_Iterable[str]] = ...) -> None: ...
