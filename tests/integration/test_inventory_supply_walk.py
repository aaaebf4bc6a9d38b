"""Issue 3's "done when": a lot walks from the national store to a site over HTTP, against the real stack.

National receipt -> province (partial rejection at delivery) -> district -> site; a wastage adjustment at
the site; a physical count with a discrepancy at the district; a national suspension that blocks further
issues everywhere at once. After every step the read models (through Kafka) show the hand-computed
balances, and "as of" queries show each earlier step as it stood. Each actor uses its own role and scope.

Hand-computed figures (doses of one AstraZeneca 10-dose lot):

    step                                   NAT-EPI  CDC-79  DHC-760  S-79-760-01  in transit
    d0 receipt at NAT-EPI 10,000            10,000       0        0            0           0
    d1 dispatch NAT -> CDC-79 4,000          6,000       0        0            0       4,000
    d2 delivery: 3,900 accepted, 100 rej.    6,000   3,900        0            0           0
    d3 dispatch CDC -> DHC 2,000             6,000   1,900        0            0       2,000
    d4 delivery: 2,000 accepted              6,000   1,900    2,000            0           0
    d5 dispatch DHC -> site 500 (of the 600
       dispensed to a session), delivered    6,000   1,900    1,500          500           0
    d6 site wastage (breakage) -20           6,000   1,900    1,500          480           0
    d7 district count 1,490 (breakage -10)   6,000   1,900    1,490          480           0
    d8 national suspension: every location SUSPENDED, usable 0; an issue on d9 is refused (INV-11)
"""

from __future__ import annotations

import uuid

import pytest
import requests

from .inventory_stack import (
    assert_problem,
    bearer,
    day,
    dispatched_once_dispensed,
    dispense,
    event_count,
    eventually,
    get,
    post,
    register_lot,
    seeded_inventory,
)
from .kafka_helpers import read_topic

SITE = "S-79-760-01"


inventory, admin = seeded_inventory("inventory-walk")


@pytest.fixture(scope="module")
def actors(inventory):
    return {
        "national": bearer(inventory, "national_admin", "national"),
        "province": bearer(inventory, "province_officer", "province:79"),
        "district": bearer(inventory, "district_officer", "district:760"),
        "site": bearer(inventory, "site_manager", f"site:{SITE}"),
    }


class Walk:
    def __init__(self, service, actors, lot: str) -> None:
        self.service, self.actors, self.lot = service, actors, lot
        self.run = uuid.uuid4().hex[:6].upper()

    def rows(self, location_id: str, **params) -> list[dict]:
        body = get(self.service, "/v1/stock", self.actors["national"], location_id=location_id, lot_id=self.lot,
                   **params)
        return body["items"]

    def balance(self, location_id: str, **params) -> int:
        return sum(r["doses"] for r in self.rows(location_id, **params))

    def expect(self, figures: dict[str, int], what: str) -> None:
        """Wait until the read model shows exactly these balances (it is eventually consistent)."""
        eventually(lambda: {loc: self.balance(loc) for loc in figures} == figures, what=what)

    def dispatch(self, number: int, sender: str, receiver: str, doses: int, offset: int, actor: str,
                 session: str = ""):
        body = {"shipment_id": f"SHP-{self.run}-{number}", "from_location_id": sender, "to_location_id": receiver,
                "lines": [{"lot_id": self.lot, "doses": doses}], "dispatched_at": day(offset), "session_id": session}
        if session:
            return dispatched_once_dispensed(self.service, body, self.actors[actor])
        return post(self.service, "/v1/shipments", body, self.actors[actor])

    def deliver(self, number: int, accepted: int, rejected: int, offset: int, actor: str, hour: int = 15):
        line = {"lot_id": self.lot, "accepted_doses": accepted, "rejected_doses": rejected, "vvm_stage": 1}
        if rejected:
            line["rejection_reason"] = "DAMAGED"
        return post(self.service, f"/v1/shipments/SHP-{self.run}-{number}/delivery",
                    {"received_at": day(offset, hour), "lines": [line]}, self.actors[actor])


