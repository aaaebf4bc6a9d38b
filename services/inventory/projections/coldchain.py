"""Projection ``cold_chain``: storage units, excursions (open until assessed) and the verdicts per lot."""

from __future__ import annotations

from eventkit.projections import Projection
from services.inventory.codec import inventory_event_types
from services.inventory.domain import coldchain

T = "vaxtrail.inventory.v1."


def unit_registered(conn, event, e: coldchain.StorageUnitRegistered) -> None:
    conn.execute("INSERT INTO storage_units (storage_unit_id, location_id, unit_type, logger_id)"
                 " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                 (e.storage_unit_id, e.location_id, e.unit_type, e.logger_id))


def excursion_detected(conn, event, e: coldchain.TemperatureExcursionDetected) -> None:
    conn.execute("INSERT INTO excursions (excursion_id, storage_unit_id, alarm_type, min_celsius, max_celsius,"
                 " started_at, ended_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                 (e.excursion_id, e.storage_unit_id, e.alarm_type, str(e.min_celsius), str(e.max_celsius),
                  e.started_at, e.ended_at))


def excursion_assessed(conn, event, e: coldchain.ExcursionAssessed) -> None:
    conn.execute("UPDATE excursions SET assessed_at = %s WHERE storage_unit_id = %s AND excursion_id = %s",
                 (e.assessed_at, e.storage_unit_id, e.excursion_id))
    for verdict in e.assessments:
        conn.execute("INSERT INTO excursion_verdicts (storage_unit_id, excursion_id, lot_id, decision, rationale,"
                     " assessed_at) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                     (e.storage_unit_id, e.excursion_id, verdict.lot_id, verdict.decision, verdict.rationale,
                      e.assessed_at))


HANDLERS = {
    T + "StorageUnitRegistered": unit_registered,
    T + "TemperatureExcursionDetected": excursion_detected,
    T + "ExcursionAssessed": excursion_assessed,
}


def cold_chain(topic: str, codec) -> Projection:
    return Projection(name="cold_chain", topics=(topic,), handlers=HANDLERS,
                      ignored=inventory_event_types() - HANDLERS.keys(),
                      tables=("storage_units", "excursions", "excursion_verdicts"), decoder=codec.decode)
