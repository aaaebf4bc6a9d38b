"""The doses feed: the records of each dose per partner granted DOSES, whatever order the topics deliver in.

A dose, its person's registration and a partner's grant arrive on three topics in no fixed order, so each of
them calls :func:`emit` for what it may have completed (the dose; the person's doses; the partner's doses).
The join below finds every (partner, dose) pair whose facts are all present; the outbox keeps each once, so
asking again for a pair already emitted is harmless. A partner granted later therefore gets every earlier dose.

After its ``DoseGiven`` a dose can change, and the changes can arrive before the dose itself:

- withdrawn (``DoseEnteredInError``, :func:`withdraw`): kept in ``partner_dose_withdrawals``; a withdrawn dose is
  never served again, and a partner that already has its ``DoseGiven`` gets a ``DoseWithdrawn``;
- corrected (``DoseCorrected``, :func:`correct`): the feed's fields are corrected in ``partner_doses`` (or, for
  a dose not seen yet, when it arrives: :func:`recorded`); a partner that already has the ``DoseGiven`` gets a
  ``DoseCorrected``, one that gets it later gets it corrected;
- its person merged into another (``PersonsMerged``, :func:`merge`): doses belong to the surviving person from
  then on; a partner holding records under the retired person's key gets a ``PersonKeysMerged``.

"Already has" is read from the outbox (the ``DoseGiven`` rows of the dose, and the person key they carried),
which is never truncated: the follow-up records go exactly to the partners that got the dose, under the key it
was sent with (so to the same partition, after it). Every record id is deterministic, so a re-delivery, a
restart or a rebuild writes nothing twice. A grant (:func:`granted`) first sends a re-granted partner what
changed while it was revoked, then every dose it does not have, as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from psycopg.types.json import Jsonb

from services.partner.domain import pseudonyms
from services.partner.feeds import outbox
from services.partner.feeds.records import (
    DOSE_COLUMNS,
    Dose,
    Person,
    dose_corrected,
    dose_given,
    dose_withdrawn,
    keys_merged,
)

GIVEN = "vaxtrail.partner.v1.DoseGiven"
_DOSE = ("d.source_event_id::text, d.person_id, d.site_id, d.product_id, d.vaccine_code, d.lot_number, d.series,"
         " d.dose_number, d.day, d.historical, d.country")
_PAIRS = (
    "SELECT g.partner, d.source_event_id::text, coalesce(m.surviving_person_id, d.person_id), d.site_id,"
    " d.product_id, d.vaccine_code, d.lot_number, d.series, d.dose_number, d.day, d.historical, d.country,"
    " p.birth_year, p.sex, p.province_code, p.district_code"
    " FROM partner_doses d LEFT JOIN partner_merges m ON m.merged_person_id = d.person_id"
    " JOIN partner_people p ON p.person_id = coalesce(m.surviving_person_id, d.person_id)"
    " JOIN partner_grants g ON g.active AND 'DOSES' = ANY(g.feeds)"
    " WHERE NOT EXISTS (SELECT 1 FROM partner_dose_withdrawals w WHERE w.dose_event_id = d.source_event_id)"
)
_SENT = (  # the DoseGiven records partners granted DOSES now already have, with the key each carried
    "SELECT o.partner, o.source_event_id::text AS dose_event, convert_from(o.record_key, 'UTF8') AS sent_key"
    " FROM feed_outbox o"
    " JOIN partner_grants g ON g.partner = o.partner AND g.active AND 'DOSES' = ANY(g.feeds)"
    f" WHERE o.feed = 'DOSES' AND o.record_type = '{GIVEN}'"
)


def emit(conn, master_key: Callable[[], bytes], *, dose: str | None = None, person: str | None = None,
         partner: str | None = None) -> int:
    """Write the records of every complete (partner, dose) pair of one dose, person or partner; the key is asked
    for only when there is such a pair (with no partner granted, nothing needs it). A person's doses include
    those of the registrations merged into it."""
    if dose is not None:
        where, value = "d.source_event_id = %s", dose
    elif person is not None:
        where, value = "d.person_id = ANY(%s)", [person, *_merged_into(conn, person)]
    else:
        where, value = "g.partner = %s", partner
    rows = conn.execute(f"{_PAIRS} AND {where} ORDER BY d.day, d.source_event_id", (value,)).fetchall()
    if not rows:
        return 0
    key = master_key()
    records = [dose_given(key, row[0], Dose(*row[1:12]), Person(*row[12:])) for row in rows]
    return outbox.write(conn, records)


def recorded(conn, master_key: Callable[[], bytes], dose: Dose) -> None:
    """A dose arrived (given here or historical): kept, corrected by what arrived before it, and emitted."""
    inserted = conn.execute(
        "INSERT INTO partner_doses (source_event_id, person_id, site_id, product_id, vaccine_code, lot_number,"
        " series, dose_number, day, historical, country) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (dose.source_event_id, dose.person_id, dose.site_id, dose.product_id, dose.vaccine_code, dose.lot_number,
         dose.series, dose.dose_number, dose.day, dose.historical, dose.country)).rowcount
    if inserted:
        for (changes,) in conn.execute("SELECT changes FROM partner_dose_corrections WHERE dose_event_id = %s"
                                       " ORDER BY seq", (dose.source_event_id,)).fetchall():
            _apply(conn, dose.source_event_id, changes)
    emit(conn, master_key, dose=dose.source_event_id)


def withdraw(conn, master_key: Callable[[], bytes], dose_event_id: str, event_id: str) -> int:
    """``DoseEnteredInError`` of the dose recorded by ``dose_event_id`` (arrived or not)."""
    conn.execute("INSERT INTO partner_dose_withdrawals (dose_event_id, event_id) VALUES (%s, %s)"
                 " ON CONFLICT DO NOTHING", (dose_event_id, event_id))
    [withdrawal] = conn.execute("SELECT event_id::text FROM partner_dose_withdrawals WHERE dose_event_id = %s",
                                (dose_event_id,)).fetchone()
    sent = conn.execute(f"{_SENT} AND o.source_event_id = %s", (dose_event_id,)).fetchall()
    if not sent:
        return 0
    key = master_key()
    return outbox.write(conn, [dose_withdrawn(key, partner, sent_key, dose_event_id, withdrawal)
                               for partner, _, sent_key in sent])


def correct(conn, master_key: Callable[[], bytes], dose_event_id: str, event_id: str,
            changes: dict[str, object]) -> int:
    """``DoseCorrected`` of the dose recorded by ``dose_event_id``; ``changes``: :func:`records.feed_changes`."""
    if not changes:
        return 0  # nothing the feed carries
    stored = {c: v.isoformat() if isinstance(v, date) else v for c, v in changes.items()}
    if not conn.execute("INSERT INTO partner_dose_corrections (event_id, dose_event_id, changes)"
                        " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                        (event_id, dose_event_id, Jsonb(stored))).rowcount:
        return 0
    _apply(conn, dose_event_id, stored)
    return _corrections(conn, master_key, f"{_SENT} AND o.source_event_id = %s", (dose_event_id,),
                        [(dose_event_id, event_id, stored)])


def merge(conn, master_key: Callable[[], bytes], merged: str, surviving: str, event_id: str) -> int:
    """``PersonsMerged``: ``merged``'s doses (and those of registrations merged into it before) belong to the
    survivor (itself resolved, should it have been merged on since)."""
    row = conn.execute("SELECT surviving_person_id FROM partner_merges WHERE merged_person_id = %s",
                       (surviving,)).fetchone()
    survivor = row[0] if row else surviving
    if survivor == merged:
        return 0
    retired = [merged, *_merged_into(conn, merged)]
    conn.execute("INSERT INTO partner_merges (merged_person_id, surviving_person_id, event_id) VALUES (%s, %s, %s)"
                 " ON CONFLICT (merged_person_id) DO NOTHING", (merged, survivor, event_id))
    conn.execute("UPDATE partner_merges SET surviving_person_id = %s, event_id = %s WHERE surviving_person_id = %s",
                 (survivor, event_id, merged))
    sent = conn.execute(f"{_SENT} AND o.source_event_id IN (SELECT source_event_id FROM partner_doses"
                        " WHERE person_id = ANY(%s))", (retired,)).fetchall()
    written = 0
    if sent:
        key = master_key()
        pairs = sorted({(partner, sent_key) for partner, _, sent_key in sent})
        records = [keys_merged(partner, sent_key, pseudonyms.person_key(key, partner, survivor), event_id)
                   for partner, sent_key in pairs]
        written = outbox.write(conn, [r for r in records if r.key != r.message.surviving_person_key])
    return written + emit(conn, master_key, person=survivor)  # doses that waited for the merged registration


def granted(conn, master_key: Callable[[], bytes], partner: str) -> int:
    """A partner granted DOSES (again): what changed while it was revoked, then every dose it lacks. A partner
    granted for the first time has no ``DoseGiven`` yet, so it gets the doses as they are now and nothing else."""
    mine = f"{_SENT} AND o.partner = %s"
    withdrawn = conn.execute(f"SELECT s.dose_event, s.sent_key, w.event_id::text FROM ({mine}) s"
                             " JOIN partner_dose_withdrawals w ON w.dose_event_id = s.dose_event::uuid",
                             (partner,)).fetchall()
    corrections = conn.execute(f"SELECT c.dose_event_id::text, c.event_id::text, c.changes FROM ({mine}) s"
                               " JOIN partner_dose_corrections c ON c.dose_event_id = s.dose_event::uuid"
                               " ORDER BY c.seq", (partner,)).fetchall()
    merged = conn.execute(f"SELECT DISTINCT s.sent_key, m.surviving_person_id, m.event_id::text FROM ({mine}) s"
                          " JOIN partner_doses d ON d.source_event_id = s.dose_event::uuid"
                          " JOIN partner_merges m ON m.merged_person_id = d.person_id", (partner,)).fetchall()
    written = _corrections(conn, master_key, mine, (partner,), corrections)
    if withdrawn or merged:
        key = master_key()
        records = [dose_withdrawn(key, partner, sent_key, dose_event, event) for dose_event, sent_key, event in withdrawn]
        moved = [keys_merged(partner, sent_key, pseudonyms.person_key(key, partner, survivor), event)
                 for sent_key, survivor, event in merged]
        written += outbox.write(conn, records + [r for r in moved if r.key != r.message.surviving_person_key])
    return written + emit(conn, master_key, partner=partner)


def _corrections(conn, master_key: Callable[[], bytes], sent_query: str, params: tuple,
                 corrections: list[tuple[str, str, dict]]) -> int:
    """``DoseCorrected`` records of ``corrections`` (dose event, correction event, changes) to the partners
    ``sent_query`` finds with the dose's ``DoseGiven``; a withdrawn dose gets none."""
    if not corrections:
        return 0
    doses = {d: conn.execute(f"SELECT {_DOSE} FROM partner_doses d WHERE d.source_event_id = %s AND NOT EXISTS"
                             " (SELECT 1 FROM partner_dose_withdrawals w WHERE w.dose_event_id = d.source_event_id)",
                             (d,)).fetchone() for d in {c[0] for c in corrections}}
    sent = conn.execute(sent_query, params).fetchall()
    if not sent or not any(doses.values()):
        return 0
    key = master_key()
    records = [dose_corrected(key, partner, sent_key, Dose(*doses[dose_event]), changes, event)
               for dose_event, event, changes in corrections if doses[dose_event]
               for partner, sent_dose, sent_key in sent if sent_dose == dose_event]
    return outbox.write(conn, records)


def _apply(conn, dose_event_id: str, changes: dict) -> None:
    columns = [c for c in DOSE_COLUMNS if c in changes]  # only known column names reach the statement
    values = [date.fromisoformat(changes[c]) if c == "day" else changes[c] for c in columns]
    conn.execute(f"UPDATE partner_doses SET {', '.join(f'{c} = %s' for c in columns)} WHERE source_event_id = %s",
                 (*values, dose_event_id))


def _merged_into(conn, person: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT merged_person_id FROM partner_merges WHERE surviving_person_id = %s",
                                       (person,)).fetchall()]
