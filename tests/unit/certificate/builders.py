"""Readable test data for the certificate service: keys, records, signed and tampered certificates."""

from __future__ import annotations

import base64
import functools
import tempfile
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cbor2
from cryptography.hazmat.primitives import serialization

from eventkit.aggregates import EventSourcing
from eventkit.handling import CommandBus
from eventkit.product_codes import resolve
from eventkit.testing import InMemoryEventStore
from services.certificate import bootstrap
from services.certificate.codec import build_codec
from services.certificate.domain.certificates import PersonCertificates, Synchronise, synchronise
from services.certificate.domain.record import CanonicalRecord, Dose, Person
from services.certificate.formats.factory import CertificateFactory
from services.certificate.handlers import Deps
from services.certificate.signing.base45 import b45encode
from services.certificate.signing.cose import sig_structure
from services.certificate.signing.keyring import init_keyring, issue_signer_certificate, load_keyring, new_key
from services.certificate.signing.lists import REVOCATION_LIST, sign_list, trust_list_document
from services.certificate.signing.signer import FileSigner
from services.certificate.verifier import TrustStore
from services.certificate.verifier.core import TrustedSigner

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
AZ = resolve("Vaxzevria", "AstraZeneca")
PFIZER = resolve("Comirnaty")
JANSSEN = resolve("Janssen")


@functools.lru_cache(maxsize=1)
def keys_dir() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="vaxtrail-cert-keys-")) / "keys"
    init_keyring(directory, "VN", now=NOW - timedelta(days=1))
    return directory


@functools.lru_cache(maxsize=1)
def keyring():
    return load_keyring(keys_dir())


def factory(ring=None) -> CertificateFactory:
    return CertificateFactory(ring or keyring(), issuer_name="Ministry of Health of Viet Nam",
                              shc_issuer_url="https://certificates.vaxtrail.example")


def person(person_id: str = "P-0001", revision: str = "reg-1", **changes) -> Person:
    fields = dict(person_id=person_id, full_name="Nguyễn Văn An", family_name="", given_name="",
                  date_of_birth="1980-05-17", date_of_birth_estimated=False, nationality="VN", revision=revision)
    return Person(**(fields | changes))


def dose(dose_id: str, number: int, on: date, product=AZ, series: str = "PRIMARY", lot: str = "ABV5300",
         **changes) -> Dose:
    fields = dict(dose_id=dose_id, revision=f"ev-{dose_id}", administered_on=on, series=series, dose_number=number,
                  product=product, lot_number=lot, lot_id=f"LOT-{lot}", centre="S-79-760-01")
    return Dose(**(fields | changes))


def record(*doses: Dose, who: Person | None = None) -> CanonicalRecord:
    who = who or person()
    return CanonicalRecord(who.person_id, who, tuple(doses))


TWO_AZ = (dose("D-1", 1, date(2021, 6, 1)), dose("D-2", 2, date(2021, 8, 24), lot="ABV5301"))


def issue_for(rec: CanonicalRecord, now: datetime = NOW, ring=None) -> dict[str, str]:
    """Issue the certificates a record supports; returns {format: QR string}."""
    texts: dict[str, str] = {}
    signer = factory(ring)

    def issue(request):
        signed = signer.sign(request)
        texts[request.format] = signed.text
        return signed.event

    synchronise(PersonCertificates.empty(), Synchronise(rec, now), issue=issue)
    return texts


class Documents:
    """The ``certificate_documents`` table in memory: the first signed string per certificate id wins."""

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}

    def keep(self, person_id: str, documents) -> dict[str, str]:
        for certificate_id, (_fmt, text) in documents.items():
            self.kept.setdefault(certificate_id, text)
        return {certificate_id: self.kept[certificate_id] for certificate_id in documents}


def deps(*, now: datetime = NOW, ring=None, sign=None, documents: Documents | None = None,
         lists: dict[int, str] | None = None) -> Deps:
    """``lists`` is the ``revocation_lists`` table in memory (first signed list per version wins)."""
    ring = ring or keyring()
    kept = lists if lists is not None else {}
    return Deps(clock=lambda: now, country=ring.country, keyring=ring, sign=sign or factory(ring).sign,
                keep_documents=(documents or Documents()).keep,
                keep_revocation_list=lambda version, signed: kept.setdefault(version, signed))


