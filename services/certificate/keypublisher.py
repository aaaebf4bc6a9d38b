"""Record the keyring the service runs with as events (an audit trail of which key signed from when).

At worker start, each key of the keyring gets ``SigningKeyActivated`` (aggregate ``signing-key:<kid>``)
once, and ``SigningKeyRetired`` once it is retired or withdrawn; the trust list gets one
``TrustListPublished`` per keyring version (aggregate ``trust-list``). Derived from the files, so running
it again appends nothing; a concurrent worker loses the version check and re-reads.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from datetime import datetime

from cryptography.hazmat.primitives import serialization

from eventkit.aggregates import Repository
from eventkit.envelope import CommandContext
from eventkit.errors import ConcurrencyConflict
from eventkit.store.base import AggregateChanges
from services.certificate.keyevents import SigningKeyActivated, SigningKeyRetired, TrustListPublished
from services.certificate.signing.keyring import Keyring
from services.certificate.signing.lists import entries_hash, trust_list_document

log = logging.getLogger(__name__)
CONTEXT = CommandContext(actor_id="certificate-keys", actor_role="system")


def key_events(keyring: Keyring, now: datetime) -> dict[str, list]:
    """The events every key's stream should hold, by aggregate id."""
    wanted: dict[str, list] = {}
    for dsc in keyring.dscs:
        kid = base64.b64encode(dsc.kid).decode()
        cert = dsc.certificate
        events: list = [SigningKeyActivated(kid, "EU_DCC_HC1", "ES256", cert.public_bytes(serialization.Encoding.DER),
                                            "", cert.not_valid_before_utc, cert.not_valid_after_utc, now)]
        if dsc.status != "active":
            events.append(SigningKeyRetired(kid, "WITHDRAWN" if dsc.status == "withdrawn" else "ROTATED", now))
        wanted[f"signing-key:{kid}"] = events
    for key in keyring.shc_keys:
        events = [SigningKeyActivated(key.kid, "SMART_HEALTH_CARD", "ES256", b"", json.dumps(key.jwk, sort_keys=True),
                                      None, None, now)]
        if key.status != "active":
            events.append(SigningKeyRetired(key.kid, "WITHDRAWN" if key.status == "withdrawn" else "ROTATED", now))
        wanted[f"signing-key:{key.kid}"] = events
    return wanted


def publish_keyring(repository: Repository, codec, keyring: Keyring, *, producer: str, now: datetime) -> int:
    """Append what is missing; returns the number of events appended."""
    appended = 0
    document = trust_list_document(keyring, now)
    trust = {"trust-list": [TrustListPublished(keyring.version, entries_hash({k: v for k, v in document.items()
                                                                              if k not in ("issued_at",)}),
                                               len(document["dsc"]) + len(document["shc"]), now)]}
    for aggregate, events in (key_events(keyring, now) | trust).items():
        stored = repository.store.load(aggregate)
        if aggregate == "trust-list":
            published = {codec.decode(e.event_type, e.payload).version for e in stored}
            missing = [e for e in events if e.version not in published]
        else:
            missing = events[len(stored):]
        if missing:
            try:
                repository.store.append([AggregateChanges(aggregate.split(":")[0], aggregate, len(stored),
                                                          [repository.draft(e) for e in missing])],
                                        CONTEXT, producer=producer)
                appended += len(missing)
            except ConcurrencyConflict:
                log.info("keyring events for %s were appended by another worker", aggregate)
    return appended


def publisher(repository: Repository, codec, keyring: Keyring, *, producer: str, clock):
    """A worker component: publish once (retrying while the database is down), then wait for stop."""
    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                publish_keyring(repository, codec, keyring, producer=producer, now=clock())
                break
            except Exception:  # noqa: BLE001 - retried; never silently dropped
                log.exception("publishing the keyring failed; retrying")
                stop.wait(2.0)
        stop.wait()
    return run
