from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StorageRange(_message.Message):
    __slots__ = ("condition", "min_celsius", "max_celsius", "max_days")
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    MIN_CELSIUS_FIELD_NUMBER: _ClassVar[int]
    MAX_CELSIUS_FIELD_NUMBER: _ClassVar[int]
    MAX_DAYS_FIELD_NUMBER: _ClassVar[int]
    condition: str
    min_celsius: str
    max_celsius: str
    max_days: int
    def __init__(self, condition: _Optional[str] = ..., min_celsius: _Optional[str] = ..., max_celsius: _Optional[str] = ..., max_days: _Optional[int] = ...) -> None: ...

class ReceivedLine(_message.Message):
    __slots__ = ("lot_id", "accepted_doses", "rejected_doses", "rejection_reason", "vvm_stage", "accepted_vials", "rejected_vials")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_DOSES_FIELD_NUMBER: _ClassVar[int]
    REJECTED_DOSES_FIELD_NUMBER: _ClassVar[int]
    REJECTION_REASON_FIELD_NUMBER: _ClassVar[int]
    VVM_STAGE_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_VIALS_FIELD_NUMBER: _ClassVar[int]
    REJECTED_VIALS_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    accepted_doses: int
    rejected_doses: int
    rejection_reason: str
    vvm_stage: int
    accepted_vials: int
    rejected_vials: int
    def __init__(self, lot_id: _Optional[str] = ..., accepted_doses: _Optional[int] = ..., rejected_doses: _Optional[int] = ..., rejection_reason: _Optional[str] = ..., vvm_stage: _Optional[int] = ..., accepted_vials: _Optional[int] = ..., rejected_vials: _Optional[int] = ...) -> None: ...

class DiscrepancyReason(_message.Message):
    __slots__ = ("reason", "doses")
    REASON_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    reason: str
    doses: int
    def __init__(self, reason: _Optional[str] = ..., doses: _Optional[int] = ...) -> None: ...

class CountLine(_message.Message):
    __slots__ = ("lot_id", "counted_doses", "previous_balance_doses", "discrepancy_reasons", "counted_vials")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTED_DOSES_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_BALANCE_DOSES_FIELD_NUMBER: _ClassVar[int]
    DISCREPANCY_REASONS_FIELD_NUMBER: _ClassVar[int]
    COUNTED_VIALS_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    counted_doses: int
    previous_balance_doses: int
    discrepancy_reasons: _containers.RepeatedCompositeFieldContainer[DiscrepancyReason]
    counted_vials: int
    def __init__(self, lot_id: _Optional[str] = ..., counted_doses: _Optional[int] = ..., previous_balance_doses: _Optional[int] = ..., discrepancy_reasons: _Optional[_Iterable[_Union[DiscrepancyReason, _Mapping]]] = ..., counted_vials: _Optional[int] = ...) -> None: ...

class LotAssessment(_message.Message):
    __slots__ = ("lot_id", "decision", "rationale")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    decision: str
    rationale: str
    def __init__(self, lot_id: _Optional[str] = ..., decision: _Optional[str] = ..., rationale: _Optional[str] = ...) -> None: ...
