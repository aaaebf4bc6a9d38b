"""Publishes the other services' events the allocation service reads, straight to their topics.

The contract is the .proto: each event is a generated message wrapped in a full envelope
(:func:`eventkit.kafka_record.to_record`) and produced to ``vaxtrail.<service>.v1``, as inventory,
registration and immunization would. Ids carry a per-run suffix so runs never see each other's data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from google.protobuf.message import Message

from eventkit.envelope import GENESIS_HASH, StoredEvent, uuid7
from eventkit.kafka import make_producer
from eventkit.kafka_record import to_record
from vaxtrail.common.v1 import types_pb2 as common
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.inventory.v1 import types_pb2 as inventory_types
from vaxtrail.registration.v1 import events_pb2 as registration


@dataclass
class World:
    """One run's supply tree, product and lot; ``publish`` sends any foreign event."""

    bootstrap: str
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())
    _producer: object = None

    def __post_init__(self) -> None:
        self.national = f"NAT-EPI-{self.run}"
        self.presentation = f"AZ-VAXZEVRIA-10-{self.run}"
        self.lot = f"ABV{self.run}"
        self.army = f"SU-ARMY-{self.run}"
        self.store = {"96": f"PS-96-{self.run}", "95": f"PS-95-{self.run}"}
        self.district = f"DS-964-{self.run}"
        self.site = f"S-96-964-{self.run}"

    def publish(self, service: str, aggregate_id: str, message: Message) -> str:
        if self._producer is None:
            self._producer = make_producer(self.bootstrap, client_id="allocation-tests")
        event = StoredEvent(
            position=0, event_id=uuid7(), event_type=message.DESCRIPTOR.full_name, aggregate_type="test",
            aggregate_id=aggregate_id, aggregate_version=1, occurred_at=datetime.now(UTC),
            recorded_at=datetime.now(UTC), producer=f"{service}-test", actor_id="tests", actor_role="system",
            correlation_id="tests", causation_id="", idempotency_key=None,
            payload=message.SerializeToString(deterministic=True), prev_hash=GENESIS_HASH, hash=bytes(32))
        record = to_record(event)
        self._producer.send(f"vaxtrail.{service}.v1", key=record.key, value=record.value, headers=record.headers)
        self._producer.flush(timeout=30)
        return str(event.event_id)

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)

    # -- inventory --------------------------------------------------------------------------------------
    def location(self, location_id: str, kind: str, parent: str = "", province: str = "", district: str = "",
                 tables: int = 0, special: str = "") -> None:
        self.publish("inventory", location_id, inventory.LocationRegistered(
            location_id=location_id, kind=kind, name=location_id, parent_id=parent, province_code=province,
            district_code=district, injection_tables=tables, active_from="2021-01-01", special_unit_type=special))

    def supply_tree(self) -> None:
        self.location(self.national, "NATIONAL_STORE")
        for code, store in self.store.items():
            self.location(store, "PROVINCE_STORE", self.national, code)
        self.location(self.army, "SPECIAL_UNIT", self.national, special="ARMY")
        self.location(self.district, "DISTRICT_STORE", self.store["96"], "96", "964")
        self.location(self.site, "SITE", self.district, "96", "964", tables=2)

    def product(self, doses: int, expiry: str = "2099-06-30") -> None:
        self.publish("inventory", self.presentation, inventory.PresentationDefined(
            presentation_id=self.presentation, version=1, doses_per_vial=10, series_doses=2, brand="Vaxzevria"))
        self.publish("inventory", self.lot, inventory.LotRegistered(
            lot_id=self.lot, lot_number=self.lot, presentation_id=self.presentation, presentation_version=1,
            manufacture_date="2021-02-01", label_expiry_date=expiry, funding_source="COVAX"))
        self.receive(self.national, doses)

    def receive(self, location_id: str, doses: int) -> None:
        self.publish("inventory", f"{location_id}/{self.lot}", inventory.DoseReceived(
            location_id=location_id, lot_id=self.lot, doses=doses, vials=doses // 10, source="COVAX",
            presentation_id=self.presentation))

    def ship(self, plan_id: str, line_id: str, source: str, destination: str, doses: int) -> None:
        """Inventory's side of a release: dispatch against the allocation line, then proof of delivery."""
        shipment = f"SH-{uuid.uuid4().hex[:8]}"
        self.publish("inventory", shipment, inventory.ShipmentDispatched(
            shipment_id=shipment, from_location_id=source, to_location_id=destination,
            lines=[common.StockLine(lot_id=self.lot, doses=doses, vials=doses // 10)],
            allocation_plan_id=plan_id, allocation_line_id=line_id))
        self.publish("inventory", shipment, inventory.ShipmentReceived(
            shipment_id=shipment, to_location_id=destination,
            lines=[inventory_types.ReceivedLine(lot_id=self.lot, accepted_doses=doses, accepted_vials=doses // 10)]))

    # -- registration and immunization --------------------------------------------------------------------
    def approve_people(self, province: str, count: int, centre: str = "") -> None:
        for _ in range(count):
            person = str(uuid.uuid4())
            self.publish("registration", person, registration.RegistrationApproved(
                person_id=person, approver_id="officer-96", province_code=province))
            if centre:
                self.publish("registration", person, registration.PersonAssignedToDistrict(
                    person_id=person, district_health_centre_id=centre))

    def first_doses(self, count: int) -> None:
        for _ in range(count):
            dose = str(uuid.uuid4())
            self.publish("immunization", dose, immunization.DoseAdministered(
                dose_id=dose, person_id=str(uuid.uuid4()), site_id=self.site, presentation_id=self.presentation,
                lot_id=self.lot, series="PRIMARY", dose_number=1))
