"""Public figures and the site finder of the real inventory service, without a token: a national receipt
counts for the country (by day and total, no province row), a delivery into CDC-79 for province 79; the finder
lists the seeded sites by province, district and text, and never a store or a stock figure.

The business days are about 300 days ago, where no other module of the session books stock on the shared
inventory topic (every projection of every inventory under test reads it).
"""

from __future__ import annotations

import uuid

import requests

from .inventory_stack import bearer, date_of, day, eventually, post, register_lot, seeded_inventory

inventory, admin = seeded_inventory("inventory-public")
RECEIVED, SHIPPED, DELIVERED = -290, -289, -288


def public(service, path: str, **params) -> requests.Response:
    return requests.get(service.url(path), params=params, timeout=15)  # no Authorization header


def test_received_nationally_and_delivered_to_a_province_by_day_without_a_token(inventory, admin):
    lot = register_lot(inventory, made=-400)
    run = uuid.uuid4().hex[:6].upper()
    assert post(inventory, "/v1/receipts", {
        "location_id": "NAT-EPI", "lot_id": lot, "presentation_id": "AZ-VAXZEVRIA-10", "doses": 10_000,
        "vials": 1_000, "source": "covax", "shipment_reference": f"COVAX-{run}", "received_at": day(RECEIVED)},
        admin).status_code == 201
    assert post(inventory, "/v1/shipments", {
        "shipment_id": f"SHP-{run}", "from_location_id": "NAT-EPI", "to_location_id": "CDC-79",
        "lines": [{"lot_id": lot, "doses": 4_000}], "dispatched_at": day(SHIPPED)}, admin).status_code == 201
    assert post(inventory, f"/v1/shipments/SHP-{run}/delivery", {
        "received_at": day(DELIVERED), "lines": [{"lot_id": lot, "accepted_doses": 4_000, "vvm_stage": 1}]},
        bearer(inventory, "province_officer", "province:79")).status_code == 201
    period = {"from": date_of(RECEIVED), "to": date_of(DELIVERED)}

    def figures():
        body = public(inventory, "/v1/public/figures", **period).json()
        return body if body["total"] == {"received": 10_000, "delivered_to_provinces": 4_000} else None

    body = eventually(figures, "the receipt and the delivery in the public figures", timeout=60)
    assert body["by_province"] == [{"province_code": "79", "received": 0, "delivered_to_provinces": 4_000}]
    assert [(d["received"], d["delivered_to_provinces"]) for d in body["by_day"]] == [(10_000, 0), (0, 0), (0, 4_000)]
    assert lot not in public(inventory, "/v1/public/figures", **period).text


def test_the_site_finder_searches_sites_by_province_district_and_text_without_a_token(inventory):
    everything = public(inventory, "/v1/public/sites", limit=200).json()
    assert everything["total"] > 0 and all(set(s) == {"location_id", "name", "province_code", "district_code"}
                                           for s in everything["items"])
    assert "NAT-EPI" not in {s["location_id"] for s in everything["items"]}  # stores are not vaccination sites
    in_79 = public(inventory, "/v1/public/sites", province="79", district="760", limit=200).json()["items"]
    assert in_79 and all((s["province_code"], s["district_code"]) == ("79", "760") for s in in_79)
    first = next(s for s in in_79 if s["location_id"] == "S-79-760-01")  # the seed's (other modules add sites)
    assert first["name"] == "Điểm tiêm 1 Quận 1"
    found = public(inventory, "/v1/public/sites", q="diem tiem 1 QUAN 1").json()["items"]
    assert first in found and all("Quận 1" in s["name"] for s in found)
    assert public(inventory, "/v1/public/sites", q="100%_no_such_site").json() == {
        "total": 0, "limit": 50, "offset": 0, "items": []}
    refused = public(inventory, "/v1/public/sites", district="76")
    assert refused.status_code == 422 and refused.json()["field"] == "district"


def test_the_locations_route_still_refuses_a_request_without_a_token(inventory):
    assert public(inventory, "/v1/locations").status_code == 401
