"""Inventory command handlers: load -> decide -> append, one function per command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from eventkit.aggregates import AggregateSpec, Repository
from eventkit.envelope import CommandContext
from eventkit.store.base import AppendResult
from services.inventory import domain

STOCK_ITEM = AggregateSpec("stock_item", domain.StockItem.empty, domain.evolve)


class InventoryHandlers:
    def __init__(self, repository: Repository, clock: Callable[[], datetime]) -> None:
        self._repository = repository
        self._clock = clock

    def receive_doses(self, command: domain.ReceiveDoses, context: CommandContext, request_hash: str) -> AppendResult:
        item_id = domain.stock_item_id(command.location_id, command.lot_id)
        return self._repository.execute(
            STOCK_ITEM,
            item_id,
            lambda state: domain.receive_doses(state, command, now=self._clock()),
            context,
            request_hash=request_hash,
            respond=lambda events: {
                "stock_item_id": item_id,
                "event_ids": [str(e.event_id) for e in events],
                "aggregate_version": events[-1].aggregate_version,
            },
        )
