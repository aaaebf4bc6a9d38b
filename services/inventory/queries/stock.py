"""Queries over the stock read models (``stock_on_hand``, ``stock_ledger``, ``shipments``, ``site_usage``,
``consumption_discrepancies``), eventually consistent with the event store.

Balances "as of" a time are sums of ``stock_ledger`` rows up to it; a lot's state as of a time is its
latest decision per scope up to it. A lot is *blocked* at a location when the national decision, the one
for the location's province or the one for the location itself is SUSPENDED or RECALLED, or when it is
past its effective expiry, or its VVM reached stage 3, or it sits in a storage unit with an excursion not yet
assessed, or was assessed DISCARD there (INV-10 ... INV-13, INV-36). Blocking is computed at
read time from the lot's decisions, so one suspension blocks the lot at every location at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date

_BALANCES = """
WITH bal AS (
    SELECT location_id, lot_id, min(presentation_id) AS presentation_id, sum(doses)::bigint AS doses,
           sum(vials)::bigint AS vials
    FROM stock_ledger
    WHERE occurred_at <= %(as_of)s
      AND (%(location_id)s::text IS NULL OR location_id = %(location_id)s)
      AND (%(lot_id)s::text IS NULL OR lot_id = %(lot_id)s)
      AND (%(presentation_id)s::text IS NULL OR presentation_id = %(presentation_id)s)
    GROUP BY location_id, lot_id
),
decided AS (
    SELECT DISTINCT ON (d.lot_id, d.scope, d.scope_id) d.lot_id, d.scope, d.scope_id, d.status
    FROM lot_decisions d
    WHERE d.decided_at <= %(as_of)s
    ORDER BY d.lot_id, d.scope, d.scope_id, d.decided_at DESC
)
SELECT b.location_id, b.lot_id, b.presentation_id, b.doses, b.vials,
       least(CASE WHEN s.beyond_use_date IS NOT NULL AND l.extension_condition IN ('FROZEN', 'FROZEN_ULTRA_COLD')
                  THEN l.label_expiry_date  -- INV-36: a frozen-storage extension does not cover thawed stock
                  ELSE coalesce(l.extended_expiry_date, l.label_expiry_date) END,
             s.beyond_use_date) AS effective_expiry,
       (SELECT d.status FROM decided d
         WHERE d.lot_id = b.lot_id AND d.status <> 'RELEASED'
           AND ((d.scope = 'NATIONAL') OR (d.scope = 'PROVINCE' AND d.scope_id = loc.province_code)
                OR (d.scope = 'SITE' AND d.scope_id = b.location_id))
         ORDER BY (d.status = 'RECALLED') DESC LIMIT 1) AS lot_state,
       coalesce(s.vvm_stage, 0) AS vvm_stage,
       EXISTS (SELECT 1 FROM excursions x
                WHERE s.storage_unit_id <> '' AND x.storage_unit_id = s.storage_unit_id
                  AND x.started_at <= %(as_of)s AND (x.assessed_at IS NULL OR x.assessed_at > %(as_of)s))
         AS quarantined,
       EXISTS (SELECT 1 FROM excursion_verdicts v
                WHERE v.storage_unit_id = s.storage_unit_id AND v.lot_id = b.lot_id AND v.decision = 'DISCARD'
                  AND v.assessed_at <= %(as_of)s) AS discarded
