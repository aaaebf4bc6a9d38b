"""Inventory HTTP API: one Flask blueprint under ``/v1`` assembled from the route modules.

- :mod:`.reference` - seed, locations, presentations, lots, lot decisions (national_admin; lot decisions
  also province_officer within scope);
- :mod:`.ledger` - receipts, adjustments, counts, reversals, shipments (role- and scope-checked on the
  location that moves stock);
- :mod:`.coldchain` - storage units, temperature excursions and assessments, thaw records;
- :mod:`.reads` - stock as of any date, stock cards, shipments, picking, near-expiry, wastage.
"""

from __future__ import annotations

from flask import Blueprint

from services.inventory.api import coldchain, ledger, reads, reference
from services.inventory.handlers import InventoryHandlers
from services.inventory.projections import CatalogueView, StockView


def blueprint(handlers: InventoryHandlers, stock: StockView, catalogue: CatalogueView) -> Blueprint:
    bp = Blueprint("inventory", __name__, url_prefix="/v1")
    reference.register(bp, handlers)
    ledger.register(bp, handlers)
    coldchain.register(bp, handlers)
    reads.register(bp, handlers, stock, catalogue)
    return bp
