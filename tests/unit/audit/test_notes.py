"""Checkpoints are C2SP signed notes: the body is origin / size / base64 root, the signature line carries the
key id of (name, 0x01, public key), and only the right key opens a note."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.domain import notes

ORIGIN = "vaxtrail.local/audit/immunization"
ROOT = hashlib.sha256(b"root").digest()


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


def test_a_checkpoint_body_is_three_lines_and_parses_back():
    body = notes.Checkpoint(ORIGIN, 42, ROOT).body()
    assert body == f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n"
    assert notes.parse_checkpoint(body) == notes.Checkpoint(ORIGIN, 42, ROOT)


def test_a_signed_note_opens_with_its_key_and_carries_the_documented_key_id(key):
    public = notes.raw_public_key(key.public_key())
    body = notes.Checkpoint(ORIGIN, 7, ROOT).body()
    note = notes.sign(body, ORIGIN, key)
    line = note.split("\n\n")[1]
    assert line.startswith("\u2014 " + ORIGIN + " ")
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == hashlib.sha256(ORIGIN.encode() + b"\n\x01" + public).digest()[:4]
    assert len(raw) == 68
    assert notes.open_note(note, ORIGIN, public) == body
    assert notes.signature_of(note, ORIGIN) == (raw[:4].hex(), raw[4:])


def test_a_note_with_an_altered_size_or_another_key_does_not_open(key):
    public = notes.raw_public_key(key.public_key())
    note = notes.sign(notes.Checkpoint(ORIGIN, 7, ROOT).body(), ORIGIN, key)
    with pytest.raises(notes.NoteError, match="does not verify"):
        notes.open_note(note.replace("\n7\n", "\n8\n"), ORIGIN, public)
    other = notes.raw_public_key(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(notes.NoteError, match="no signature"):
        notes.open_note(note, ORIGIN, other)


def test_a_verifier_key_round_trips_and_a_wrong_key_id_is_refused(key):
    public = notes.raw_public_key(key.public_key())
    vkey = notes.verifier_key(ORIGIN, public)
    assert notes.parse_verifier_key(vkey) == (ORIGIN, public)
    name, key_hex, encoded = vkey.split("+", 2)
    with pytest.raises(notes.NoteError, match="key id"):
        notes.parse_verifier_key(f"{name}+00000000+{encoded}")


@pytest.mark.parametrize("body", ["no final newline", "a\n\nb\n", "tab\there\n"])
def test_a_text_that_is_not_a_note_text_is_not_signed(key, body):
    with pytest.raises(notes.NoteError):
        notes.sign(body, ORIGIN, key)


@pytest.mark.parametrize("body", [f"{ORIGIN}\n07\nAAAA\n", f"{ORIGIN}\n7\n", f"has space\n7\n{base64.b64encode(ROOT).decode()}\n"])
def test_a_malformed_checkpoint_is_refused(body):
    with pytest.raises(notes.NoteError):
        notes.parse_checkpoint(body)
