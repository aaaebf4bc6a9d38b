"""Keys for a new deployment, rotation that keeps old certificates verifiable, withdrawal, signed lists,
and the offline verifier command."""

from __future__ import annotations

import base64
import json
import stat
from datetime import UTC, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from services.certificate import verify as verify_cli
from services.certificate.formats.images import qr_png
from services.certificate.signing import keytool as keys_cli
from services.certificate.signing.keyring import (
    DCC_EKU_VACCINATION,
    KeyringError,
    init_keyring,
    load_keyring,
    rotate_keyring,
    withdraw_key,
)
from services.certificate.signing.lists import (
    REVOCATION_LIST,
    TRUST_LIST,
    ListError,
    open_list,
    sign_list,
    trust_list_document,
)
from services.certificate.verifier import Rejected, TrustStore, verify

from .builders import NOW, TWO_AZ, issue_for, keyring, record


def fresh(tmp_path):
    return init_keyring(tmp_path / "keys", "VN", now=NOW - timedelta(days=1))


def store_for(ring, at=NOW) -> TrustStore:
    return TrustStore.from_signed(ring.csca, sign_list(ring, trust_list_document(ring, at)), None, at=at)


def test_init_creates_a_csca_and_a_vaccination_dsc_with_private_keys_readable_only_by_the_owner(tmp_path):
    ring = load_keyring(fresh(tmp_path))
    assert ring.csca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    eku = ring.active_dsc.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [DCC_EKU_VACCINATION]
    assert len(ring.active_dsc.kid) == 8 and ring.active_shc.kid != base64.b64encode(ring.active_dsc.kid).decode()
    for key_file in (tmp_path / "keys").rglob("*.key.pem"):
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_init_refuses_to_overwrite_an_existing_keyring(tmp_path):
    fresh(tmp_path)
    with pytest.raises(KeyringError):
        init_keyring(tmp_path / "keys")


def test_after_rotation_new_certificates_use_the_new_signer_and_old_ones_still_verify(tmp_path):
    directory = fresh(tmp_path)
    before = load_keyring(directory)
    old = issue_for(record(*TWO_AZ), ring=before)["EU_DCC_HC1"]
    rotate_keyring(directory, now=NOW)
    after = load_keyring(directory)
    assert after.version == before.version + 1 and after.active_dsc.kid != before.active_dsc.kid
    assert [d.status for d in after.dscs] == ["retired", "active"]
    new = issue_for(record(*TWO_AZ), ring=after)["EU_DCC_HC1"]
    assert verify(old, store_for(after), at=NOW).key_id == base64.b64encode(before.active_dsc.kid).decode()
    assert verify(new, store_for(after), at=NOW).key_id == base64.b64encode(after.active_dsc.kid).decode()


def test_rotation_needs_the_offline_csca_key(tmp_path):
    directory = fresh(tmp_path)
    (directory / "csca.key.pem").unlink()
    assert load_keyring(directory).active_dsc  # the service itself never needs the CSCA key
    with pytest.raises(KeyringError):
        rotate_keyring(directory)


def test_a_withdrawn_signer_invalidates_what_it_signed(tmp_path):
    directory = fresh(tmp_path)
    ring = load_keyring(directory)
    text = issue_for(record(*TWO_AZ), ring=ring)["EU_DCC_HC1"]
    withdraw_key(directory, base64.b64encode(ring.active_dsc.kid).decode(), now=NOW)
    withdrawn = load_keyring(directory)
    with pytest.raises(Rejected) as caught:
        verify(text, store_for(withdrawn), at=NOW + timedelta(seconds=1))
    assert caught.value.reason == "DSC_WITHDRAWN"


def test_a_tampered_trust_list_is_refused(tmp_path):
    ring = keyring()
    signed = sign_list(ring, trust_list_document(ring, NOW))
    header, payload, signature = signed.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"type": TRUST_LIST, "version": 99}).encode()).decode().rstrip("=")
    with pytest.raises(ListError):
        open_list(f"{header}.{forged}.{signature}", ring.csca, expected_type=TRUST_LIST, at=NOW)


def test_a_list_signed_under_another_csca_is_refused(tmp_path):
    other = load_keyring(fresh(tmp_path))
    signed = sign_list(other, trust_list_document(other, NOW))
    with pytest.raises(ListError):
        open_list(signed, keyring().csca, expected_type=TRUST_LIST, at=NOW)


def test_a_trust_list_is_not_accepted_as_a_revocation_list():
    ring = keyring()
    with pytest.raises(ListError):
        open_list(sign_list(ring, trust_list_document(ring, NOW)), ring.csca, expected_type=REVOCATION_LIST, at=NOW)


def test_the_keys_command_initialises_and_rotates(tmp_path, capsys):
    assert keys_cli.main(["init", str(tmp_path / "k"), "--country", "VN"]) == 0
    assert keys_cli.main(["rotate", str(tmp_path / "k")]) == 0
    capsys.readouterr()
    assert keys_cli.main(["show", str(tmp_path / "k")]) == 0
    described = json.loads(capsys.readouterr().out)
    assert described["version"] == 2 and [d["status"] for d in described["dsc"]] == ["retired", "active"]
    assert keys_cli.main(["init", str(tmp_path / "k")]) == 2


def _lists(tmp_path) -> list[str]:
    ring = keyring()
    (tmp_path / "csca.pem").write_bytes(ring.csca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "tl.json").write_text(json.dumps({"signed": sign_list(ring, trust_list_document(ring, NOW))}))
    return ["--anchor", str(tmp_path / "csca.pem"), "--trust-list", str(tmp_path / "tl.json"), "--at",
            NOW.isoformat()]


def test_the_offline_verifier_accepts_a_qr_image_and_names_the_reason_of_a_rejection(tmp_path, capsys):
    text = issue_for(record(*TWO_AZ))["EU_DCC_HC1"]
    (tmp_path / "qr.png").write_bytes(qr_png(text))
    assert verify_cli.main([str(tmp_path / "qr.png"), *_lists(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["certificate_id"].startswith("URN:UVCI:01:VN:")
    assert verify_cli.main(["HC2:" + text[4:], *_lists(tmp_path)]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "PREFIX"


def test_the_offline_verifier_takes_the_verification_time(tmp_path, capsys):
    text = issue_for(record(*TWO_AZ))["EU_DCC_HC1"]
    args = _lists(tmp_path)
    args[-1] = (NOW + timedelta(days=400)).astimezone(UTC).isoformat()
    assert verify_cli.main([text, *args]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "EXPIRED"
