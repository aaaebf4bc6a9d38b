"""Trail assembly over a small world of real messages: the dose trail holds exactly the events that produced
the dose (and what it produced) across the five services, and nothing of the neighbouring doses, lots,
sessions or people."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest

from services.audit.domain import trail
from services.audit.domain.trail import Entry
from services.audit.projections.log import link_keys

START = datetime(2026, 3, 1, tzinfo=UTC)


class World:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.index: dict[str, list[Entry]] = {}
        self.reads = 0

    def add(self, service: str, name: str, **fields) -> Entry:
        owner = "audit" if name == "PersonalDataAccessed" else service
        module = importlib.import_module(f"vaxtrail.{owner}.v1.events_pb2")
        message = getattr(module, name)(**fields)
        event_type = message.DESCRIPTOR.full_name
        position = 1 + sum(1 for e in self.entries if e.service == service)
        entry = Entry(service, position, f"{service}-{position}", event_type,
                      START + timedelta(minutes=len(self.entries)), tuple(link_keys(event_type, message)))
        self.entries.append(entry)
        for key in entry.keys:
            self.index.setdefault(key, []).append(entry)
        return entry

    def by_keys(self, keys) -> dict[str, list[Entry]]:
        self.reads += 1
        return {k: list(self.index[k]) for k in keys if k in self.index}


def line(lot: str, doses: int = 100) -> dict:
    return {"lot_id": lot, "doses": doses, "vials": doses // 10}


@pytest.fixture
def world():
    w, wanted, other = World(), {}, {}
    inv, alloc, reg, imm, cert = "inventory", "allocation", "registration", "immunization", "certificate"
    wanted["registered"] = w.add(inv, "LotRegistered", lot_id="LOT-A")
    other["lot-b"] = w.add(inv, "LotRegistered", lot_id="LOT-B")
    wanted["received"] = w.add(inv, "DoseReceived", lot_id="LOT-A", location_id="NAT", doses=1000)
    other["received-b"] = w.add(inv, "DoseReceived", lot_id="LOT-B", location_id="NAT", doses=1000)
    other["elsewhere"] = w.add(inv, "DoseReceived", lot_id="LOT-A", location_id="OTHER-NAT", doses=10)
    for key, name in (("drafted", "AllocationPlanDrafted"), ("approved", "AllocationPlanApproved")):
        wanted[key] = w.add(alloc, name, plan_id="PLAN-1")
    wanted["line"] = w.add(alloc, "BatchAllocated", plan_id="PLAN-1", line_id="L-79")
    other["line-01"] = w.add(alloc, "BatchAllocated", plan_id="PLAN-1", line_id="L-01")
    wanted["released"] = w.add(alloc, "AllocationReleased", plan_id="PLAN-1", line_id="L-79", shipment_ids=["SH-1"])
    wanted["dispatch"] = w.add(inv, "ShipmentDispatched", shipment_id="SH-1", from_location_id="NAT",
                               to_location_id="CDC-79", lines=[line("LOT-A")], allocation_plan_id="PLAN-1",
                               allocation_line_id="L-79")
    wanted["issued"] = w.add(inv, "StockIssued", shipment_id="SH-1", lot_id="LOT-A", location_id="NAT")
    other["dispatch-01"] = w.add(inv, "ShipmentDispatched", shipment_id="SH-2", from_location_id="NAT",
                                 to_location_id="CDC-01", lines=[line("LOT-A")], allocation_plan_id="PLAN-1",
                                 allocation_line_id="L-01")
    wanted["delivered"] = w.add(inv, "ShipmentReceived", shipment_id="SH-1", to_location_id="CDC-79",
                                lines=[{"lot_id": "LOT-A", "accepted_doses": 100}])
    wanted["transferred"] = w.add(inv, "StockTransferredIn", shipment_id="SH-1", lot_id="LOT-A",
                                  location_id="CDC-79")
    wanted["to-district"] = w.add(inv, "ShipmentDispatched", shipment_id="SH-3", from_location_id="CDC-79",
                                  to_location_id="DHC-760", lines=[line("LOT-A", 50), line("LOT-B", 50)])
    other["ledger-b"] = w.add(inv, "StockIssued", shipment_id="SH-3", lot_id="LOT-B", location_id="CDC-79")
    wanted["excursion"] = w.add(inv, "TemperatureExcursionDetected", excursion_id="EX-1", shipment_id="SH-3")
    wanted["session"] = w.add(alloc, "SessionPlanned", session_id="S-1", site_id="SITE-1")
    other["session-2"] = w.add(alloc, "SessionPlanned", session_id="S-2", site_id="SITE-1")
    wanted["dispensed"] = w.add(alloc, "SessionStockDispensed", session_id="S-1", from_location_id="DHC-760",
                                to_site_id="SITE-1", lines=[line("LOT-A", 20)])
    other["dispensed-b"] = w.add(alloc, "SessionStockDispensed", session_id="S-1", from_location_id="DHC-760",
                                 to_site_id="SITE-1", lines=[line("LOT-B", 20)])
    other["registered-p1"] = w.add(reg, "PersonRegistered", person_id="P-1", full_name="Lê Văn Tâm")
    wanted["appointment"] = w.add(reg, "AppointmentScheduled", appointment_id="AP-1", person_id="P-1",
                                  session_id="S-1")
    wanted["seat"] = w.add(reg, "SessionSeatReserved", session_id="S-1", appointment_id="AP-1")
    other["appointment-p2"] = w.add(reg, "AppointmentScheduled", appointment_id="AP-2", person_id="P-2",
                                    session_id="S-1")
    other["opened"] = w.add(imm, "SessionOpened", session_id="S-1", site_id="SITE-1")
    wanted["check-in"] = w.add(imm, "PersonCheckedIn", visit_id="V-1", person_id="P-1", session_id="S-1")
    other["check-in-p2"] = w.add(imm, "PersonCheckedIn", visit_id="V-2", person_id="P-2", session_id="S-1")
    wanted["screening"] = w.add(imm, "ScreeningCompleted", visit_id="V-1", person_id="P-1", session_id="S-1")
    wanted["vial"] = w.add(imm, "VialOpened", vial_opening_id="VIAL-1", lot_id="LOT-A", session_id="S-1")
    wanted["drawn"] = w.add(imm, "VialDoseDrawn", vial_opening_id="VIAL-1", dose_id="D-1", person_id="P-1",
                            visit_id="V-1", lot_id="LOT-A")
    wanted["dose"] = w.add(imm, "DoseAdministered", dose_id="D-1", person_id="P-1", visit_id="V-1", session_id="S-1",
                           site_id="SITE-1", lot_id="LOT-A", vial_opening_id="VIAL-1")
    wanted["consumed"] = w.add(inv, "StockConsumed", lot_id="LOT-A", location_id="SITE-1", source="VIAL_OPENED",
                               reference_id="VIAL-1")
    other["drawn-2"] = w.add(imm, "VialDoseDrawn", vial_opening_id="VIAL-1", dose_id="D-2", person_id="P-2",
                             visit_id="V-2", lot_id="LOT-A")
    other["dose-2"] = w.add(imm, "DoseAdministered", dose_id="D-2", person_id="P-2", visit_id="V-2",
                            session_id="S-1", site_id="SITE-1", lot_id="LOT-A", vial_opening_id="VIAL-1")
    wanted["observed"] = w.add(imm, "ObservationCompleted", visit_id="V-1", person_id="P-1")
    wanted["discarded"] = w.add(imm, "VialDiscarded", vial_opening_id="VIAL-1", lot_id="LOT-A", session_id="S-1")
    other["closed"] = w.add(imm, "SessionClosed", session_id="S-1")
    other["next"] = w.add(imm, "NextDoseRecommended", person_id="P-1")
    wanted["aefi"] = w.add(imm, "AefiReported", aefi_id="AEFI-1", person_id="P-1", dose_ids=["D-1"],
                           lot_ids=["LOT-A"])
    wanted["classified"] = w.add(imm, "AefiClassified", aefi_id="AEFI-1", lot_ids=["LOT-A"])
    wanted["certificate"] = w.add(cert, "CertificateIssued", certificate_id="C-1", person_id="P-1", dose_ids=["D-1"])
    other["certificate-2"] = w.add(cert, "CertificateIssued", certificate_id="C-2", person_id="P-2",
                                   dose_ids=["D-2"])
    wanted["corrected"] = w.add(imm, "DoseCorrected", dose_id="D-1", person_id="P-1")
    wanted["revoked"] = w.add(cert, "CertificateRevoked", certificate_id="C-1", person_id="P-1")
    wanted["reissued"] = w.add(cert, "CertificateReissued", old_certificate_id="C-1", new_certificate_id="C-3",
                               person_id="P-1")
    wanted["certificate-3"] = w.add(cert, "CertificateIssued", certificate_id="C-3", person_id="P-1",
                                    dose_ids=["D-1"])
    wanted["recalled"] = w.add(inv, "LotRecalled", lot_id="LOT-A")
    other["read"] = w.add("registration", "PersonalDataAccessed", subject_person_id="P-1", actor_id="officer")
    return w, wanted, other


def test_a_doses_trail_holds_exactly_the_events_that_produced_it_in_causal_order(world):
    w, wanted, _ = world
    steps = trail.dose_trail(w.by_keys, "D-1")
    assert {e.event_id for e in steps} == {e.event_id for e in wanted.values()}
    assert [e.event_id for e in steps] == [e.event_id for e in w.entries if e in wanted.values()]
    assert {e.service for e in steps} == {"registration", "inventory", "allocation", "immunization", "certificate"}
    assert w.reads == 5  # the dose, its links, then one read per level of the supply tree (district, province, nation)


def test_a_neighbouring_dose_of_the_same_vial_and_session_shares_the_supply_but_not_the_person(world):
    w, wanted, other = world
    steps = {e.event_id for e in trail.dose_trail(w.by_keys, "D-2")}
    assert wanted["dispatch"].event_id in steps and wanted["vial"].event_id in steps
    for mine in ("dose", "drawn", "check-in", "appointment", "certificate", "aefi"):
        assert wanted[mine].event_id not in steps
    assert {other["dose-2"].event_id, other["drawn-2"].event_id, other["check-in-p2"].event_id,
            other["certificate-2"].event_id} <= steps


def test_the_events_of_another_order_arrival_give_the_same_trail(world):
    w, _, _ = world
    first = [e.event_id for e in trail.dose_trail(w.by_keys, "D-1")]
    for entries in w.index.values():
        entries.reverse()
    assert [e.event_id for e in trail.dose_trail(w.by_keys, "D-1")] == first


def test_a_person_lot_and_certificate_trail(world):
    w, wanted, other = world
    person = {e.event_id for e in trail.person_trail(w.by_keys, "P-1")}
    assert {other["registered-p1"].event_id, other["read"].event_id, wanted["dose"].event_id} <= person
    assert other["dose-2"].event_id not in person
    lot = {e.event_id for e in trail.lot_trail(w.by_keys, "LOT-A")}
    assert {wanted["recalled"].event_id, other["dose-2"].event_id, other["dispatch-01"].event_id} <= lot
    assert other["lot-b"].event_id not in lot
    certificate = [e.name for e in trail.certificate_trail(w.by_keys, "C-1")]
    assert certificate == ["DoseAdministered", "CertificateIssued", "DoseCorrected", "CertificateRevoked",
                           "CertificateReissued"]


def test_an_unknown_dose_has_no_trail(world):
    w, _, _ = world
    with pytest.raises(trail.UnknownSubject):
        trail.dose_trail(w.by_keys, "D-404")
