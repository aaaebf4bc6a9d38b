"""Token keys: which algorithm a key may use, the local development key pair and key ids from file names.

A key file named ``<kid>.public.pem`` (or ``<kid>.private.pem``) carries its key id in its name - that is
how :func:`generate_dev_keypair` writes them. A verifier whose key has a kid accepts only tokens whose
header names that kid (see :class:`eventkit.auth.tokens.Authenticator`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ALGORITHMS: tuple[str, ...] = ("ES256", "RS256")
DEFAULT_KID = "local-dev-1"
_KEY_FILE = re.compile(r"(?P<kid>[A-Za-z0-9][A-Za-z0-9._-]{0,63})\.(?:public|private)\.pem")


def algorithm_for(key: Any) -> str:
    """The one algorithm a key may verify or sign with (so a token cannot choose another)."""
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ValueError(f"ES256 needs a P-256 key, not {key.curve.name}")
        return "ES256"
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise ValueError(f"RS256 needs an RSA key of at least 2048 bits, not {key.key_size}")
        return "RS256"
    raise ValueError(f"unsupported key type {type(key).__name__}; use an EC P-256 or RSA key")


def kid_of_key_file(path: Path | str) -> str | None:
    """The key id a key file's name carries (``local-dev-1.public.pem`` -> ``local-dev-1``), else None."""
    match = _KEY_FILE.fullmatch(Path(path).name)
    return match["kid"] if match else None


def generate_dev_keypair(directory: Path, kid: str = DEFAULT_KID) -> tuple[Path, Path]:
    """Write ``<kid>.private.pem`` (mode 0600) and ``<kid>.public.pem`` (ES256, P-256) into ``directory``.

    Idempotent: an existing private key is kept (the public key is derived from it when missing), so tokens
    minted earlier stay valid across ``vaxtrail stack up`` runs. Returns ``(private_path, public_path)``.
    """
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path, public_path = directory / f"{kid}.private.pem", directory / f"{kid}.public.pem"
    if private_path.exists():
        private_key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    else:
        private_key = ec.generate_private_key(ec.SECP256R1())
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write_atomically(private_path, pem, mode=0o600)
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # Rewritten only when missing or not the private key's pair (a stale file would reject every token).
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        _write_atomically(public_path, public_pem, mode=0o644)
    return private_path, public_path


def _write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    # Created with its final mode (never world-readable, even briefly), then renamed into place.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
