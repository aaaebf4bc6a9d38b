"""Every allocation event round-trips through its protobuf message unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.allocation.codec import build_codec
from services.allocation.domain import plans, reservations, sessions
from services.allocation.domain.common import StockLine
from vaxtrail.allocation.v1 import events_pb2

NOW = datetime(2021, 8, 2, 9, 0, tzinfo=UTC)
PLAN = "AP-2021-08-A"
EXAMPLES = [
    plans.AllocationPlanDrafted(PLAN, "AZ-VAXZEVRIA-10", ("ABV5300",), 1_000_000, "COVAX", "POPULATION",
                                "QD-3355/QD-BYT", date(2021, 10, 31), "NAT-EPI", "NATIONAL", "", ("G1", "G5"), NOW),
    plans.BatchAllocated(PLAN, "L-79", "79", "PROVINCE", "PS-79", 600_000, "PRIMARY", 1, ("G1",), date(2021, 10, 31),
                         NOW),
    plans.AllocationPlanSubmitted(PLAN, "admin-anh", "NATIONAL", "wave 3", NOW),
    plans.AllocationPlanApproved(PLAN, "admin-binh", "NATIONAL", "", NOW),
    plans.AllocationPlanRejected(PLAN, "admin-binh", "NATIONAL", "too much", NOW),
    plans.AllocationReleased(PLAN, "L-79", 600_000, "NAT-EPI", "79", "PROVINCE", "PS-79", "AZ-VAXZEVRIA-10",
                             (StockLine("ABV5300", 600_000, 60_000),), date(2021, 10, 31), "PRIMARY", 1, NOW),
    plans.AllocationLineAmended(PLAN, "L-79", -100_000, "short delivery", "admin-anh", NOW),
    plans.AllocationCancelled(PLAN, "", -500_000, "superseded", "admin-anh", NOW),
    reservations.DosesReservedForSecondDose("reserve:NAT-EPI:79:M", "79", "M", 16_000, "wave 3", "NAT-EPI", 25_000,
                                            5_000, NOW),
    reservations.ReservationReleased("reserve:NAT-EPI:79:M", "79", "M", 1_000, "wave 3", "NAT-EPI", 25_000, 6_000,
                                     NOW),
    sessions.SessionPlanned("SES-1", "S-79-760-01", date(2021, 8, 3), NOW, NOW, 2, "AZ-VAXZEVRIA-10", 100, 100,
                            ("G1",), "PRIMARY", (1,), "DS-760", NOW),
    sessions.SessionStockDispensed("SES-1", "DS-760", "S-79-760-01", (StockLine("ABV5300", 100, 10),), NOW),
]


def test_every_registered_event_type_has_a_round_trip_example():
    codec = build_codec()
    assert {codec.event_type(e) for e in EXAMPLES} == codec.event_types()
    assert codec.event_types() == {m.full_name for m in events_pb2.DESCRIPTOR.message_types_by_name.values()}


def test_events_round_trip_through_protobuf():
    codec = build_codec()
    for event in EXAMPLES:
        assert codec.decode(codec.event_type(event), codec.encode(event)) == event


def test_a_release_carries_what_inventory_needs_to_dispatch():
    message = events_pb2.AllocationReleased.FromString(build_codec().encode(EXAMPLES[5]))
    assert (message.from_location_id, message.recipient_location_id, message.presentation_id) == (
        "NAT-EPI", "PS-79", "AZ-VAXZEVRIA-10")
    assert [(x.lot_id, x.doses, x.vials) for x in message.lines] == [("ABV5300", 600_000, 60_000)]
