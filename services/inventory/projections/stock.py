"""Projection ``stock_on_hand``: the stock ledger, one row per movement, and the current balances.

Each ledger event says what it does as :class:`Movement` s (a ledger row and a change of balance) and
:class:`PutAway` s (where the stock item sits now, the earliest beyond-use date of thawed vials). Applied one
by one (:func:`apply_one`: dead-letter isolation, DLQ replay) each is a statement; applied as a batch
(:func:`apply_batch`, what the runner does) the batch's movements go to the ledger in one statement that also
adds them up per stock item and writes each balance once, and the put-aways are folded per stock item into
one more statement - no read per event. ``tests/integration/test_inventory_roundtrip.py`` checks that both
leave the same tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.inventory.domain import ledger


class Movement(NamedTuple):
    location_id: str
    lot_id: str
    presentation_id: str
    kind: str
    doses: int
    vials: int
    reason: str = ""
    closed_vial: bool = False
    reference: str = ""
    counterpart: str = ""
    vvm_stage: int = 0


class PutAway(NamedTuple):
    location_id: str
    lot_id: str
    storage_unit_id: str
    beyond_use_date: Any = None


Effects = Iterator[Movement | PutAway]


def dose_received(e: ledger.DoseReceived) -> Effects:
    yield Movement(e.location_id, e.lot_id, e.presentation_id, "RECEIPT", e.doses, e.vials, reason=e.source,
                   reference=e.shipment_reference, vvm_stage=e.vvm_stage)
    yield PutAway(e.location_id, e.lot_id, e.storage_unit_id)


def stock_issued(e: ledger.StockIssued) -> Effects:
    yield Movement(e.location_id, e.lot_id, e.presentation_id, "ISSUE", -e.doses, -e.vials, reference=e.shipment_id,
                   counterpart=e.to_location_id)


def stock_transferred_in(e: ledger.StockTransferredIn) -> Effects:
    yield Movement(e.location_id, e.lot_id, e.presentation_id, "TRANSFER_IN", e.doses, e.vials, reason=e.kind,
                   reference=e.shipment_id, counterpart=e.from_location_id, vvm_stage=e.vvm_stage)
    yield PutAway(e.location_id, e.lot_id, e.storage_unit_id, e.beyond_use_date)


def vials_thawed(e: ledger.VialsThawed) -> Effects:
    yield Movement(e.location_id, e.lot_id, e.presentation_id, "THAW", 0, 0,
                   reason=f"{e.vials} vials, beyond use {e.beyond_use_date.isoformat()}", reference=e.storage_unit_id)
    yield PutAway(e.location_id, e.lot_id, e.storage_unit_id, e.beyond_use_date)


def stock_adjusted(e: ledger.StockAdjusted) -> Effects:
    yield Movement(e.location_id, e.lot_id, e.presentation_id, "ADJUSTMENT", e.doses, e.vials, reason=e.reason,
                   closed_vial=e.closed_vial, reference=e.evidence)


def count_recorded(e: ledger.PhysicalCountRecorded) -> Effects:
    for line in e.lines:
        reasons = ",".join(f"{r.reason}:{r.doses:+d}" for r in line.discrepancy_reasons)
        yield Movement(e.location_id, line.lot_id, e.presentation_id, "COUNT",
                       line.counted_doses - line.previous_balance_doses, 0, reason=reasons)


def movement_reversed(e: ledger.StockMovementReversed) -> Effects:
    yield Movement(e.location_id, e.lot_id, e.presentation_id, "REVERSAL", e.doses, e.vials, reason=e.reason,
                   reference=e.reverses_event_id)


def stock_consumed(e: ledger.StockConsumed) -> Effects:
    yield Movement(e.location_id, e.lot_id, e.presentation_id, "CONSUMPTION", -e.doses, -e.vials, reason=e.source,
                   reference=e.reference_id)


EFFECTS = {
    ledger.DoseReceived: dose_received,
    ledger.StockIssued: stock_issued,
    ledger.StockTransferredIn: stock_transferred_in,
    ledger.StockAdjusted: stock_adjusted,
    ledger.PhysicalCountRecorded: count_recorded,
    ledger.StockMovementReversed: movement_reversed,
    ledger.VialsThawed: vials_thawed,
    ledger.StockConsumed: stock_consumed,
}

# -- one event at a time ----------------------------------------------------------------------------------
_LEDGER_COLUMNS = ("event_id, position, location_id, lot_id, presentation_id, occurred_at, kind, doses, vials, reason,"
                   " closed_vial, reference, counterpart")
_BALANCE_UPDATE = (
    " ON CONFLICT (location_id, lot_id) DO UPDATE SET doses = stock_on_hand.doses + excluded.doses,"
    " vials = stock_on_hand.vials + excluded.vials,"
    " last_event_at = greatest(stock_on_hand.last_event_at, excluded.last_event_at),"
    " vvm_stage = greatest(stock_on_hand.vvm_stage, excluded.vvm_stage)")


def _movement(conn, event, m: Movement) -> None:
    inserted = conn.execute(
        f"INSERT INTO stock_ledger ({_LEDGER_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        (event.event_id, event.position, m.location_id, m.lot_id, m.presentation_id, event.occurred_at, m.kind,
         m.doses, m.vials, m.reason, m.closed_vial, m.reference, m.counterpart),
    ).fetchone()
    if inserted is None:
        return
    conn.execute(
        "INSERT INTO stock_on_hand (location_id, lot_id, presentation_id, doses, vials, last_event_at, vvm_stage)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)" + _BALANCE_UPDATE,
        (m.location_id, m.lot_id, m.presentation_id, m.doses, m.vials, event.occurred_at, m.vvm_stage),
    )


_PUT_AWAY = (
    "UPDATE stock_on_hand s SET storage_unit_id = CASE WHEN u.unit = '' THEN s.storage_unit_id ELSE u.unit END,"
    " beyond_use_date = CASE WHEN u.bud IS NULL THEN s.beyond_use_date"
    "   ELSE least(coalesce(s.beyond_use_date, u.bud), u.bud) END"
    " FROM unnest(%s::text[], %s::text[], %s::text[], %s::date[]) AS u(loc, lot, unit, bud)"
    " WHERE s.location_id = u.loc AND s.lot_id = u.lot")


def _put_away(conn, p: PutAway) -> None:
    conn.execute(_PUT_AWAY, ([p.location_id], [p.lot_id], [p.storage_unit_id], [p.beyond_use_date]))


def apply_one(conn, event, e) -> None:
    for effect in EFFECTS[type(e)](e):
        if isinstance(effect, Movement):
            _movement(conn, event, effect)
        else:
            _put_away(conn, effect)


def discrepancy_detected(conn, event, e: ledger.ConsumptionDiscrepancyDetected) -> None:
    conn.execute(
        "INSERT INTO consumption_discrepancies (event_id, location_id, lot_id, source, source_event_id, reference_id,"
        " doses, balance_doses, reason, detail, consumed_at, stock_decremented)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (event.event_id, e.location_id, e.lot_id, e.source, e.source_event_id, e.reference_id, e.doses,
         e.balance_doses, e.reason, e.detail, e.consumed_at, e.stock_decremented))


# -- a batch at once --------------------------------------------------------------------------------------
# The ledger insert and the balances in one statement: only the movements the ledger took (a copy of an event
# already in it takes nothing, as ON CONFLICT in _movement) add to the balances, one upsert per stock item.
# Columns travel as arrays in binary (%b): psycopg dumps a 1,000-element list in binary about 4x faster than
# as text.
_MOVEMENTS = (
    "WITH input AS (SELECT * FROM unnest(%b::uuid[], %b::bigint[], %b::text[], %b::text[], %b::text[],"
    " %b::timestamptz[], %b::text[], %b::bigint[], %b::int[], %b::text[], %b::bool[], %b::text[], %b::text[],"
    " %b::int[]) WITH ORDINALITY AS i(" + _LEDGER_COLUMNS + ", vvm_stage, ord)),"
    " taken AS (INSERT INTO stock_ledger (" + _LEDGER_COLUMNS + ") SELECT " + _LEDGER_COLUMNS +
    " FROM input ORDER BY ord ON CONFLICT (event_id) DO NOTHING RETURNING event_id)"
    " INSERT INTO stock_on_hand (location_id, lot_id, presentation_id, doses, vials, last_event_at, vvm_stage)"
    " SELECT location_id, lot_id, (array_agg(presentation_id ORDER BY ord))[1], sum(doses), sum(vials),"
    " max(occurred_at), max(vvm_stage) FROM input JOIN taken USING (event_id) GROUP BY location_id, lot_id"
    + _BALANCE_UPDATE)


def apply_batch(conn, items: Sequence[tuple[Any, Any]]) -> None:
    columns: list[list] = [[] for _ in range(14)]
    seen: set = set()
    put_aways: dict[tuple[str, str], list] = {}  # stock item -> [last named unit, earliest beyond-use date]
    for event, e in items:
        effects = EFFECTS.get(type(e))
        if effects is None:
            discrepancy_detected(conn, event, e)
            continue
        for effect in effects(e):
            if isinstance(effect, PutAway):
                fold = put_aways.setdefault((effect.location_id, effect.lot_id), ["", None])
                if effect.storage_unit_id:
                    fold[0] = effect.storage_unit_id
                if effect.beyond_use_date is not None and (fold[1] is None or effect.beyond_use_date < fold[1]):
                    fold[1] = effect.beyond_use_date
                continue
            if event.event_id in seen:
                continue  # one ledger row per event (a second line of a count takes nothing, as in _movement)
            seen.add(event.event_id)
            for column, value in zip(columns, (
                    event.event_id, event.position, effect.location_id, effect.lot_id, effect.presentation_id,
                    event.occurred_at, effect.kind, effect.doses, effect.vials, effect.reason, effect.closed_vial,
                    effect.reference, effect.counterpart, effect.vvm_stage), strict=True):
                column.append(value)
    if columns[0]:
        conn.execute(_MOVEMENTS, columns)
    if put_aways:
        keys = list(put_aways)
        conn.execute(_PUT_AWAY.replace("%s", "%b"), ([k[0] for k in keys], [k[1] for k in keys],
                                                     [put_aways[k][0] for k in keys], [put_aways[k][1] for k in keys]))


def stock_on_hand(codec) -> Projection:
    handlers = {event_class: apply_one for event_class in EFFECTS}
    handlers[ledger.ConsumptionDiscrepancyDetected] = discrepancy_detected
    return declare("stock_on_hand", handlers, codec=codec, batch=apply_batch,
                   tables=("stock_on_hand", "stock_ledger", "consumption_discrepancies"))
