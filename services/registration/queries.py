"""Queries over the registration read models (tables of ``projections/``); eventually consistent.

Used by the API (queue, account, the citizen's doses and certificates) and by :class:`handlers.Deps` (the
district centres and planned sessions a decision consults).
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

from services.registration.domain.appointments import PlannedSession
from services.registration.domain.person import DistrictCentre


class ReadModels:
    def __init__(self, pool) -> None:
        self._pool = pool

    def _rows(self, query: str, params: tuple) -> list[tuple]:
        with self._pool.connection() as conn:
            return conn.execute(query, params).fetchall()

    # -- public figures (aggregates only) ----------------------------------------------------------------
    def public_rows(self, first: date, last: date, zone: str) -> list[tuple]:
        """People registered / approved per province and campaign day (merged duplicates left out):
        ``(province_code, day, measure, count)`` for :func:`eventkit.figures.tabulate`."""
        lower, upper = first - timedelta(days=1), last + timedelta(days=1)  # any zone's day, then exact below
        return self._rows(
            "SELECT province_code, day, measure, count(*) FROM ("
            " SELECT province_code, (registered_at AT TIME ZONE %s)::date AS day, 'registered' AS measure"
            " FROM person_queue WHERE status <> 'MERGED' AND registered_at::date BETWEEN %s AND %s"
            " UNION ALL SELECT province_code, (approved_at AT TIME ZONE %s)::date, 'approved' FROM person_queue"
            " WHERE status <> 'MERGED' AND approved_at IS NOT NULL AND approved_at::date BETWEEN %s AND %s) AS f"
            " WHERE day BETWEEN %s AND %s GROUP BY 1, 2, 3", (zone, lower, upper, zone, lower, upper, first, last))

    # -- lookups commands consult --------------------------------------------------------------------
    def district_centre(self, location_id: str) -> DistrictCentre | None:
        rows = self._rows("SELECT location_id, province_code, district_code, active, source_event_id"
                          " FROM district_centres WHERE location_id = %s", (location_id,))
        return DistrictCentre(*rows[0]) if rows else None

    def planned_session(self, session_id: str) -> PlannedSession | None:
        rows = self._rows(
            "SELECT session_id, site_id, district_health_centre_id, starts_at, ends_at, planned_persons,"
            " target_series, target_dose_numbers, source_event_id FROM planned_sessions WHERE session_id = %s",
            (session_id,))
        if not rows:
            return None
        r = rows[0]
        return PlannedSession(r[0], r[1], r[2], r[3].astimezone(UTC), r[4].astimezone(UTC), r[5], r[6], tuple(r[7]),
                              r[8])

    # -- queries ---------------------------------------------------------------------------------------
    def approval_queue(self, province_code: str, district_code: str | None, limit: int, offset: int) -> list[dict]:
        """Pending registrations of a province: priority group first, then area; registration time never."""
        query = ("SELECT person_id, priority_rank, priority_group, catalogue_version, district_code, commune_code,"
                 " channel, registered_at FROM person_queue WHERE province_code = %s AND status = 'PENDING'")
        params: list = [province_code]
        if district_code:
            query += " AND district_code = %s"
            params.append(district_code)
        query += " ORDER BY priority_rank, district_code, commune_code, person_id LIMIT %s OFFSET %s"
        rows = self._rows(query, (*params, limit, offset))
        return [{"person_id": r[0], "priority_rank": r[1], "priority_group": r[2] or None,
                 "catalogue_version": r[3] or None, "district_code": r[4], "commune_code": r[5], "channel": r[6],
                 "registered_at": r[7].isoformat()} for r in rows]

    def province_status(self, province_code: str) -> dict[str, int]:
        rows = self._rows("SELECT status, count(*) FROM person_queue WHERE province_code = %s GROUP BY status",
                          (province_code,))
        return dict(rows)

    def walk_in_approvals(self, province_code: str) -> int:
        """Registrations of the province approved by a site's standing delegation (not by the province)."""
        [(count,)] = self._rows("SELECT count(*) FROM person_queue WHERE province_code = %s AND approval_rule <> ''"
                                " AND status = 'APPROVED'", (province_code,))
        return count

    def account_persons(self, account_id: str) -> list[dict]:
        rows = self._rows("SELECT person_id, status, appointment_id FROM person_queue WHERE account_id = %s"
                          " ORDER BY person_id", (account_id,))
        return [{"person_id": r[0], "status": r[1], "appointment_id": r[2] or None} for r in rows]

    def doses(self, person_id: str) -> list[dict]:
        """The person's doses (not those entered in error): given here, or recorded from elsewhere
        (``historical``: the documented day, product, country and source), each with its corrections in order."""
        rows = self._rows(
            "SELECT d.dose_id, d.administered_at, d.presentation_id, d.lot_number, d.series, d.dose_number, d.site_id,"
            " d.administered_date, d.product, d.historical_source, d.country,"
            " coalesce((SELECT jsonb_agg(jsonb_build_object('changes', c.changes, 'reason', c.reason,"
            "  'corrected_at', c.corrected_at) ORDER BY c.corrected_at, c.event_id)"
            "  FROM person_dose_corrections c WHERE c.dose_id = d.dose_id), '[]'::jsonb)"
            " FROM person_doses d WHERE d.person_id = %s AND NOT d.entered_in_error"
            " ORDER BY coalesce(d.administered_at, d.administered_date::timestamptz), d.dose_id", (person_id,))
        return [{"dose_id": r[0], "administered_at": r[1].isoformat() if r[1] else None, "presentation_id": r[2],
                 "lot_number": r[3], "series": r[4], "dose_number": r[5], "site_id": r[6],
                 "historical": bool(r[9]), "administered_date": r[7].isoformat() if r[7] else None,
                 "product": r[8] or None, "source": r[9] or None, "country": r[10] or None,
                 "corrections": r[11]} for r in rows]

    def certificates(self, person_id: str) -> list[dict]:
        """The person's certificates: valid unless revoked or suspended (a lot under review)."""
        rows = self._rows("SELECT certificate_id, level, format, issued_at, expires_at, revoked, revoked_reason,"
                          " suspended, suspended_reason FROM person_certificates WHERE person_id = %s"
                          " ORDER BY issued_at", (person_id,))
        return [{"certificate_id": r[0], "level": r[1], "format": r[2], "issued_at": r[3].isoformat(),
                 "expires_at": r[4].isoformat() if r[4] else None, "valid": not (r[5] or r[7]),
                 "revoked_reason": r[6] or None, "suspended": r[7], "suspended_reason": r[8] or None}
                for r in rows]
