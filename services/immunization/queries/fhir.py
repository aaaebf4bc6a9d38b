"""Queries behind the FHIR API: a person's doses and next dose as :mod:`~services.immunization.domain.fhir`
facts, the doses of everyone in a scope for a bulk export, and the export jobs.

The dose read model joined with the administering site (its name) and the presentation (its series doses).
Corrections are not applied here: ``dose_view`` keeps a dose's values as first recorded and counts its
corrections (docs/fhir.md says so).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from services.immunization.domain.fhir import DoseFacts, NextDoseFacts
from services.immunization.domain.record import Recommendation

_DOSES = (
    "SELECT d.dose_id, d.event_id, d.person_id, d.vaccine_code, d.series, d.dose_number, d.administered_date,"
    " d.administered_at, d.lot_number, d.site_id, coalesce(l.name, ''), d.performer_id, d.historical, d.country,"
    " d.entered_in_error, coalesce(pr.series_doses, 0) FROM dose_view d"
    " LEFT JOIN ref_location l ON l.location_id = d.site_id"
    " LEFT JOIN LATERAL (SELECT series_doses FROM ref_presentation r WHERE r.presentation_id = d.presentation_id"
    "   ORDER BY r.version DESC LIMIT 1) pr ON true"
)
_ORDER = " ORDER BY d.person_id, d.administered_date, d.series, d.dose_number, d.dose_id"
_NEXT = (
    "SELECT n.person_id, n.series, n.dose_number, n.earliest_date, n.due_date, n.latest_date, n.allowed_products,"
    " n.schedule_rule_id,"
    " (SELECT max(d.administered_date) FROM dose_view d WHERE d.person_id = n.person_id AND NOT d.entered_in_error),"
    " (SELECT coalesce(array_agg(d.event_id ORDER BY d.administered_date, d.dose_number), '{}') FROM dose_view d"
    "   WHERE d.person_id = n.person_id AND NOT d.entered_in_error)"
    " FROM next_dose_view n"
)
# Whose records a scope covers: the person's district health centre's province and district (as
# Views.person_path), every person for ``national``.
_IN_SCOPE = (
    " WHERE %(national)s OR EXISTS (SELECT 1 FROM ref_person p JOIN ref_location h"
    "   ON h.location_id = p.district_health_centre_id WHERE p.person_id = {person}"
    "   AND (h.province_code = ANY(%(provinces)s) OR h.district_code = ANY(%(districts)s)))"
)


def dose_facts(row, country: str) -> DoseFacts:
    *head, historical, recorded_country, in_error, series_doses = row
    return DoseFacts(*head, historical=historical, country=recorded_country if historical else country,
                     entered_in_error=in_error, series_doses=series_doses)


def next_dose_facts(row) -> NextDoseFacts:
    person_id, series, number, earliest, due, latest, allowed, rule, as_of, events = row
    return NextDoseFacts(person_id, Recommendation(series, number, earliest, due, latest, tuple(allowed), rule),
                         as_of or earliest, tuple(events))


def scope_filter(scopes: Sequence[str]) -> dict:
    return {"national": "national" in scopes,
            "provinces": [s.split(":", 1)[1] for s in scopes if s.startswith("province:")],
            "districts": [s.split(":", 1)[1] for s in scopes if s.startswith("district:")]}


class FhirReads:
    """Reads of one person's record for the search routes."""

    def __init__(self, pool, country: str) -> None:
        self._pool = pool
        self.country = country

    def doses(self, person_id: str) -> list[DoseFacts]:
        with self._pool.connection() as conn:
            rows = conn.execute(_DOSES + " WHERE d.person_id = %s" + _ORDER, (person_id,)).fetchall()
        return [dose_facts(row, self.country) for row in rows]

    def person_of_dose(self, event_id: str) -> str | None:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT person_id FROM dose_view WHERE event_id = %s", (event_id,)).fetchone()
        return row[0] if row else None

    def next_dose(self, person_id: str) -> NextDoseFacts | None:
        with self._pool.connection() as conn:
            row = conn.execute(_NEXT + " WHERE n.person_id = %s", (person_id,)).fetchone()
        return next_dose_facts(row) if row else None


def doses_in_scope(conn, scopes: Sequence[str], country: str) -> Iterator[DoseFacts]:
    """Every dose of the people ``scopes`` cover, streamed (a server-side cursor)."""
    query = _DOSES + _IN_SCOPE.format(person="d.person_id") + _ORDER
    with conn.cursor(name="fhir_export_doses") as cursor:
        cursor.execute(query, scope_filter(scopes))
        for row in cursor:
            yield dose_facts(row, country)


def next_doses_in_scope(conn, scopes: Sequence[str]) -> Iterator[NextDoseFacts]:
    query = _NEXT + _IN_SCOPE.format(person="n.person_id") + " ORDER BY n.person_id"
    with conn.cursor(name="fhir_export_next_doses") as cursor:
        cursor.execute(query, scope_filter(scopes))
        for row in cursor:
            yield next_dose_facts(row)
