"""Group commit: appends of concurrent threads wait while a commit is in flight, then commit together."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from eventkit.envelope import CommandContext, EventDraft
from eventkit.errors import ConcurrencyConflict
from eventkit.store import AggregateChanges
from eventkit.store.group import GroupCommit
from eventkit.store.memory import InMemoryEventStore

CONTEXT = CommandContext(actor_id="vaccinator-1", actor_role="vaccinator")


def changes(stream: str, expected: int) -> list[AggregateChanges]:
    draft = EventDraft("vaxtrail.immunization.v1.PersonCheckedIn", stream.encode(), datetime.now(UTC))
    return [AggregateChanges("visit", stream, expected, [draft])]


class HeldStore:
    """The in-memory store, whose first ``append_many`` waits until the test lets it go."""

    def __init__(self) -> None:
        self.inner, self.calls, self.release = InMemoryEventStore(), [], threading.Event()

    def append_many(self, appends, **options):
        self.calls.append(len(appends))
        if len(self.calls) == 1:
            assert self.release.wait(10)
        return self.inner.append_many(appends, **options)


def test_appends_that_arrive_during_a_commit_are_committed_together_each_on_its_own():
    store = HeldStore()
    group = GroupCommit(store)
    outcomes: dict[str, object] = {}

    def append(stream: str, expected: int) -> None:
        try:
            outcomes[stream] = group.append(changes(stream, expected), CONTEXT, producer="immunization")
        except ConcurrencyConflict as exc:
            outcomes[stream] = exc

    store.inner.append(changes("V-STALE", 0), CONTEXT, producer="immunization")
    first = threading.Thread(target=append, args=("V-1", 0))
    first.start()
    deadline = time.monotonic() + 10
    while not store.calls:  # the first commit is in flight
        assert time.monotonic() < deadline
        time.sleep(0.001)
    others = [threading.Thread(target=append, args=args) for args in (("V-2", 0), ("V-3", 0), ("V-STALE", 0))]
    for thread in others:
        thread.start()
    while len(group._waiting) < 3:  # all three queued behind the commit in flight
        assert time.monotonic() < deadline
        time.sleep(0.001)
    store.release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert store.calls == [1, 3]
    assert isinstance(outcomes["V-STALE"], ConcurrencyConflict)
    assert {s for s, o in outcomes.items() if not isinstance(o, Exception)} == {"V-1", "V-2", "V-3"}
    assert [len(store.inner.load(s)) for s in ("V-1", "V-2", "V-3", "V-STALE")] == [1, 1, 1, 1]


def test_a_failed_commit_reaches_every_command_of_its_group():
    class Broken:
        def append_many(self, appends, **options):
            raise OSError("connection lost")

    with pytest.raises(OSError):
        GroupCommit(Broken()).append(changes("V-1", 0), CONTEXT, producer="immunization")
