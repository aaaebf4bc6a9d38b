"""Inventory read models (each rebuildable from offset 0), declared by event class with
:func:`eventkit.readmodels.declare` (their topics and the event types they skip follow from the handlers).

On the inventory topic:

- ``stock_on_hand`` (:mod:`.stock`): current balance per location x lot (``stock_on_hand``) and every
  ledger movement (``stock_ledger``), from which balances as of any date and stock cards are computed;
- ``catalogue`` (:mod:`.catalogue`): locations, presentation versions, lots and lot decisions;
- ``shipments`` (:mod:`.shipments`): shipments and their lines (in transit, delivered, lost, returned);
- ``cold_chain`` (:mod:`.coldchain`): storage units, excursions and their verdicts per lot.

On other services' topics:

- ``consumption`` (:mod:`.consumption`, immunization topic): the consumption waiting for the consumption
  worker (which appends StockConsumed / ConsumptionDiscrepancyDetected);
- ``site_usage`` (:mod:`.site_usage`, immunization topic): doses opened, administered and left in discarded vials
  per site x lot x campaign day (open-vial wastage);
- ``lot_reviews`` (:mod:`.lot_reviews`, immunization topic): the lot reviews an AEFI classified A2 asks for,
  waiting for the lot review worker (which appends the national LotSuspended naming the AEFI);
- ``allocations`` (:mod:`.allocations`, allocation topic): allocation lines, recipients, released doses;
- ``dispensations`` (:mod:`.dispensations`, allocation topic): doses dispensed to each session's site per lot.

Queries over them: :mod:`services.inventory.queries`.
"""

from __future__ import annotations

from services.inventory.projections.allocations import allocations
from services.inventory.projections.catalogue import catalogue
from services.inventory.projections.coldchain import cold_chain
from services.inventory.projections.consumption import ConsumptionWorker, consumption_projection
from services.inventory.projections.dispensations import dispensations
from services.inventory.projections.lot_reviews import LotReviewWorker, lot_reviews_projection
from services.inventory.projections.shipments import shipments
from services.inventory.projections.site_usage import site_usage
from services.inventory.projections.stock import stock_on_hand

__all__ = ["ConsumptionWorker", "LotReviewWorker", "allocations", "catalogue", "cold_chain", "consumption_projection",
           "dispensations", "lot_reviews_projection", "shipments", "site_usage", "stock_on_hand"]
