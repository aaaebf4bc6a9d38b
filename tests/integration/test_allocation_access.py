"""Every read of allocation's supply, availability, demand and locations checks the caller's scope.

These reads had no scope check: a district officer of district 001 read the national store's stock. Now a
read of a store or location needs a scope on its path (national store: ``national``; a province's store:
``national`` or that province; a district's store or site: ``national``, its province or that district), a
read of demand needs ``national`` (NATIONAL) or the province (PROVINCE). Out of scope is a 403 problem whose
detail does not reveal where the target is; in scope is a 200.
"""

from __future__ import annotations

from .allocation_world import (
    World,
    all_events,
    allocation,
    bearer,
    get,
    world,
)

__all__ = ["allocation", "world"]  # module-scoped fixtures shared by the allocation test modules


def officers(allocation) -> dict[str, dict[str, str]]:
    return {
        "national": bearer(allocation, "national_admin", "national", sub="admin-anh"),
        "province 96": bearer(allocation, "province_officer", "province:96", sub="officer-lan"),
        "province 95": bearer(allocation, "province_officer", "province:95", sub="officer-95"),
        "district 964": bearer(allocation, "district_officer", "district:964", sub="officer-964"),
        "district 001": bearer(allocation, "district_officer", "district:001", sub="officer-001"),
    }


def denied(response, world: World, field: str = "location_id") -> None:
    """A 403 problem naming the field asked about, not which province or district the target belongs to."""
    assert response.status_code == 403, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert (response.json()["rule"], response.json()["field"]) == ("scope", field), response.json()
    detail = response.json()["detail"]
    assert not any(secret in detail for secret in ("province:", "district:", "96", "964", world.run)), detail


def test_supply_of_a_store_is_read_only_within_the_stores_scope(allocation, world):
    who = officers(allocation)
    before = all_events(allocation)

    def supply(caller: str, location: str):
        return get(allocation, "/v1/supply", who[caller], location_id=location, presentation_id=world.presentation)

    for caller in ("province 96", "district 964", "district 001"):
        denied(supply(caller, world.national), world)
    for caller in ("province 95", "district 001"):
        denied(supply(caller, world.store["96"]), world)
        denied(supply(caller, world.district), world)
    assert supply("national", world.national).status_code == 200
    assert supply("province 96", world.store["96"]).status_code == 200
    assert supply("province 96", world.district).status_code == 200
    assert supply("district 964", world.district).json()["items"] == []
    assert all_events(allocation) == before


def test_availability_of_a_store_is_read_only_within_the_stores_scope(allocation, world):
    who = officers(allocation)
    before = all_events(allocation)

    def availability(caller: str, location: str):
        return get(allocation, "/v1/availability", who[caller], location_id=location,
                   presentation_id=world.presentation)

    denied(availability("district 001", world.national), world)
    denied(availability("province 96", world.national), world)
    denied(availability("province 95", world.store["96"]), world)
    assert availability("national", world.national).json()["usable"] == 100_000
    assert availability("province 96", world.store["96"]).status_code == 200
    assert all_events(allocation) == before


def test_demand_is_read_only_within_the_level_and_province_asked_for(allocation, world):
    who = officers(allocation)
    before = all_events(allocation)

    def demand(caller: str, level: str, province: str = ""):
        return get(allocation, "/v1/demand", who[caller], level=level, province_code=province)

    denied(demand("district 964", "NATIONAL"), world, "level")
    denied(demand("province 96", "NATIONAL"), world, "level")
    denied(demand("province 95", "PROVINCE", "96"), world, "province_code")
    denied(demand("district 001", "PROVINCE", "96"), world, "province_code")
    assert demand("national", "NATIONAL").status_code == 200
    assert demand("province 96", "PROVINCE", "96").status_code == 200
    assert all_events(allocation) == before


def test_a_location_is_read_only_within_its_scope(allocation, world):
    who = officers(allocation)
    before = all_events(allocation)

    def location(caller: str, location_id: str):
        return get(allocation, f"/v1/locations/{location_id}", who[caller])

    denied(location("district 001", world.national), world)
    denied(location("district 001", world.district), world)
    denied(location("province 95", world.site), world)
    denied(location("district 964", world.store["96"]), world)
    assert location("district 964", world.district).json()["kind"] == "DISTRICT_STORE"
    assert location("district 964", world.site).status_code == 200
    assert location("province 96", world.district).status_code == 200
    assert location("national", "NO-SUCH-PLACE").status_code == 404
    denied(location("district 964", "NO-SUCH-PLACE"), world)
    assert all_events(allocation) == before
