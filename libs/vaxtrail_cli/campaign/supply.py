"""The supply chain of a campaign, through inventory's and allocation's public APIs.

Reference data (the seed, sites, lots), receipts at the national store, allocation plans drafted, submitted,
approved by a second officer and released (INV-16), shipments dispatched against a released line and signed
for by the receiver (proof of delivery, INV-9), sessions planned at a site and stock dispensed to them.

Where one service must first learn another's news from its topic (inventory a release, allocation a
presentation, a store, a receipt or a new site), the driver waits by polling a read of the service that will
use it (:func:`wait_for_store`) or by sending the write again while the answer says the news has not arrived
(:func:`~vaxtrail_cli.campaign.polling.retry_while`). News of different aggregates arrives in no particular
order (a topic has several partitions), so each needed fact is waited for, not only the last one sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta

from vaxtrail_cli.campaign.actors import Actors, Clock
from vaxtrail_cli.campaign.client import Api
from vaxtrail_cli.campaign.polling import refused_for, retry_while, until

NATIONAL = "NAT-EPI"
PRESENTATION = "AZ-VAXZEVRIA-10"  # 10-dose vials
DOSES_PER_VIAL = 10
WAIT = 120.0  # an upper bound for a read model to catch up on a loaded 2-core machine


def key(*parts: object) -> dict[str, str]:
    """An ``Idempotency-Key`` header: every write the driver sends can be retried safely."""
    return {"Idempotency-Key": ":".join(str(p) for p in parts)[:200]}


def fresh_key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def seed(api: Api, actors: Actors) -> None:
    """The versioned reference seed (supply tree, presentations); idempotent."""
    api.post("inventory", "/v1/reference/seed", {"version": 1}, actors.national()).expect(200, 201, what="seed")


def register_lot(api: Api, actors: Actors, clock: Clock, lot_id: str, presentation: str = PRESENTATION, *,
                 expires_in_days: int = 400) -> None:
    api.post("inventory", "/v1/lots", {
        "lot_id": lot_id, "lot_number": lot_id, "presentation_id": presentation, "presentation_version": 1,
        "manufacture_date": clock.day(-60), "label_expiry_date": clock.day(expires_in_days),
        "funding_source": "COVAX", "release_certificate_reference": f"NICVB-{lot_id}"},
        actors.national() | fresh_key()).expect(201, what=f"lot {lot_id}")


def receive(api: Api, actors: Actors, clock: Clock, lot_id: str, doses: int, *, presentation: str = PRESENTATION,
            doses_per_vial: int = DOSES_PER_VIAL, location: str = NATIONAL, hours_ago: float = 10) -> None:
    api.post("inventory", "/v1/receipts", {
        "location_id": location, "lot_id": lot_id, "presentation_id": presentation, "doses": doses,
        "vials": doses // doses_per_vial, "source": "covax", "shipment_reference": f"COVAX-{lot_id}",
        "received_at": clock.ago(hours=hours_ago)}, actors.national() | key("receipt", lot_id)).expect(
        201, 200, what=f"receipt of {lot_id}")


def register_site(api: Api, actors: Actors, clock: Clock, site_id: str, *, province: str, district: str,
                  district_store: str, tables: int = 6) -> None:
    api.post("inventory", "/v1/locations", {
        "location_id": site_id, "kind": "SITE", "name": f"Site {site_id}", "parent_id": district_store,
        "province_code": province, "district_code": district, "active_from": clock.day(-2),
        "injection_tables": tables, "storage_capabilities": ["FRIDGE"], "supplied_by": [district_store]},
        actors.national() | key("site", site_id)).expect(201, 200, what=f"site {site_id}")


def supply(api: Api, actors: Actors, location: str, lot_id: str, presentation: str = PRESENTATION, *,
           usable: bool = False) -> int:
    """Doses of a lot at a store as allocation's supply read model (from inventory's topic) sees them (only if
    the lot is usable there: released, unexpired, known, with ``usable``)."""
    response = api.get("allocation", "/v1/supply", actors.analyst(), params={
        "location_id": location, "presentation_id": presentation}, route="GET /v1/supply")
    if response.status != 200:
        return -1
    return sum(i["on_hand"] for i in response.json()["items"] if i["lot_id"] == lot_id and (i["usable"] or not usable))


def wait_for_store(api: Api, actors: Actors, location: str, lots: Mapping[str, int], *,
                   presentation: str = PRESENTATION, recipients: Sequence[str] = ()) -> None:
    """Wait until allocation can plan or dispense from a store: it knows the presentation (``GET
    /v1/availability`` answers 422 INV-17 until then), the stores of the plan's ``recipients`` and the store
    itself, and sees at least ``lots``' doses there, usable.

    Each of these is a separate aggregate on inventory's topic, whose partitions allocation reads in no
    particular order across aggregates: the seed's presentations and locations, the lots and their stock.
    """
    retry_while(lambda: api.get("allocation", "/v1/availability", actors.analyst(), params={
        "location_id": location, "presentation_id": presentation}, route="GET /v1/availability"),
        refused_for("INV-17", "presentation_id"), timeout=WAIT,
        what=f"allocation to know presentation {presentation}").expect(200, what="availability")
    for store in (location, *recipients):
        retry_while(lambda store=store: api.get("allocation", f"/v1/locations/{store}", actors.analyst(),
                                                route="GET /v1/locations/{location_id}"),
                    lambda r: r.status == 404, timeout=WAIT, what=f"allocation to know location {store}").expect(
            200, what=f"location {store}")
    for lot_id, doses in lots.items():
        until(lambda lot_id=lot_id, doses=doses: supply(api, actors, location, lot_id, presentation,
                                                        usable=True) >= doses,
              timeout=WAIT, what=f"allocation to see {doses} usable doses of {lot_id} at {location}")


def draft_plan(api: Api, clock: Clock, plan: Mapping, writer: Mapping[str, str],
               presentation: str = PRESENTATION) -> None:
    body = {"presentation_id": presentation, "method": "MANUAL", "funding_source": "COVAX",
            "legal_reference": f"QD-{plan['plan_id']}", "completion_deadline_date": clock.day(60), **plan}
    # A pinned lot's expiry comes with its LotRegistered, which allocation may read after the lot's stock (another
    # aggregate of inventory's topic): "no usable lot" until then, and such a refusal appends nothing.
    retry_while(lambda: api.post("allocation", "/v1/allocation-plans", body, writer,
                                 route="POST /v1/allocation-plans"),
                lambda r: r.status == 422 and r.rule == "INV-17" and "no usable lot" in r.text, timeout=WAIT,
                what=f"allocation to know the expiry of the lots of {plan['plan_id']}").expect(
        201, what=f"plan {plan['plan_id']}")
    api.post("allocation", f"/v1/allocation-plans/{plan['plan_id']}/submit", {"comment": "for approval"},
             writer, route="POST /v1/allocation-plans/{plan_id}/submit").expect(201, what="submit")


def approve_and_release(api: Api, plan_id: str, approver: Mapping[str, str]) -> dict:
    """The second officer approves (INV-16) and releases; returns the released plan."""
    api.post("allocation", f"/v1/allocation-plans/{plan_id}/approve", {"comment": "ok"}, approver,
             route="POST /v1/allocation-plans/{plan_id}/approve").expect(201, what=f"approve {plan_id}")
    api.post("allocation", f"/v1/allocation-plans/{plan_id}/release", {}, approver,
             route="POST /v1/allocation-plans/{plan_id}/release").expect(201, what=f"release {plan_id}")
    return api.get("allocation", f"/v1/allocation-plans/{plan_id}", approver,
                   route="GET /v1/allocation-plans/{plan_id}").expect(200, what=f"plan {plan_id}")


def release_plan(api: Api, clock: Clock, plan: Mapping, *, writer: Mapping[str, str], approver: Mapping[str, str],
                 presentation: str = PRESENTATION) -> dict:
    """Draft (MANUAL lines), submit, approve by a second officer, release; returns the released plan."""
    draft_plan(api, clock, plan, writer, presentation)
    return approve_and_release(api, plan["plan_id"], approver)


def lines_by_recipient(plan: Mapping) -> dict[str, dict]:
    return {line["recipient_unit_id"]: line for line in plan["lines"]}


def dispatch(api: Api, shipper: Mapping[str, str], shipment_id: str, sender: str, receiver: str,
             lines: Sequence[Mapping], dispatched_at: str, *, plan_id: str = "", line_id: str = "",
             session_id: str = "") -> dict:
    """Dispatch naming the allocation line it fulfils or the session dispensation it carries to a site (INV-17);
    sent again while inventory has not yet seen the release or the dispensation."""
    body = {"shipment_id": shipment_id, "from_location_id": sender, "to_location_id": receiver,
            "lines": list(lines), "dispatched_at": dispatched_at, "allocation_plan_id": plan_id,
            "allocation_line_id": line_id, "session_id": session_id}
    release_unseen, dispensation_unseen = refused_for("INV-16", "allocation_line_id"), refused_for("INV-17",
                                                                                                   "session_id")
    return retry_while(lambda: api.post("inventory", "/v1/shipments", body, shipper | key("dispatch", shipment_id)),
                       lambda response: release_unseen(response) or dispensation_unseen(response), timeout=WAIT,
                       what=f"inventory to see the release or dispensation behind {shipment_id}").expect(
        201, 200, what=f"dispatch {shipment_id}")


def deliver(api: Api, signer: Mapping[str, str], shipment_id: str, lines: Sequence[Mapping], received_at: str) -> dict:
    return api.post("inventory", f"/v1/shipments/{shipment_id}/delivery", {
        "received_at": received_at, "lines": list(lines)}, signer | key("delivery", shipment_id),
        route="POST /v1/shipments/{shipment_id}/delivery").expect(201, 200, what=f"delivery of {shipment_id}")


def ship(api: Api, clock: Clock, shipment_id: str, sender: str, receiver: str, lot_doses: Mapping[str, int],
         hours_ago: float, shipper: Mapping[str, str], signer: Mapping[str, str], *, plan_id: str = "",
         line_id: str = "", session_id: str = "") -> None:
    """Dispatch and the receiver's proof of delivery, every dose accepted (VVM stage 1)."""
    dispatch(api, shipper, shipment_id, sender, receiver, [{"lot_id": lot, "doses": d} for lot, d in lot_doses.items()],
             clock.ago(hours=hours_ago), plan_id=plan_id, line_id=line_id, session_id=session_id)
    deliver(api, signer, shipment_id, [{"lot_id": lot, "accepted_doses": d, "vvm_stage": 1}
                                       for lot, d in lot_doses.items()], clock.ago(hours=hours_ago - 0.5))


