"""The key publisher: a worker component that records the keyring the service runs with as events.

At worker start, and whenever the keyring's version changes (the worker runs with a ``LiveKeyring``: a
``keytool rotate`` or ``withdraw`` is picked up without a restart), it hands the command bus one :class:`RecordSigningKey` per key of the key folder (stream
``signing-key:<kid>``: ``SigningKeyActivated`` once, ``SigningKeyRetired`` once the key is retired or
withdrawn) and one :class:`PublishTrustList` for the keyring version (stream ``trust-list``). The decisions
(``domain/keys.py``) are idempotent, so running it again appends nothing; a concurrent worker makes one
of the two re-decide on fresh state (``Handler(retries=...)``) and append nothing.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime

from cryptography.hazmat.primitives import serialization

from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from services.certificate.domain.certificates import EU_DCC, SMART_HEALTH_CARD
from services.certificate.domain.commands import PublishTrustList, RecordSigningKey
from services.certificate.signing.keyring import Keyring
from services.certificate.signing.lists import entries_hash, trust_list_document
from services.certificate.signing.livekeys import LiveKeyring, current

log = logging.getLogger(__name__)
KEYS = CommandContext(actor_id="certificate-keys", actor_role="system")


def key_commands(keyring: Keyring) -> list[RecordSigningKey]:
    """One command per key of the keyring: document signers (kid = base64 of the 8-byte kid), then SHC keys."""
    commands = []
    for dsc in keyring.dscs:
        cert = dsc.certificate
        commands.append(RecordSigningKey(base64.b64encode(dsc.kid).decode(), EU_DCC, "ES256",
                                         cert.public_bytes(serialization.Encoding.DER), "",
                                         cert.not_valid_before_utc, cert.not_valid_after_utc, dsc.status))
    for key in keyring.shc_keys:
        commands.append(RecordSigningKey(key.kid, SMART_HEALTH_CARD, "ES256", b"",
                                         json.dumps(key.jwk, sort_keys=True), None, None, key.status))
    return commands


def trust_list_command(keyring: Keyring, now: datetime) -> PublishTrustList:
    document = trust_list_document(keyring, now)
    entries = {k: v for k, v in document.items() if k != "issued_at"}
    return PublishTrustList(keyring.version, entries_hash(entries), len(document["dsc"]) + len(document["shc"]))


def publish_keyring(bus: CommandBus, keyring: Keyring, *, now: datetime) -> int:
    """Record what the event store lacks about ``keyring``; returns the number of events appended."""
    commands = [*key_commands(keyring), trust_list_command(keyring, now)]
    return sum(len(bus.handle(command, KEYS).events) for command in commands)


def publisher(bus: CommandBus, keyring: Keyring | LiveKeyring, *, clock: Callable[[], datetime],
              check_every: float = 5.0):
    """A worker component: publish the keyring at start and again whenever its version changes (a
    :class:`LiveKeyring` follows the key folder: rotation without a restart); failures are retried."""
    def run(stop: threading.Event) -> None:
        published = None
        while not stop.is_set():
            now_keyring = current(keyring)
            if now_keyring.version != published:
                try:
                    publish_keyring(bus, now_keyring, now=clock())
                    published = now_keyring.version
                except Exception:  # noqa: BLE001 - retried; never silently dropped
                    log.exception("publishing the keyring failed; retrying")
                    stop.wait(2.0)
                    continue
            stop.wait(check_every)
    return run
