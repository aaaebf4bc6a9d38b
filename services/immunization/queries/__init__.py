"""Queries over the service's local read models: the reference facts decisions need, and the views.

Decisions read reference facts (person, site, plan, lot, presentation) from the projections of the other
services' topics in this service's own database; they never call another service. Within
:func:`one_snapshot` (every request of the API) each such fact is read once: a request's decisions see
one snapshot of the read models, and a device's upload reads the session's plan, site, lot and
presentation once rather than once per item. Where the read models stood (``positions``) is read for
every decision.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from eventkit import readmodels
from services.immunization.domain.reference import Lot, PersonRef, Presentation, SessionPlan, Site
from services.immunization.projections.common import document_hash

_STATUS_RANK = "CASE status WHEN 'RECALLED' THEN 3 WHEN 'SUSPENDED' THEN 2 ELSE 1 END"


_SNAPSHOT: ContextVar[dict | None] = ContextVar("immunization_reference_snapshot", default=None)


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Reference facts read inside the block are read once each (see the module docstring)."""
    token = _SNAPSHOT.set({})
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _excursions(rows) -> tuple[tuple[str, datetime | None], ...]:
    """``[excursion_id, started_at]`` pairs (an empty start: not recorded) -> (id, start) pairs."""
    return tuple((excursion_id, datetime.fromisoformat(started) if started else None)
                 for excursion_id, started in rows or ())


class ReferenceQueries:
    def __init__(self, pool) -> None:
        self._pool = pool
        self._secret: bytes | None = None

    def _one(self, query: str, params: tuple):
        snapshot = _SNAPSHOT.get()
        if snapshot is not None and (query, params) in snapshot:
            return snapshot[(query, params)]
        with self._pool.connection() as conn:
            row = conn.execute(query, params).fetchone()
        if snapshot is not None:
            snapshot[(query, params)] = row
        return row

    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = self._one("SELECT secret FROM service_secret WHERE id = 1", ())[0].encode()
        return self._secret

    def presence_code(self, person_id: str, session_id: str) -> str:
        digest = hmac.new(self.secret(), f"presence|{person_id}|{session_id}".encode(), hashlib.sha256).digest()
        return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"

    def qr_token(self, person_id: str) -> str:
        mac = hmac.new(self.secret(), f"qr|{person_id}".encode(), hashlib.sha256).hexdigest()[:20]
        return f"VXT1.{person_id}.{mac}"

    def person_from_qr(self, token: str) -> str | None:
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != "VXT1":
            return None
        return parts[1] if hmac.compare_digest(self.qr_token(parts[1]), token) else None

    def person_from_document(self, kind: str, number: str) -> str | None:
        row = self._one("SELECT person_id FROM ref_person WHERE id_document_hash = %s AND merged_into = ''",
                        (document_hash(self.secret(), kind, number),))
        return row[0] if row else None

    def person(self, person_id: str) -> PersonRef | None:
        row = self._one(
            "SELECT p.approved AND NOT p.rejected AND p.merged_into = '', coalesce(l.district_code, ''),"
            " p.district_health_centre_id, p.date_of_birth FROM ref_person p"
            " LEFT JOIN ref_location l ON l.location_id = p.district_health_centre_id WHERE p.person_id = %s",
            (person_id,))
        if row is None:
            return None
        return PersonRef(person_id, bool(row[0]), row[1] or row[2], row[3])

    def site(self, location_id: str) -> Site | None:
        row = self._one("SELECT province_code, district_code, hospital_capable FROM ref_location"
                        " WHERE location_id = %s", (location_id,))
        return Site(location_id, row[0], row[1], row[2]) if row else None

    def site_or_unknown(self, location_id: str) -> Site:
        return self.site(location_id) or Site(location_id, "?", "?", False)

    def plan(self, session_id: str) -> SessionPlan | None:
        row = self._one("SELECT site_id, session_date, starts_at, ends_at, presentation_id, district_health_centre_id"
                        " FROM ref_session_plan WHERE session_id = %s", (session_id,))
        return SessionPlan(session_id, *row) if row else None

    def presentation(self, presentation_id: str, version: int) -> Presentation | None:
        row = self._one(
            "SELECT version, vaccine_code, doses_per_vial, extra_doses_allowed, dose_volume_ml, open_vial_window_hours,"
            " min_age_years, components, series_doses, platform FROM ref_presentation"
            " WHERE presentation_id = %s AND version = %s", (presentation_id, version))
        if row is None:
            return None
        return Presentation(presentation_id, row[0], row[1], row[2], row[3], _decimal(row[4]), row[5], row[6],
                            tuple(row[7]), row[8], row[9])

    def lot_at_site(self, lot_id: str, site: Site) -> Lot | None:
        row = self._one(
            "SELECT l.lot_number, l.presentation_id, l.presentation_version,"
            " least(coalesce(l.extended_expiry, l.label_expiry, '0001-01-01'::date),"
            "       coalesce(s.beyond_use_date, 'infinity'::date)),"
            " coalesce((SELECT st.status FROM ref_lot_status st WHERE st.lot_id = l.lot_id AND"
            f"   ((st.scope = 'NATIONAL') OR (st.scope = 'PROVINCE' AND st.scope_id = %s)"
            f"    OR (st.scope = 'SITE' AND st.scope_id = %s)) ORDER BY {_STATUS_RANK} DESC LIMIT 1), 'RELEASED'),"
            " coalesce(s.doses_received, 0) > 0,"
            " (SELECT array_agg(ARRAY[e.excursion_id, coalesce(to_char(e.started_at AT TIME ZONE 'UTC',"
            "                    'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), '')] ORDER BY e.excursion_id)"
            "    FROM ref_excursion e JOIN ref_storage_unit u ON u.storage_unit_id = e.storage_unit_id"
            "   WHERE NOT e.assessed AND u.location_id = %s"
            "     AND (coalesce(s.storage_unit_id, '') = '' OR e.storage_unit_id = s.storage_unit_id))"
            " FROM ref_lot l LEFT JOIN ref_site_stock s ON s.lot_id = l.lot_id AND s.location_id = %s"
            " WHERE l.lot_id = %s",
            (site.province_code, site.location_id, site.location_id, site.location_id, lot_id))
        if row is None:
            return None
        return Lot(lot_id, row[0], row[1], row[2], row[3], row[4], row[5], _excursions(row[6]))

    def positions(self, *projections: str) -> tuple[str, ...]:
        """Where the named reference projections stand: "topic:partition:offset" (recorded on decisions)."""
        return readmodels.positions(self._pool, projections)


