"""Test helpers: the in-memory event store and a Given / When / Then scenario for pure domain code.

    Scenario(decide=domain.decide, evolve=domain.evolve, initial=domain.StockItem.empty)
        .given(DoseReceived(...), ...)
        .when(IssueStock(...))
        .then(StockIssued(...))                      # or .then_rejects(DomainError, rule="INV-1")

The in-memory store passes the same contract suite as the PostgreSQL store
(``tests/integration/test_event_store_contract.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventkit.errors import DomainError
from eventkit.store.memory import InMemoryEventStore

__all__ = ["InMemoryEventStore", "Scenario"]


@dataclass
class Scenario:
    decide: Callable[[Any, Any], Sequence[Any]]
    evolve: Callable[[Any, Any], Any]
    initial: Callable[[], Any]
    _history: list[Any] = field(default_factory=list)
    _command: Any = None

    def given(self, *events: Any) -> Scenario:
        self._history.extend(events)
        return self

    def when(self, command: Any) -> Scenario:
        self._command = command
        return self

    def _state(self) -> Any:
        state = self.initial()
        for event in self._history:
            state = self.evolve(state, event)
        return state

    def then(self, *expected: Any) -> list[Any]:
        produced = list(self.decide(self._state(), self._command))
        assert produced == list(expected), f"expected {list(expected)!r}\n     got {produced!r}"
        return produced

    def then_rejects(self, error: type[DomainError] = DomainError, *, rule: str | None = None,
                     field: str | None = None) -> DomainError:
        try:
            produced = self.decide(self._state(), self._command)
        except error as exc:
            if rule is not None:
                assert exc.rule == rule, f"rejected under {exc.rule!r}, expected {rule!r}"
            if field is not None:
                assert exc.field == field, f"rejected on field {exc.field!r}, expected {field!r}"
            return exc
        raise AssertionError(f"expected {error.__name__} ({rule}), but the command produced {produced!r}")
