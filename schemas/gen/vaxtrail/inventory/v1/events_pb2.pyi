import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vaxtrail.common.v1 import types_pb2 as _types_pb2
from vaxtrail.inventory.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PresentationDefined(_message.Message):
    __slots__ = ("presentation_id", "version", "vaccine_code", "vaccine_code_system", "brand", "manufacturer", "doses_per_vial", "dose_volume_ml", "diluent_product_code", "diluent_volume_ml", "storage_ranges", "thaw_beyond_use_days", "refreeze_allowed", "open_vial_window_hours", "has_vvm", "min_age_years", "components", "series_doses", "extra_doses_allowed", "platform", "defined_at")
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VACCINE_CODE_FIELD_NUMBER: _ClassVar[int]
    VACCINE_CODE_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    BRAND_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_FIELD_NUMBER: _ClassVar[int]
    DOSES_PER_VIAL_FIELD_NUMBER: _ClassVar[int]
    DOSE_VOLUME_ML_FIELD_NUMBER: _ClassVar[int]
    DILUENT_PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    DILUENT_VOLUME_ML_FIELD_NUMBER: _ClassVar[int]
    STORAGE_RANGES_FIELD_NUMBER: _ClassVar[int]
    THAW_BEYOND_USE_DAYS_FIELD_NUMBER: _ClassVar[int]
    REFREEZE_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    OPEN_VIAL_WINDOW_HOURS_FIELD_NUMBER: _ClassVar[int]
    HAS_VVM_FIELD_NUMBER: _ClassVar[int]
    MIN_AGE_YEARS_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    SERIES_DOSES_FIELD_NUMBER: _ClassVar[int]
    EXTRA_DOSES_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    DEFINED_AT_FIELD_NUMBER: _ClassVar[int]
    presentation_id: str
    version: int
    vaccine_code: str
    vaccine_code_system: str
    brand: str
    manufacturer: str
    doses_per_vial: int
    dose_volume_ml: str
    diluent_product_code: str
    diluent_volume_ml: str
    storage_ranges: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.StorageRange]
    thaw_beyond_use_days: int
    refreeze_allowed: bool
    open_vial_window_hours: int
    has_vvm: bool
    min_age_years: int
    components: _containers.RepeatedScalarFieldContainer[str]
    series_doses: int
    extra_doses_allowed: int
    platform: str
    defined_at: _timestamp_pb2.Timestamp
    def __init__(self, presentation_id: _Optional[str] = ..., version: _Optional[int] = ..., vaccine_code: _Optional[str] = ..., vaccine_code_system: _Optional[str] = ..., brand: _Optional[str] = ..., manufacturer: _Optional[str] = ..., doses_per_vial: _Optional[int] = ..., dose_volume_ml: _Optional[str] = ..., diluent_product_code: _Optional[str] = ..., diluent_volume_ml: _Optional[str] = ..., storage_ranges: _Optional[_Iterable[_Union[_types_pb2_1.StorageRange, _Mapping]]] = ..., thaw_beyond_use_days: _Optional[int] = ..., refreeze_allowed: _Optional[bool] = ..., open_vial_window_hours: _Optional[int] = ..., has_vvm: _Optional[bool] = ..., min_age_years: _Optional[int] = ..., components: _Optional[_Iterable[str]] = ..., series_doses: _Optional[int] = ..., extra_doses_allowed: _Optional[int] = ..., platform: _Optional[str] = ..., defined_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LotRegistered(_message.Message):
    __slots__ = ("lot_id", "lot_number", "presentation_id", "presentation_version", "manufacture_date", "label_expiry_date", "funding_source", "release_certificate_reference", "registered_at")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_VERSION_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURE_DATE_FIELD_NUMBER: _ClassVar[int]
    LABEL_EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    FUNDING_SOURCE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_CERTIFICATE_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    lot_number: str
    presentation_id: str
    presentation_version: int
    manufacture_date: str
    label_expiry_date: str
    funding_source: str
    release_certificate_reference: str
    registered_at: _timestamp_pb2.Timestamp
    def __init__(self, lot_id: _Optional[str] = ..., lot_number: _Optional[str] = ..., presentation_id: _Optional[str] = ..., presentation_version: _Optional[int] = ..., manufacture_date: _Optional[str] = ..., label_expiry_date: _Optional[str] = ..., funding_source: _Optional[str] = ..., release_certificate_reference: _Optional[str] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LotExpiryExtended(_message.Message):
    __slots__ = ("lot_id", "old_expiry_date", "new_expiry_date", "legal_basis", "required_storage_condition", "required_min_celsius", "required_max_celsius", "extended_at")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    OLD_EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    NEW_EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_STORAGE_CONDITION_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_MIN_CELSIUS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_MAX_CELSIUS_FIELD_NUMBER: _ClassVar[int]
    EXTENDED_AT_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    old_expiry_date: str
    new_expiry_date: str
    legal_basis: str
    required_storage_condition: str
    required_min_celsius: str
    required_max_celsius: str
    extended_at: _timestamp_pb2.Timestamp
    def __init__(self, lot_id: _Optional[str] = ..., old_expiry_date: _Optional[str] = ..., new_expiry_date: _Optional[str] = ..., legal_basis: _Optional[str] = ..., required_storage_condition: _Optional[str] = ..., required_min_celsius: _Optional[str] = ..., required_max_celsius: _Optional[str] = ..., extended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LotSuspended(_message.Message):
    __slots__ = ("lot_id", "scope", "scope_id", "reason", "authority", "decision_reference", "decided_at")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    DECISION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    scope: str
    scope_id: str
    reason: str
    authority: str
    decision_reference: str
    decided_at: _timestamp_pb2.Timestamp
    def __init__(self, lot_id: _Optional[str] = ..., scope: _Optional[str] = ..., scope_id: _Optional[str] = ..., reason: _Optional[str] = ..., authority: _Optional[str] = ..., decision_reference: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LotReleased(_message.Message):
    __slots__ = ("lot_id", "scope", "scope_id", "reason", "authority", "decision_reference", "decided_at")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    DECISION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    scope: str
    scope_id: str
    reason: str
    authority: str
    decision_reference: str
    decided_at: _timestamp_pb2.Timestamp
    def __init__(self, lot_id: _Optional[str] = ..., scope: _Optional[str] = ..., scope_id: _Optional[str] = ..., reason: _Optional[str] = ..., authority: _Optional[str] = ..., decision_reference: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LotRecalled(_message.Message):
    __slots__ = ("lot_id", "scope", "scope_id", "reason", "authority", "decision_reference", "decided_at")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    DECISION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    scope: str
    scope_id: str
    reason: str
    authority: str
    decision_reference: str
    decided_at: _timestamp_pb2.Timestamp
    def __init__(self, lot_id: _Optional[str] = ..., scope: _Optional[str] = ..., scope_id: _Optional[str] = ..., reason: _Optional[str] = ..., authority: _Optional[str] = ..., decision_reference: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DoseReceived(_message.Message):
    __slots__ = ("location_id", "lot_id", "doses", "vials", "source", "shipment_reference", "received_at", "storage_unit_id", "vvm_stage", "temperature_log_ok", "presentation_id")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    STORAGE_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    VVM_STAGE_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_LOG_OK_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    doses: int
    vials: int
    source: str
    shipment_reference: str
    received_at: _timestamp_pb2.Timestamp
    storage_unit_id: str
    vvm_stage: int
    temperature_log_ok: bool
    presentation_id: str
    def __init__(self, location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., doses: _Optional[int] = ..., vials: _Optional[int] = ..., source: _Optional[str] = ..., shipment_reference: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., storage_unit_id: _Optional[str] = ..., vvm_stage: _Optional[int] = ..., temperature_log_ok: _Optional[bool] = ..., presentation_id: _Optional[str] = ...) -> None: ...

class ShipmentDispatched(_message.Message):
    __slots__ = ("shipment_id", "from_location_id", "to_location_id", "lines", "allocation_plan_id", "allocation_line_id", "transport_id", "logger_ids", "dispatched_at", "presentation_id", "session_id")
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    TO_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSPORT_ID_FIELD_NUMBER: _ClassVar[int]
    LOGGER_IDS_FIELD_NUMBER: _ClassVar[int]
    DISPATCHED_AT_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    shipment_id: str
    from_location_id: str
    to_location_id: str
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2.StockLine]
    allocation_plan_id: str
    allocation_line_id: str
    transport_id: str
    logger_ids: _containers.RepeatedScalarFieldContainer[str]
    dispatched_at: _timestamp_pb2.Timestamp
    presentation_id: str
    session_id: str
    def __init__(self, shipment_id: _Optional[str] = ..., from_location_id: _Optional[str] = ..., to_location_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[_types_pb2.StockLine, _Mapping]]] = ..., allocation_plan_id: _Optional[str] = ..., allocation_line_id: _Optional[str] = ..., transport_id: _Optional[str] = ..., logger_ids: _Optional[_Iterable[str]] = ..., dispatched_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., presentation_id: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class ShipmentReceived(_message.Message):
    __slots__ = ("shipment_id", "to_location_id", "lines", "received_at", "storage_unit_id")
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TO_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    STORAGE_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    shipment_id: str
    to_location_id: str
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.ReceivedLine]
    received_at: _timestamp_pb2.Timestamp
    storage_unit_id: str
    def __init__(self, shipment_id: _Optional[str] = ..., to_location_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[_types_pb2_1.ReceivedLine, _Mapping]]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., storage_unit_id: _Optional[str] = ...) -> None: ...

class ShipmentLost(_message.Message):
    __slots__ = ("shipment_id", "lines", "reason", "lost_at", "from_location_id", "to_location_id")
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LOST_AT_FIELD_NUMBER: _ClassVar[int]
    FROM_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    TO_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    shipment_id: str
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2.StockLine]
    reason: str
    lost_at: _timestamp_pb2.Timestamp
    from_location_id: str
    to_location_id: str
    def __init__(self, shipment_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[_types_pb2.StockLine, _Mapping]]] = ..., reason: _Optional[str] = ..., lost_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., from_location_id: _Optional[str] = ..., to_location_id: _Optional[str] = ...) -> None: ...

