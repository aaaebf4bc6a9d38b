"""Projection ``stock_on_hand``: the stock ledger, one row per movement, and the current balances."""

from __future__ import annotations

from eventkit.projections import Projection
from services.inventory.codec import inventory_event_types
from services.inventory.domain import ledger

T = "vaxtrail.inventory.v1."


def _movement(conn, event, *, location_id: str, lot_id: str, presentation_id: str, kind: str, doses: int, vials: int,
              reason: str = "", closed_vial: bool = False, reference: str = "", counterpart: str = "",
              vvm_stage: int = 0) -> None:
    inserted = conn.execute(
        "INSERT INTO stock_ledger (event_id, position, location_id, lot_id, presentation_id, occurred_at, kind, doses,"
        " vials, reason, closed_vial, reference, counterpart) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        (event.event_id, event.position, location_id, lot_id, presentation_id, event.occurred_at, kind, doses, vials,
         reason, closed_vial, reference, counterpart),
    ).fetchone()
    if inserted is None:
        return
    conn.execute(
        "INSERT INTO stock_on_hand (location_id, lot_id, presentation_id, doses, vials, last_event_at, vvm_stage)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (location_id, lot_id) DO UPDATE SET doses = stock_on_hand.doses + excluded.doses,"
        " vials = stock_on_hand.vials + excluded.vials,"
        " last_event_at = greatest(stock_on_hand.last_event_at, excluded.last_event_at),"
        " vvm_stage = greatest(stock_on_hand.vvm_stage, excluded.vvm_stage)",
        (location_id, lot_id, presentation_id, doses, vials, event.occurred_at, vvm_stage),
    )


def _put_away(conn, location_id: str, lot_id: str, storage_unit_id: str, beyond_use_date=None) -> None:
    """Where the stock item sits now, and the earliest beyond-use date of thawed vials."""
    conn.execute(
        "UPDATE stock_on_hand SET storage_unit_id = CASE WHEN %(unit)s = '' THEN storage_unit_id ELSE %(unit)s END,"
        " beyond_use_date = CASE WHEN %(bud)s::date IS NULL THEN beyond_use_date"
        "   ELSE least(coalesce(beyond_use_date, %(bud)s::date), %(bud)s::date) END"
        " WHERE location_id = %(loc)s AND lot_id = %(lot)s",
        {"unit": storage_unit_id, "bud": beyond_use_date, "loc": location_id, "lot": lot_id})


def dose_received(conn, event, e: ledger.DoseReceived) -> None:
    _movement(conn, event, location_id=e.location_id, lot_id=e.lot_id, presentation_id=e.presentation_id,
              kind="RECEIPT", doses=e.doses, vials=e.vials, reason=e.source, reference=e.shipment_reference,
              vvm_stage=e.vvm_stage)
    _put_away(conn, e.location_id, e.lot_id, e.storage_unit_id)


def stock_issued(conn, event, e: ledger.StockIssued) -> None:
    _movement(conn, event, location_id=e.location_id, lot_id=e.lot_id, presentation_id=e.presentation_id,
              kind="ISSUE", doses=-e.doses, vials=-e.vials, reference=e.shipment_id, counterpart=e.to_location_id)


def stock_transferred_in(conn, event, e: ledger.StockTransferredIn) -> None:
    _movement(conn, event, location_id=e.location_id, lot_id=e.lot_id, presentation_id=e.presentation_id,
              kind="TRANSFER_IN", doses=e.doses, vials=e.vials, reason=e.kind, reference=e.shipment_id,
              counterpart=e.from_location_id, vvm_stage=e.vvm_stage)
    _put_away(conn, e.location_id, e.lot_id, e.storage_unit_id, e.beyond_use_date)


def vials_thawed(conn, event, e: ledger.VialsThawed) -> None:
    _movement(conn, event, location_id=e.location_id, lot_id=e.lot_id, presentation_id=e.presentation_id,
              kind="THAW", doses=0, vials=0, reason=f"{e.vials} vials, beyond use {e.beyond_use_date.isoformat()}",
              reference=e.storage_unit_id)
    _put_away(conn, e.location_id, e.lot_id, e.storage_unit_id, e.beyond_use_date)


def stock_adjusted(conn, event, e: ledger.StockAdjusted) -> None:
    _movement(conn, event, location_id=e.location_id, lot_id=e.lot_id, presentation_id=e.presentation_id,
              kind="ADJUSTMENT", doses=e.doses, vials=e.vials, reason=e.reason, closed_vial=e.closed_vial,
              reference=e.evidence)


def count_recorded(conn, event, e: ledger.PhysicalCountRecorded) -> None:
    for line in e.lines:
        reasons = ",".join(f"{r.reason}:{r.doses:+d}" for r in line.discrepancy_reasons)
        _movement(conn, event, location_id=e.location_id, lot_id=line.lot_id, presentation_id=e.presentation_id,
                  kind="COUNT", doses=line.counted_doses - line.previous_balance_doses, vials=0, reason=reasons)


def movement_reversed(conn, event, e: ledger.StockMovementReversed) -> None:
    _movement(conn, event, location_id=e.location_id, lot_id=e.lot_id, presentation_id=e.presentation_id,
              kind="REVERSAL", doses=e.doses, vials=e.vials, reason=e.reason, reference=e.reverses_event_id)


def stock_consumed(conn, event, e: ledger.StockConsumed) -> None:
    _movement(conn, event, location_id=e.location_id, lot_id=e.lot_id, presentation_id=e.presentation_id,
              kind="CONSUMPTION", doses=-e.doses, vials=-e.vials, reason=e.source, reference=e.reference_id)


def discrepancy_detected(conn, event, e: ledger.ConsumptionDiscrepancyDetected) -> None:
    conn.execute(
        "INSERT INTO consumption_discrepancies (event_id, location_id, lot_id, source, source_event_id, reference_id,"
        " doses, balance_doses, reason, detail, consumed_at, stock_decremented)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (event.event_id, e.location_id, e.lot_id, e.source, e.source_event_id, e.reference_id, e.doses,
         e.balance_doses, e.reason, e.detail, e.consumed_at, e.stock_decremented))


HANDLERS = {
    T + "DoseReceived": dose_received,
    T + "StockIssued": stock_issued,
    T + "StockTransferredIn": stock_transferred_in,
    T + "StockAdjusted": stock_adjusted,
    T + "PhysicalCountRecorded": count_recorded,
    T + "StockMovementReversed": movement_reversed,
    T + "VialsThawed": vials_thawed,
    T + "StockConsumed": stock_consumed,
    T + "ConsumptionDiscrepancyDetected": discrepancy_detected,
}


def stock_on_hand(topic: str, codec) -> Projection:
    return Projection(name="stock_on_hand", topics=(topic,), handlers=HANDLERS,
                      ignored=inventory_event_types() - HANDLERS.keys(), tables=("stock_on_hand", "stock_ledger", "consumption_discrepancies"),
                      decoder=codec.decode)
