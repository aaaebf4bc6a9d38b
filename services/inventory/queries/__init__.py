"""Read-model queries of the inventory service (SQL over its own read models), used by the API and by
:class:`services.inventory.handlers.Deps`: :mod:`.stock` (balances as of any time, stock cards, shipments,
picking, near-expiry, wastage, discrepancies), :mod:`.catalogue` (supply tree, presentations, lots),
:mod:`.allocations` (allocation lines a dispatch may name), :mod:`.dispensations` (session dispensations a
dispatch to a site cites)."""

from __future__ import annotations

from services.inventory.queries.allocations import AllocationLines
from services.inventory.queries.catalogue import CatalogueQueries
from services.inventory.queries.dispensations import Dispensations
from services.inventory.queries.stock import StockQueries

__all__ = ["AllocationLines", "CatalogueQueries", "Dispensations", "StockQueries"]
