"""Partner settings: the shared :class:`eventkit.settings.Settings` plus the service's own variables.

========================= ====================================================================================
``PARTNER_KEY_FILE``      file holding the master key of the feeds' pseudonyms (64 hex characters = 32 bytes);
                          required in production (keep it in a secret store: whoever holds it can link every
                          partner's person keys). With ``VAXTRAIL_ENV=local`` and no value, the service uses
                          ``$VAXTRAIL_STATE_DIR/partner-key`` and creates it on first start.
``PARTNER_OUTBOX_BATCH``  feed records the feed relay publishes per batch (default 500).
========================= ====================================================================================
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from eventkit.settings import Settings, SettingsError

SERVICE = "partner"


@dataclass(frozen=True)
class PartnerSettings:
    master_key: bytes = field(repr=False)
    outbox_batch: int = 500

    @classmethod
    def from_env(cls, settings: Settings, environ: Mapping[str, str] | None = None) -> PartnerSettings:
        env = os.environ if environ is None else environ
        named = env.get("PARTNER_KEY_FILE")
        if not named:
            if settings.env != "local":
                raise SettingsError("PARTNER_KEY_FILE is not set (64 hex characters: `openssl rand -hex 32`)")
            named = str(Path(settings.state_dir) / "partner-key")
            ensure_local_key(Path(named))
        return cls(read_key(Path(named)), int(env.get("PARTNER_OUTBOX_BATCH", "500")))


def read_key(path: Path) -> bytes:
    try:
        key = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as exc:
        raise SettingsError(f"PARTNER_KEY_FILE {path}: not a readable hex key ({exc})") from exc
    if len(key) != 32:
        raise SettingsError(f"PARTNER_KEY_FILE {path}: the key must be 32 bytes (64 hex characters)")
    return key


def ensure_local_key(path: Path) -> None:
    """Create a development key once; web and worker start together, so creation is under a file lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".partner-key.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            path.write_text(secrets.token_hex(32) + "\n")
            path.chmod(0o600)
