"""Every inventory event the service maps round-trips through its protobuf message unchanged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.inventory.codec import build_codec, inventory_event_types
from services.inventory.domain import coldchain, ledger, lots, reference, shipments
from vaxtrail.inventory.v1 import events_pb2

from .builders import AZ, PFIZER, SITE_760, at, issued, lot, received

EXAMPLES = [
    SITE_760, AZ, PFIZER, lot().registered,
    reference.LocationDeactivated("S-79-760-01", date(2021, 12, 31), "merged into S-79-760-02", at(20)),
    lots.LotExpiryExtended("ABV5300", date(2021, 6, 30), date(2021, 9, 30), "MOH 3344", "REFRIGERATED", at(1), "2", "8"),
    lots.LotSuspended("ABV5300", "NATIONAL", "", "signal", "MOH", "D-1", at(2)),
    lots.LotReleased("ABV5300", "PROVINCE", "79", "cleared", "DOH", "D-2", at(3)),
    lots.LotRecalled("ABV5300", "SITE", "S-79-760-01", "defect", "DAV", "D-3", at(4)),
    received(1000), issued(400, at(12)),
    ledger.StockTransferredIn("CDC-79", "ABV5300", "AZ-VAXZEVRIA-10", 390, 39, "SHP-1", "NAT-EPI", at(12), 2, "DELIVERY"),
    ledger.StockAdjusted("CDC-79", "ABV5300", "AZ-VAXZEVRIA-10", -20, -2, "BREAKAGE", True, "BB-1", at(13)),
    ledger.PhysicalCountRecorded("CDC-79", "AZ-VAXZEVRIA-10", at(14), (ledger.CountLine(
        "ABV5300", 360, 370, (ledger.DiscrepancyReason("BREAKAGE", -10),), 36),)),
    ledger.StockMovementReversed("0190aa00-0000-7000-8000-000000000001", "vaxtrail.inventory.v1.DoseReceived",
                                 "keyed twice", "NAT-EPI", "ABV5300", "AZ-VAXZEVRIA-10", -1000, -100, at(15)),
    shipments.ShipmentDispatched("SHP-1", "NAT-EPI", "CDC-79", "AZ-VAXZEVRIA-10",
                                 (shipments.StockLine("ABV5300", 400, 40),), at(11), "PLAN-1", "LINE-1", "TRUCK-9",
                                 ("LOGGER-1",)),
    shipments.ShipmentReceived("SHP-1", "CDC-79", (shipments.ReceivedLine("ABV5300", 390, 10, "DAMAGED", 1, 39, 1),),
                               at(12), "CDC-79-FRIDGE-1"),
    shipments.ShipmentLost("SHP-2", "NAT-EPI", "CDC-79", (shipments.StockLine("ABV5300", 100, 10),), "accident", at(13)),
    ledger.VialsThawed("NAT-EPI", "FE8206", "PFIZER-COMIRNATY", 10, at(12), date(2021, 9, 12), "NAT-FRIDGE-1"),
    ledger.StockTransferredIn("CDC-79", "FE8206", "PFIZER-COMIRNATY", 60, 10, "SHP-4", "NAT-EPI", at(13), 0, "DELIVERY",
                              date(2021, 9, 12), "CDC-FRIDGE-1"),
    ledger.StockConsumed("S-79-760-01", "ABV5300", "AZ-VAXZEVRIA-10", 10, 1, "VIAL_OPENED", "evt-1", "VIAL-1", at(15)),
    ledger.ConsumptionDiscrepancyDetected("S-79-760-01", "ABV5300", "DOSE_ADMINISTERED", "evt-2", "DOSE-9", 1, 0,
                                          "NO_STOCK", "no stock", at(15)),
    ledger.ConsumptionDiscrepancyDetected("S-79-760-01", "ABV5300", "VIAL_OPENED", "evt-3", "VIAL-2", 10, 90,
                                          "LOT_RECALLED", "recalled", at(16), True),
    coldchain.StorageUnitRegistered("NAT-FRIDGE-1", "NAT-EPI", "FRIDGE_2_8", "LOG-1", at(1)),
    coldchain.TemperatureExcursionDetected("EXC-1", "NAT-FRIDGE-1", Decimal("7.5"), Decimal("46.0"), at(14),
                                           "HEAT_45C_1H", "LOG-1", None),
    coldchain.TemperatureExcursionDetected("EXC-2", "NAT-FRIDGE-1", Decimal("-1.5"), Decimal("3"), at(14),
                                           "FREEZE_MINUS_0_5C_1H", "LOG-1", at(15)),
    coldchain.ExcursionAssessed("EXC-1", "NAT-FRIDGE-1", (coldchain.LotAssessment("ABV5300", "USABLE", "stable"),),
                                "pharmacist-1", at(15)),
    shipments.ShipmentReturned("SHP-3", "CDC-79", "NAT-EPI", (shipments.StockLine("ABV5300", 100, 10),), "road closed",
                               at(13)),
]


def test_every_registered_event_type_has_a_round_trip_example():
    codec = build_codec()
    assert {codec.event_type(e) for e in EXAMPLES} == codec.event_types()


def test_events_round_trip_through_protobuf():
    codec = build_codec()
    for event in EXAMPLES:
        assert codec.decode(codec.event_type(event), codec.encode(event)) == event, type(event).__name__


def test_a_dose_received_payload_reads_with_the_generated_message_alone():
    payload = build_codec().encode(received(1000))
    message = events_pb2.DoseReceived.FromString(payload)
    assert (message.doses, message.vials, message.lot_id) == (1000, 100, "ABV5300")


def test_the_topic_catalogue_lists_every_inventory_message():
    assert {"vaxtrail.inventory.v1.DoseReceived", "vaxtrail.inventory.v1.StockIssued",
            "vaxtrail.inventory.v1.ShipmentDispatched"} <= inventory_event_types()
