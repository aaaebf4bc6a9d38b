"""Certificate command handlers: load -> decide -> append in one eventkit transaction, and the COMMANDS table.

Each handler is ``handler(tx, command, deps) -> Reply``; the decisions are the pure functions of
``domain/``. What a decision needs besides the store comes from :class:`Deps`:

- :func:`revoke_certificate` - ``POST /v1/revocations``; a conflict is a 409 (the admin retries);
- :func:`synchronise_certificates` - the issuer (``workers/issuer.py``), per marked person. It signs what
  ``synchronise`` decided, keeps the signed strings (``certificate_documents``, first write wins) and
  appends the events. On a conflict it runs again on fresh state (``Handler(retries=...)``): UVCIs are
  derived from the doses, so re-deciding never issues a certificate twice. A document kept from an
  interrupted run wins over the one just re-signed, and the event describes the kept one (hash, kid,
  iat, exp), so event and document always agree;
- :func:`record_signing_key` / :func:`publish_trust_list` - the key publisher (``workers/keypublisher.py``):
  the keyring as events, idempotent (a second run, or a second worker, appends nothing);
- :func:`publish_revocation_list` - the list publisher (``workers/listpublisher.py``): when the revoked and
  suspended certificates differ from the last published version, signs the next version, keeps it
  (``revocation_lists``, first write wins) and appends ``RevocationListPublished`` describing the kept one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from eventkit.aggregates import AggregateSpec, Reply, Transaction
from eventkit.handling import CommandTable, Handler
from services.certificate.domain import certificates as domain
from services.certificate.domain import keys, revocations
from services.certificate.domain.commands import (
    PublishRevocationList,
    PublishTrustList,
    RecordSigningKey,
    RevokeCertificate,
    SynchroniseCertificates,
)
from services.certificate.formats.documents import signed_facts
from services.certificate.formats.factory import Signed
from services.certificate.signing.keyring import Keyring
from services.certificate.signing.lists import REVOCATION_LIST, entries_hash, list_payload, sign_list
from services.certificate.signing.livekeys import LiveKeyring, current

PERSON_CERTIFICATES = AggregateSpec("person_certificates", domain.PersonCertificates.empty, domain.evolve,
                                    id_field="person_id")
SIGNING_KEY = AggregateSpec("signing-key", keys.SigningKey, keys.evolve_key)
TRUST_LIST = AggregateSpec("trust-list", keys.TrustList, keys.evolve_trust_list)
REVOCATION_LIST_SPEC = AggregateSpec("revocation-list", revocations.RevocationList, revocations.evolve)

Documents = Mapping[str, tuple[str, str]]
"""Signed QR strings by certificate id: ``(format, text)``."""


@dataclass(frozen=True)
class Deps:
    """What the decisions read besides the store."""

    clock: Callable[[], datetime]
    country: str
    keyring: Keyring | LiveKeyring
    """The keys the service signs with (the trust material the web serves is made of them too); the service
    runs with a :class:`LiveKeyring`, so a rotation of the key folder is picked up without a restart."""
    sign: Callable[[domain.IssueRequest], Signed]
    """Signs an issue request with the active keys (``formats.factory.CertificateFactory.sign``)."""
    keep_documents: Callable[[str, Documents], Mapping[str, str]]
    """Stores signed strings unless stored already; returns the text kept per id (``queries.keep_documents``)."""
    keep_revocation_list: Callable[[int, str], str] = lambda version, signed: signed
    """Stores the signed revocation list of a version unless stored already; returns the kept one
    (``queries.keep_revocation_list``)."""


def revoke_certificate(tx: Transaction, command: RevokeCertificate, deps: Deps) -> Reply:
    aggregate = domain.aggregate_id(command.person_id)
    state = tx.load(PERSON_CERTIFICATES, aggregate)
    tx.append(PERSON_CERTIFICATES, aggregate, domain.revoke(state, command, deps.clock()))
    return Reply(aggregate, {"person_id": command.person_id, "certificate_id": command.certificate_id})


def synchronise_certificates(tx: Transaction, command: SynchroniseCertificates, deps: Deps) -> Reply:
    record = command.record
    aggregate = domain.aggregate_id(record.person_id)
    state = tx.load(PERSON_CERTIFICATES, aggregate)
    signed: dict[str, tuple[str, str]] = {}

    def issue(request: domain.IssueRequest) -> domain.CertificateIssued:
        certificate = deps.sign(request)
        signed[request.certificate_id] = (request.format, certificate.text)
        return certificate.event

    events = domain.synchronise(state, domain.Synchronise(record, deps.clock(), deps.country), issue=issue)
    if signed:
        kept = deps.keep_documents(record.person_id, signed)
        events = [_describe(e, kept[e.certificate_id]) if isinstance(e, domain.CertificateIssued)
                  and kept[e.certificate_id] != signed[e.certificate_id][1] else e for e in events]
    tx.append(PERSON_CERTIFICATES, aggregate, events)
    return Reply(aggregate, {"person_id": record.person_id})


def _describe(event: domain.CertificateIssued, text: str) -> domain.CertificateIssued:
    """The event of a document kept from an earlier, interrupted issuance: the facts *it* carries."""
    facts = signed_facts(text)
    return replace(event, payload_hash=hashlib.sha256(facts.payload).digest(), key_id=facts.key_id,
                   issued_at=facts.issued_at, expires_at=facts.expires_at)


def record_signing_key(tx: Transaction, command: RecordSigningKey, deps: Deps) -> Reply:
    aggregate = keys.key_aggregate_id(command.key_id)
    tx.append(SIGNING_KEY, aggregate, keys.record_key(tx.load(SIGNING_KEY, aggregate), command, deps.clock()))
    return Reply(aggregate, {"key_id": command.key_id})


def publish_trust_list(tx: Transaction, command: PublishTrustList, deps: Deps) -> Reply:
    state = tx.load(TRUST_LIST, keys.TRUST_LIST_ID)
    tx.append(TRUST_LIST, keys.TRUST_LIST_ID, keys.publish_trust_list(state, command, deps.clock()))
    return Reply(keys.TRUST_LIST_ID, {"version": command.version})


def publish_revocation_list(tx: Transaction, command: PublishRevocationList, deps: Deps) -> Reply:
    state = tx.load(REVOCATION_LIST_SPEC, revocations.REVOCATION_LIST_ID)
    entries = {"dcc": command.dcc, "shc": command.shc}
    version = revocations.next_version(state, entries_hash(entries))
    if version is None:
        return Reply(revocations.REVOCATION_LIST_ID, {"version": state.version})
    now = deps.clock()
    signed = sign_list(current(deps.keyring), {"type": REVOCATION_LIST, "version": version, "issued_at": now.isoformat(),
                                      **entries})
    kept = deps.keep_revocation_list(version, signed)
    document = list_payload(kept)  # an interrupted earlier run's list wins; the event describes it
    kept_entries = {"dcc": document["dcc"], "shc": document["shc"]}
    count = sum(map(len, document["dcc"].values())) + sum(map(len, document["shc"].values()))
    tx.append(REVOCATION_LIST_SPEC, revocations.REVOCATION_LIST_ID, [revocations.RevocationListPublished(
        version, entries_hash(kept_entries), count, now, hashlib.sha256(kept.encode()).digest())])
    return Reply(revocations.REVOCATION_LIST_ID, {"version": version})


RETRIES = 5
"""How often a worker's command re-decides on fresh state after a conflict (another worker, a revocation)."""

COMMANDS: CommandTable = {
    RevokeCertificate: revoke_certificate,
    SynchroniseCertificates: Handler(synchronise_certificates, retries=RETRIES),
    RecordSigningKey: Handler(record_signing_key, retries=RETRIES),
    PublishTrustList: Handler(publish_trust_list, retries=RETRIES),
    PublishRevocationList: Handler(publish_revocation_list, retries=RETRIES),
}
