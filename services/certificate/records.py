"""Reading the canonical record out of the ``canonical_records`` read model (see projections/records.py)."""

from __future__ import annotations

from services.certificate.domain.products import resolve
from services.certificate.domain.record import CanonicalRecord, Dose, Person

_PERSON = ("SELECT person_id, full_name, family_name, given_name, date_of_birth, date_of_birth_estimated, nationality,"
           " revision, merged_into, province_code, district_code, earlier_revisions FROM record_persons"
           " WHERE person_id = %s")
_DOSES = (
    "SELECT d.dose_id, d.revision, d.administered_on, d.series, d.dose_number, d.historical, d.product,"
    " d.lot_number, d.lot_id, d.country, d.site_id, d.status, coalesce(l.status, 'RELEASED'),"
    " d.presentation_id, p.presentation_id IS NOT NULL, coalesce(p.brand, ''), coalesce(p.vaccine_code, ''),"
    " coalesce(p.manufacturer, ''), coalesce(p.series_doses, 0), coalesce(p.platform, ''),"
    " coalesce(nullif(d.lot_number, ''), l.lot_number, ''), d.earlier_revisions"
    " FROM record_doses d LEFT JOIN record_lots l ON l.lot_id = d.lot_id AND d.lot_id <> ''"
    " LEFT JOIN record_presentations p ON p.presentation_id = d.presentation_id"
    " WHERE d.person_id = %s ORDER BY d.administered_on, d.dose_id"
)


class IncompleteRecord(Exception):
    """A dose refers to a presentation this service has not heard of yet (it will be marked again)."""


def load_record(conn, person_id: str) -> CanonicalRecord:
    row = conn.execute(_PERSON, (person_id,)).fetchone()
    person = Person(*row[:-1], earlier_revisions=tuple(row[-1])) if row else None
    doses = []
    for r in conn.execute(_DOSES, (person_id,)).fetchall():
        (dose_id, revision, on, series, number, historical, product, _lot_number, lot_id, country, site, status,
         lot_status, presentation_id, known, brand, code, manufacturer, series_doses, platform, lot_number,
         earlier) = r
        if historical:
            codes = resolve(product)
        elif known:
            codes = resolve(brand, code, presentation_id, platform=platform, series_doses=series_doses,
                            manufacturer=manufacturer)
        else:
            raise IncompleteRecord(f"presentation {presentation_id} of dose {dose_id} is not known yet")
        doses.append(Dose(dose_id, revision, on, series, number, codes, lot_number, lot_id, country, site,
                          historical, status, lot_status, tuple(earlier)))
    return CanonicalRecord(person_id, person, tuple(doses))