def certificate_bus(dependencies: Deps | None = None, events: InMemoryEventStore | None = None) -> CommandBus:
    """The service's command bus as bootstrap builds it, on the in-memory store with fakes."""
    es = EventSourcing(events if events is not None else InMemoryEventStore(), build_codec(),
                       producer="certificate/test")
    return bootstrap.bus(es, dependencies or deps())


def store(ring=None, *, revoked_dcc: dict | None = None, revoked_shc: dict | None = None) -> TrustStore:
    ring = ring or keyring()
    revocations = {"type": REVOCATION_LIST, "version": 1, "issued_at": NOW.isoformat(),
                   "dcc": revoked_dcc or {}, "shc": revoked_shc or {}}
    return TrustStore.from_signed(ring.csca, sign_list(ring, trust_list_document(ring, NOW)),
                                  sign_list(ring, revocations), at=NOW)


# -- hand-made COSE messages for the reject list ------------------------------------------------------------
def dcc(**changes) -> dict:
    entry = {"tg": "840539006", "vp": "J07BX03", "mp": "EU/1/21/1529", "ma": "ORG-100001699", "dn": 2, "sd": 2,
             "dt": "2021-08-24", "co": "VN", "is": "Ministry of Health of Viet Nam",
             "ci": "URN:UVCI:01:VN:ABCDEFGHIJKLMNOPQRSTUVWX"}
    payload = {"ver": "1.3.0", "nam": {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Văn An", "gnt": "VAN<AN"},
               "dob": "1980-05-17", "v": [entry]}
    return payload | changes


def claims(payload: dict | None = None, *, iat: datetime = NOW - timedelta(hours=1),
           exp: datetime = NOW + timedelta(days=300)) -> bytes:
    return cbor2.dumps({1: "VN", 6: int(iat.timestamp()), 4: int(exp.timestamp()), -260: {1: payload or dcc()}})


ACTIVE_KID = object()


def cose(payload: bytes, *, signer=None, kid=ACTIVE_KID, alg: int = -7, protected: bytes | None = None,
         unprotected: dict | None = None, signature: bytes | None = None, tag: int | None = 18) -> bytes:
    """A COSE_Sign1 signed by the active DSC unless told otherwise; ``kid=None`` leaves it out."""
    dsc = keyring().active_dsc
    if protected is None:
        header = {1: alg}
        if kid is not None:
            header[4] = dsc.kid if kid is ACTIVE_KID else kid
        protected = cbor2.dumps(header)
    if signature is None:
        signature = (signer or dsc.signer).sign(sig_structure(protected, payload))
    message = [protected, unprotected or {}, payload, signature]
    return cbor2.dumps(cbor2.CBORTag(tag, message) if tag is not None else message)


def hc1(message: bytes) -> str:
    return "HC1:" + b45encode(zlib.compress(message))


def signed_hc1(payload: bytes | None = None, **cose_options) -> str:
    return hc1(cose(payload or claims(), **cose_options))


def csca_key():
    return serialization.load_pem_private_key((keys_dir() / "csca.key.pem").read_bytes(), None)


def foreign_signer(**options) -> tuple[TrustedSigner, FileSigner]:
    """A DSC issued by our CSCA (or another), with its own key; ``options`` go to the certificate."""
    ring = keyring()
    issuer_key, issuer_cert = options.pop("issuer", (csca_key(), ring.csca))
    key = new_key()
    cert = issue_signer_certificate(issuer_key, issuer_cert, key.public_key(), "Test DSC",
                                    not_before=options.pop("not_before", NOW - timedelta(days=2)),
                                    not_after=options.pop("not_after", NOW + timedelta(days=700)), **options)
    return signer_for(cert), FileSigner(key)


def signer_for(certificate) -> TrustedSigner:
    """A trust-list entry for ``certificate`` under the active DSC's kid (what a verifier tries first)."""
    return TrustedSigner(base64.b64encode(keyring().active_dsc.kid).decode(), "active", None, certificate=certificate)


def trust_with(signer: TrustedSigner) -> TrustStore:
    trust = store()
    trust.dsc[signer.key_id] = [signer]
    return trust
