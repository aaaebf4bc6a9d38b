"""``inventory_reference``: the supply tree, presentations, lots, lot status per scope and stock per site.

What decides whether a site may open a vial of a lot (INV-10, INV-11, INV-13, INV-28): the lot's
presentation, its effective expiry (label, extension, beyond-use date after thawing - at the site, or upstream:
a delivery's ``StockTransferredIn`` carries the sender's beyond-use date), its status at the site's scopes,
whether the site ever received it, the storage unit it was put away in and that unit's unassessed
temperature excursions.
"""

from __future__ import annotations

from datetime import UTC

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.immunization.projections.common import day
from vaxtrail.inventory.v1 import events_pb2 as inventory


def location_registered(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO ref_location (location_id, kind, parent_id, province_code, district_code, hospital_capable,"
        " name) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (location_id) DO UPDATE SET kind = excluded.kind,"
        " parent_id = excluded.parent_id, province_code = excluded.province_code,"
        " district_code = excluded.district_code, hospital_capable = excluded.hospital_capable,"
        " name = excluded.name",
        (m.location_id, m.kind, m.parent_id, m.province_code, m.district_code, m.hospital_capable, m.name),
    )


def location_deactivated(conn, event, m) -> None:
    conn.execute("UPDATE ref_location SET active_until = %s WHERE location_id = %s",
                 (day(m.active_until), m.location_id))


def presentation_defined(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO ref_presentation (presentation_id, version, vaccine_code, doses_per_vial, extra_doses_allowed,"
        " dose_volume_ml, open_vial_window_hours, min_age_years, components, series_doses, platform)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",  # INV-35: immutable
        (m.presentation_id, m.version, m.vaccine_code, m.doses_per_vial, m.extra_doses_allowed, m.dose_volume_ml,
         m.open_vial_window_hours or 6, m.min_age_years, list(m.components), m.series_doses, m.platform),
    )


def lot_registered(conn, event, m) -> None:
    # A lot without a readable expiry is kept (its status and stock still matter) but never usable: the
    # lot query treats a NULL expiry as already past (INV-10).
    expiry = day(m.label_expiry_date)
    conn.execute(
        "INSERT INTO ref_lot (lot_id, lot_number, presentation_id, presentation_version, label_expiry)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (m.lot_id, m.lot_number, m.presentation_id, m.presentation_version, expiry),
    )


def lot_expiry_extended(conn, event, m) -> None:
    conn.execute("UPDATE ref_lot SET extended_expiry = %s WHERE lot_id = %s", (day(m.new_expiry_date), m.lot_id))


def _lot_status(status: str):
    def apply(conn, event, m) -> None:
        scope_id = "" if m.scope == "NATIONAL" else m.scope_id
        conn.execute(
            "INSERT INTO ref_lot_status (lot_id, scope, scope_id, status) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (lot_id, scope, scope_id) DO UPDATE SET status ="
            " CASE WHEN ref_lot_status.status = 'RECALLED' THEN 'RECALLED' ELSE excluded.status END",
            (m.lot_id, m.scope or "NATIONAL", scope_id, status),
        )
    return apply


def _stock(conn, location_id: str, lot_id: str, doses: int) -> None:
    conn.execute(
        "INSERT INTO ref_site_stock (location_id, lot_id, doses_received) VALUES (%s, %s, %s)"
        " ON CONFLICT (location_id, lot_id) DO UPDATE SET"
        " doses_received = ref_site_stock.doses_received + excluded.doses_received",
        (location_id, lot_id, doses),
    )


def _put_away(conn, location_id: str, lot_id: str, storage_unit_id: str, beyond_use_date: str = "") -> None:
    """The unit the stock now sits in (when named) and the earliest beyond-use date it carries (when set)."""
    _stock(conn, location_id, lot_id, 0)
    if storage_unit_id:
        conn.execute("UPDATE ref_site_stock SET storage_unit_id = %s WHERE location_id = %s AND lot_id = %s",
                     (storage_unit_id, location_id, lot_id))
    bud = day(beyond_use_date)
    if bud is not None:
        conn.execute(
            "UPDATE ref_site_stock SET beyond_use_date = least(coalesce(beyond_use_date, %s), %s)"
            " WHERE location_id = %s AND lot_id = %s", (bud, bud, location_id, lot_id))


def dose_received(conn, event, m) -> None:
    _stock(conn, m.location_id, m.lot_id, m.doses)
    _put_away(conn, m.location_id, m.lot_id, m.storage_unit_id)


def shipment_received(conn, event, m) -> None:
    for line in m.lines:
        if line.accepted_doses > 0:
            _stock(conn, m.to_location_id, line.lot_id, line.accepted_doses)
            _put_away(conn, m.to_location_id, line.lot_id, m.storage_unit_id)


def stock_transferred_in(conn, event, m) -> None:
    # The delivery's ledger line at the site: its doses are counted from ShipmentReceived; what it adds is the
    # beyond-use date the stock carried from upstream (a thaw at the district) and where it was put away.
    _put_away(conn, m.location_id, m.lot_id, m.storage_unit_id, m.beyond_use_date)


def vials_thawed(conn, event, m) -> None:
    _put_away(conn, m.location_id, m.lot_id, m.storage_unit_id, m.beyond_use_date)


def storage_unit_registered(conn, event, m) -> None:
    conn.execute("INSERT INTO ref_storage_unit (storage_unit_id, location_id) VALUES (%s, %s)"
                 " ON CONFLICT (storage_unit_id) DO NOTHING", (m.storage_unit_id, m.location_id))


def excursion_detected(conn, event, m) -> None:
    if not m.storage_unit_id:
        return  # a transport excursion: the delivery waits for its assessment in inventory
    started = m.started_at.ToDatetime(tzinfo=UTC) if m.HasField("started_at") else None
    conn.execute("INSERT INTO ref_excursion (excursion_id, storage_unit_id, started_at) VALUES (%s, %s, %s)"
                 " ON CONFLICT (excursion_id) DO UPDATE SET storage_unit_id = excluded.storage_unit_id,"
                 " started_at = excluded.started_at", (m.excursion_id, m.storage_unit_id, started))


def excursion_assessed(conn, event, m) -> None:
    if not m.storage_unit_id:
        return
    conn.execute("INSERT INTO ref_excursion (excursion_id, storage_unit_id, assessed) VALUES (%s, %s, true)"
                 " ON CONFLICT (excursion_id) DO UPDATE SET assessed = true", (m.excursion_id, m.storage_unit_id))


def inventory_reference() -> Projection:
    return declare("inventory_reference", {
        inventory.LocationRegistered: location_registered,
        inventory.LocationDeactivated: location_deactivated,
        inventory.PresentationDefined: presentation_defined,
        inventory.LotRegistered: lot_registered,
        inventory.LotExpiryExtended: lot_expiry_extended,
        inventory.LotSuspended: _lot_status("SUSPENDED"),
        inventory.LotReleased: _lot_status("RELEASED"),
        inventory.LotRecalled: _lot_status("RECALLED"),
        inventory.DoseReceived: dose_received,
        inventory.ShipmentReceived: shipment_received,
        inventory.StockTransferredIn: stock_transferred_in,
        inventory.VialsThawed: vials_thawed,
        inventory.StorageUnitRegistered: storage_unit_registered,
        inventory.TemperatureExcursionDetected: excursion_detected,
        inventory.ExcursionAssessed: excursion_assessed,
    }, tables=("ref_location", "ref_presentation", "ref_lot", "ref_lot_status", "ref_site_stock", "ref_storage_unit",
               "ref_excursion"))
