"""Certificate settings: the shared :class:`eventkit.settings.Settings` plus the service's own variables.

=============================== ==================================================================
``CERTIFICATE_KEYS_DIR``        the key folder (``python -m services.certificate.signing.keytool init``);
                                required in production. With ``VAXTRAIL_ENV=local`` and no value, the service uses
                                ``$VAXTRAIL_STATE_DIR/certificate-keys`` and creates it on first start.
``CERTIFICATE_COUNTRY``         issuing country for ``local`` key creation (default ``VN``).
``CERTIFICATE_ISSUER_NAME``     the DCC ``is`` field (default "Ministry of Health of Viet Nam").
``CERTIFICATE_SHC_ISSUER``      SMART Health Card ``iss`` base URL (keys at ``<iss>/.well-known/jwks.json``);
                                required in production; local default ``http://127.0.0.1:<PORT>``.
``CERTIFICATE_ISSUER_BATCH``    persons the issuer handles per transaction (default 50).
``CERTIFICATE_RENEWAL_SCAN_SECONDS`` how often the issuer looks for certificates due for renewal (3600).
=============================== ==================================================================
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from eventkit.settings import Settings, SettingsError

SERVICE = "certificate"


@dataclass(frozen=True)
class CertificateSettings:
    keys_dir: Path
    issuer_name: str
    shc_issuer: str
    issuer_batch: int = 50
    renewal_scan_seconds: float = 3600.0

    @classmethod
    def from_env(cls, settings: Settings, environ: Mapping[str, str] | None = None) -> CertificateSettings:
        env = os.environ if environ is None else environ
        local = settings.env == "local"
        keys = env.get("CERTIFICATE_KEYS_DIR")
        if not keys:
            if not local:
                raise SettingsError("CERTIFICATE_KEYS_DIR is not set (create keys with "
                                    "`python -m services.certificate.signing.keytool init <dir>`)")
            keys = str(Path(settings.state_dir) / "certificate-keys")
            ensure_local_keys(Path(keys), env.get("CERTIFICATE_COUNTRY", "VN"))
        shc_issuer = env.get("CERTIFICATE_SHC_ISSUER")
        if not shc_issuer:
            if not local:
                raise SettingsError("CERTIFICATE_SHC_ISSUER is not set (the public base URL of this service)")
            shc_issuer = f"http://127.0.0.1:{settings.http_port}"
        return cls(Path(keys), env.get("CERTIFICATE_ISSUER_NAME", "Ministry of Health of Viet Nam"),
                   shc_issuer.rstrip("/"), int(env.get("CERTIFICATE_ISSUER_BATCH", "50")),
                   float(env.get("CERTIFICATE_RENEWAL_SCAN_SECONDS", "3600")))


def ensure_local_keys(directory: Path, country: str) -> None:
    """Create development keys once; web and worker start together, so creation is under a file lock."""
    from services.certificate.signing.keyring import init_keyring

    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / ".certificate-keys.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / "keyring.json").exists():
            init_keyring(directory, country)