def test_a_lot_walks_from_national_receipt_to_a_site_and_balances_match_at_every_step(inventory, actors, infra):
    walk = Walk(inventory, actors, register_lot(inventory))
    lot = walk.lot

    # d0: 10,000 doses (1,000 vials) enter the supply tree at the national store.
    receipt = post(inventory, "/v1/receipts", {
        "location_id": "NAT-EPI", "lot_id": lot, "presentation_id": "AZ-VAXZEVRIA-10", "doses": 10_000,
        "vials": 1_000, "source": "covax", "shipment_reference": f"COVAX-{walk.run}", "received_at": day(0)},
        actors["national"])
    assert receipt.status_code == 201, receipt.text
    walk.expect({"NAT-EPI": 10_000}, "the national receipt")

    # d1: 4,000 leave for the provincial CDC; they are in transit, at neither end.
    assert walk.dispatch(1, "NAT-EPI", "CDC-79", 4_000, 1, "national").status_code == 201
    walk.expect({"NAT-EPI": 6_000, "CDC-79": 0}, "the issue at the national store")
    # Other modules' services publish shipments to CDC-79 on the same topic: wait for this walk's own.
    mine = eventually(lambda: [s for s in get(inventory, "/v1/shipments", actors["province"], location_id="CDC-79",
                                              status="DISPATCHED")["items"] if s["shipment_id"] == f"SHP-{walk.run}-1"],
                      what="the shipment in transit")
    assert mine and mine[0]["lines"][0]["doses"] == 4_000

    # d2: the province accepts 3,900 and rejects 100 as damaged (accepted + rejected = shipped, INV-9).
    assert walk.deliver(1, 3_900, 100, 2, "province").status_code == 201
    walk.expect({"NAT-EPI": 6_000, "CDC-79": 3_900}, "the partial delivery at the province")
    delivered = eventually(lambda: [s for s in get(inventory, "/v1/shipments", actors["province"],
                                                   location_id="CDC-79")["items"]
                                    if s["shipment_id"] == f"SHP-{walk.run}-1" and s["status"] == "RECEIVED"],
                           what="the delivered shipment")
    assert delivered[0]["lines"][0] | {"vials": None} == {
        "lot_id": lot, "doses": 4_000, "vials": None, "accepted_doses": 3_900, "rejected_doses": 100,
        "rejection_reason": "DAMAGED"}

    # d3-d4: province -> district, all accepted.
    assert walk.dispatch(2, "CDC-79", "DHC-760", 2_000, 3, "province").status_code == 201
    assert walk.deliver(2, 2_000, 0, 4, "district").status_code == 201
    walk.expect({"CDC-79": 1_900, "DHC-760": 2_000}, "the district delivery")

    # d5: district -> site, carrying the district's dispensation to a session there; delivered the same afternoon.
    session = dispense(infra, f"SES-{walk.run}", SITE, {lot: 600})
    assert walk.dispatch(3, "DHC-760", SITE, 500, 5, "district", session).status_code == 201
    assert walk.deliver(3, 500, 0, 5, "site", hour=16).status_code == 201
    walk.expect({"DHC-760": 1_500, SITE: 500}, "the site delivery")

    # d6: the site writes off two broken vials (closed-vial wastage, a debit reason with a negative sign).
    wasted = post(inventory, "/v1/adjustments", {"location_id": SITE, "lot_id": lot, "doses": -20,
                                                 "reason": "BREAKAGE", "adjusted_at": day(6)}, actors["site"])
    assert wasted.status_code == 201, wasted.text
    walk.expect({SITE: 480}, "the wastage adjustment")
    wastage = get(inventory, "/v1/wastage", actors["site"], location_id=SITE)
    assert wastage["closed_vial_wastage_by_reason"].get("BREAKAGE", 0) >= 20

    # d7: the district counts 1,490 against a book balance of 1,500 and explains the -10.
    counted = post(inventory, "/v1/counts", {"location_id": "DHC-760", "counted_at": day(7), "lines": [
        {"lot_id": lot, "counted_doses": 1_490, "discrepancy_reasons": [{"reason": "BREAKAGE", "doses": -10}]}]},
        actors["district"])
    assert counted.status_code == 201, counted.text
    walk.expect({"NAT-EPI": 6_000, "CDC-79": 1_900, "DHC-760": 1_490, SITE: 480}, "the count at the district")
    card = get(inventory, "/v1/stock-card", actors["district"], location_id="DHC-760", lot_id=lot)["lines"]
    assert [(line["kind"], line["doses"], line["balance"]) for line in card] == [
        ("TRANSFER_IN", 2_000, 2_000), ("ISSUE", -500, 1_500), ("COUNT", -10, 1_490)]

    # Every step as it stood: balances as of earlier dates come from the same events.
    assert walk.balance("NAT-EPI", as_of=day(0, 23)) == 10_000
    assert walk.balance("CDC-79", as_of=day(2, 23)) == 3_900
    assert walk.balance("DHC-760", as_of=day(4, 23)) == 2_000
    assert walk.balance(SITE, as_of=day(5, 23)) == 500
    assert walk.balance(SITE, as_of=day(5, 12)) == 0  # the district's issue was on its way

    # d8: a national suspension blocks the lot at every location at once (recall fan-out in the reads).
    suspended = post(inventory, f"/v1/lots/{lot}/suspend", {
        "scope": "NATIONAL", "reason": "AEFI cluster under review", "authority": "MOH",
        "decision_reference": f"MOH-{walk.run}", "decided_at": day(8)}, actors["national"])
    assert suspended.status_code == 201, suspended.text
    everywhere = ("NAT-EPI", "CDC-79", "DHC-760", SITE)
    eventually(lambda: all(r["status"] == "SUSPENDED" and r["usable_doses"] == 0
                           for loc in everywhere for r in walk.rows(loc)), what="the suspension everywhere")
    published = [r for r in read_topic(infra.kafka_bootstrap, "vaxtrail.inventory.v1") if r.key == f"lot:{lot}".encode()]
    assert b"vaxtrail.inventory.v1.LotSuspended" in [dict(r.headers)["ce_type"] for r in published]
    before = walk.rows("DHC-760", as_of=day(7, 23))
    assert (before[0]["status"], before[0]["usable_doses"]) == ("USABLE", 1_490)

    # d9: the district may not issue from the suspended lot; nothing is appended.
    events_before = event_count(inventory)
    refused = walk.dispatch(4, "DHC-760", SITE, 100, 9, "district", session)
    assert_problem(refused, "INV-11", "lines[0].lot_id")
    assert event_count(inventory) == events_before
    walk.expect({"NAT-EPI": 6_000, "CDC-79": 1_900, "DHC-760": 1_490, SITE: 480}, "unchanged balances")


