"""The other services' events a certificate test needs, published as those services would publish them.

The contract is the .proto: each event is appended to a throwaway in-memory store (for a real envelope,
version and hash chain) and produced to the owning service's topic with ``eventkit.kafka_record.to_record``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from eventkit.envelope import CommandContext, EventDraft, StoredEvent
from eventkit.kafka import make_producer
from eventkit.kafka_record import to_record
from eventkit.store.base import AggregateChanges
from eventkit.testing import InMemoryEventStore
from eventkit.topics import event_topic
from vaxtrail.common.v1 import types_pb2 as common_pb2
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.registration.v1 import events_pb2 as registration


def timestamp(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(UTC))
    return stamp


class World:
    """Publishes registration, immunization and inventory events to their real topics."""

    def __init__(self, bootstrap: str, topic_for: Callable[[str], str] = event_topic) -> None:
        """``topic_for(service)`` names the topic a service's events go to (a benchmark gives its own)."""
        self._producer = make_producer(bootstrap, client_id="certificate-tests")
        self._store = InMemoryEventStore()
        self._topic_for = topic_for

    def close(self) -> None:
        self._producer.close(timeout=5)

    def publish(self, service: str, aggregate_type: str, aggregate_id: str, message,
                occurred_at: datetime | None = None) -> StoredEvent:
        event = self.record(service, aggregate_type, aggregate_id, message, occurred_at)
        self.send_again(service, event)
        return event

    def record(self, service: str, aggregate_type: str, aggregate_id: str, message,
               occurred_at: datetime | None = None) -> StoredEvent:
        """The event as ``publish`` would store it, not sent yet (:meth:`send_again` sends it, e.g. after an
        event that refers to it)."""
        version = len(self._store.load(aggregate_id))
        draft = EventDraft(message.DESCRIPTOR.full_name, message.SerializeToString(deterministic=True),
                           occurred_at or datetime.now(UTC))
        [event] = self._store.append([AggregateChanges(aggregate_type, aggregate_id, version, [draft])],
                                     CommandContext(actor_id=f"{service}-tests", actor_role="system"),
                                     producer=f"{service}/test").events
        return event

    def send_again(self, service: str, event: StoredEvent) -> None:
        """Produce ``event``'s record (again: a relay retry's copy, same id, same bytes)."""
        record = to_record(event)
        self._producer.send(self._topic_for(service), key=record.key, value=record.value,
                            headers=record.headers).get(timeout=10)

    # -- the facts a certificate needs ---------------------------------------------------------------------
    def presentation(self, presentation_id: str) -> None:
        self.publish("inventory", "presentation", presentation_id, inventory.PresentationDefined(
            presentation_id=presentation_id, version=1, vaccine_code="210", vaccine_code_system="CVX",
            brand="Vaxzevria", manufacturer="AstraZeneca AB", doses_per_vial=10, dose_volume_ml="0.5",
            open_vial_window_hours=6, series_doses=2, platform="VIRAL_VECTOR", min_age_years=18))

    def lot(self, lot_id: str, lot_number: str, presentation_id: str) -> None:
        self.publish("inventory", "lot", lot_id, inventory.LotRegistered(
            lot_id=lot_id, lot_number=lot_number, presentation_id=presentation_id, presentation_version=1,
            manufacture_date="2021-03-01", label_expiry_date="2021-12-31", funding_source="COVAX"))

    def lot_decision(self, kind: str, lot_id: str) -> None:
        message = getattr(inventory, kind)(lot_id=lot_id, scope="NATIONAL", reason="quality review",
                                           authority="MOH", decision_reference=f"QD-{kind}")
        self.publish("inventory", "lot", lot_id, message)

    def person(self, person_id: str, *, province: str = "79", district: str = "760") -> None:
        self.publish("registration", "person", person_id, registration.PersonRegistered(
            person_id=person_id, national_id=f"0790{uuid.uuid4().int % 10**8:08d}", national_id_kind="CITIZEN_ID",
            full_name="Nguyễn Văn An", date_of_birth="1980-05-17", sex="MALE", channel="APP", nationality="VN",
            address=common_pb2.Address(province_code=province, district_code=district)))

    def dose(self, person_id: str, dose_id: str, number: int, when: datetime, *, lot_id: str, lot_number: str,
             presentation_id: str, site_id: str = "S-79-760-01") -> StoredEvent:
        return self.publish("immunization", "dose_record", f"doses:{person_id}", immunization.DoseAdministered(
            dose_id=dose_id, person_id=person_id, visit_id=f"V-{dose_id}", session_id="SES-1", site_id=site_id,
            administered_at=timestamp(when), presentation_id=presentation_id, lot_id=lot_id, lot_number=lot_number,
            series="PRIMARY", dose_number=number, volume_ml="0.5", route="IM", body_site="LEFT_DELTOID",
            performer_id="vaccinator-1", device_id="TAB-1", device_sequence=number))

    def entered_in_error(self, person_id: str, dose: StoredEvent, dose_id: str) -> None:
        self.publish("immunization", "dose_record", f"doses:{person_id}", immunization.DoseEnteredInError(
            dose_id=dose_id, reverses_event_id=str(dose.event_id), reason="recorded for the wrong person"))

    def next_dose(self, person_id: str) -> None:
        self.publish("immunization", "dose_record", f"doses:{person_id}", immunization.NextDoseRecommended(
            person_id=person_id, series="PRIMARY", dose_number=2, earliest_date="2021-07-27",
            due_date="2021-08-24", latest_date="2021-08-24", schedule_rule_id="AZ-2021-08"))

    def merge(self, surviving: str, merged: str) -> None:
        self.publish("registration", "person", merged, registration.PersonsMerged(
            surviving_person_id=surviving, merged_person_id=merged, reason="same citizen ID registered twice"))

    def corrected(self, person_id: str, dose: StoredEvent, dose_id: str, field: str, old: str, new: str) -> None:
        self.publish("immunization", "dose_record", f"doses:{person_id}", immunization.DoseCorrected(
            dose_id=dose_id, reverses_event_id=str(dose.event_id), reason="lot misread",
            changes=[common_pb2.FieldChange(field=field, old_value=old, new_value=new)]))

    def historical(self, person_id: str, dose_id: str, product: str, on: str, country: str,
                   lot_number: str = "FE1234") -> None:
        self.publish("immunization", "dose_record", f"doses:{person_id}", immunization.DoseRecordedHistorical(
            dose_id=dose_id, person_id=person_id, product=product, lot_number=lot_number, administered_date=on,
            country=country, source="FOREIGN_CERTIFICATE", primary_source=False, series="PRIMARY", dose_number=1))
