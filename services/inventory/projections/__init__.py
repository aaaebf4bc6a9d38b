"""Inventory read models built from the inventory topic (each rebuildable from offset 0).

- ``stock_on_hand`` (:mod:`.stock`): current balance per location x lot (``stock_on_hand``) and every
  ledger movement (``stock_ledger``), from which balances as of any date and stock cards are computed;
- ``catalogue`` (:mod:`.catalogue`): locations, presentation versions, lots and lot decisions;
- ``shipments`` (:mod:`.shipments`): shipments and their lines (in transit, delivered, lost, returned);
- ``cold_chain`` (:mod:`.coldchain`): storage units, excursions and their verdicts per lot;
- ``consumption`` (:mod:`.consumption`, immunization topic): decrements site stock for opened vials and
  doses given without one (appending StockConsumed / ConsumptionDiscrepancyDetected), and site usage;
- ``allocations`` (:mod:`.allocations`, allocation topic): allocation lines, recipients, released doses.

Queries over them: :mod:`.views`. Every projection lists the inventory event types it does not handle as
ignored (from the schema), so a type unknown to this version is dead-lettered, never dropped.
"""

from __future__ import annotations

from services.inventory.projections.allocations import AllocationLines, allocations
from services.inventory.projections.catalogue import catalogue
from services.inventory.projections.coldchain import cold_chain
from services.inventory.projections.consumption import consumption_projection
from services.inventory.projections.shipments import shipments
from services.inventory.projections.stock import stock_on_hand
from services.inventory.projections.views import CatalogueView, StockView

__all__ = ["AllocationLines", "CatalogueView", "StockView", "allocations", "catalogue", "cold_chain", "consumption_projection", "shipments", "stock_on_hand"]
