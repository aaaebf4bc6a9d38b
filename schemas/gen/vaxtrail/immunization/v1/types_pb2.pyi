from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class StaffMember(_message.Message):
    __slots__ = ("actor_id", "role")
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    actor_id: str
    role: str
    def __init__(self, actor_id: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class Vitals(_message.Message):
    __slots__ = ("temperature_celsius", "pulse_per_minute", "systolic_mmhg", "diastolic_mmhg", "respiratory_rate_per_minute", "spo2_percent")
    TEMPERATURE_CELSIUS_FIELD_NUMBER: _ClassVar[int]
    PULSE_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    SYSTOLIC_MMHG_FIELD_NUMBER: _ClassVar[int]
    DIASTOLIC_MMHG_FIELD_NUMBER: _ClassVar[int]
    RESPIRATORY_RATE_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    SPO2_PERCENT_FIELD_NUMBER: _ClassVar[int]
    temperature_celsius: str
    pulse_per_minute: int
    systolic_mmhg: int
    diastolic_mmhg: int
    respiratory_rate_per_minute: int
    spo2_percent: int
    def __init__(self, temperature_celsius: _Optional[str] = ..., pulse_per_minute: _Optional[int] = ..., systolic_mmhg: _Optional[int] = ..., diastolic_mmhg: _Optional[int] = ..., respiratory_rate_per_minute: _Optional[int] = ..., spo2_percent: _Optional[int] = ...) -> None: ...

class ScreeningAnswer(_message.Message):
    __slots__ = ("question_code", "answer")
    QUESTION_CODE_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    question_code: str
    answer: str
    def __init__(self, question_code: _Optional[str] = ..., answer: _Optional[str] = ...) -> None: ...

class IntervalOverride(_message.Message):
    __slots__ = ("reason", "approver_id")
    REASON_FIELD_NUMBER: _ClassVar[int]
    APPROVER_ID_FIELD_NUMBER: _ClassVar[int]
    reason: str
    approver_id: str
    def __init__(self, reason: _Optional[str] = ..., approver_id: _Optional[str] = ...) -> None: ...