def test_picking_suggests_usable_lots_earliest_expiry_first_and_near_expiry_lists_the_soonest(inventory, actors):
    later = register_lot(inventory, expires=300)
    sooner = register_lot(inventory, expires=200)
    for lot in (later, sooner):
        assert post(inventory, "/v1/receipts", {
            "location_id": "NAT-EPI", "lot_id": lot, "presentation_id": "AZ-VAXZEVRIA-10", "doses": 100,
            "vials": 10, "source": "covax", "shipment_reference": "COVAX-PICK", "received_at": day(0)},
            actors["national"]).status_code == 201

    def suggested():
        items = get(inventory, "/v1/picking", actors["national"], location_id="NAT-EPI",
                    presentation_id="AZ-VAXZEVRIA-10")["items"]
        return [r["lot_id"] for r in items if r["lot_id"] in (later, sooner)]

    assert eventually(lambda: suggested() if len(suggested()) == 2 else None, what="both lots") == [sooner, later]

    expiring = get(inventory, "/v1/near-expiry", actors["national"], location_id="NAT-EPI", days=250)["items"]
    mine = {r["lot_id"]: r for r in expiring if r["lot_id"] in (later, sooner)}
    assert list(mine) == [sooner]  # expires within 250 days; the other lot does not
    assert (mine[sooner]["doses"], mine[sooner]["daily_burn_rate"], mine[sooner]["doses_at_risk"]) == (100, 0, 100)


def test_a_reader_outside_the_scope_is_refused(inventory):
    other_province = bearer(inventory, "province_officer", "province:01")
    response = inventory_get(inventory, other_province, location_id="CDC-79")
    assert response.status_code == 403 and response.json()["field"] == "location_id"


def inventory_get(service, headers, **params):
    return requests.get(service.url("/v1/stock"), params=params, headers=headers, timeout=10)
