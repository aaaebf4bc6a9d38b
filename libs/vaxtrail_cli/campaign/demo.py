"""``vaxtrail demo``'s campaign: small, complete, through the public APIs only, with fresh ids (``DM<run>``).

Receipts of two products (two AstraZeneca lots, one Sinopharm lot) at the national store and a receipt
refused by INV-2; a national plan and a province plan, each approved by a second officer and released, and
their shipments signed for; sessions at two new sites with their stock dispensed and delivered; twelve
people registered in their app, approved and assigned; at each site one person postponed (fever), five
vaccinated, vials opened, one broken, the rest discarded at the close (open-vial wastage); an AEFI reported
and classified; certificates issued and one verified; a correction of a dose that revokes its certificate
and reissues it; the recall of the second AstraZeneca lot, which revokes the certificates of its doses. Last,
the corrected dose's audit trail, printed as ``vaxtrail trail dose`` prints it, and an inclusion proof of its
``DoseAdministered`` checked against a signed checkpoint with the audit key the caller trusts
(:mod:`vaxtrail_cli.campaign.audit`).

Where a step needs what another service learns from a topic (a presentation, a lot's stock, a site, a
session, a person), it waits by polling the service that will use it (:mod:`vaxtrail_cli.campaign.polling`);
topics have several partitions, so news of different aggregates arrives in no particular order.

:func:`run_demo` returns the summary ``vaxtrail demo`` writes (:func:`write_summary`) to
``<state>/demo/summary.json``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vaxtrail_cli.campaign import registry, supply
from vaxtrail_cli.campaign.actors import Actors, Clock
from vaxtrail_cli.campaign.audit import show_dose_audit
from vaxtrail_cli.campaign.client import Api
from vaxtrail_cli.campaign.people import people as make_people
from vaxtrail_cli.campaign.polling import retry_while, until
from vaxtrail_cli.campaign.siteday import NORMAL_VITALS
from vaxtrail_cli.campaign.supply import key

FEVER = {**NORMAL_VITALS, "temperature_celsius": "38.2"}
PROVINCE, DISTRICT, CENTRE, CDC = "79", "760", "DHC-760", "CDC-79"
AZ, SINOPHARM = supply.PRESENTATION, "SINOPHARM-VEROCELL-1"
Say = Callable[[str], None]


class Demo:
    """One run's places, people and what the steps hand on to each other."""

    def __init__(self, urls: Mapping[str, str], private_key: bytes, say: Say) -> None:
        self.api, self.actors, self.clock, self.say = Api(urls), Actors(private_key), Clock(), say
        self.run = f"DM{uuid.uuid4().hex[:6].upper()}"
        self.lot_a, self.lot_b, self.lot_s = (f"LOT-{self.run}-AZ1", f"LOT-{self.run}-AZ2", f"LOT-{self.run}-SP")
        self.sites = {f"{self.run}-S1": self.lot_a, f"{self.run}-S2": self.lot_b}
        self.summary: dict[str, Any] = {"run": self.run, "started_at": datetime.now(UTC).isoformat()}

    def step(self, text: str) -> None:
        self.say(f"- {text}")

    def session_of(self, site: str) -> str:
        return f"SES-{site}"


def run_demo(urls: Mapping[str, str], private_key: bytes, say: Say = print, *, audit_key: bytes) -> dict[str, Any]:
    """The campaign; ``audit_key`` is the audit service's Ed25519 public key the proof is checked against."""
    d = Demo(urls, private_key, say)
    say(f"Campaign {d.run}: every step below is a call to a service's public API with a token of its role")
    _receipts(d)
    _down_the_tree(d)
    people = _people(d)
    day = {site: _session_day(d, site, people[i * 6:(i + 1) * 6]) for i, site in enumerate(d.sites)}
    _certificates(d, day)
    _correction(d, day[f"{d.run}-S1"])
    _recall(d, day[f"{d.run}-S2"])
    _audit(d, audit_key)
    d.summary["finished_at"] = datetime.now(UTC).isoformat()
    d.api.close()
    return d.summary


def write_summary(summary: Mapping[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2) + "\n")
    return path


