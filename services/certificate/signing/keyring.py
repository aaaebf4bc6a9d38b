"""The key folder: country signing CA, list signer, document signers (DSC) and SMART Health Card keys.

Layout (``CERTIFICATE_KEYS_DIR``)::

    keyring.json            version, country, and every key with its status (active / retired / withdrawn)
    csca.cert.pem           the country signing CA (trust anchor that verifiers pin)
    csca.key.pem            its private key - needed only by ``keytool init/rotate``; keep it OFFLINE in
                            production (the service never reads it)
    list-signer.{cert,key}.pem   signs the trust list and the revocation list (certificate issued by the CSCA)
    dsc/<name>.{cert,key}.pem    document signers: X.509, P-256, EKU vaccination, issued by the CSCA
    shc/<name>.key.pem           SMART Health Card issuer keys (P-256; a separate key from the DCC signers)

Rotation (``rotate``) adds a new DSC and SHC key and retires the previous ones: a retired key signs
nothing new but stays on the trust list, so what it signed stays verifiable. ``withdraw`` marks a key
withdrawn (with the time): verifiers then reject everything it signed. Every change bumps ``version``,
the trust list version. Private key files are written with mode 0600.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.certificate.signing.signer import FileSigner, Signer, jwk_thumbprint, public_jwk

DCC_EKU_TEST = x509.ObjectIdentifier("1.3.6.1.4.1.1847.2021.1.1")
DCC_EKU_VACCINATION = x509.ObjectIdentifier("1.3.6.1.4.1.1847.2021.1.2")
DCC_EKU_RECOVERY = x509.ObjectIdentifier("1.3.6.1.4.1.1847.2021.1.3")
# Member states' document signers use both arcs: the one of the specification and 1.3.6.1.4.1.0.1847.2021.1.*
# (as the EU verifier apps accept); each OID names the certificate type it allows.
DCC_EKU_KINDS: dict[x509.ObjectIdentifier, str] = {
    x509.ObjectIdentifier(f"{arc}.2021.1.{n}"): kind
    for arc in ("1.3.6.1.4.1.1847", "1.3.6.1.4.1.0.1847")
    for n, kind in ((1, "test"), (2, "vaccination"), (3, "recovery"))
}
DCC_EKUS = frozenset(DCC_EKU_KINDS)

CSCA_YEARS = 10
LIST_SIGNER_YEARS = 3
DSC_DAYS = 730  # > 365 so a certificate signed on the DSC's last active day can still run 12 months


class KeyringError(ValueError):
    """The key folder is missing, incomplete or inconsistent."""


def dcc_kid(certificate: x509.Certificate) -> bytes:
    """The EU DCC kid: the first 8 bytes of SHA-256 of the DSC in DER."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(certificate.public_bytes(serialization.Encoding.DER))
    return digest.finalize()[:8]


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(country: str, common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, country),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "VaxTrail"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue_csca(key, country: str, *, now: datetime, years: int = CSCA_YEARS) -> x509.Certificate:
    name = _name(country, f"VaxTrail CSCA {country}")
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def issue_signer_certificate(csca_key, csca_cert: x509.Certificate, public_key, common_name: str, *,
                             not_before: datetime, not_after: datetime,
                             eku: tuple[x509.ObjectIdentifier, ...] | None = (DCC_EKU_VACCINATION,)
                             ) -> x509.Certificate:
    """A leaf certificate issued by the CSCA; ``eku`` None = no extended key usage (unrestricted)."""
    country = csca_cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
    builder = (
        x509.CertificateBuilder().subject_name(_name(country, common_name)).issuer_name(csca_cert.subject)
        .public_key(public_key).serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(csca_key.public_key()), critical=False)
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    return builder.sign(csca_key, hashes.SHA256())


@dataclass(frozen=True)
class DocumentSigner:
    """A DCC document signer: its certificate, kid, status and (when this process may sign) its signer."""

    name: str
    certificate: x509.Certificate
    status: str
    withdrawn_at: datetime | None
    signer: Signer | None

    @property
    def kid(self) -> bytes:
        return dcc_kid(self.certificate)