def plan_session(api: Api, district: Mapping[str, str], clock: Clock, session_id: str, site_id: str, *,
                 persons: int, tables: int = 6, hours: float = 20, starts_in_minutes: float = 20,
                 presentation: str = PRESENTATION) -> None:
    """A session at a site, starting soon (appointments can still be booked); sent again while allocation does
    not yet know the site (INV-19 on ``site_id``)."""
    starts_local = clock.at(timedelta(minutes=starts_in_minutes))
    capacity = int(tables * hours * 20)
    doses = -(-max(persons, 1) // DOSES_PER_VIAL) * DOSES_PER_VIAL
    body = {"session_id": session_id, "site_id": site_id, "session_date": starts_local[:10],
            "starts_at": starts_local, "ends_at": clock.at(timedelta(minutes=starts_in_minutes, hours=hours)),
            "injection_tables": tables, "presentation_id": presentation, "planned_persons": min(persons, capacity),
            "planned_doses": max(doses, min(persons, capacity))}
    retry_while(lambda: api.post("allocation", "/v1/sessions", body, district | key("session", session_id)),
                refused_for("INV-19", "site_id"), timeout=WAIT, what=f"allocation to know site {site_id}").expect(
        201, 200, what=f"session {session_id}")


def dispense(api: Api, district: Mapping[str, str], session_id: str, lot_id: str, doses: int) -> None:
    """Dispense district stock to the session's site; sent again while allocation's supply read model has not
    yet seen the district's stock (INV-19 on the line)."""
    body = {"lines": [{"lot_id": lot_id, "doses": doses, "vials": doses // DOSES_PER_VIAL}]}
    retry_while(lambda: api.post("allocation", f"/v1/sessions/{session_id}/dispensations", body,
                                 district | key("dispense", session_id),
                                 route="POST /v1/sessions/{session_id}/dispensations"),
                refused_for("INV-19", "lines.0.lot_id", "lines.0.doses"), timeout=WAIT,
                what=f"allocation to see the district stock for {session_id}").expect(
        201, 200, what=f"dispensation to {session_id}")
