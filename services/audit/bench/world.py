"""A generated campaign for the benchmark: the events of N doses across the five service logs.

Deterministic and shaped like the real thing: lots of 10,000 doses received at the national store, each
allocated (plan, line, release) and shipped to one of 10 provincial stores, then to its 10 districts;
sessions of 100 doses at 100 sites, each with a dispensation of its lot; vials of 10 doses (opened,
discarded); per dose an appointment, check-in, screening, the draw from the vial, the dose, the observation
and a certificate. Every event carries a real protobuf payload and a valid hash chain, so the audit log's
link keys and chain checks see what production shows them. About 7.2 events per dose.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash
from vaxtrail.allocation.v1 import events_pb2 as allocation
from vaxtrail.certificate.v1 import events_pb2 as certificate
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.registration.v1 import events_pb2 as registration

LOT_DOSES, SESSION_DOSES, VIAL_DOSES = 10_000, 100, 10
START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


class Logs:
    """Positions per service log and each aggregate's version and head hash."""

    def __init__(self, run: str, first_position: int = 1) -> None:
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"vaxtrail-audit-bench:{run}")
        self.positions: dict[str, int] = {}
        self.first = first_position
        self.heads: dict[tuple[str, str], tuple[int, bytes]] = {}
        self.clock = START

    def event(self, service: str, aggregate_type: str, aggregate_id: str, message) -> tuple[str, StoredEvent, object]:
        position = self.positions.get(service, self.first - 1) + 1
        self.positions[service] = position
        version, prev = self.heads.get((service, aggregate_id), (0, GENESIS_HASH))
        self.clock += timedelta(microseconds=1700)
        unsigned = StoredEvent(
            position=position, event_id=uuid.uuid5(self.namespace, f"{service}:{position}"),
            event_type=message.DESCRIPTOR.full_name, aggregate_type=aggregate_type, aggregate_id=aggregate_id,
            aggregate_version=version + 1, occurred_at=self.clock, recorded_at=self.clock,
            producer=f"{service}/bench", actor_id="bench-officer", actor_role="national_admin",
            correlation_id="bench", causation_id="", idempotency_key=None,
            payload=message.SerializeToString(deterministic=True), prev_hash=prev, hash=b"")
        stored = dataclasses.replace(unsigned, hash=compute_hash(prev, unsigned))
        self.heads[(service, aggregate_id)] = (version + 1, stored.hash)
        return service, stored, message


def dose_id(run: str, n: int) -> str:
    return f"D-{run}-{n:07d}"