@dataclass(frozen=True)
class HealthCardKey:
    """A SMART Health Card issuer key (public JWK, kid = its thumbprint)."""

    name: str
    jwk: dict
    status: str
    withdrawn_at: datetime | None
    signer: Signer | None

    @property
    def kid(self) -> str:
        return jwk_thumbprint(self.jwk)


@dataclass(frozen=True)
class Keyring:
    country: str
    version: int
    csca: x509.Certificate
    list_signer_certificate: x509.Certificate
    list_signer: Signer
    dscs: tuple[DocumentSigner, ...]
    shc_keys: tuple[HealthCardKey, ...]

    @property
    def active_dsc(self) -> DocumentSigner:
        active = [d for d in self.dscs if d.status == "active" and d.signer is not None]
        if not active:
            raise KeyringError("no active document signer with a private key")
        return active[-1]

    @property
    def active_shc(self) -> HealthCardKey:
        active = [k for k in self.shc_keys if k.status == "active" and k.signer is not None]
        if not active:
            raise KeyringError("no active SMART Health Card key with a private key")
        return active[-1]


# -- files ---------------------------------------------------------------------------------------------
def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _manifest(directory: Path) -> dict:
    path = directory / "keyring.json"
    if not path.exists():
        raise KeyringError(f"{path} does not exist; create the keys with"
                           " `python -m services.certificate.signing.keytool init`")
    return json.loads(path.read_text())


