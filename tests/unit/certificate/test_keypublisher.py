"""The keyring recorded as events: once per key and trust-list version, never twice."""

from __future__ import annotations

from datetime import timedelta

from eventkit.aggregates import Repository
from eventkit.testing import InMemoryEventStore
from services.certificate.codec import build_codec
from services.certificate.keypublisher import publish_keyring
from services.certificate.signing.keyring import init_keyring, load_keyring, rotate_keyring

from .builders import NOW


def test_keys_are_recorded_once_and_rotation_adds_the_new_key_and_retires_the_old(tmp_path):
    directory = init_keyring(tmp_path / "keys", now=NOW - timedelta(days=1))
    store, codec = InMemoryEventStore(), build_codec()
    repository = Repository(store, codec, producer="certificate/test")
    assert publish_keyring(repository, codec, load_keyring(directory), producer="certificate/test", now=NOW) == 3
    assert publish_keyring(repository, codec, load_keyring(directory), producer="certificate/test", now=NOW) == 0
    rotate_keyring(directory, now=NOW)
    # two new keys activated, two old keys retired, trust list v2
    assert publish_keyring(repository, codec, load_keyring(directory), producer="certificate/test", now=NOW) == 5
    types = [e.event_type.rsplit(".", 1)[1] for e in store.read_after(0, 100)]
    assert types.count("SigningKeyActivated") == 4 and types.count("SigningKeyRetired") == 2
    assert types.count("TrustListPublished") == 2