def _receipts(d: Demo) -> None:
    supply.seed(d.api, d.actors)
    for lot, presentation in ((d.lot_a, AZ), (d.lot_b, AZ), (d.lot_s, SINOPHARM)):
        supply.register_lot(d.api, d.actors, d.clock, lot, presentation)
    refused = d.api.post("inventory", "/v1/receipts", {
        "location_id": supply.NATIONAL, "lot_id": d.lot_a, "presentation_id": AZ, "doses": 25, "vials": 2,
        "source": "covax", "shipment_reference": f"COVAX-{d.run}-BAD", "received_at": d.clock.ago(hours=12)},
        d.actors.national())
    d.step(f"a receipt of 25 doses in 10-dose vials is refused: {refused.status} {refused.json().get('rule')} "
           f"({refused.json().get('field')})")
    supply.receive(d.api, d.actors, d.clock, d.lot_a, 200)
    supply.receive(d.api, d.actors, d.clock, d.lot_b, 100)
    supply.receive(d.api, d.actors, d.clock, d.lot_s, 50, presentation=SINOPHARM, doses_per_vial=1)
    d.step(f"received at {supply.NATIONAL}: {d.lot_a} 200 + {d.lot_b} 100 AstraZeneca doses, {d.lot_s} 50 Sinopharm")
    d.summary.update(lot_id=d.lot_a, lots={d.lot_a: AZ, d.lot_b: AZ, d.lot_s: SINOPHARM})


def _down_the_tree(d: Demo) -> None:
    api, clock, actors = d.api, d.clock, d.actors
    for site in d.sites:
        supply.register_site(api, actors, clock, site, province=PROVINCE, district=DISTRICT, district_store=CENTRE,
                             tables=2)
    doses = {d.lot_a: 200, d.lot_b: 100}
    supply.wait_for_store(api, actors, supply.NATIONAL, doses, recipients=[CDC])
    national = supply.release_plan(api, clock, {
        "plan_id": f"AP-NAT-{d.run}", "level": "NATIONAL", "source_location_id": supply.NATIONAL,
        "lot_ids": [d.lot_a, d.lot_b], "lines": [{"recipient_unit_id": PROVINCE, "doses": 300}]},
        writer=actors.national("anh"), approver=actors.national("binh"))
    [line] = national["lines"]
    supply.ship(api, clock, f"SHP-{d.run}-P", supply.NATIONAL, CDC, doses, 9, actors.national(),
                actors.province(PROVINCE), plan_id=national["plan_id"], line_id=line["line_id"])
    d.step(f"plan {national['plan_id']} drafted by admin-anh, approved and released by admin-binh; 300 doses "
           f"shipped to {CDC} and signed for")
    supply.wait_for_store(api, actors, CDC, doses, recipients=[CENTRE])
    province = supply.release_plan(api, clock, {
        "plan_id": f"AP-79-{d.run}", "level": "PROVINCE", "province_code": PROVINCE, "lot_ids": [d.lot_a, d.lot_b],
        "lines": [{"recipient_unit_id": DISTRICT, "doses": 300}]},
        writer=actors.province(PROVINCE, "lan"), approver=actors.province(PROVINCE, "minh"))
    [line] = province["lines"]
    supply.ship(api, clock, f"SHP-{d.run}-D", CDC, CENTRE, doses, 8, actors.province(PROVINCE),
                actors.district(DISTRICT), plan_id=province["plan_id"], line_id=line["line_id"])
    supply.wait_for_store(api, actors, CENTRE, doses)
    district = actors.district(DISTRICT)
    for site, lot in d.sites.items():
        supply.plan_session(api, district, clock, d.session_of(site), site, persons=20, tables=2, hours=10)
        supply.dispense(api, district, d.session_of(site), lot, 20)
        supply.ship(api, clock, f"SHP-{d.run}-{site}", CENTRE, site, {lot: 20}, 6, district,
                    actors.site_manager(site), session_id=d.session_of(site))
    d.step(f"plan {province['plan_id']} released to district {DISTRICT}; sessions planned at {', '.join(d.sites)}, "
           "20 doses dispensed and delivered to each")
    d.summary.update(plans=[national["plan_id"], province["plan_id"]], sites=list(d.sites),
                     sessions=[d.session_of(s) for s in d.sites],
                     shipments=[f"SHP-{d.run}-P", f"SHP-{d.run}-D", *(f"SHP-{d.run}-{s}" for s in d.sites)])


def _people(d: Demo) -> list[registry.Registered]:
    enrolled = registry.enrol(d.api, d.actors, make_people(12, PROVINCE, DISTRICT), run=d.run, centre=CENTRE,
                              threads=4)
    d.step(f"12 people registered in their app, approved by the province and assigned to {CENTRE}")
    return enrolled


