"""Group commit: the appends of concurrent requests in one process, committed in one transaction.

Every append holds the service's commit-order lock through its COMMIT and so through the WAL flush (see
:mod:`eventkit.store.postgres`): appends from many request threads queue for that lock one flush at a time.
:class:`GroupCommit` lets them share the flush. A thread that appends while another thread's commit is in
flight waits; the next thread to find the store free commits everything that waited with one
``append_many(..., chained=False)`` - one lock, one flush. Each command stays all-or-nothing and on its
own: a stale version fails only its own command, whose handler then re-decides or answers 409 as it
would have alone; an idempotency key already used is answered as a replay. Every other method of the
store is the store's own.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventkit.envelope import CommandContext
from eventkit.errors import VaxTrailError
from eventkit.store.base import AggregateChanges, AppendResult, EventStore, PendingAppend, Responder


@dataclass
class _Slot:
    append: PendingAppend
    producer: str
    outcome: AppendResult | BaseException | None = None


class GroupCommit:
    """An :class:`~eventkit.store.base.EventStore` whose ``append`` commits concurrent callers together."""

    def __init__(self, store: EventStore, *, most: int = 200) -> None:
        self.store = store
        self._most = most
        self._waiting: list[_Slot] = []
        self._busy = False
        self._turn = threading.Condition()

    def append(self, changes: Sequence[AggregateChanges], context: CommandContext, *, producer: str,
               respond: Responder | None = None) -> AppendResult:
        slot = _Slot(PendingAppend(changes, context, respond), producer)
        with self._turn:
            self._waiting.append(slot)
            while slot.outcome is None and self._busy:
                self._turn.wait()
            if slot.outcome is None:  # the store is free: commit everything waiting (this slot among it)
                self._busy = True
                group = [s for s in self._waiting if s.producer == producer][:self._most]
                self._waiting = [s for s in self._waiting if s not in group]
        if slot.outcome is None:
            self._commit(group, producer)
        if isinstance(slot.outcome, BaseException):
            raise slot.outcome
        return slot.outcome

    def _commit(self, group: list[_Slot], producer: str) -> None:
        try:
            outcomes: Sequence[AppendResult | BaseException] = self.store.append_many(
                [s.append for s in group], producer=producer, chained=False)
        except BaseException as exc:  # noqa: BLE001 - the database failed: every command of the group hears it
            outcomes = [exc] * len(group)
        with self._turn:
            for slot, outcome in zip(group, outcomes, strict=True):
                slot.outcome = outcome
            self._busy = False
            self._turn.notify_all()

    def append_many(self, appends: Sequence[PendingAppend], *, producer: str,
                    chained: bool = True) -> list[AppendResult | VaxTrailError]:
        return self.store.append_many(appends, producer=producer, chained=chained)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)
