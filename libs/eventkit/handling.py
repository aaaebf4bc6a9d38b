"""The command table: which plain handler function runs each command, inside one transaction.

A service's ``handlers.py`` ends with one visible table, e.g.::

    COMMANDS: CommandTable = {
        RegisterPerson: register_person,
        OpenVial: Handler(open_vial, retries=3),     # commutes with other vial openings: re-decide on a 409
    }

and ``bootstrap.py`` builds ``CommandBus(EventSourcing(store, codec, producer=...), COMMANDS, deps)``. A
handler is ``handler(tx, command, deps) -> Reply | None`` (see :mod:`eventkit.aggregates`); ``deps`` is the
service's own dataclass of what decisions read besides the store (a clock, read-model lookups, keys).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from eventkit.aggregates import EventSourcing, Reply, Transaction
from eventkit.envelope import CommandContext
from eventkit.store.base import AppendResult

HandlerFunction = Callable[[Transaction, Any, Any], "Reply | None"]


@dataclass(frozen=True)
class Handler:
    """A handler function and how often a ConcurrencyConflict re-runs it on fresh state (0: answer 409)."""

    run: HandlerFunction
    retries: int = 0


CommandTable = Mapping[type, "Handler | HandlerFunction"]


class UnknownCommand(TypeError):
    """A command type with no entry in the service's table: a wiring error, never a silent no-op."""


class CommandBus:
    def __init__(self, es: EventSourcing, table: CommandTable, deps: Any) -> None:
        self.es = es
        self.deps = deps
        self._table = {kind: entry if isinstance(entry, Handler) else Handler(entry) for kind, entry in table.items()}

    def handle(self, command: Any, context: CommandContext) -> AppendResult:
        handler = self._table.get(type(command))
        if handler is None:
            raise UnknownCommand(f"no handler for {type(command).__qualname__}")
        return self.es.execute(context, lambda tx: handler.run(tx, command, self.deps), retries=handler.retries)

    def handle_many(self, commands: list[tuple[Any, CommandContext]]) -> list:
        """(command, context) pairs decided in order and committed together (``EventSourcing.execute_many``):
        per command its AppendResult or the VaxTrailError that refused it."""
        runs = []
        for command, context in commands:
            handler = self._table.get(type(command))
            if handler is None:
                raise UnknownCommand(f"no handler for {type(command).__qualname__}")
            runs.append((context, lambda tx, h=handler, c=command: h.run(tx, c, self.deps), handler.retries))
        return self.es.execute_many(runs)

    def commands(self) -> frozenset[type]:
        return frozenset(self._table)