def _session_day(d: Demo, site: str, people: list[registry.Registered]) -> dict[str, Any]:
    api, clock, sid, lot = d.api, d.clock, d.session_of(site), d.sites[site]
    manager, staff = d.actors.site_manager(site), d.actors.vaccinator(site)
    retry_while(lambda: api.post("immunization", f"/v1/sessions/{sid}/open", {"opened_at": clock.ago(hours=5)},
                                 manager | key("open", sid)), lambda r: r.status == 404, timeout=supply.WAIT,
                what=f"immunization to know {sid}").expect(201, 200, what="open session")
    vials = []
    if site.endswith("S2"):  # a vial dropped on the floor: all ten doses are open-vial wastage
        vials.append(_vial(d, sid, lot, staff))
        api.post("immunization", f"/v1/sessions/{sid}/vials/{vials[-1]}/discard", {
            "discarded_at": clock.ago(hours=4, minutes=45), "reason": "BROKEN", "residual_doses": 10},
            staff | key("broken", vials[-1])).expect(201, what="discard the broken vial")
    vials.append(_vial(d, sid, lot, staff))
    doses: dict[str, str] = {}
    postponed = ""
    for n, person in enumerate(people):
        checked = registry.check_in_pass(api, d.actors, person, sid)
        visit = f"V-{sid}-{n}"
        retry_while(lambda p=checked, v=visit, m=n: api.post("immunization", f"/v1/sessions/{sid}/check-ins", {
            "visit_id": v, "identity_method": "QR", "qr_token": p.qr_token, "presence_code": p.presence_code,
            "checked_in_at": clock.ago(hours=4, minutes=30 - m)}, staff | key(v)),
            lambda r: r.rule == "identity", timeout=supply.WAIT, what="immunization to know the person").expect(
            201, 200, what="check-in")
        screened = api.post("immunization", f"/v1/visits/{visit}/screening", {
            "vitals": FEVER if n == 0 else NORMAL_VITALS, "screened_at": clock.ago(hours=4, minutes=20 - n)},
            staff | key(visit, "screening")).expect(201, 200, what="screening")
        if screened["outcome"] == "POSTPONED":
            api.post("immunization", f"/v1/visits/{visit}/not-administered", {
                "reason": "POSTPONED", "recorded_at": clock.ago(hours=4)}, staff | key(visit, "none")).expect(201, 200)
            postponed = person.person_id
            continue
        given = api.post("immunization", f"/v1/visits/{visit}/doses", {
            "dose_id": f"D-{sid}-{n}", "vial_opening_id": vials[-1], "series": "PRIMARY", "dose_number": 1,
            "administered_at": clock.ago(hours=4, minutes=10 - n)}, staff | key(visit, "dose")).expect(201, 200)
        doses[person.person_id] = given["dose_id"]
        reaction = n == 2 and site.endswith("S1")
        api.post("immunization", f"/v1/visits/{visit}/observation", {
            "ended_at": clock.ago(hours=3), "outcome": "AEFI_REPORTED" if reaction else "NO_REACTION"},
            staff | key(visit, "observation")).expect(201, 200, what="observation")
        if reaction:
            _aefi(d, site, person.person_id, given["dose_id"])
    api.post("immunization", f"/v1/sessions/{sid}/close", {"closed_at": clock.ago(hours=2), "discard_open_vials": True},
             manager | key("close", sid)).expect(201, 200, what="close session")
    sheet = until(lambda: _closed_sheet(d, sid, manager), timeout=supply.WAIT, what=f"{sid}'s day sheet")
    totals = sheet["totals"]
    d.step(f"{sid} at {site}: {totals['checked_in']} checked in, {totals['postponed']} postponed, "
           f"{totals['vaccinated']} vaccinated from lot {lot}, vials opened: {len(vials)}, "
           f"{totals['open_vial_wastage']} doses of open-vial wastage; closed")
    d.summary.setdefault("postponed_person_ids", []).append(postponed)
    d.summary.setdefault("vials", []).extend(vials)
    return {"site": site, "session_id": sid, "doses": doses, "totals": totals}


def _vial(d: Demo, sid: str, lot: str, staff: dict) -> str:
    vial = f"VIAL-{sid}-{uuid.uuid4().hex[:4].upper()}"
    retry_while(lambda: d.api.post("immunization", f"/v1/sessions/{sid}/vials", {
        "vial_opening_id": vial, "lot_id": lot, "opened_at": d.clock.ago(hours=4, minutes=50)}, staff | key(vial)),
        lambda r: r.rule == "INV-28", timeout=supply.WAIT, what=f"immunization to see {lot} at the site").expect(
        201, 200, what="open a vial")
    return vial


def _closed_sheet(d: Demo, sid: str, manager: dict) -> dict | None:
    sheet = d.api.get("immunization", f"/v1/sessions/{sid}/day-sheet", manager).json()
    vials_done = all(v["discarded_at"] for v in sheet.get("vials", []))
    return sheet if sheet.get("status") == "CLOSED" and sheet.get("vials") and vials_done else None


