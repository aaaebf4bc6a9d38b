"""The lot review process manager over the immunization topic: an AEFI classified A2 (vaccine quality defect)
suspends its lots nationally until a person releases or recalls them.

Projection ``lot_reviews`` records, for each ``AefiClassified`` with ``lot_review_requested``, one row per lot in
``lot_review_pending`` (in its batch transaction, with its tracking row). :class:`LotReviewWorker` drains it
(:mod:`eventkit.work_queue`): :class:`~services.inventory.domain.lots.OpenLotReview` through the command bus, whose
decision appends the national ``LotSuspended`` naming the AEFI, and then deletes the row.

Exactly once: each review carries the idempotency key ``lot-review|<source event id>|<lot>``, so a crash between
the append and the delete, a rebuild that replays the topic, or two workers taking the same row append nothing
more. The suspension takes effect when the worker first decides it (inventory's clock).
"""

from __future__ import annotations

from dataclasses import dataclass

from eventkit.envelope import CommandContext
from eventkit.projections import Projection
from eventkit.readmodels import declare
from eventkit.work_queue import QueueWorker
from services.inventory.domain import lots
from vaxtrail.immunization.v1 import events_pb2 as immunization

ACTOR = "inventory-lot-review"


def aefi_classified(conn, event, m: immunization.AefiClassified) -> None:
    if not m.lot_review_requested:
        return
    for lot_id in dict.fromkeys(m.lot_ids):
        conn.execute(
            "INSERT INTO lot_review_pending (source_event_id, lot_id, aefi_id, causality, correlation_id)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (event.event_id, lot_id, m.aefi_id, m.causality, event.correlation_id))


def lot_reviews_projection() -> Projection:
    # lot_review_pending is not among the tables a rebuild empties: see migrations/0008.
    return declare("lot_reviews", {immunization.AefiClassified: aefi_classified})


@dataclass(frozen=True)
class LotReviewWorker(QueueWorker):
    """Drains ``lot_review_pending`` through the command bus (see the module docstring)."""

    table = "lot_review_pending"
    columns = ("source_event_id", "lot_id", "aefi_id", "causality", "correlation_id")
    keys = 2

    def consume(self, source_event_id, lot_id: str, aefi_id: str, causality: str, correlation_id: str) -> None:
        """One lot review, in its own transaction, at most once per (classification, lot)."""
        source_id = str(source_event_id)
        context = CommandContext(actor_id=ACTOR, actor_role="system", correlation_id=correlation_id,
                                 causation_id=source_id, idempotency_key=f"lot-review|{source_id}|{lot_id}",
                                 request_hash=f"{source_id}|{lot_id}")
        self.bus.handle(lots.OpenLotReview(lot_id, aefi_id, causality), context)
