"""Issue 18, item 2 in the certificate service against the real stack: Sputnik V's components as the reference
data codes them (``SPUTNIK-V-I`` / ``SPUTNIK-V-II``) complete a series only as component I then II."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from vaxtrail.inventory.v1 import events_pb2 as inventory

from .certificate_procs import certificate, current, world
from .kafka_helpers import wait_for

__all__ = ["certificate", "world"]


def _sputnik(world) -> dict[str, tuple[str, str]]:
    """Both component presentations and a lot of each: code -> (presentation id, lot id)."""
    tag = uuid.uuid4().hex[:6].upper()
    out = {}
    for code, component in (("SPUTNIK-V-I", "I"), ("SPUTNIK-V-II", "II")):
        pid, lot = f"{code}-{tag}", f"LOT-{code}-{tag}"
        world.publish("inventory", "presentation", pid, inventory.PresentationDefined(
            presentation_id=pid, version=1, vaccine_code=code, vaccine_code_system="NATIONAL",
            brand=f"Sputnik V component {component}", manufacturer="Gamaleya", doses_per_vial=1, dose_volume_ml="0.5",
            open_vial_window_hours=6, series_doses=2, platform="VIRAL_VECTOR", min_age_years=18,
            components=[component]))
        world.lot(lot, f"SP{component}{tag}", pid)
        out[code] = (pid, lot)
    return out


def test_component_two_twice_stays_partial_and_one_then_two_is_complete(certificate, world):
    products = _sputnik(world)
    twice, series = f"P-{uuid.uuid4().hex[:10]}", f"P-{uuid.uuid4().hex[:10]}"
    for person, codes in ((twice, ("SPUTNIK-V-II", "SPUTNIK-V-II")), (series, ("SPUTNIK-V-I", "SPUTNIK-V-II"))):
        world.person(person)
        for number, (code, when) in enumerate(zip(codes, (datetime(2021, 9, 1, 3, tzinfo=UTC),
                                                          datetime(2021, 9, 22, 3, tzinfo=UTC)), strict=True), 1):
            pid, lot = products[code]
            world.dose(person, f"{person}-D{number}", number, when, lot_id=lot, lot_number=lot[-8:],
                       presentation_id=pid)
    wait_for(lambda: current(certificate, series, "COMPLETE"), what="component I then II: complete")
    partial = wait_for(lambda: (found := current(certificate, twice, "PARTIAL")) and len(found["doses"]) == 2
                       and found, what="component II twice: a partial certificate attesting both doses")
    assert partial["current"]["EU_DCC_HC1"]["level"] == "PARTIAL"
