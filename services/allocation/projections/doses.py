"""Projection ``doses_given``: doses given per site, product, series and dose number (immunization topic);
the basis of second-dose reserves and progress-based top-ups. A dose entered in error is voided."""

from __future__ import annotations

from eventkit.codec import decode_message, topic_event_types
from eventkit.projections import Projection
from services.allocation.projections.common import DOSES_TOPIC

P = "vaxtrail.immunization.v1."


def administered(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO doses_given (dose_id, event_id, site_id, presentation_id, series, dose_number)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (dose_id) DO NOTHING",
        (m.dose_id, event.event_id, m.site_id, m.presentation_id, m.series, m.dose_number))


def entered_in_error(conn, event, m) -> None:
    conn.execute("UPDATE doses_given SET voided = true WHERE dose_id = %s", (m.dose_id,))


HANDLERS = {P + "DoseAdministered": administered, P + "DoseEnteredInError": entered_in_error}


def doses_given(topic: str = DOSES_TOPIC) -> Projection:
    return Projection(
        name="doses_given",
        topics=(topic,),
        handlers=HANDLERS,
        ignored=topic_event_types("immunization") - HANDLERS.keys(),
        tables=("doses_given",),
        decoder=decode_message,
    )
