"""The doses feed: one record per dose per partner granted DOSES, once the dose's person is known.

A dose, its person's registration and a partner's grant arrive on three topics in no fixed order, so each of
them calls :func:`emit` for what it may have completed (the dose; the person's doses; the partner's doses).
The join below finds every (partner, dose) pair whose facts are all present; the outbox keeps each once, so
asking again for a pair already emitted is harmless. A partner granted later therefore gets every earlier dose.
"""

from __future__ import annotations

from collections.abc import Callable

from services.partner.feeds import outbox
from services.partner.feeds.records import Dose, Person, dose_given

_PAIRS = (
    "SELECT g.partner, d.source_event_id::text, d.person_id, d.site_id, d.product_id, d.vaccine_code, d.lot_number,"
    " d.series, d.dose_number, d.day, p.birth_year, p.sex, p.province_code, p.district_code"
    " FROM partner_doses d JOIN partner_people p ON p.person_id = d.person_id"
    " JOIN partner_grants g ON g.active AND 'DOSES' = ANY(g.feeds)"
)


def emit(conn, master_key: Callable[[], bytes], *, dose: str | None = None, person: str | None = None,
         partner: str | None = None) -> int:
    """Write the records of every complete (partner, dose) pair of one dose, person or partner; the key is asked
    for only when there is such a pair (with no partner granted, nothing needs it)."""
    column, value = next((c, v) for c, v in (("d.source_event_id", dose), ("d.person_id", person),
                                             ("g.partner", partner)) if v is not None)
    rows = conn.execute(f"{_PAIRS} WHERE {column} = %s ORDER BY d.day, d.source_event_id", (value,)).fetchall()
    if not rows:
        return 0
    key = master_key()
    records = [dose_given(key, row[0], Dose(*row[1:10]), Person(*row[10:])) for row in rows]
    return outbox.write(conn, records)
