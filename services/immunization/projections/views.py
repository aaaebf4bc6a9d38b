"""Read models of the immunization topic: sessions, visits (the day sheet), vials, doses, next doses, AEFI.

``next_dose_view`` is recomputed from the person's dose rows with the pure schedule rules whenever a dose
is recorded or voided, so the overdue (drop-out) list is a plain query. ``NextDoseRecommended`` (for the
certificate and registration services) and ``PersonalDataAccessed`` are ignored here.

Applied as a batch (:func:`apply_batch`, what the runner does), every handler's statement goes out in the
runner's pipeline without waiting, and the one read - a person's dose rows for their next dose - happens
once per batch for all the persons whose doses changed, instead of once per dose.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import partial

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.immunization.domain import events as ev
from services.immunization.domain.aefi import CLASSIFY_WITHIN, INVESTIGATE_WITHIN
from services.immunization.domain.record import DoseEntry, PersonRecord, next_dose


def session_opened(conn, event, e: ev.SessionOpened) -> None:
    conn.execute("INSERT INTO session_view (session_id, site_id, status, opened_at) VALUES (%s, %s, 'OPEN', %s)"
                 " ON CONFLICT (session_id) DO NOTHING", (e.session_id, e.site_id, e.opened_at))


def session_closed(conn, event, e: ev.SessionClosed) -> None:
    conn.execute("UPDATE session_view SET status = 'CLOSED', closed_at = %s WHERE session_id = %s",
                 (e.closed_at, e.session_id))


def checked_in(conn, event, e: ev.PersonCheckedIn) -> None:
    conn.execute(
        "INSERT INTO visit_view (visit_id, session_id, site_id, person_id, checked_in_at, identity_method,"
        " presence_code_verified, presence_override_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (visit_id) DO NOTHING",
        (e.visit_id, e.session_id, e.site_id, e.person_id, e.checked_in_at, e.identity_method,
         e.presence_code_verified, e.presence_override_by),
    )
    # The dose is on the person's stream (another Kafka key): it may have been projected first, when this
    # visit had no row for dose_administered to update; take it from dose_view then.
    conn.execute(
        "UPDATE visit_view v SET dose_id = d.dose_id, administered_at = d.administered_at FROM dose_view d"
        " WHERE v.visit_id = %s AND v.dose_id IS NULL AND d.visit_id = v.visit_id",
        (e.visit_id,),
    )


def screened(conn, event, e: ev.ScreeningCompleted) -> None:
    if event.aggregate_type != "visit":
        return  # the copy a postponement / contraindication leaves on the person's record (INV-20)
    conn.execute(
        "UPDATE visit_view SET screening_outcome = %s, screened_at = %s, ruleset_id = %s, postponed_until = %s,"
        " contraindicated_products = %s WHERE visit_id = %s",
        (e.outcome, e.screened_at, e.ruleset_id, e.postponed_until_date, list(e.contraindicated_products),
         e.visit_id),
    )


def vial_opened(conn, event, e: ev.VialOpened) -> None:
    conn.execute(
        "INSERT INTO vial_view (vial_opening_id, session_id, site_id, lot_id, doses_in_vial, opened_at, discard_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (e.vial_opening_id, e.session_id, e.site_id, e.lot_id, e.doses_in_vial, e.opened_at, e.discard_at),
    )


def dose_drawn(conn, event, e: ev.VialDoseDrawn) -> None:
    conn.execute("UPDATE vial_view SET doses_drawn = doses_drawn + 1 WHERE vial_opening_id = %s",
                 (e.vial_opening_id,))


def vial_discarded(conn, event, e: ev.VialDiscarded) -> None:
    conn.execute(
        "UPDATE vial_view SET discarded_at = %s, residual_doses = %s, discard_reason = %s, doses_drawn = %s"
        " WHERE vial_opening_id = %s",
        (e.discarded_at, e.residual_doses, e.reason, e.doses_drawn, e.vial_opening_id),
    )


def _dose_row(conn, event, **row) -> None:
    names = list(row)
    conn.execute(
        f"INSERT INTO dose_view (event_id, {', '.join(names)}) VALUES (%s, {', '.join(['%s'] * len(names))})"
        " ON CONFLICT (dose_id) DO NOTHING",
        (str(event.event_id), *row.values()),
    )


def dose_administered(conn, event, e: ev.DoseAdministered, refresh=None, zone: tzinfo = CAMPAIGN_ZONE) -> None:
    _dose_row(conn, event, dose_id=e.dose_id, person_id=e.person_id, visit_id=e.visit_id, session_id=e.session_id,
              site_id=e.site_id, administered_at=e.administered_at,
              administered_date=campaign_date(e.administered_at, zone),
              presentation_id=e.presentation_id, vaccine_code=e.vaccine_code, lot_id=e.lot_id,
              lot_number=e.lot_number, series=e.series, dose_number=e.dose_number, historical=False,
              interval_override=e.interval_override is not None, performer_id=e.performer_id)
    conn.execute("UPDATE visit_view SET dose_id = %s, administered_at = %s WHERE visit_id = %s",
                 (e.dose_id, e.administered_at, e.visit_id))
    (refresh or refresh_next_dose)(conn, e.person_id)


def dose_historical(conn, event, e: ev.DoseRecordedHistorical, refresh=None) -> None:
    _dose_row(conn, event, dose_id=e.dose_id, person_id=e.person_id, administered_date=e.administered_date,
              vaccine_code=e.product, lot_number=e.lot_number, series=e.series, dose_number=e.dose_number,
              historical=True, country=e.country)
    (refresh or refresh_next_dose)(conn, e.person_id)


def dose_in_error(conn, event, e: ev.DoseEnteredInError, refresh=None) -> None:
    conn.execute("UPDATE dose_view SET entered_in_error = true WHERE dose_id = %s", (e.dose_id,))
    (refresh or refresh_next_dose)(conn, e.person_id)


def dose_corrected(conn, event, e: ev.DoseCorrected) -> None:
    conn.execute("UPDATE dose_view SET corrections = corrections + 1 WHERE dose_id = %s", (e.dose_id,))


def not_administered(conn, event, e: ev.DoseNotAdministered) -> None:
    conn.execute("UPDATE visit_view SET not_administered_reason = %s WHERE visit_id = %s", (e.reason, e.visit_id))


def observed(conn, event, e: ev.ObservationCompleted) -> None:
    conn.execute("UPDATE visit_view SET observation_ended_at = %s, observation_outcome = %s WHERE visit_id = %s",
                 (e.ended_at, e.outcome, e.visit_id))


def refresh_next_dose(conn, person_id: str) -> None:
    refresh_next_doses(conn, [person_id])


def refresh_next_doses(conn, person_ids) -> None:
    """Recompute ``next_dose_view`` of ``person_ids`` from their dose rows (one read for all of them)."""
    persons = sorted(set(person_ids))
    rows = conn.execute(
        "SELECT person_id, dose_id, series, dose_number, vaccine_code, administered_date FROM dose_view"
        " WHERE person_id = ANY(%s) AND NOT entered_in_error ORDER BY person_id, dose_id", (persons,)).fetchall()
    doses: dict[str, list] = {p: [] for p in persons}
    for person_id, *dose in rows:
        doses[person_id].append(dose)
    recommended = []
    for person_id, entries in doses.items():
        record = PersonRecord(person_id, tuple(DoseEntry(r[0], r[1], r[2], r[3], r[4]) for r in entries))
        # The recommendation is computed as of the latest dose, so replaying the topic gives the same rows.
        as_of = max((r[4] for r in entries), default=datetime.now(UTC).date())
        r = next_dose(record, as_of)
        if r is not None:
            recommended.append((person_id, r.series, r.dose_number, r.earliest_date, r.due_date, r.latest_date,
                                list(r.allowed_products), r.schedule_rule_id))
    conn.execute("DELETE FROM next_dose_view WHERE person_id = ANY(%s)", (persons,))
    if recommended:
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO next_dose_view (person_id, series, dose_number, earliest_date, due_date, latest_date,"
                " allowed_products, schedule_rule_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", recommended)


_REFRESHING = {ev.DoseAdministered: dose_administered, ev.DoseRecordedHistorical: dose_historical,
               ev.DoseEnteredInError: dose_in_error}


def apply_batch(conn, items, zone: tzinfo = CAMPAIGN_ZONE) -> None:
    """The handlers in order, with the next-dose refreshes they ask for done once per person at the end.

    Deferring a refresh is exact because only a voided dose can change a person's dose rows without asking
    for that person's refresh (``DoseEnteredInError`` names the dose, and may name another person): before
    one, the refreshes pending so far are done, against the rows as they are then.
    """
    pending: set[str] = set()

    def later(_conn, person_id: str) -> None:
        pending.add(person_id)

    handlers = _handlers(zone)
    for event, e in items:
        if type(e) not in _REFRESHING:
            handlers[type(e)](conn, event, e)
            continue
        if isinstance(e, ev.DoseEnteredInError) and pending:
            refresh_next_doses(conn, pending)
            pending.clear()
        handlers[type(e)](conn, event, e, refresh=later)
    if pending:
        refresh_next_doses(conn, pending)


def aefi_reported(conn, event, e: ev.AefiReported) -> None:
    conn.execute(
        "INSERT INTO aefi_view (aefi_id, person_id, serious, source, onset_at, reported_at, dose_ids, lot_ids,"
        " site_ids, investigation_due, classification_due) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (e.aefi_id, e.person_id, e.serious, e.source, e.onset_at, e.reported_at, list(e.dose_ids),
         list(e.lot_ids), list(e.site_ids), e.reported_at + INVESTIGATE_WITHIN if e.serious else None,
         e.reported_at + CLASSIFY_WITHIN),
    )


def aefi_investigation(conn, event, e: ev.AefiInvestigationOpened) -> None:
    conn.execute("UPDATE aefi_view SET investigation_opened_at = %s WHERE aefi_id = %s", (e.opened_at, e.aefi_id))


def aefi_classified(conn, event, e: ev.AefiClassified) -> None:
    conn.execute("UPDATE aefi_view SET classified_at = %s, causality = %s, lot_review_requested = %s"
                 " WHERE aefi_id = %s", (e.classified_at, e.causality, e.lot_review_requested, e.aefi_id))


HANDLERS = {
    ev.SessionOpened: session_opened,
    ev.SessionClosed: session_closed,
    ev.PersonCheckedIn: checked_in,
    ev.ScreeningCompleted: screened,
    ev.VialOpened: vial_opened,
    ev.VialDoseDrawn: dose_drawn,
    ev.VialDiscarded: vial_discarded,
    ev.DoseAdministered: dose_administered,
    ev.DoseRecordedHistorical: dose_historical,
    ev.DoseEnteredInError: dose_in_error,
    ev.DoseCorrected: dose_corrected,
    ev.DoseNotAdministered: not_administered,
    ev.ObservationCompleted: observed,
    ev.AefiReported: aefi_reported,
    ev.AefiInvestigationOpened: aefi_investigation,
    ev.AefiClassified: aefi_classified,
}


def _handlers(zone: tzinfo) -> dict:
    """:data:`HANDLERS` with a dose's campaign date taken in ``zone`` (``CAMPAIGN_TIME_ZONE``)."""
    return {**HANDLERS, ev.DoseAdministered: partial(dose_administered, zone=zone)}


def immunization_views(codec, zone: tzinfo = CAMPAIGN_ZONE) -> Projection:
    """The read models; ``zone`` is the campaign zone the dose rows' ``administered_date`` is a day of."""
    return declare("immunization_views", _handlers(zone), codec=codec, batch=partial(apply_batch, zone=zone),
                   tables=("session_view", "visit_view", "vial_view", "dose_view", "next_dose_view", "aefi_view"))