FROM bal b
LEFT JOIN lots l ON l.lot_id = b.lot_id
LEFT JOIN locations loc ON loc.location_id = b.location_id
LEFT JOIN stock_on_hand s ON s.location_id = b.location_id AND s.lot_id = b.lot_id
WHERE b.doses <> 0 OR %(include_empty)s
ORDER BY b.location_id, b.lot_id
"""


def _status(lot_state: str | None, expiry: date | None, vvm: int, on: date, quarantined: bool,
            discarded: bool) -> str:
    if lot_state:
        return lot_state
    if quarantined:
        return "QUARANTINED"
    if discarded:
        return "COLD_CHAIN_DISCARD"
    if expiry is not None and on > expiry:
        return "EXPIRED"
    if vvm >= 3:
        return "VVM_DISCARD"
    return "USABLE"


class StockQueries:
    """The stock routes' queries."""

    def __init__(self, pool, zone: tzinfo = CAMPAIGN_ZONE) -> None:
        self._pool = pool
        self._zone = zone

    @property
    def zone(self) -> tzinfo:
        """The campaign's time zone: business days are its days."""
        return self._zone

    def _rows(self, query: str, params) -> list[tuple]:
        with self._pool.connection() as conn:
            return conn.execute(query, params).fetchall()

    def stock(self, location_id: str | None = None, lot_id: str | None = None, presentation_id: str | None = None,
              as_of: datetime | None = None, include_empty: bool = False) -> list[dict]:
        """Balance per location x presentation x lot as of ``as_of`` (default now), usable vs blocked."""
        moment = as_of or datetime.now(UTC)
        rows = self._rows(_BALANCES, {"as_of": moment, "location_id": location_id, "lot_id": lot_id,
                                      "presentation_id": presentation_id, "include_empty": include_empty})
        items = []
        for loc, lot, presentation, doses, vials, expiry, lot_state, vvm, quarantined, discarded in rows:
            status = _status(lot_state, expiry, vvm, campaign_date(moment, self._zone), quarantined, discarded)
            usable = doses if status == "USABLE" else 0
            items.append({"location_id": loc, "lot_id": lot, "presentation_id": presentation, "doses": doses,
                          "vials": vials, "usable_doses": usable, "blocked_doses": doses - usable, "status": status,
                          "effective_expiry": expiry.isoformat() if expiry else None, "vvm_stage": vvm})
        return items

    def stock_card(self, location_id: str, lot_id: str) -> list[dict]:
        """Every movement of one stock item in business-time order, with the running balance."""
        rows = self._rows(
            "SELECT event_id, occurred_at, kind, doses, vials, reason, reference, counterpart,"
            " (sum(doses) OVER (ORDER BY occurred_at, position))::bigint AS balance"
            " FROM stock_ledger WHERE location_id = %s AND lot_id = %s ORDER BY occurred_at, position",
            (location_id, lot_id))
        return [{"event_id": str(r[0]), "occurred_at": r[1].isoformat(), "kind": r[2], "doses": r[3], "vials": r[4],
                 "reason": r[5], "reference": r[6], "counterpart": r[7], "balance": r[8]} for r in rows]

    def shipments(self, location_id: str | None = None, status: str | None = None,
                  shipment_id: str | None = None) -> list[dict]:
        rows = self._rows(
            "SELECT s.shipment_id, s.from_location_id, s.to_location_id, s.presentation_id, s.status, s.dispatched_at,"
            " s.closed_at, s.allocation_plan_id, s.allocation_line_id, s.open_excursions, s.session_id,"
            " coalesce(json_agg(json_build_object('lot_id', l.lot_id, 'doses', l.doses, 'vials', l.vials,"
            "   'accepted_doses', l.accepted_doses, 'rejected_doses', l.rejected_doses,"
            "   'rejection_reason', l.rejection_reason) ORDER BY l.lot_id) FILTER (WHERE l.lot_id IS NOT NULL), '[]')"
            " FROM shipments s LEFT JOIN shipment_lines l ON l.shipment_id = s.shipment_id"
            " WHERE (%(loc)s::text IS NULL OR s.from_location_id = %(loc)s OR s.to_location_id = %(loc)s)"
            "   AND (%(status)s::text IS NULL OR s.status = %(status)s)"
            "   AND (%(id)s::text IS NULL OR s.shipment_id = %(id)s)"
            " GROUP BY s.shipment_id ORDER BY s.dispatched_at, s.shipment_id",
            {"loc": location_id, "status": status, "id": shipment_id})
        return [{"shipment_id": r[0], "from_location_id": r[1], "to_location_id": r[2], "presentation_id": r[3],
                 "status": r[4], "dispatched_at": r[5].isoformat(), "closed_at": r[6].isoformat() if r[6] else None,
                 "allocation_plan_id": r[7], "allocation_line_id": r[8], "open_excursions": r[9], "session_id": r[10],
                 "lines": r[11]}
                for r in rows]

    def picking(self, location_id: str, presentation_id: str, as_of: datetime | None = None) -> list[dict]:
        """Eligible lots for an issue: usable only, VVM stage 2 before 1, then earliest effective expiry."""
        usable = [r for r in self.stock(location_id, presentation_id=presentation_id, as_of=as_of)
                  if r["status"] == "USABLE" and r["doses"] > 0]
        return sorted(usable, key=lambda r: (-r["vvm_stage"], r["effective_expiry"] or "9999-12-31", r["lot_id"]))

    def outflow(self, location_id: str, since: datetime, until: datetime) -> dict[str, int]:
        """Doses leaving each lot at a location in [since, until): issues and debits (the burn)."""
        rows = self._rows(
            "SELECT lot_id, -sum(doses) FROM stock_ledger WHERE location_id = %s AND occurred_at >= %s"
            " AND occurred_at < %s AND doses < 0 AND kind IN ('ISSUE', 'CONSUMPTION') GROUP BY lot_id",
            (location_id, since, until))
        return {lot: int(doses) for lot, doses in rows}

    def near_expiry(self, location_id: str, days: int, as_of: datetime | None = None) -> list[dict]:
        """Usable lots expiring within ``days``, against the trailing 7-day burn rate and days of supply."""
        moment = as_of or datetime.now(UTC)
        burn = self.outflow(location_id, moment - timedelta(days=7), moment)
        today = campaign_date(moment, self._zone)
        horizon = today + timedelta(days=days)
        result = []
        for row in self.stock(location_id, as_of=moment):
            if row["status"] != "USABLE" or row["effective_expiry"] is None:
                continue
            expiry = date.fromisoformat(row["effective_expiry"])
            daily = burn.get(row["lot_id"], 0) / 7
            supply = None if daily == 0 else round(row["doses"] / daily, 1)
            days_left = (expiry - today).days
            if expiry <= horizon:
                at_risk = row["doses"] if daily == 0 else max(0, round(row["doses"] - daily * days_left))
                result.append(row | {"days_to_expiry": days_left, "daily_burn_rate": round(daily, 2),
                                     "days_of_supply": supply, "doses_at_risk": at_risk})
        return result

    def wastage(self, location_id: str, since: datetime | None = None, until: datetime | None = None) -> dict:
        """Wastage computed from events: closed-vial by reason (debit adjustments, rejected deliveries) and, from
        the immunization topic, open-vial wastage and the usage rate / wastage rate / wastage factor (by campaign
        day: ``site_usage`` is dated by day, so the days of ``since`` and ``until`` count whole)."""
        start, end = since or datetime(2000, 1, 1, tzinfo=UTC), until or datetime.now(UTC)
        adjustments = self._rows(
            "SELECT reason, -sum(doses) FROM stock_ledger WHERE location_id = %s AND kind = 'ADJUSTMENT'"
            " AND doses < 0 AND closed_vial AND occurred_at >= %s AND occurred_at <= %s GROUP BY reason",
            (location_id, start, end))
        rejected = self._rows(
            "SELECT l.rejection_reason, sum(l.rejected_doses) FROM shipments s JOIN shipment_lines l USING (shipment_id)"
            " WHERE s.to_location_id = %s AND s.status = 'RECEIVED' AND l.rejected_doses > 0"
            " AND s.closed_at >= %s AND s.closed_at <= %s GROUP BY l.rejection_reason",
            (location_id, start, end))
        received = self._rows(
            "SELECT coalesce(sum(doses), 0) FROM stock_ledger WHERE location_id = %s AND doses > 0"
            " AND kind IN ('RECEIPT', 'TRANSFER_IN') AND occurred_at >= %s AND occurred_at <= %s",
            (location_id, start, end))[0][0]
        opened, administered, residual = self._rows(  # by campaign day: the days of since and until count whole
            "SELECT coalesce(sum(doses_opened), 0)::bigint, coalesce(sum(doses_administered), 0)::bigint,"
            " coalesce(sum(residual_doses), 0)::bigint FROM site_usage WHERE location_id = %s"
            " AND usage_day >= %s AND usage_day <= %s",
            (location_id, campaign_date(start, self._zone), campaign_date(end, self._zone)))[0]
        by_reason = {reason: int(doses) for reason, doses in adjustments}
        in_delivery = {f"REJECTED_{reason}": int(doses) for reason, doses in rejected}
        closed = sum(by_reason.values()) + sum(in_delivery.values())
        supplied = int(received) + sum(in_delivery.values())
        # PROCESS.md: usage rate = administered / opened x 100; wastage rate = 100 - usage rate;
        # wastage factor = 100 / (100 - wastage rate).
        usage = round(100 * administered / opened, 2) if opened else None
        return {"location_id": location_id, "closed_vial_wastage_doses": closed,
                "closed_vial_wastage_by_reason": by_reason | in_delivery, "doses_supplied": supplied,
                "closed_vial_wastage_rate": round(100 * closed / supplied, 2) if supplied else None,
                "doses_opened": opened, "doses_administered": administered, "open_vial_wastage_doses": residual,
                "usage_rate": usage, "wastage_rate": None if usage is None else round(100 - usage, 2),
                "wastage_factor": round(100 / usage, 3) if usage else None}

    def discrepancies(self, location_id: str) -> list[dict]:
        """Consumption reported by immunization that the site's books could not cover (for reconciliation)."""
        rows = self._rows(
            "SELECT lot_id, source, source_event_id, reference_id, doses, balance_doses, reason, detail, consumed_at,"
            " stock_decremented FROM consumption_discrepancies WHERE location_id = %s ORDER BY consumed_at", (location_id,))
        return [{"location_id": location_id, "lot_id": r[0], "source": r[1], "source_event_id": r[2],
                 "reference_id": r[3], "doses": r[4], "balance_doses": r[5], "reason": r[6], "detail": r[7],
                 "consumed_at": r[8].isoformat(), "stock_decremented": r[9]} for r in rows]
