"""Audit settings: the shared :class:`eventkit.settings.Settings` plus the service's own variables.

=============================== ==================================================================
``AUDIT_SIGNING_KEY_FILE``      PEM (PKCS#8) Ed25519 private key that signs checkpoints; required in
                                production. With ``VAXTRAIL_ENV=local`` and no value, the service uses
                                ``$VAXTRAIL_STATE_DIR/audit-keys/checkpoint-ed25519.pem`` and creates it on
                                first start (``python -m services.audit.signing init FILE`` makes one).
``AUDIT_LOG_ORIGIN``            prefix of each log's checkpoint origin and key name (default
                                ``vaxtrail.local/audit``; the origin of a log is ``<prefix>/<service>``).
``AUDIT_SEAL_SECONDS``          how often the sealer appends new events to the Merkle trees (default 1).
``AUDIT_SETTLE_SECONDS``        how long an event position waits before it is sealed, so a relay batch
                                in flight on another partition lands first (default 5).
``AUDIT_CHECKPOINT_SECONDS``    how often a checkpoint of each grown log is signed (default 60).
=============================== ==================================================================
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from eventkit.settings import Settings, SettingsError

SERVICE = "audit"


@dataclass(frozen=True)
class AuditSettings:
    signing_key_file: Path
    origin_prefix: str = "vaxtrail.local/audit"
    seal_seconds: float = 1.0
    settle_seconds: float = 5.0
    checkpoint_seconds: float = 60.0

    def origin(self, service: str) -> str:
        return f"{self.origin_prefix}/{service}"

    @classmethod
    def from_env(cls, settings: Settings, environ: Mapping[str, str] | None = None) -> AuditSettings:
        env = os.environ if environ is None else environ
        key = env.get("AUDIT_SIGNING_KEY_FILE")
        if not key:
            if settings.env != "local":
                raise SettingsError("AUDIT_SIGNING_KEY_FILE is not set (create a key with "
                                    "`python -m services.audit.signing init <file>`)")
            key = str(Path(settings.state_dir) / "audit-keys" / "checkpoint-ed25519.pem")
            ensure_local_key(Path(key))
        try:
            return cls(Path(key), env.get("AUDIT_LOG_ORIGIN", "vaxtrail.local/audit").rstrip("/"),
                       float(env.get("AUDIT_SEAL_SECONDS", "1")), float(env.get("AUDIT_SETTLE_SECONDS", "5")),
                       float(env.get("AUDIT_CHECKPOINT_SECONDS", "60")))
        except ValueError as exc:
            raise SettingsError(f"malformed audit setting: {exc}") from exc


def ensure_local_key(path: Path) -> None:
    """Create the development key once; web and worker start together, so creation is under a file lock."""
    from services.audit.signing import create_key

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".audit-key.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            create_key(path)
