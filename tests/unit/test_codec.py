"""ProtoCodec maps frozen dataclasses to the generated messages and back, and refuses what does not fit.

The dataclasses here are small stand-ins for service events (the module uses postponed annotations on
purpose: the codec must resolve them with typing.get_type_hints).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum

import pytest

from eventkit.codec import CodecError, ProtoCodec, UnknownEventType, decode_message
from eventkit.codec.errors import UnstorableEvent
from vaxtrail.audit.v1 import events_pb2 as audit_events
from vaxtrail.immunization.v1 import events_pb2 as immunization_events
from vaxtrail.inventory.v1 import events_pb2 as inventory_events

RECEIVED_AT = datetime(2021, 8, 10, 2, 30, 15, 123456, tzinfo=UTC)


@dataclass(frozen=True)
class DoseReceived:
    location_id: str
    lot_id: str
    doses: int
    vials: int
    source: str
    shipment_reference: str
    received_at: datetime
    storage_unit_id: str
    vvm_stage: int
    temperature_log_ok: bool
    presentation_id: str


@dataclass(frozen=True)
class StockLine:
    lot_id: str
    doses: int
    vials: int


@dataclass(frozen=True)
class ShipmentDispatched:
    shipment_id: str
    from_location_id: str
    to_location_id: str
    lines: tuple[StockLine, ...]
    logger_ids: tuple[str, ...] = ()
    allocation_line_id: str | None = None


class FundingSource(StrEnum):
    COVAX = "COVAX"
    PURCHASE = "PURCHASE"
    DONATION = "DONATION"


@dataclass(frozen=True)
class LotRegistered:
    lot_id: str
    lot_number: str
    presentation_id: str
    presentation_version: int
    manufacture_date: date
    label_expiry_date: date
    funding_source: FundingSource
    release_certificate_reference: str | None = None


@dataclass(frozen=True)
class TemperatureExcursionDetected:
    excursion_id: str
    min_celsius: Decimal
    max_celsius: Decimal
    started_at: datetime
    ended_at: datetime | None
    alarm_type: str
    storage_unit_id: str | None = None
    shipment_id: str | None = None


@dataclass(frozen=True)
class Vitals:
    temperature_celsius: Decimal
    pulse_per_minute: int


@dataclass(frozen=True)
class ScreeningCompleted:
    visit_id: str
    person_id: str
    outcome: str
    vitals: Vitals | None
    pregnancy_weeks: int | None
    postponed_until_date: date | None
    contraindicated_products: tuple[str, ...]
    ruleset_id: str


@dataclass(frozen=True)
class StockMovementReversed:
    reverses_event_id: uuid.UUID
    reason: str


def a_dose_received(**changes: object) -> DoseReceived:
    fields = dict(
        location_id="DHC-HN-BADINH", lot_id="LOT-ABV5300", doses=1000, vials=100, source="COVAX",
        shipment_reference="AWB-176-2021-0810", received_at=RECEIVED_AT, storage_unit_id="FRIDGE-02",
        vvm_stage=1, temperature_log_ok=True, presentation_id="AZ-VAXZEVRIA-10",
    )
    fields.update(changes)
    return DoseReceived(**fields)


@pytest.fixture
def codec() -> ProtoCodec:
    codec = ProtoCodec()
    codec.register(DoseReceived, inventory_events.DoseReceived)
    codec.register(ShipmentDispatched, inventory_events.ShipmentDispatched)
    codec.register(LotRegistered, inventory_events.LotRegistered)
    codec.register(TemperatureExcursionDetected, inventory_events.TemperatureExcursionDetected)
    codec.register(StockMovementReversed, inventory_events.StockMovementReversed)
    codec.register(ScreeningCompleted, immunization_events.ScreeningCompleted)
    return codec


def test_dose_received_round_trips_and_reads_as_the_published_message(codec: ProtoCodec) -> None:
    event = a_dose_received()

    payload = codec.encode(event)

    assert codec.event_type(event) == "vaxtrail.inventory.v1.DoseReceived"
    assert codec.decode("vaxtrail.inventory.v1.DoseReceived", payload) == event
    partner_view = inventory_events.DoseReceived.FromString(payload)
    assert (partner_view.lot_id, partner_view.doses, partner_view.vials) == ("LOT-ABV5300", 1000, 100)
    assert partner_view.received_at.ToDatetime(tzinfo=UTC) == RECEIVED_AT


def test_equal_events_encode_to_equal_bytes(codec: ProtoCodec) -> None:
    assert codec.encode(a_dose_received()) == codec.encode(a_dose_received())


def test_times_with_any_offset_decode_as_the_same_instant_in_utc(codec: ProtoCodec) -> None:
    hanoi_time = RECEIVED_AT.astimezone(timezone(timedelta(hours=7)))

    decoded = codec.decode(codec.event_type(a_dose_received()), codec.encode(a_dose_received(received_at=hanoi_time)))

    assert decoded.received_at == RECEIVED_AT
    assert decoded.received_at.tzinfo is UTC


def test_shipment_lines_travel_as_repeated_sub_messages(codec: ProtoCodec) -> None:
    event = ShipmentDispatched(
        shipment_id="SHP-2021-08-000123", from_location_id="NEPI-NATIONAL", to_location_id="CDC-HANOI",
        lines=(StockLine("LOT-ABV5300", 5000, 500), StockLine("LOT-ABV2856", 2000, 200)),
        logger_ids=("LOG-77", "LOG-78"), allocation_line_id="ALN-7",
    )

    payload = codec.encode(event)

    message = inventory_events.ShipmentDispatched.FromString(payload)
    assert [(line.lot_id, line.doses, line.vials) for line in message.lines] == [
        ("LOT-ABV5300", 5000, 500), ("LOT-ABV2856", 2000, 200),
    ]
    assert message.transport_id == ""  # a message field the dataclass lacks keeps its default
    assert codec.decode("vaxtrail.inventory.v1.ShipmentDispatched", payload) == event


def test_an_all_default_line_is_still_a_line(codec: ProtoCodec) -> None:
    event = ShipmentDispatched("SHP-1", "A", "B", lines=(StockLine("", 0, 0),))

    assert codec.decode(codec.event_type(event), codec.encode(event)) == event


def test_dates_enums_and_missing_optionals_round_trip(codec: ProtoCodec) -> None:
    event = LotRegistered(
        lot_id="LOT-FF2589", lot_number="FF2589", presentation_id="PFIZER-COMIRNATY-6", presentation_version=2,
        manufacture_date=date(2021, 6, 1), label_expiry_date=date(2021, 11, 30),
        funding_source=FundingSource.DONATION,
    )

    payload = codec.encode(event)

    message = inventory_events.LotRegistered.FromString(payload)
    assert (message.label_expiry_date, message.funding_source) == ("2021-11-30", "DONATION")
    assert message.release_certificate_reference == ""
    assert codec.decode(codec.event_type(event), payload) == event


def test_decimals_keep_their_digits_and_an_unset_time_decodes_as_none(codec: ProtoCodec) -> None:
    event = TemperatureExcursionDetected(
        excursion_id="EXC-9", min_celsius=Decimal("-0.5"), max_celsius=Decimal("8.30"),
        started_at=RECEIVED_AT, ended_at=None, alarm_type="FREEZE_MINUS_0_5C_1H", storage_unit_id="FRIDGE-02",
    )

    payload = codec.encode(event)

    message = inventory_events.TemperatureExcursionDetected.FromString(payload)
    assert (message.min_celsius, message.max_celsius) == ("-0.5", "8.30")
    assert not message.HasField("ended_at")
    assert codec.decode(codec.event_type(event), payload) == event


def test_proto3_optional_keeps_zero_apart_from_none(codec: ProtoCodec) -> None:
    not_pregnant = ScreeningCompleted(
        visit_id="VIS-1", person_id="PER-1", outcome="POSTPONED", vitals=Vitals(Decimal("38.2"), 96),
        pregnancy_weeks=None, postponed_until_date=date(2021, 8, 17), contraindicated_products=(),
        ruleset_id="QD-4355-2021-09-10",
    )
    zero_weeks = replace(not_pregnant, pregnancy_weeks=0, vitals=None)

    for event in (not_pregnant, zero_weeks):
        assert codec.decode(codec.event_type(event), codec.encode(event)) == event
    assert not immunization_events.ScreeningCompleted.FromString(codec.encode(not_pregnant)).HasField("pregnancy_weeks")


def test_uuids_travel_as_text(codec: ProtoCodec) -> None:
    event = StockMovementReversed(uuid.UUID("0190f5e4-7c2a-7d3e-9a41-2b7c8d9e0f11"), "typed the wrong lot")

    message = inventory_events.StockMovementReversed.FromString(codec.encode(event))

    assert message.reverses_event_id == "0190f5e4-7c2a-7d3e-9a41-2b7c8d9e0f11"
    assert codec.decode(codec.event_type(event), codec.encode(event)) == event


def test_register_names_the_field_the_message_lacks() -> None:
    @dataclass(frozen=True)
    class DoseReceivedWithATypo:
        lot_id: str
        dosses: int

    with pytest.raises(CodecError, match=r"DoseReceivedWithATypo\.dosses: .*DoseReceived has no field 'dosses'"):
        ProtoCodec().register(DoseReceivedWithATypo, inventory_events.DoseReceived)


def test_register_names_a_nested_field_the_sub_message_lacks() -> None:
    with pytest.raises(CodecError, match=r"lines\[\]\.doses_per_vial"):
        ProtoCodec().register(ShipmentWithBadLines, inventory_events.ShipmentDispatched)


@dataclass(frozen=True)
class LineWithAnExtraField:
    lot_id: str
    doses_per_vial: int


@dataclass(frozen=True)
class ShipmentWithBadLines:
    shipment_id: str
    lines: tuple[LineWithAnExtraField, ...]


@dataclass(frozen=True)
class DoseReceivedWithTextDoses:
    doses: str


@dataclass(frozen=True)
class ShipmentWithOneLine:
    lines: StockLine


@dataclass(frozen=True)
class DoseReceivedWithListVials:
    vials: list[int]


@pytest.mark.parametrize(
    ("event_class", "message_class", "complaint"),
    [
        (DoseReceivedWithTextDoses, inventory_events.DoseReceived, r"doses: .*does not fit a protobuf int64"),
        (ShipmentWithOneLine, inventory_events.ShipmentDispatched, r"lines: the message field is repeated"),
        (DoseReceivedWithListVials, inventory_events.DoseReceived, r"vials: repeated fields must be .*tuple"),
    ],
)
def test_register_refuses_types_that_do_not_fit(event_class: type, message_class: type, complaint: str) -> None:
    with pytest.raises(CodecError, match=complaint):
        ProtoCodec().register(event_class, message_class)


def test_one_event_type_cannot_map_to_two_classes(codec: ProtoCodec) -> None:
    with pytest.raises(CodecError, match="conflicts"):
        codec.register(StockMovementReversed, inventory_events.DoseReceived)


def test_unknown_event_types_and_classes_are_refused_by_name(codec: ProtoCodec) -> None:
    with pytest.raises(UnknownEventType, match="vaxtrail.inventory.v1.StockAdjusted"):
        codec.decode("vaxtrail.inventory.v1.StockAdjusted", b"")
    with pytest.raises(KeyError):
        codec.message_class("vaxtrail.inventory.v1.StockAdjusted")
    with pytest.raises(UnknownEventType, match="Vitals"):
        codec.encode(Vitals(Decimal("36.6"), 70))
    assert not codec.knows("vaxtrail.inventory.v1.StockAdjusted")


def test_the_registry_lists_what_it_knows(codec: ProtoCodec) -> None:
    assert codec.knows("vaxtrail.inventory.v1.DoseReceived")
    assert codec.message_class("vaxtrail.inventory.v1.DoseReceived") is inventory_events.DoseReceived
    assert "vaxtrail.immunization.v1.ScreeningCompleted" in codec.event_types()
    assert len(codec.event_types()) == 6


def test_naive_datetimes_are_refused(codec: ProtoCodec) -> None:
    with pytest.raises(CodecError, match="received_at: expected a timezone-aware datetime"):
        codec.encode(a_dose_received(received_at=datetime(2021, 8, 10, 9, 30)))


def test_a_required_time_missing_on_the_wire_is_an_error(codec: ProtoCodec) -> None:
    payload = inventory_events.DoseReceived(lot_id="LOT-ABV5300", doses=10).SerializeToString()

    with pytest.raises(CodecError, match="DoseReceived.received_at: absent on the wire"):
        codec.decode("vaxtrail.inventory.v1.DoseReceived", payload)


def test_a_payload_that_does_not_parse_is_a_codec_error(codec: ProtoCodec) -> None:
    with pytest.raises(CodecError, match="does not parse"):
        codec.decode("vaxtrail.inventory.v1.DoseReceived", b"\xff\xff\xff")


def test_decode_message_finds_any_event_by_its_full_name() -> None:
    payload = audit_events.PersonalDataAccessed(actor_id="nurse-17", subject_person_id="PER-1").SerializeToString()

    message = decode_message("vaxtrail.audit.v1.PersonalDataAccessed", payload)

    assert (message.actor_id, message.subject_person_id) == ("nurse-17", "PER-1")


@pytest.mark.parametrize("name", ["vaxtrail.common.v1.StockLine", "vaxtrail.inventory.v1.NoSuchEvent", "x.Y"])
def test_decode_message_refuses_what_is_not_an_event(name: str) -> None:
    with pytest.raises(UnknownEventType):
        decode_message(name, b"")


@pytest.mark.parametrize(("event", "field", "rule"), [
    (a_dose_received(storage_unit_id="FRIDGE\x0002"), "storage_unit_id", "control-character"),
    (a_dose_received(lot_id="LOT-\ud800"), "lot_id", "unpaired-surrogate"),
    (a_dose_received(vials=2**31), "vials", "int-range"),  # an int32 field
    (a_dose_received(doses=2**70), "doses", "int-range"),
    (a_dose_received(received_at=datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14)))), "received_at",
     "time-range"),
])
def test_a_value_no_store_or_projection_can_carry_is_a_422_naming_the_event_field(
        codec: ProtoCodec, event: DoseReceived, field: str, rule: str) -> None:
    # The last line behind the API models: whatever is encoded can be stored, published and projected.
    with pytest.raises(UnstorableEvent) as info:
        codec.encode(event)
    assert (info.value.status, info.value.field, info.value.rule) == (422, field, rule)


def test_an_unstorable_value_inside_a_repeated_sub_message_names_its_path(codec: ProtoCodec) -> None:
    shipment = ShipmentDispatched("SHP-1", "NAT", "PROV-79", (StockLine("LOT-1", 10, 1), StockLine("LOT\x00", 1, 1)))
    with pytest.raises(UnstorableEvent) as info:
        codec.encode(shipment)
    assert info.value.field == "lines.lot_id"
