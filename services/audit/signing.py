"""The checkpoint signing key: an Ed25519 key of the audit service's own, never in the repository.

``python -m services.audit.signing init FILE`` writes a new private key (PEM, PKCS#8, mode 0600) and prints
the public key; ``python -m services.audit.signing public FILE [ORIGIN]`` prints the public key (base64) or,
with an origin, the verifier key of that log (``<origin>+<key id>+<key>``).
"""

from __future__ import annotations

import base64
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from services.audit.domain import notes


def create_key(path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


@dataclass(frozen=True)
class Signer:
    """Signs checkpoints as signed notes; the key name of a log is its origin."""

    key: Ed25519PrivateKey

    @classmethod
    def load(cls, path: Path) -> Signer:
        key = load_pem_private_key(Path(path).read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return cls(key)

    @property
    def public_key(self) -> bytes:
        return notes.raw_public_key(self.key.public_key())

    def key_id(self, origin: str) -> str:
        return notes.key_id(origin, self.public_key).hex()

    def verifier_key(self, origin: str) -> str:
        return notes.verifier_key(origin, self.public_key)

    def sign(self, checkpoint: notes.Checkpoint) -> str:
        return notes.sign(checkpoint.body(), checkpoint.origin, self.key)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("init", "public"):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1])
    if argv[0] == "init":
        create_key(path)
    signer = Signer.load(path)
    print(signer.verifier_key(argv[2]) if len(argv) > 2 else base64.b64encode(signer.public_key).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
