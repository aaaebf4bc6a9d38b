"""Inventory command handlers: load -> decide -> append, one method per command.

:class:`InventoryHandlers` combines the reference-data handlers (:mod:`.reference`), the ledger and
shipment handlers (:mod:`.ledger`) and the cold-chain handlers (:mod:`.coldchain`); all build on :class:`.base.HandlerBase` (loading aggregates and the
reference data a decision needs, and appending several aggregates atomically).
"""

from __future__ import annotations

from services.inventory.handlers.base import HandlerBase
from services.inventory.handlers.coldchain import ColdChainHandlers
from services.inventory.handlers.ledger import LedgerHandlers
from services.inventory.handlers.reference import ReferenceHandlers


class InventoryHandlers(ReferenceHandlers, LedgerHandlers, ColdChainHandlers, HandlerBase):
    """Every inventory command."""


__all__ = ["HandlerBase", "InventoryHandlers"]
