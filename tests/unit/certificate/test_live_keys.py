"""A key rotation is picked up without a restart: the signer, the trust list the web serves and the key
publisher follow the key folder (issue 17, item 5)."""

from __future__ import annotations

import base64
import threading
from datetime import timedelta

from eventkit.testing import InMemoryEventStore
from services.certificate.api.trust import TrustMaterial
from services.certificate.domain.certificates import (
    EU_DCC,
    SMART_HEALTH_CARD,
    PersonCertificates,
    Synchronise,
    synchronise,
)
from services.certificate.formats.documents import signed_facts
from services.certificate.signing.keyring import init_keyring, load_keyring, rotate_keyring, withdraw_key
from services.certificate.signing.livekeys import LiveKeyring
from services.certificate.workers import keypublisher

from .builders import NOW, TWO_AZ, certificate_bus, deps, factory, record


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def live(tmp_path, check_every: float = 5.0):
    directory = init_keyring(tmp_path / "keys", now=NOW - timedelta(days=1))
    clock = Clock()
    return directory, LiveKeyring(directory, check_every=check_every, monotonic=clock), clock


def test_a_rotation_is_picked_up_at_the_next_check_not_before(tmp_path):
    directory, keys, clock = live(tmp_path)
    first = keys.active_dsc.kid
    rotate_keyring(directory, now=NOW)
    clock.now = 4.9
    assert keys.active_dsc.kid == first and keys.version == 1
    clock.now = 5.0
    assert keys.active_dsc.kid != first and keys.version == 2
    assert keys.active_dsc.kid == load_keyring(directory).active_dsc.kid


def test_a_folder_that_does_not_load_keeps_the_previous_keyring_until_it_does(tmp_path):
    directory, keys, clock = live(tmp_path, check_every=0)
    manifest = (directory / "keyring.json").read_text()
    (directory / "keyring.json").write_text("{ half written")
    assert keys.version == 1 and keys.active_dsc  # still signs with the keys it had
    (directory / "keyring.json").write_text(manifest)
    rotate_keyring(directory, now=NOW)
    assert keys.version == 2


def test_certificates_are_signed_with_the_new_keys_after_a_rotation_by_the_same_signer(tmp_path):
    directory, keys, clock = live(tmp_path, check_every=0)
    signer = factory(keys)  # built once, as the worker builds it at start

    def sign_all() -> dict[str, str]:
        texts = {}

        def issue(request):
            signed = signer.sign(request)
            texts[request.format] = signed.text
            return signed.event

        synchronise(PersonCertificates.empty(), Synchronise(record(*TWO_AZ), NOW), issue=issue)
        return {fmt: signed_facts(text).key_id for fmt, text in texts.items()}

    before = sign_all()
    rotate_keyring(directory, now=NOW)
    ring = load_keyring(directory)
    after = sign_all()
    assert after == {EU_DCC: base64.b64encode(ring.active_dsc.kid).decode(), SMART_HEALTH_CARD: ring.active_shc.kid}
    assert set(after.values()).isdisjoint(before.values())


class NoLists:
    def published_revocation_list(self):
        return None

    def revocation_list(self):
        return 0, {}, {}


def test_the_trust_list_served_follows_a_rotation_and_a_withdrawal(tmp_path):
    directory, keys, clock = live(tmp_path, check_every=0)
    material = TrustMaterial(keys, NoLists())
    assert material.trust()[0]["version"] == 1
    rotate_keyring(directory, now=NOW)
    document, _ = material.trust()
    assert document["version"] == 2 and len(document["dsc"]) == 2
    withdraw_key(directory, document["dsc"][0]["kid"], now=NOW)
    assert [d["status"] for d in material.trust()[0]["dsc"]] == ["withdrawn", "active"]
    assert material.store().trust_list_version == 3


def test_the_key_publisher_records_a_rotation_while_it_runs(tmp_path):
    directory, keys, clock = live(tmp_path, check_every=0)
    store = InMemoryEventStore()
    bus = certificate_bus(deps(), store)
    stop = threading.Event()
    worker = threading.Thread(target=keypublisher.publisher(bus, keys, clock=lambda: NOW, check_every=0.01),
                              args=(stop,))
    worker.start()
    try:
        def published(count: int) -> bool:
            for _ in range(3000):  # up to 30 s on a loaded machine
                if sum(e.event_type.endswith("TrustListPublished") for e in store.read_after(0, 100)) == count:
                    return True
                stop.wait(0.01)
            return False

        assert published(1)
        rotate_keyring(directory, now=NOW)
        assert published(2)
    finally:
        stop.set()
        worker.join(5)
    types = [e.event_type.rsplit(".", 1)[1] for e in store.read_after(0, 100)]
    assert types.count("SigningKeyActivated") == 4 and types.count("SigningKeyRetired") == 2