def _aefi(d: Demo, site: str, person: str, dose: str) -> None:
    aefi = f"AEFI-{d.run}"
    d.api.post("immunization", "/v1/aefi", {
        "aefi_id": aefi, "person_id": person, "dose_ids": [dose], "onset_at": d.clock.ago(hours=3, minutes=40),
        "symptoms": ["fever", "pain at the injection site"], "serious": False, "outcome": "RECOVERED",
        "source": "SITE_OBSERVATION"}, d.actors.vaccinator(site) | key(aefi)).expect(201, 200, what="AEFI report")
    d.api.post("immunization", f"/v1/aefi/{aefi}/classification", {
        "level": "DISTRICT", "causality": "A1", "rationale": "expected local and systemic reaction"},
        d.actors.district(DISTRICT) | key(aefi, "classified")).expect(201, 200, what="AEFI classification")
    d.step(f"AEFI {aefi} reported at the site for {person} and classified A1 by the district")
    d.summary["aefi_id"] = aefi


def _dose(d: Demo, person: str, dose: str) -> dict | None:
    """The dose as the person's record in immunization shows it (a read model: it follows the write)."""
    items = d.api.get("immunization", f"/v1/persons/{person}/doses", d.actors.citizen(person)).expect(200)["items"]
    return next((x for x in items if x["dose_id"] == dose), None)


def _record(d: Demo, person: str) -> dict:
    return d.api.get("certificate", f"/v1/persons/{person}/record", d.actors.citizen(person)).expect(200)


def _current(d: Demo, person: str) -> dict | None:
    answer = d.api.get("certificate", f"/v1/persons/{person}/record", d.actors.citizen(person))
    return answer.json().get("current", {}).get("EU_DCC_HC1") if answer.status == 200 else None


def _certificates(d: Demo, day: dict[str, dict]) -> None:
    people = [p for site in day.values() for p in site["doses"]]
    for person in people:
        until(lambda p=person: _current(d, p), timeout=supply.WAIT, what=f"{person}'s certificate")
    first = people[0]
    dcc = _current(d, first)
    verified = d.api.post("certificate", "/v1/verify", {"qr": dcc["qr"]}, d.actors.citizen(first)).expect(200)
    d.step(f"{len(people)} certificates issued (EU DCC, {dcc['level']}); {dcc['certificate_id']} verified: "
           f"valid={verified['valid']}")
    d.summary["certificates"] = len(people)


def _correction(d: Demo, site: dict) -> None:
    person, dose = next(iter(site["doses"].items()))
    before = _current(d, person)["certificate_id"]
    original = until(lambda: _dose(d, person, dose), timeout=supply.WAIT, what=f"immunization's record of {dose}")
    d.api.post("immunization", f"/v1/persons/{person}/doses/{dose}/corrections", {
        "reverses_event_id": original["event_id"], "reason": "recorded on the wrong arm",
        "changes": [{"field": "body_site", "old_value": "LEFT_DELTOID", "new_value": "RIGHT_DELTOID"}]},
        d.actors.district(DISTRICT) | key(dose, "corrected")).expect(201, 200, what="dose correction")
    after = until(lambda: (c := _current(d, person)) and c["certificate_id"] != before and c, timeout=supply.WAIT,
                  what=f"{person}'s certificate reissued")
    revoked = next(c for c in _record(d, person)["certificates"] if c["certificate_id"] == before)
    d.step(f"dose {dose} corrected (wrong arm): certificate {before} {revoked['status']}, reissued as "
           f"{after['certificate_id']}")
    d.summary.update(person_id=person, dose_id=dose, certificate_id=after["certificate_id"],
                     revoked_certificate_id=before)


def _recall(d: Demo, site: dict) -> None:
    person, dose = next(iter(site["doses"].items()))
    certificate = _current(d, person)["certificate_id"]
    d.api.post("inventory", f"/v1/lots/{d.lot_b}/recall", {
        "reason": "particles seen in vials", "authority": "MOH", "decision_reference": f"QD-RECALL-{d.run}"},
        d.actors.national() | key("recall", d.lot_b)).expect(201, 200, what="lot recall")
    until(lambda: _current(d, person) is None, timeout=supply.WAIT, what=f"{person}'s certificate revoked")
    status = next(c for c in _record(d, person)["certificates"] if c["certificate_id"] == certificate)["status"]
    d.step(f"lot {d.lot_b} recalled: {len(site['doses'])} doses given from it no longer count; certificate "
           f"{certificate} of {person} is {status}")
    d.summary["recall"] = {"lot_id": d.lot_b, "person_id": person, "dose_id": dose, "certificate_id": certificate}


def _audit(d: Demo, audit_key: bytes) -> None:
    dose = d.summary["dose_id"]
    d.step(f"the audit trail of dose {dose}, as `vaxtrail trail dose {dose}` prints it:")
    proven = show_dose_audit(d.api, d.actors.auditor(), dose, audit_key, d.say, timeout=supply.WAIT,
                             also=("DoseCorrected", "CertificateRevoked", "CertificateReissued", "SessionPlanned",
                                   "DoseReceived"))
    d.summary["proof"] = proven.summary()
