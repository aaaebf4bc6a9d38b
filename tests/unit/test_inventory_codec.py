"""Every inventory event the service maps round-trips through its protobuf message unchanged."""

from __future__ import annotations

from datetime import UTC, datetime

from services.inventory import domain
from services.inventory.codec import build_codec, inventory_event_types
from vaxtrail.inventory.v1 import events_pb2

EXAMPLES = [
    domain.DoseReceived(
        location_id="NAT-EPI", lot_id="ABV5300", presentation_id="AZ-VAXZEVRIA-10", doses=1000, vials=100,
        source="covax", shipment_reference="COVAX-2021-0417", received_at=datetime(2021, 4, 17, 1, 30, tzinfo=UTC),
        storage_unit_id="NAT-COLDROOM-2", vvm_stage=2, temperature_log_ok=False,
    ),
]


def test_every_registered_event_type_has_a_round_trip_example():
    codec = build_codec()
    assert {codec.event_type(e) for e in EXAMPLES} == codec.event_types()


def test_events_round_trip_through_protobuf():
    codec = build_codec()
    for event in EXAMPLES:
        payload = codec.encode(event)
        assert codec.decode(codec.event_type(event), payload) == event
        assert events_pb2.DoseReceived.FromString(payload).doses == 1000


def test_the_topic_catalogue_lists_every_inventory_message():
    assert "vaxtrail.inventory.v1.DoseReceived" in inventory_event_types()
    assert "vaxtrail.inventory.v1.ShipmentDispatched" in inventory_event_types()
