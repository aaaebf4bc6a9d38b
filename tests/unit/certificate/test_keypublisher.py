"""The keyring recorded as events: once per key and trust-list version, never twice."""

from __future__ import annotations

from datetime import timedelta

from eventkit.testing import InMemoryEventStore
from services.certificate.signing.keyring import init_keyring, load_keyring, rotate_keyring, withdraw_key
from services.certificate.workers.keypublisher import publish_keyring

from .builders import NOW, certificate_bus, deps


def test_keys_are_recorded_once_and_rotation_adds_the_new_key_and_retires_the_old(tmp_path):
    directory = init_keyring(tmp_path / "keys", now=NOW - timedelta(days=1))
    store = InMemoryEventStore()
    bus = certificate_bus(deps(), store)
    assert publish_keyring(bus, load_keyring(directory), now=NOW) == 3
    assert publish_keyring(bus, load_keyring(directory), now=NOW) == 0
    rotate_keyring(directory, now=NOW)
    # two new keys activated, two old keys retired, trust list v2
    assert publish_keyring(bus, load_keyring(directory), now=NOW) == 5
    types = [e.event_type.rsplit(".", 1)[1] for e in store.read_after(0, 100)]
    assert types.count("SigningKeyActivated") == 4 and types.count("SigningKeyRetired") == 2
    assert types.count("TrustListPublished") == 2
    assert {e.aggregate_type for e in store.read_after(0, 100)} == {"signing-key", "trust-list"}


def test_a_withdrawn_key_is_retired_as_withdrawn_once(tmp_path):
    directory = init_keyring(tmp_path / "keys", now=NOW - timedelta(days=1))
    store = InMemoryEventStore()
    bus = certificate_bus(deps(), store)
    publish_keyring(bus, load_keyring(directory), now=NOW)
    kid = load_keyring(directory).shc_keys[0].kid
    withdraw_key(directory, kid, now=NOW)
    assert publish_keyring(bus, load_keyring(directory), now=NOW) == 2  # the key retired + trust list v2
    assert publish_keyring(bus, load_keyring(directory), now=NOW) == 0
    [retired] = [bus.es.codec.decode(e.event_type, e.payload) for e in store.load(f"signing-key:{kid}")][1:]
    assert (retired.key_id, retired.reason) == (kid, "WITHDRAWN")
