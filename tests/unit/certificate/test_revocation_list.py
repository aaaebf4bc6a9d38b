"""``RevocationListPublished``: one signed revocation list per version, never two for the same content
(issue 17, item 5)."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

from eventkit.testing import InMemoryEventStore
from services.certificate.domain import revocations
from services.certificate.domain.commands import PublishRevocationList
from services.certificate.signing.lists import REVOCATION_LIST, entries_hash, open_list, sign_list
from services.certificate.workers import listpublisher

from .builders import NOW, certificate_bus, deps, keyring

DCC = {"a2lkLWtpZA==": ["hash-1", "hash-2"]}
SHC = {"thumb": ["rid-1"]}


def published(store: InMemoryEventStore, bus) -> list[revocations.RevocationListPublished]:
    return [bus.es.codec.decode(e.event_type, e.payload) for e in store.load(revocations.REVOCATION_LIST_ID)]


def test_the_first_version_is_published_even_when_empty_and_the_same_content_never_twice():
    state = revocations.RevocationList()
    assert revocations.next_version(state, b"empty") == 1
    state = revocations.evolve(state, revocations.RevocationListPublished(1, b"empty", 0, NOW, b""))
    assert revocations.next_version(state, b"empty") is None
    assert revocations.next_version(state, b"one revoked") == 2


def test_each_new_content_is_one_signed_version_with_its_event():
    store, lists = InMemoryEventStore(), {}
    bus = certificate_bus(deps(lists=lists), store)
    for dcc, shc in [({}, {}), ({}, {}), (DCC, {}), (DCC, {}), (DCC, SHC)]:
        bus.handle(PublishRevocationList(dcc, shc), listpublisher.LISTS)
    events = published(store, bus)
    assert [e.version for e in events] == [1, 2, 3] and sorted(lists) == [1, 2, 3]
    last = events[-1]
    document = open_list(lists[3], keyring().csca, expected_type=REVOCATION_LIST, at=NOW)
    assert (document["version"], document["dcc"], document["shc"]) == (3, DCC, SHC)
    assert last.signed_sha256 == hashlib.sha256(lists[3].encode()).digest()
    assert (last.entries_hash, last.entry_count) == (entries_hash({"dcc": DCC, "shc": SHC}), 3)


def test_an_interrupted_publication_keeps_the_stored_list_and_the_event_describes_it():
    ring = keyring()
    earlier = sign_list(ring, {"type": REVOCATION_LIST, "version": 1, "issued_at": (NOW - timedelta(minutes=1))
                               .isoformat(), "dcc": DCC, "shc": {}})
    store, lists = InMemoryEventStore(), {1: earlier}
    bus = certificate_bus(deps(lists=lists), store)
    bus.handle(PublishRevocationList(DCC, {}), listpublisher.LISTS)
    [event] = published(store, bus)
    assert lists[1] == earlier and event.signed_sha256 == hashlib.sha256(earlier.encode()).digest()


def test_the_event_round_trips_through_protobuf():
    codec = certificate_bus().es.codec
    event = revocations.RevocationListPublished(4, b"\x01" * 32, 7, NOW, b"\x02" * 32)
    assert codec.decode(codec.event_type(event), codec.encode(event)) == event


class Views:
    """The two queries the list publisher reads, over a mutable list."""

    def __init__(self) -> None:
        self.changes, self.dcc = 0, {}
        self.recorded: int | None = None  # the store's count of listed changes (None: what the view applied)
        self.looked = threading.Event()

    def revocation_changes_recorded(self) -> int:
        return self.changes if self.recorded is None else self.recorded

    def revocation_changes(self) -> int:
        self.looked.set()
        return self.changes

    def revocation_list(self):
        return self.changes, dict(self.dcc), {}


def test_the_list_publisher_publishes_at_start_and_after_each_change():
    store, views = InMemoryEventStore(), Views()
    bus = certificate_bus(deps(), store)
    stop = threading.Event()
    worker = threading.Thread(target=listpublisher.publisher(bus, views, interval=0.01), args=(stop,))
    worker.start()
    try:
        def settle():
            for _ in range(3):  # three looks after the change
                views.looked.clear()
                assert views.looked.wait(30)
        settle()
        views.dcc, views.changes = DCC, 1
        settle()
        views.changes = 2  # a change that leaves the content as it was: no new version
        settle()
    finally:
        stop.set()
        worker.join(5)
    assert [(e.version, e.entry_count) for e in published(store, bus)] == [(1, 0), (2, 2)]


def test_the_list_publisher_waits_while_the_view_is_behind_its_store_as_during_a_rebuild():
    """A rebuild empties ``certificate_views`` and replays it: the counter restarts from 0 and the list is
    partial until every revocation is applied again. Publishing then signed a list without revoked certificates
    (and a second version once the replay was done); the publisher now waits for the view to catch up."""
    store, views = InMemoryEventStore(), Views()
    bus = certificate_bus(deps(), store)
    views.dcc, views.changes = DCC, 2
    stop = threading.Event()
    worker = threading.Thread(target=listpublisher.publisher(bus, views, interval=0.01), args=(stop,))
    worker.start()
    try:
        def settle():
            for _ in range(3):
                views.looked.clear()
                assert views.looked.wait(30)
        settle()
        views.recorded = 2  # the store holds the two revocations
        views.dcc, views.changes = {}, 0  # rebuild: emptied
        settle()
        views.dcc, views.changes = {k: v[:1] for k, v in DCC.items()}, 1  # half replayed
        settle()
        views.dcc, views.changes = DCC, 2  # caught up: the same content as published, no new version
        settle()
    finally:
        stop.set()
        worker.join(5)
    assert [(e.version, e.entry_count) for e in published(store, bus)] == [(1, 2)]