def _save_manifest(directory: Path, manifest: dict) -> None:
    _write(directory / "keyring.json", json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n")


def _new_signers(directory: Path, manifest: dict, csca_key, csca_cert, now: datetime) -> None:
    stamp = now.strftime("%Y%m%dT%H%M%S")
    serial = len(manifest["dsc"]) + 1
    dsc_name, shc_name = f"dsc-{serial:03d}-{stamp}", f"shc-{serial:03d}-{stamp}"
    dsc_key, shc_key = new_key(), new_key()
    dsc_cert = issue_signer_certificate(csca_key, csca_cert, dsc_key.public_key(), f"VaxTrail DSC {serial}",
                                        not_before=now - timedelta(minutes=5), not_after=now + timedelta(days=DSC_DAYS))
    _write(directory / "dsc" / f"{dsc_name}.key.pem", _key_pem(dsc_key), private=True)
    _write(directory / "dsc" / f"{dsc_name}.cert.pem", _cert_pem(dsc_cert))
    _write(directory / "shc" / f"{shc_name}.key.pem", _key_pem(shc_key), private=True)
    for entry in manifest["dsc"] + manifest["shc"]:
        if entry["status"] == "active":
            entry["status"] = "retired"
            entry["retired_at"] = now.isoformat()
    manifest["dsc"].append({"name": dsc_name, "status": "active", "activated_at": now.isoformat()})
    manifest["shc"].append({"name": shc_name, "status": "active", "activated_at": now.isoformat()})


def init_keyring(directory: Path, country: str = "VN", *, now: datetime | None = None) -> Path:
    """Create a new deployment's keys; refuses to overwrite an existing keyring."""
    directory = Path(directory)
    now = now or datetime.now(UTC)
    if (directory / "keyring.json").exists():
        raise KeyringError(f"{directory} already holds a keyring; use `rotate` for new signers")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    csca_key, list_key = new_key(), new_key()
    csca_cert = issue_csca(csca_key, country, now=now)
    list_cert = issue_signer_certificate(csca_key, csca_cert, list_key.public_key(), "VaxTrail list signer",
                                         not_before=now - timedelta(minutes=5),
                                         not_after=now + timedelta(days=365 * LIST_SIGNER_YEARS), eku=None)
    _write(directory / "csca.key.pem", _key_pem(csca_key), private=True)
    _write(directory / "csca.cert.pem", _cert_pem(csca_cert))
    _write(directory / "list-signer.key.pem", _key_pem(list_key), private=True)
    _write(directory / "list-signer.cert.pem", _cert_pem(list_cert))
    manifest = {"format": 1, "country": country, "version": 1, "dsc": [], "shc": []}
    _new_signers(directory, manifest, csca_key, csca_cert, now)
    _save_manifest(directory, manifest)
    return directory


def rotate_keyring(directory: Path, *, now: datetime | None = None) -> None:
    """New DSC + SHC key become active; the previous ones are retired (still trusted). Needs the CSCA key."""
    directory = Path(directory)
    now = now or datetime.now(UTC)
    manifest = _manifest(directory)
    csca_key_path = directory / "csca.key.pem"
    if not csca_key_path.exists():
        raise KeyringError("rotation needs csca.key.pem: run it where the offline CSCA key is kept")
    csca_key = serialization.load_pem_private_key(csca_key_path.read_bytes(), password=None)
    csca_cert = x509.load_pem_x509_certificate((directory / "csca.cert.pem").read_bytes())
    _new_signers(directory, manifest, csca_key, csca_cert, now)
    manifest["version"] += 1
    _save_manifest(directory, manifest)


def withdraw_key(directory: Path, key_id: str, *, now: datetime | None = None) -> str:
    """Withdraw a DSC (kid in base64) or SHC key (thumbprint): verifiers reject what it signed."""
    directory = Path(directory)
    now = now or datetime.now(UTC)
    manifest = _manifest(directory)
    keyring = load_keyring(directory)
    names = {_b64(d.kid): d.name for d in keyring.dscs} | {k.kid: k.name for k in keyring.shc_keys}
    if key_id not in names:
        raise KeyringError(f"no key with id {key_id!r}")
    for entry in manifest["dsc"] + manifest["shc"]:
        if entry["name"] == names[key_id]:
            entry["status"] = "withdrawn"
            entry["withdrawn_at"] = now.isoformat()
    manifest["version"] += 1
    _save_manifest(directory, manifest)
    return names[key_id]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _signer_if_present(path: Path) -> Signer | None:
    return FileSigner.from_pem(path.read_bytes()) if path.exists() else None


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def load_keyring(directory: Path) -> Keyring:
    """Load certificates and the private keys present (a verifier-only copy may hold none but the list key)."""
    directory = Path(directory)
    manifest = _manifest(directory)
    try:
        csca = x509.load_pem_x509_certificate((directory / "csca.cert.pem").read_bytes())
        list_cert = x509.load_pem_x509_certificate((directory / "list-signer.cert.pem").read_bytes())
        list_signer = FileSigner.from_pem((directory / "list-signer.key.pem").read_bytes())
        dscs = tuple(
            DocumentSigner(e["name"], x509.load_pem_x509_certificate((directory / "dsc" / f"{e['name']}.cert.pem")
                                                                     .read_bytes()),
                           e["status"], _when(e.get("withdrawn_at")),
                           _signer_if_present(directory / "dsc" / f"{e['name']}.key.pem"))
            for e in manifest["dsc"]
        )
        shc = []
        for e in manifest["shc"]:
            signer = FileSigner.from_pem((directory / "shc" / f"{e['name']}.key.pem").read_bytes())
            shc.append(HealthCardKey(e["name"], public_jwk(signer.public_key()), e["status"],
                                     _when(e.get("withdrawn_at")), signer))
    except (OSError, KeyError, ValueError) as exc:
        raise KeyringError(f"cannot load the keyring in {directory}: {exc}") from exc
    return Keyring(manifest["country"], manifest["version"], csca, list_cert, list_signer, dscs, tuple(shc))


__all__ = ["DCC_EKU_KINDS", "DCC_EKU_VACCINATION", "DocumentSigner", "HealthCardKey", "Keyring", "KeyringError", "dcc_kid",
           "init_keyring", "issue_signer_certificate", "load_keyring", "rotate_keyring", "withdraw_key"]
