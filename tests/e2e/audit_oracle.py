"""What the audit trail of one campaign dose must be, read straight from the five services' own stores.

Independent of the audit service's link keys: it decodes the services' ``events`` tables (read-only SQL) and
picks the events by the campaign's own facts - the person's dose, its visit, vial and session, the lot's
receipt at the national store, and the one supply path the campaign built (national store -> province
store -> district centre -> site), with the plans and lines those shipments fulfil. The definition it
checks is docs/services/audit.md "The trail of a dose".
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

from services.audit.verify import store_events

from .campaign import CDC, CENTRE, NATIONAL, SITE

PATH = {(NATIONAL, CDC), (CDC, CENTRE), (CENTRE, SITE)}
LOT_LIFE = {"LotRegistered", "LotSuspended", "LotReleased", "LotRecalled", "LotExpiryExtended"}
PLAN_LEVEL = {"AllocationPlanDrafted", "AllocationPlanSubmitted", "AllocationPlanApproved", "AllocationPlanRejected"}
LINE_EVENTS = {"BatchAllocated", "AllocationReleased", "AllocationLineAmended", "AllocationCancelled"}
SHIPMENT_DOCS = {"ShipmentDispatched", "ShipmentReceived", "ShipmentLost", "ShipmentReturned",
                 "TemperatureExcursionDetected", "ExcursionAssessed"}


@dataclass(frozen=True)
class Logged:
    service: str
    event_id: str
    name: str
    message: object

    def has(self, field: str, value: str) -> bool:
        return getattr(self.message, field, None) == value


def logged(service: str, database_url: str) -> Iterator[Logged]:
    with psycopg.connect(database_url) as conn:
        for e in store_events(conn):
            _, owner, version, name = e.event_type.split(".")
            cls = getattr(importlib.import_module(f"vaxtrail.{owner}.{version}.events_pb2"), name)
            yield Logged(service, str(e.event_id), name, cls.FromString(e.payload))


def expected_dose_trail(stack, person_id: str, lot_id: str) -> tuple[str, dict[str, str]]:
    """(the person's dose id, {event id: "service Type"}) of every event its trail must hold."""
    logs = {s: list(logged(s, stack[s].database_url))
            for s in ("registration", "inventory", "allocation", "immunization", "certificate")}
    imm, inv, alloc, reg, cert = (logs[s] for s in ("immunization", "inventory", "allocation", "registration",
                                                    "certificate"))
    dose = next(e.message for e in imm if e.name == "DoseAdministered" and e.has("person_id", person_id))
    assert dose.lot_id == lot_id
    d, visit, vial, session = dose.dose_id, dose.visit_id, dose.vial_opening_id, dose.session_id
    picked: list[Logged] = []
    picked += [e for e in imm if e.has("dose_id", d) or e.has("visit_id", visit)
               or (e.has("vial_opening_id", vial) and getattr(e.message, "dose_id", d) in (d, ""))]
    shipments = {e.message.shipment_id for e in inv if e.name == "ShipmentDispatched"
                 and (e.message.from_location_id, e.message.to_location_id) in PATH
                 and any(line.lot_id == lot_id for line in e.message.lines)}
    picked += [e for e in inv if (e.name in LOT_LIFE and e.has("lot_id", lot_id))
               or (e.name == "DoseReceived" and e.has("lot_id", lot_id) and e.has("location_id", NATIONAL))
               or (e.name in SHIPMENT_DOCS and getattr(e.message, "shipment_id", "") in shipments)
               or (e.name in ("StockIssued", "StockTransferredIn") and e.message.shipment_id in shipments
                   and e.has("lot_id", lot_id))
               or (e.name in ("StockConsumed", "ConsumptionDiscrepancyDetected")
                   and e.message.reference_id in (d, vial))]
    lines = {(e.message.allocation_plan_id, e.message.allocation_line_id) for e in inv
             if e.name == "ShipmentDispatched" and e.message.shipment_id in shipments}
    plans = {plan for plan, _ in lines}
    picked += [e for e in alloc if (e.name in PLAN_LEVEL and e.message.plan_id in plans)
               or (e.name in LINE_EVENTS and (e.message.plan_id, e.message.line_id) in lines)
               or (e.name == "SessionPlanned" and e.has("session_id", session))
               or (e.name == "SessionStockDispensed" and e.has("session_id", session)
                   and any(line.lot_id == lot_id for line in e.message.lines))]
    appointments = {e.message.appointment_id for e in reg if e.name in ("AppointmentScheduled", "AppointmentCancelled")
                    and e.has("person_id", person_id) and e.has("session_id", session)}
    picked += [e for e in reg if getattr(e.message, "appointment_id", None) in appointments]
    certificates = {e.message.certificate_id for e in cert if e.name == "CertificateIssued" and d in e.message.dose_ids}
    picked += [e for e in cert if {getattr(e.message, f, None) for f in
                                   ("certificate_id", "old_certificate_id", "new_certificate_id")} & certificates]
    picked += [e for e in imm if e.name in ("AefiReported",) and d in e.message.dose_ids]
    return d, {e.event_id: f"{e.service} {e.name}" for e in picked}