def _rows(pool, query: str, params: tuple) -> list[dict]:
    with pool.connection() as conn:
        cur = conn.execute(query, params)
        names = [d.name for d in cur.description]
        return [{n: _json(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _json(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class Views:
    """Queries over the immunization_views read model (eventually consistent with the event store)."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def district_path(self, district_code: str) -> list[str]:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT province_code FROM ref_location WHERE district_code = %s AND province_code <> ''"
                               " LIMIT 1", (district_code,)).fetchone()
        return ["national", f"province:{row[0] if row else '?'}", f"district:{district_code}"]

    def person_path(self, person_id: str) -> list[str]:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT l.province_code, l.district_code FROM ref_person p JOIN ref_location l"
                " ON l.location_id = p.district_health_centre_id WHERE p.person_id = %s", (person_id,)).fetchone()
        path = ["national", f"province:{row[0]}", f"district:{row[1]}"] if row else ["national"]
        return [*path, f"person:{person_id}"]

    def day_sheet(self, session_id: str) -> dict:
        visits = _rows(self._pool, "SELECT visit_id, person_id, checked_in_at, identity_method,"
                       " presence_code_verified, screening_outcome, ruleset_id, postponed_until, dose_id,"
                       " administered_at, not_administered_reason, observation_ended_at, observation_outcome"
                       " FROM visit_view WHERE session_id = %s ORDER BY checked_in_at, visit_id", (session_id,))
        vials = _rows(self._pool, "SELECT vial_opening_id, lot_id, doses_in_vial, opened_at, discard_at, doses_drawn,"
                      " discarded_at, residual_doses, discard_reason FROM vial_view WHERE session_id = %s"
                      " ORDER BY opened_at, vial_opening_id", (session_id,))
        status = _rows(self._pool, "SELECT status, opened_at, closed_at FROM session_view WHERE session_id = %s",
                       (session_id,))
        outcomes: dict[str, int] = {}
        for v in visits:
            if v["screening_outcome"]:
                outcomes[v["screening_outcome"]] = outcomes.get(v["screening_outcome"], 0) + 1
        opened = sum(v["doses_in_vial"] for v in vials)
        drawn = sum(v["doses_drawn"] for v in vials)
        return {
            "session_id": session_id, **(status[0] if status else {"status": "UNKNOWN"}),
            "totals": {"checked_in": len(visits), "screened": sum(outcomes.values()), "outcomes": outcomes,
                       "vaccinated": sum(1 for v in visits if v["dose_id"]),
                       "postponed": outcomes.get("POSTPONED", 0),
                       "observed": sum(1 for v in visits if v["observation_ended_at"]),
                       "doses_opened": opened, "doses_drawn": drawn,
                       "open_vial_wastage": sum(v["residual_doses"] or 0 for v in vials),
                       "usage_rate_percent": round(100 * drawn / opened, 1) if opened else None},
            "visits": visits, "vials": vials,
        }

    def site_sessions(self, site_id: str, day: date, limit: int, offset: int) -> tuple[list[dict], int]:
        """The sessions allocation planned at ``site_id`` on ``day``, by start time, with their status here:
        PLANNED until the session's opening is projected, then OPEN or CLOSED; and how many there are."""
        rows = _rows(self._pool, "SELECT p.session_id, p.site_id, p.session_date, p.starts_at, p.ends_at,"
                     " p.presentation_id, pr.vaccine_code, coalesce(s.status, 'PLANNED') AS status, s.opened_at,"
                     " s.closed_at, count(*) OVER () AS total FROM ref_session_plan p"
                     " LEFT JOIN session_view s ON s.session_id = p.session_id"
                     " LEFT JOIN LATERAL (SELECT vaccine_code FROM ref_presentation r"
                     "   WHERE r.presentation_id = p.presentation_id ORDER BY r.version DESC LIMIT 1) pr ON true"
                     " WHERE p.site_id = %s AND p.session_date = %s ORDER BY p.starts_at, p.session_id"
                     " LIMIT %s OFFSET %s", (site_id, day, limit, offset))
        total = rows[0]["total"] if rows else self._count_site_sessions(site_id, day)
        return [{k: v for k, v in row.items() if k != "total"} for row in rows], total

    def _count_site_sessions(self, site_id: str, day: date) -> int:
        with self._pool.connection() as conn:
            return conn.execute("SELECT count(*) FROM ref_session_plan WHERE site_id = %s AND session_date = %s",
                                (site_id, day)).fetchone()[0]

    def doses_of(self, person_id: str) -> list[dict]:
        return _rows(self._pool, "SELECT dose_id, event_id, series, dose_number, vaccine_code, presentation_id, lot_id,"
                     " lot_number, administered_at, administered_date, site_id, historical, country,"
                     " interval_override, entered_in_error, corrections FROM dose_view WHERE person_id = %s"
                     " ORDER BY administered_date, series, dose_number", (person_id,))

    def next_dose(self, person_id: str) -> dict | None:
        rows = _rows(self._pool, "SELECT series, dose_number, earliest_date, due_date, latest_date, allowed_products,"
                     " schedule_rule_id FROM next_dose_view WHERE person_id = %s", (person_id,))
        return rows[0] if rows else None

    def overdue_doses(self, district_code: str, as_of: date) -> list[dict]:
        return _rows(self._pool, "SELECT n.person_id, n.series, n.dose_number, n.due_date, n.latest_date,"
                     " n.allowed_products FROM next_dose_view n JOIN ref_person p ON p.person_id = n.person_id"
                     " JOIN ref_location l ON l.location_id = p.district_health_centre_id"
                     " WHERE l.district_code = %s AND n.due_date < %s ORDER BY n.due_date, n.person_id",
                     (district_code, as_of))

    def doses_per_day(self, level: str, code: str, date_from: date, date_to: date) -> list[dict]:
        column = {"site": "d.site_id", "district": "l.district_code", "province": "l.province_code"}[level]
        return _rows(self._pool, f"SELECT d.administered_date AS day, {column} AS code, d.vaccine_code,"
                     " count(*) AS doses FROM dose_view d LEFT JOIN ref_location l ON l.location_id = d.site_id"
                     f" WHERE NOT d.historical AND NOT d.entered_in_error AND {column} = %s"
                     " AND d.administered_date BETWEEN %s AND %s GROUP BY 1, 2, 3 ORDER BY 1, 3",
                     (code, date_from, date_to))

    def aefi_overdue(self, district_code: str, now) -> list[dict]:
        return _rows(self._pool, "SELECT a.aefi_id, a.person_id, a.serious, a.reported_at, a.investigation_due,"
                     " a.investigation_opened_at, a.classification_due, a.causality,"
                     " (a.serious AND a.investigation_opened_at IS NULL AND a.investigation_due < %s)"
                     "   AS investigation_overdue,"
                     " (a.classified_at IS NULL AND a.classification_due < %s) AS classification_overdue"
                     " FROM aefi_view a WHERE EXISTS (SELECT 1 FROM ref_location l WHERE l.location_id = ANY(a.site_ids)"
                     "   AND l.district_code = %s)"
                     " AND ((a.serious AND a.investigation_opened_at IS NULL AND a.investigation_due < %s)"
                     "   OR (a.classified_at IS NULL AND a.classification_due < %s)) ORDER BY a.reported_at",
                     (now, now, district_code, now, now))

    def aefi_rates(self, by: str) -> list[dict]:
        key = "d.lot_id" if by == "lot" else "d.vaccine_code"
        return _rows(self._pool, f"WITH doses AS (SELECT {key} AS key, count(*) AS doses FROM dose_view d"
                     " WHERE NOT d.historical AND NOT d.entered_in_error GROUP BY 1),"
                     f" cases AS (SELECT {key} AS key, count(DISTINCT a.aefi_id) AS cases,"
                     " count(DISTINCT a.aefi_id) FILTER (WHERE a.serious) AS serious"
                     " FROM aefi_view a JOIN dose_view d ON d.dose_id = ANY(a.dose_ids) GROUP BY 1)"
                     " SELECT doses.key, doses.doses, coalesce(cases.cases, 0) AS aefi_cases,"
                     " coalesce(cases.serious, 0) AS serious_cases,"
                     " round(coalesce(cases.cases, 0) * 100000.0 / doses.doses, 2) AS rate_per_100000"
                     " FROM doses LEFT JOIN cases ON cases.key = doses.key ORDER BY doses.key", ())

    def public_dose_rows(self, first: date, last: date) -> list[tuple]:
        """Doses given here (not historical, not entered in error) per site's province and day, by dose number:
        ``(province_code, day, measure, count)`` for :func:`eventkit.figures.tabulate`."""
        with self._pool.connection() as conn:
            return conn.execute(
                "SELECT l.province_code, d.administered_date, m.measure, count(*) FROM dose_view d"
                " JOIN ref_location l ON l.location_id = d.site_id"
                " CROSS JOIN LATERAL (VALUES ('doses'), (CASE d.dose_number WHEN 1 THEN 'first_doses'"
                "   WHEN 2 THEN 'second_doses' ELSE 'further_doses' END)) AS m(measure)"
                " WHERE NOT d.historical AND NOT d.entered_in_error AND d.administered_date BETWEEN %s AND %s"
                " GROUP BY 1, 2, 3", (first, last)).fetchall()

    def public_people_by_province(self, last: date) -> dict[str, tuple[int, int]]:
        """People with at least one / at least two doses given here up to ``last``, by the province of the
        district health centre they were assigned to (the site's province when none is known)."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "WITH people AS (SELECT d.person_id, max(d.dose_number) AS doses,"
                "  coalesce(nullif(min(h.province_code), ''), min(s.province_code)) AS province_code"
                "  FROM dose_view d JOIN ref_location s ON s.location_id = d.site_id"
                "  LEFT JOIN ref_person p ON p.person_id = d.person_id"
                "  LEFT JOIN ref_location h ON h.location_id = p.district_health_centre_id"
                "  WHERE NOT d.historical AND NOT d.entered_in_error AND d.administered_date <= %s"
                "  GROUP BY d.person_id)"
                " SELECT province_code, count(*) FILTER (WHERE doses >= 1), count(*) FILTER (WHERE doses >= 2)"
                " FROM people WHERE province_code <> '' GROUP BY 1", (last,)).fetchall()
        return {code: (one, two) for code, one, two in rows}

    def public_sessions(self, first: date, last: date, province: str | None, district: str | None,
                        site_id: str | None, limit: int) -> list[dict]:
        """Sessions planned at sites from ``first`` to ``last`` (id, site, day, start, end; nothing about people)."""
        return _rows(self._pool,
                     "SELECT p.session_id, p.site_id, p.session_date, p.starts_at, p.ends_at FROM ref_session_plan p"
                     " JOIN ref_location l ON l.location_id = p.site_id"
                     " WHERE p.session_date BETWEEN %(first)s AND %(last)s"
                     " AND (%(province)s::text IS NULL OR l.province_code = %(province)s)"
                     " AND (%(district)s::text IS NULL OR l.district_code = %(district)s)"
                     " AND (%(site)s::text IS NULL OR p.site_id = %(site)s)"
                     " ORDER BY p.session_date, p.starts_at, p.site_id LIMIT %(limit)s",
                     {"first": first, "last": last, "province": province, "district": district, "site": site_id,
                      "limit": limit})