def campaign(doses: int, run: str, first_dose: int = 0, first_position: int = 1
             ) -> Iterator[tuple[str, StoredEvent, object]]:
    """``(service, event, message)`` of doses ``first_dose`` .. ``first_dose + doses - 1`` (a whole number of lots)."""
    logs = Logs(run, first_position)
    e = logs.event
    for lot_number in range(first_dose // LOT_DOSES, (first_dose + doses + LOT_DOSES - 1) // LOT_DOSES):
        lot = f"LOT-{run}-{lot_number:04d}"
        cdc = f"CDC-{lot_number % 10}"
        plan, line, shipment = f"PLAN-{lot}", "L-1", f"SH-{lot}-N"
        yield e("inventory", "lot", lot, inventory.LotRegistered(lot_id=lot))
        yield e("inventory", "stock_item", f"stock/NAT/{lot}",
                inventory.DoseReceived(location_id="NAT", lot_id=lot, doses=LOT_DOSES))
        yield e("allocation", "plan", plan, allocation.AllocationPlanDrafted(plan_id=plan, lot_ids=[lot]))
        yield e("allocation", "plan", plan, allocation.BatchAllocated(plan_id=plan, line_id=line))
        yield e("allocation", "plan", plan, allocation.AllocationPlanApproved(plan_id=plan))
        yield e("allocation", "plan", plan, allocation.AllocationReleased(plan_id=plan, line_id=line,
                                                                          shipment_ids=[shipment]))
        stock = [{"lot_id": lot, "doses": LOT_DOSES}]
        yield e("inventory", "shipment", shipment, inventory.ShipmentDispatched(
            shipment_id=shipment, from_location_id="NAT", to_location_id=cdc, lines=stock,
            allocation_plan_id=plan, allocation_line_id=line))
        yield e("inventory", "stock_item", f"stock/NAT/{lot}", inventory.StockIssued(
            location_id="NAT", lot_id=lot, shipment_id=shipment, to_location_id=cdc, doses=LOT_DOSES))
        yield e("inventory", "shipment", shipment, inventory.ShipmentReceived(
            shipment_id=shipment, to_location_id=cdc, lines=[{"lot_id": lot, "accepted_doses": LOT_DOSES}]))
        yield e("inventory", "stock_item", f"stock/{cdc}/{lot}", inventory.StockTransferredIn(
            location_id=cdc, lot_id=lot, shipment_id=shipment, from_location_id="NAT", doses=LOT_DOSES))
        for district in range(10):
            dhc, onward = f"DHC-{lot_number % 10}-{district}", f"SH-{lot}-{district}"
            yield e("inventory", "shipment", onward, inventory.ShipmentDispatched(
                shipment_id=onward, from_location_id=cdc, to_location_id=dhc,
                lines=[{"lot_id": lot, "doses": LOT_DOSES // 10}]))
            yield e("inventory", "shipment", onward, inventory.ShipmentReceived(shipment_id=onward, to_location_id=dhc))
        for session_number in range(LOT_DOSES // SESSION_DOSES):
            first = lot_number * LOT_DOSES + session_number * SESSION_DOSES
            if first < first_dose or first >= first_dose + doses:
                continue
            yield from _session(e, run, lot, lot_number, session_number, first)


def _session(e, run: str, lot: str, lot_number: int, session_number: int, first: int):
    district = session_number % 10
    dhc, site = f"DHC-{lot_number % 10}-{district}", f"SITE-{lot_number % 10}-{district}-{session_number // 10 % 10}"
    session = f"S-{lot}-{session_number:03d}"
    yield e("allocation", "session", session, allocation.SessionPlanned(session_id=session, site_id=site))
    yield e("allocation", "session", session, allocation.SessionStockDispensed(
        session_id=session, from_location_id=dhc, to_site_id=site, lines=[{"lot_id": lot, "doses": SESSION_DOSES}]))
    for vial_number in range(SESSION_DOSES // VIAL_DOSES):
        vial = f"VIAL-{session}-{vial_number}"
        yield e("immunization", "session", session, immunization.VialOpened(
            vial_opening_id=vial, site_id=site, session_id=session, lot_id=lot, doses_in_vial=VIAL_DOSES))
        for k in range(VIAL_DOSES):
            n = first + vial_number * VIAL_DOSES + k
            person, dose, visit, appointment = f"P-{run}-{n:07d}", dose_id(run, n), f"V-{run}-{n:07d}", f"A-{n:07d}"
            yield e("registration", "appointment", appointment, registration.AppointmentScheduled(
                appointment_id=appointment, person_id=person, session_id=session, site_id=site))
            yield e("immunization", "visit", visit, immunization.PersonCheckedIn(
                visit_id=visit, person_id=person, session_id=session, site_id=site))
            yield e("immunization", "visit", visit, immunization.ScreeningCompleted(
                visit_id=visit, person_id=person, session_id=session, outcome="ELIGIBLE"))
            yield e("immunization", "session", session, immunization.VialDoseDrawn(
                vial_opening_id=vial, dose_id=dose, person_id=person, visit_id=visit, session_id=session, lot_id=lot))
            yield e("immunization", "dose_record", f"record/{person}", immunization.DoseAdministered(
                dose_id=dose, person_id=person, visit_id=visit, session_id=session, site_id=site, lot_id=lot,
                vial_opening_id=vial, dose_number=1))
            yield e("immunization", "visit", visit, immunization.ObservationCompleted(visit_id=visit, person_id=person))
            yield e("certificate", "person_certificates", f"certificates/{person}", certificate.CertificateIssued(
                certificate_id=f"URN:UVCI:01:VN:{n:010d}#K", person_id=person, dose_ids=[dose]))
        yield e("immunization", "session", session, immunization.VialDiscarded(
            vial_opening_id=vial, session_id=session, lot_id=lot, doses_drawn=VIAL_DOSES, reason="EMPTY"))
