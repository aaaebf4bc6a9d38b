"""Projection ``catalogue``: locations, presentation versions, lots (with extended expiry), lot decisions."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.inventory.domain import lots, reference


def location_registered(conn, event, e: reference.LocationRegistered) -> None:
    conn.execute(
        "INSERT INTO locations (location_id, kind, name, parent_id, province_code, district_code, supplied_by,"
        " storage_capabilities, active_from) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (location_id) DO NOTHING",
        (e.location_id, e.kind, e.name, e.parent_id, e.province_code, e.district_code, list(e.supplied_by),
         list(e.storage_capabilities), e.active_from),
    )


def location_deactivated(conn, event, e: reference.LocationDeactivated) -> None:
    conn.execute("UPDATE locations SET active_until = %s WHERE location_id = %s", (e.active_until, e.location_id))


def presentation_defined(conn, event, e: reference.PresentationDefined) -> None:
    conn.execute(
        "INSERT INTO presentations (presentation_id, version, brand, manufacturer, doses_per_vial, storage, has_vvm)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (e.presentation_id, e.version, e.brand, e.manufacturer, e.doses_per_vial, e.storage_condition, e.has_vvm),
    )


def lot_registered(conn, event, e: lots.LotRegistered) -> None:
    conn.execute(
        "INSERT INTO lots (lot_id, lot_number, presentation_id, presentation_version, manufacture_date,"
        " label_expiry_date, funding_source) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (lot_id) DO UPDATE SET lot_number = excluded.lot_number,"
        " presentation_id = excluded.presentation_id, presentation_version = excluded.presentation_version,"
        " manufacture_date = excluded.manufacture_date, label_expiry_date = excluded.label_expiry_date,"
        " funding_source = excluded.funding_source",
        (e.lot_id, e.lot_number, e.presentation_id, e.presentation_version, e.manufacture_date, e.label_expiry_date,
         e.funding_source),
    )


def lot_expiry_extended(conn, event, e: lots.LotExpiryExtended) -> None:
    conn.execute("UPDATE lots SET extended_expiry_date = %s, extension_condition = %s WHERE lot_id = %s",
                 (e.new_expiry_date, e.required_storage_condition, e.lot_id))


def _decision(status: str):
    def apply(conn, event, e) -> None:
        conn.execute(
            "INSERT INTO lot_decisions (event_id, lot_id, scope, scope_id, status, reason, decided_at,"
            " decision_reference) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (event.event_id, e.lot_id, e.scope, e.scope_id, status, e.reason, e.decided_at, e.decision_reference),
        )
    return apply


HANDLERS = {
    reference.LocationRegistered: location_registered,
    reference.LocationDeactivated: location_deactivated,
    reference.PresentationDefined: presentation_defined,
    lots.LotRegistered: lot_registered,
    lots.LotExpiryExtended: lot_expiry_extended,
    lots.LotSuspended: _decision(lots.SUSPENDED),
    lots.LotReleased: _decision(lots.RELEASED),
    lots.LotRecalled: _decision(lots.RECALLED),
}


def catalogue(codec) -> Projection:
    return declare("catalogue", HANDLERS, codec=codec, tables=("locations", "presentations", "lots", "lot_decisions"))
