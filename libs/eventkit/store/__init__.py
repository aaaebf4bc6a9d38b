"""The event store: one per service, append-only, positions in commit order.

:class:`~eventkit.store.base.EventStore` is the contract; :class:`~eventkit.store.postgres.PostgresEventStore`
is the production implementation and :class:`~eventkit.store.memory.InMemoryEventStore` the fake for unit
tests. ``tests/integration/test_event_store_contract.py`` runs the same contract suite against both.
"""

from eventkit.store.base import AggregateChanges, AppendResult, EventStore

__all__ = ["AggregateChanges", "AppendResult", "EventStore"]
