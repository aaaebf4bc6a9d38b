"""What ``vaxtrail trail``, ``vaxtrail audit`` and ``vaxtrail demo`` share: the audit web's URL, a token minted
with the local development key (as ``vaxtrail token`` does), and the audit service's checkpoint key of the local
stack (the key file, and the public key a verifier trusts)."""

from __future__ import annotations

import os
from pathlib import Path

from vaxtrail_cli.commands.common import CommandError, load_stack_env, stack_paths

DEFAULT_AUDIT_URL = "http://127.0.0.1:8006"


def auditor_headers(role: str = "auditor", purpose: str | None = None) -> dict[str, str]:
    from eventkit.auth import mint_token

    load_stack_env(stack_paths())
    key_file = os.environ.get("JWT_PRIVATE_KEY_FILE")
    if not key_file or not Path(key_file).is_file():
        raise CommandError("no development key: run `vaxtrail up` first (or `vaxtrail stack up`)")
    token = mint_token(Path(key_file).read_bytes(), subject=f"cli-{role}", role=role, scopes=["national"])
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if purpose:
        headers["X-Purpose"] = purpose
    return headers


def signing_key_in(state_dir: Path) -> Path:
    """Where the audit service keeps its checkpoint key under its state folder (when no file is named)."""
    return state_dir / "audit-keys" / "checkpoint-ed25519.pem"


def local_signing_key() -> Path | None:
    """The audit service's key file as the local stack uses it (``AUDIT_SIGNING_KEY_FILE`` or the default)."""
    load_stack_env(stack_paths())
    named = os.environ.get("AUDIT_SIGNING_KEY_FILE")
    path = Path(named) if named else signing_key_in(Path(os.environ.get("VAXTRAIL_STATE_DIR",
                                                                        str(stack_paths().state))))
    return path if path.is_file() else None


def public_key_of(key_file: Path) -> bytes:
    """The Ed25519 public key of an audit checkpoint key file (what a verifier trusts)."""
    from services.audit.signing import Signer

    return Signer.load(key_file).public_key


def local_public_key() -> bytes | None:
    """The local stack's audit public key (``vaxtrail audit verify-proof``'s default trusted key), or None."""
    key_file = local_signing_key()
    return public_key_of(key_file) if key_file else None


def get(url: str, headers: dict[str, str]) -> dict:
    from vaxtrail_cli.http import http_json

    try:
        status, body = http_json("GET", url, None, headers, timeout=30)
    except OSError as exc:
        raise CommandError(f"the audit web does not answer at {url} ({exc}): is the stack up (`make up`)?") from exc
    if status != 200:
        raise CommandError(f"GET {url}: {status} {body.get('title', '')}: {body.get('detail', body)}")
    return body
