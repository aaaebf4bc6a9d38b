"""Projection ``cold_chain``: storage units, excursions (open until assessed) and the verdicts per lot."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.inventory.domain import coldchain


def unit_registered(conn, event, e: coldchain.StorageUnitRegistered) -> None:
    conn.execute("INSERT INTO storage_units (storage_unit_id, location_id, unit_type, logger_id)"
                 " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                 (e.storage_unit_id, e.location_id, e.unit_type, e.logger_id))


def excursion_detected(conn, event, e: coldchain.TemperatureExcursionDetected) -> None:
    if e.shipment_id:
        return  # a transport excursion: projection shipments
    conn.execute("INSERT INTO excursions (excursion_id, storage_unit_id, alarm_type, min_celsius, max_celsius,"
                 " started_at, ended_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                 (e.excursion_id, e.storage_unit_id, e.alarm_type, str(e.min_celsius), str(e.max_celsius),
                  e.started_at, e.ended_at))


def excursion_assessed(conn, event, e: coldchain.ExcursionAssessed) -> None:
    if e.shipment_id:
        return  # a transport excursion: projection shipments
    conn.execute("UPDATE excursions SET assessed_at = %s WHERE storage_unit_id = %s AND excursion_id = %s",
                 (e.assessed_at, e.storage_unit_id, e.excursion_id))
    for verdict in e.assessments:
        conn.execute("INSERT INTO excursion_verdicts (storage_unit_id, excursion_id, lot_id, decision, rationale,"
                     " assessed_at) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                     (e.storage_unit_id, e.excursion_id, verdict.lot_id, verdict.decision, verdict.rationale,
                      e.assessed_at))


HANDLERS = {
    coldchain.StorageUnitRegistered: unit_registered,
    coldchain.TemperatureExcursionDetected: excursion_detected,
    coldchain.ExcursionAssessed: excursion_assessed,
}


def cold_chain(codec) -> Projection:
    return declare("cold_chain", HANDLERS, codec=codec, tables=("storage_units", "excursions", "excursion_verdicts"))
