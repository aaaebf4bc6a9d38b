"""Inventory command handlers: load -> decide -> append, one method per command.

:class:`InventoryHandlers` combines the reference-data handlers (:mod:`.reference`) and the ledger and
shipment handlers (:mod:`.ledger`); both build on :class:`.base.HandlerBase` (loading aggregates and the
reference data a decision needs, and appending several aggregates atomically).
"""

from __future__ import annotations

from services.inventory.handlers.base import HandlerBase
from services.inventory.handlers.ledger import LedgerHandlers
from services.inventory.handlers.reference import ReferenceHandlers


class InventoryHandlers(ReferenceHandlers, LedgerHandlers, HandlerBase):
    """Every inventory command."""


__all__ = ["HandlerBase", "InventoryHandlers"]
