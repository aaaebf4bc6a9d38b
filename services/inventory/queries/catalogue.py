"""Queries over the ``catalogue`` read model (locations, presentations, lots)."""

from __future__ import annotations


class CatalogueQueries:
    """Queries over the catalogue read model: the supply tree, presentation versions and lots."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def locations(self, kind: str | None = None, province_code: str | None = None,
                  parent_id: str | None = None) -> list[dict]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT location_id, kind, name, parent_id, province_code, district_code, supplied_by,"
                " storage_capabilities, active_from, active_until FROM locations"
                " WHERE (%(kind)s::text IS NULL OR kind = %(kind)s)"
                "   AND (%(province)s::text IS NULL OR province_code = %(province)s)"
                "   AND (%(parent)s::text IS NULL OR parent_id = %(parent)s) ORDER BY location_id",
                {"kind": kind, "province": province_code, "parent": parent_id}).fetchall()
        return [{"location_id": r[0], "kind": r[1], "name": r[2], "parent_id": r[3], "province_code": r[4],
                 "district_code": r[5], "supplied_by": list(r[6]), "storage_capabilities": list(r[7]),
                 "active_from": r[8].isoformat(), "active_until": r[9].isoformat() if r[9] else None} for r in rows]

    def presentations(self) -> list[dict]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT presentation_id, version, brand, manufacturer, doses_per_vial, storage, has_vvm"
                                " FROM presentations ORDER BY presentation_id, version").fetchall()
        return [{"presentation_id": r[0], "version": r[1], "brand": r[2], "manufacturer": r[3],
                 "doses_per_vial": r[4], "storage": r[5], "has_vvm": r[6]} for r in rows]

    def lots(self, presentation_id: str | None = None) -> list[dict]:
        """Each lot with its current national state and the reason and reference of the decision behind it (a lot
        review names its AEFI: ``AEFI:<id>``)."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT l.lot_id, l.lot_number, l.presentation_id, l.presentation_version, l.manufacture_date,"
                " l.label_expiry_date, l.extended_expiry_date, l.funding_source, d.status, d.reason,"
                " d.decision_reference FROM lots l LEFT JOIN LATERAL (SELECT status, reason, decision_reference"
                "  FROM lot_decisions WHERE lot_id = l.lot_id AND scope = 'NATIONAL'"
                "  ORDER BY decided_at DESC, event_id LIMIT 1) d ON true"
                " WHERE (%(p)s::text IS NULL OR l.presentation_id = %(p)s) ORDER BY l.lot_id",
                {"p": presentation_id}).fetchall()
        return [{"lot_id": r[0], "lot_number": r[1], "presentation_id": r[2], "presentation_version": r[3],
                 "manufacture_date": r[4].isoformat(), "label_expiry_date": r[5].isoformat(),
                 "extended_expiry_date": r[6].isoformat() if r[6] else None, "funding_source": r[7],
                 "national_status": r[8] or "RELEASED",
                 "national_decision": {"reason": r[9], "decision_reference": r[10]} if r[8] else None} for r in rows]
