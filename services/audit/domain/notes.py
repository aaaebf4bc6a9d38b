"""Checkpoints as C2SP signed notes (pure): https://c2sp.org/tlog-checkpoint over https://c2sp.org/signed-note.

A checkpoint body is three lines, each ending in a newline::

    vaxtrail.local/audit/immunization      <- origin: one log per service
    1234                                   <- tree size, decimal
    6Z6X...=                               <- root hash, standard base64

The signed note is the body, a blank line and one signature line per signer::

    — vaxtrail.local/audit/immunization <base64(key id (4 bytes) || Ed25519 signature (64 bytes))>

The key name is the log's origin, the key id is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` and the
signature covers the body including its final newline - exactly what ``golang.org/x/mod/sumdb/note`` signs
and opens. A verifier key is written ``<name>+<key id hex>+<base64(0x01 || public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALGORITHM_ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "
_NAME = re.compile(r"[^\s+]+")


class NoteError(ValueError):
    """A note or checkpoint that is malformed or whose signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        if not _NAME.fullmatch(self.origin):
            raise NoteError(f"origin {self.origin!r} must be non-empty, without spaces or '+'")
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def parse_checkpoint(body: str) -> Checkpoint:
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint body is origin, size and root hash lines, each ending in a newline")
    origin, size, root = lines[:3]
    if not _NAME.fullmatch(origin) or not re.fullmatch(r"0|[1-9][0-9]{0,18}", size):
        raise NoteError("malformed checkpoint origin or size")
    try:
        digest = base64.b64decode(root, validate=True)
    except binascii.Error as exc:
        raise NoteError("checkpoint root hash is not base64") from exc
    if len(digest) != 32:
        raise NoteError("checkpoint root hash is not 32 bytes")
    return Checkpoint(origin, int(size), digest)


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ALGORITHM_ED25519 + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The text a verifier is configured with (``note.NewVerifier`` in Go reads the same)."""
    encoded = base64.b64encode(ALGORITHM_ED25519 + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def parse_verifier_key(vkey: str) -> tuple[str, bytes]:
    """(name, raw Ed25519 public key) of a verifier key; :class:`NoteError` if malformed."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or not _NAME.fullmatch(parts[0]):
        raise NoteError("a verifier key is <name>+<key id hex>+<base64 key>")
    name, hex_id, encoded = parts
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise NoteError("verifier key is not base64") from exc
    if len(key) != 33 or key[:1] != ALGORITHM_ED25519:
        raise NoteError("only Ed25519 verifier keys are supported")
    if key_id(name, key[1:]).hex() != hex_id.lower():
        raise NoteError("verifier key id does not match its name and key")
    return name, key[1:]


def sign(body: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """The signed note of ``body`` with one signature by ``name``."""
    if not body.endswith("\n") or "\n\n" in body or any(ord(c) < 0x20 and c != "\n" for c in body):
        raise NoteError("a note text ends in a newline, has no blank line and no control characters")
    public = raw_public_key(private_key.public_key())
    signature = private_key.sign(body.encode())
    encoded = base64.b64encode(key_id(name, public) + signature).decode()
    return f"{body}\n{SIGNATURE_PREFIX}{name} {encoded}\n"


def open_note(note: str, name: str, public_key: bytes) -> str:
    """The verified text of ``note`` signed by (``name``, ``public_key``); :class:`NoteError` otherwise.

    As Go's ``note.Open``: the text ends at the last blank line; the first signature line with our name and
    key id decides (a bad signature there rejects the note); lines of unknown keys are skipped.
    """
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("not a signed note: no blank line before the signatures")
    text, signatures = note[:split + 1], note[split + 2:]
    wanted = key_id(name, public_key)
    verifier = Ed25519PublicKey.from_public_bytes(public_key)
    for line in signatures[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError(f"malformed signature line {line[:40]!r}")
        signer, _, encoded = line[len(SIGNATURE_PREFIX):].partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise NoteError("signature is not base64") from exc
        if signer != name or raw[:4] != wanted:
            continue
        try:
            verifier.verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise NoteError(f"the signature of {name} does not verify") from exc
        return text
    raise NoteError(f"the note carries no signature by {name} with key id {wanted.hex()}")


def signature_of(note: str, name: str) -> tuple[str, bytes]:
    """(key id hex, raw signature) of ``name``'s first signature line in ``note`` (not verified)."""
    for line in note[note.rfind("\n\n") + 2:].splitlines():
        signer, _, encoded = line[len(SIGNATURE_PREFIX):].partition(" ")
        if line.startswith(SIGNATURE_PREFIX) and signer == name:
            raw = base64.b64decode(encoded)
            return raw[:4].hex(), raw[4:]
    raise NoteError(f"no signature by {name}")