class ShipmentReturned(_message.Message):
    __slots__ = ("shipment_id", "lines", "reason", "returned_to_location_id", "returned_at", "to_location_id")
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RETURNED_TO_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    RETURNED_AT_FIELD_NUMBER: _ClassVar[int]
    TO_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    shipment_id: str
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2.StockLine]
    reason: str
    returned_to_location_id: str
    returned_at: _timestamp_pb2.Timestamp
    to_location_id: str
    def __init__(self, shipment_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[_types_pb2.StockLine, _Mapping]]] = ..., reason: _Optional[str] = ..., returned_to_location_id: _Optional[str] = ..., returned_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., to_location_id: _Optional[str] = ...) -> None: ...

class StockAdjusted(_message.Message):
    __slots__ = ("location_id", "lot_id", "doses", "vials", "reason", "closed_vial", "evidence", "adjusted_at", "presentation_id")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CLOSED_VIAL_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ADJUSTED_AT_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    doses: int
    vials: int
    reason: str
    closed_vial: bool
    evidence: str
    adjusted_at: _timestamp_pb2.Timestamp
    presentation_id: str
    def __init__(self, location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., doses: _Optional[int] = ..., vials: _Optional[int] = ..., reason: _Optional[str] = ..., closed_vial: _Optional[bool] = ..., evidence: _Optional[str] = ..., adjusted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., presentation_id: _Optional[str] = ...) -> None: ...

