from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class StockLine(_message.Message):
    __slots__ = ("lot_id", "doses", "vials")
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    doses: int
    vials: int
    def __init__(self, lot_id: _Optional[str] = ..., doses: _Optional[int] = ..., vials: _Optional[int] = ...) -> None: ...

class Address(_message.Message):
    __slots__ = ("province_code", "district_code", "commune_code", "address_line")
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_CODE_FIELD_NUMBER: _ClassVar[int]
    COMMUNE_CODE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_LINE_FIELD_NUMBER: _ClassVar[int]
    province_code: str
    district_code: str
    commune_code: str
    address_line: str
    def __init__(self, province_code: _Optional[str] = ..., district_code: _Optional[str] = ..., commune_code: _Optional[str] = ..., address_line: _Optional[str] = ...) -> None: ...

class FieldChange(_message.Message):
    __slots__ = ("field", "old_value", "new_value")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    field: str
    old_value: str
    new_value: str
    def __init__(self, field: _Optional[str] = ..., old_value: _Optional[str] = ..., new_value: _Optional[str] = ...) -> None: ...
