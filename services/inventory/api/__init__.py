"""Inventory HTTP API: one Flask blueprint under ``/v1`` assembled from the route modules.

- :mod:`.reference` - seed, locations, presentations, lots, lot decisions (national_admin; lot decisions
  also province_officer within scope);
- :mod:`.ledger` - receipts, adjustments, counts, reversals, shipments (role- and scope-checked on the
  location that moves stock);
- :mod:`.coldchain` - storage units, temperature excursions and assessments, thaw records;
- :mod:`.reads` - stock as of any date, stock cards, shipments, picking, near-expiry, wastage;
- :mod:`.provinces` - the response centre's stock, supply and wastage by province;
- :mod:`.public` - figures and the site finder, without sign-in.
"""

from __future__ import annotations

from flask import Blueprint

from eventkit.handling import CommandBus
from services.inventory.api import coldchain, ledger, provinces, public, reads, reference
from services.inventory.queries import CatalogueQueries, StockQueries
from services.inventory.queries.provinces import ProvinceQueries
from services.inventory.queries.public import PublicQueries


def blueprint(bus: CommandBus, stock: StockQueries, catalogue: CatalogueQueries, public_reads: PublicQueries,
              province_reads: ProvinceQueries) -> Blueprint:
    """Every write runs a command on ``bus``; the reads query the read models."""
    bp = Blueprint("inventory", __name__, url_prefix="/v1")
    reference.register(bp, bus)
    ledger.register(bp, bus)
    coldchain.register(bp, bus)
    reads.register(bp, bus.es, stock, catalogue)
    provinces.register(bp, province_reads)
    public.register(bp, public_reads, bus.deps.zone)
    return bp