class PhysicalCountRecorded(_message.Message):
    __slots__ = ("location_id", "counted_at", "lines", "presentation_id")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTED_AT_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    counted_at: _timestamp_pb2.Timestamp
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.CountLine]
    presentation_id: str
    def __init__(self, location_id: _Optional[str] = ..., counted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lines: _Optional[_Iterable[_Union[_types_pb2_1.CountLine, _Mapping]]] = ..., presentation_id: _Optional[str] = ...) -> None: ...

class StockMovementReversed(_message.Message):
    __slots__ = ("reverses_event_id", "reason", "reverses_event_type", "location_id", "lot_id", "doses", "vials", "reversed_at", "presentation_id")
    REVERSES_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVERSES_EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    REVERSED_AT_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    reverses_event_id: str
    reason: str
    reverses_event_type: str
    location_id: str
    lot_id: str
    doses: int
    vials: int
    reversed_at: _timestamp_pb2.Timestamp
    presentation_id: str
    def __init__(self, reverses_event_id: _Optional[str] = ..., reason: _Optional[str] = ..., reverses_event_type: _Optional[str] = ..., location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., doses: _Optional[int] = ..., vials: _Optional[int] = ..., reversed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., presentation_id: _Optional[str] = ...) -> None: ...

class StorageUnitRegistered(_message.Message):
    __slots__ = ("storage_unit_id", "location_id", "unit_type", "logger_id", "registered_at")
    STORAGE_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_TYPE_FIELD_NUMBER: _ClassVar[int]
    LOGGER_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    storage_unit_id: str
    location_id: str
    unit_type: str
    logger_id: str
    registered_at: _timestamp_pb2.Timestamp
    def __init__(self, storage_unit_id: _Optional[str] = ..., location_id: _Optional[str] = ..., unit_type: _Optional[str] = ..., logger_id: _Optional[str] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TemperatureExcursionDetected(_message.Message):
    __slots__ = ("excursion_id", "storage_unit_id", "shipment_id", "min_celsius", "max_celsius", "started_at", "ended_at", "alarm_type", "logger_id")
    EXCURSION_ID_FIELD_NUMBER: _ClassVar[int]
    STORAGE_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    MIN_CELSIUS_FIELD_NUMBER: _ClassVar[int]
    MAX_CELSIUS_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    ALARM_TYPE_FIELD_NUMBER: _ClassVar[int]
    LOGGER_ID_FIELD_NUMBER: _ClassVar[int]
    excursion_id: str
    storage_unit_id: str
    shipment_id: str
    min_celsius: str
    max_celsius: str
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    alarm_type: str
    logger_id: str
    def __init__(self, excursion_id: _Optional[str] = ..., storage_unit_id: _Optional[str] = ..., shipment_id: _Optional[str] = ..., min_celsius: _Optional[str] = ..., max_celsius: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., alarm_type: _Optional[str] = ..., logger_id: _Optional[str] = ...) -> None: ...

class ExcursionAssessed(_message.Message):
    __slots__ = ("excursion_id", "assessments", "assessor_id", "assessed_at", "storage_unit_id", "shipment_id")
    EXCURSION_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENTS_FIELD_NUMBER: _ClassVar[int]
    ASSESSOR_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_AT_FIELD_NUMBER: _ClassVar[int]
    STORAGE_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    excursion_id: str
    assessments: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.LotAssessment]
    assessor_id: str
    assessed_at: _timestamp_pb2.Timestamp
    storage_unit_id: str
    shipment_id: str
    def __init__(self, excursion_id: _Optional[str] = ..., assessments: _Optional[_Iterable[_Union[_types_pb2_1.LotAssessment, _Mapping]]] = ..., assessor_id: _Optional[str] = ..., assessed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., storage_unit_id: _Optional[str] = ..., shipment_id: _Optional[str] = ...) -> None: ...

