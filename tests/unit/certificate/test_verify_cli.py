"""``vaxtrail verify``: the offline verifier as a CLI subcommand, reading a string, a text file, a QR image or
a certificate PDF the service printed (issue 17, item 5)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization

from services.certificate.formats.images import certificate_pdf, qr_png
from services.certificate.formats.pdfqr import read_pdf
from services.certificate.signing.lists import sign_list, trust_list_document
from vaxtrail_cli.main import COMMANDS, main

from .builders import NOW, TWO_AZ, issue_for, keyring, record


@pytest.fixture(scope="module")
def issued() -> dict[str, str]:
    return issue_for(record(*TWO_AZ))


@pytest.fixture
def lists(tmp_path) -> list[str]:
    ring = keyring()
    anchor, trust = tmp_path / "csca.cert.pem", tmp_path / "trust-list.json"
    anchor.write_bytes(ring.csca.public_bytes(serialization.Encoding.PEM))
    trust.write_text(json.dumps({"signed": sign_list(ring, trust_list_document(ring, NOW))}))
    return ["--anchor", str(anchor), "--trust-list", str(trust), "--at", NOW.isoformat()]


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["verify", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_verify_is_a_vaxtrail_subcommand():
    assert COMMANDS["verify"] == "vaxtrail_cli.commands.verify"


@pytest.mark.parametrize("fmt", ["EU_DCC_HC1", "SMART_HEALTH_CARD"])
def test_a_qr_string_verifies(capsys, issued, lists, fmt):
    code, result = run(capsys, *lists, issued[fmt])
    assert (code, result["valid"], result["format"]) == (0, True, fmt)


def test_a_text_file_a_png_and_a_pdf_of_the_same_certificate_verify(capsys, issued, lists, tmp_path):
    text = issued["EU_DCC_HC1"]
    (tmp_path / "hc1.txt").write_text(text + "\n")
    (tmp_path / "qr.png").write_bytes(qr_png(text))
    (tmp_path / "certificate.pdf").write_bytes(certificate_pdf("Vaccination certificate", [("Name", "NGUYEN VAN AN")],
                                                                text))
    ids = set()
    for name in ("hc1.txt", "qr.png", "certificate.pdf"):
        code, result = run(capsys, *lists, str(tmp_path / name))
        assert (code, result["valid"]) == (0, True), name
        ids.add(result["certificate_id"])
    assert len(ids) == 1


def test_the_pdf_reader_returns_the_printed_qr_text(issued):
    for text in issued.values():
        assert read_pdf(certificate_pdf("Vaccination certificate", [("Name", "A")], text)) == text


def test_a_tampered_certificate_is_rejected_with_its_reason(capsys, issued, lists):
    code, result = run(capsys, *lists, "HC2:" + issued["EU_DCC_HC1"][4:])
    assert (code, result["valid"], result["reason"]) == (1, False, "PREFIX")


def test_a_pdf_without_a_qr_code_is_a_setup_error(capsys, lists, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    (tmp_path / "empty.pdf").write_bytes(bytes(pdf.output()))
    code, result = run(capsys, *lists, str(tmp_path / "empty.pdf"))
    assert (code, result["reason"]) == (2, "SETUP") and "no QR code" in result["detail"]


def test_missing_trust_material_is_a_usage_error(capsys, issued):
    assert main(["verify", issued["EU_DCC_HC1"]]) == 2
    assert "--anchor" in capsys.readouterr().err