class VialsThawed(_message.Message):
    __slots__ = ("location_id", "lot_id", "vials", "thawed_at", "beyond_use_date", "storage_unit_id", "presentation_id")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    THAWED_AT_FIELD_NUMBER: _ClassVar[int]
    BEYOND_USE_DATE_FIELD_NUMBER: _ClassVar[int]
    STORAGE_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    vials: int
    thawed_at: _timestamp_pb2.Timestamp
    beyond_use_date: str
    storage_unit_id: str
    presentation_id: str
    def __init__(self, location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., vials: _Optional[int] = ..., thawed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., beyond_use_date: _Optional[str] = ..., storage_unit_id: _Optional[str] = ..., presentation_id: _Optional[str] = ...) -> None: ...

class LocationRegistered(_message.Message):
    __slots__ = ("location_id", "kind", "name", "parent_id", "province_code", "district_code", "commune_code", "supplied_by", "storage_capabilities", "hospital_capable", "injection_tables", "active_from", "special_unit_type", "registered_at")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_CODE_FIELD_NUMBER: _ClassVar[int]
    COMMUNE_CODE_FIELD_NUMBER: _ClassVar[int]
    SUPPLIED_BY_FIELD_NUMBER: _ClassVar[int]
    STORAGE_CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    HOSPITAL_CAPABLE_FIELD_NUMBER: _ClassVar[int]
    INJECTION_TABLES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    SPECIAL_UNIT_TYPE_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    kind: str
    name: str
    parent_id: str
    province_code: str
    district_code: str
    commune_code: str
    supplied_by: _containers.RepeatedScalarFieldContainer[str]
    storage_capabilities: _containers.RepeatedScalarFieldContainer[str]
    hospital_capable: bool
    injection_tables: int
    active_from: str
    special_unit_type: str
    registered_at: _timestamp_pb2.Timestamp
    def __init__(self, location_id: _Optional[str] = ..., kind: _Optional[str] = ..., name: _Optional[str] = ..., parent_id: _Optional[str] = ..., province_code: _Optional[str] = ..., district_code: _Optional[str] = ..., commune_code: _Optional[str] = ..., supplied_by: _Optional[_Iterable[str]] = ..., storage_capabilities: _Optional[_Iterable[str]] = ..., hospital_capable: _Optional[bool] = ..., injection_tables: _Optional[int] = ..., active_from: _Optional[str] = ..., special_unit_type: _Optional[str] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LocationDeactivated(_message.Message):
    __slots__ = ("location_id", "active_until", "reason", "deactivated_at")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DEACTIVATED_AT_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    active_until: str
    reason: str
    deactivated_at: _timestamp_pb2.Timestamp
    def __init__(self, location_id: _Optional[str] = ..., active_until: _Optional[str] = ..., reason: _Optional[str] = ..., deactivated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StockIssued(_message.Message):
    __slots__ = ("location_id", "lot_id", "presentation_id", "doses", "vials", "shipment_id", "to_location_id", "issued_at")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TO_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    shipment_id: str
    to_location_id: str
    issued_at: _timestamp_pb2.Timestamp
    def __init__(self, location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., presentation_id: _Optional[str] = ..., doses: _Optional[int] = ..., vials: _Optional[int] = ..., shipment_id: _Optional[str] = ..., to_location_id: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StockTransferredIn(_message.Message):
    __slots__ = ("location_id", "lot_id", "presentation_id", "doses", "vials", "shipment_id", "from_location_id", "received_at", "vvm_stage", "kind", "beyond_use_date", "storage_unit_id")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    VVM_STAGE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BEYOND_USE_DATE_FIELD_NUMBER: _ClassVar[int]
    STORAGE_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    shipment_id: str
    from_location_id: str
    received_at: _timestamp_pb2.Timestamp
    vvm_stage: int
    kind: str
    beyond_use_date: str
    storage_unit_id: str
    def __init__(self, location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., presentation_id: _Optional[str] = ..., doses: _Optional[int] = ..., vials: _Optional[int] = ..., shipment_id: _Optional[str] = ..., from_location_id: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., vvm_stage: _Optional[int] = ..., kind: _Optional[str] = ..., beyond_use_date: _Optional[str] = ..., storage_unit_id: _Optional[str] = ...) -> None: ...

class StockConsumed(_message.Message):
    __slots__ = ("location_id", "lot_id", "presentation_id", "doses", "vials", "source", "source_event_id", "reference_id", "consumed_at")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_ID_FIELD_NUMBER: _ClassVar[int]
    CONSUMED_AT_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    source: str
    source_event_id: str
    reference_id: str
    consumed_at: _timestamp_pb2.Timestamp
    def __init__(self, location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., presentation_id: _Optional[str] = ..., doses: _Optional[int] = ..., vials: _Optional[int] = ..., source: _Optional[str] = ..., source_event_id: _Optional[str] = ..., reference_id: _Optional[str] = ..., consumed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ConsumptionDiscrepancyDetected(_message.Message):
    __slots__ = ("location_id", "lot_id", "source", "source_event_id", "reference_id", "doses", "balance_doses", "reason", "detail", "consumed_at", "stock_decremented")
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    BALANCE_DOSES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CONSUMED_AT_FIELD_NUMBER: _ClassVar[int]
    STOCK_DECREMENTED_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    source: str
    source_event_id: str
    reference_id: str
    doses: int
    balance_doses: int
    reason: str
    detail: str
    consumed_at: _timestamp_pb2.Timestamp
    stock_decremented: bool
    def __init__(self, location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., source: _Optional[str] = ..., source_event_id: _Optional[str] = ..., reference_id: _Optional[str] = ..., doses: _Optional[int] = ..., balance_doses: _Optional[int] = ..., reason: _Optional[str] = ..., detail: _Optional[str] = ..., consumed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stock_decremented: _Optional[bool] = ...) -> None: ...
