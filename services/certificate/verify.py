"""Offline verifier: ``vaxtrail verify [options] <HC1:… | shc:/… | file>`` (also ``python -m services.certificate.verify``).

    --anchor csca.cert.pem          the pinned country signing CA (from GET /v1/csca, or the key folder)
    --trust-list trust-list.json    GET /v1/trust-list saved to a file (or the bare JWS)
    --revocation-list rl.json       GET /v1/revocation-list saved to a file (optional)
    --sync URL                      download the three files above from a certificate service into
                                    --cache DIR first (then verify offline against them)
    --at 2026-11-28T10:00:00Z       verification time (default: now)

Prints the result as JSON; exit status 0 = valid, 1 = rejected (``reason`` names why), 2 = usage error.
The certificate is an ``HC1:`` / ``shc:/`` string, a text file holding one, a QR image (PNG, JPEG, GIF, BMP:
decoded with zxing-cpp) or a certificate PDF this service printed (``formats/pdfqr.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp"}


def decode_image(path: Path) -> str:
    import zxingcpp
    from PIL import Image

    results = [r.text for r in zxingcpp.read_barcodes(Image.open(path)) if r.format == zxingcpp.BarcodeFormat.QRCode]
    if not results:
        raise ValueError(f"no QR code found in {path}")
    return results[0]


def read_input(value: str) -> str:
    path = Path(value)
    if len(value) < 512 and path.suffix.lower() in IMAGE_SUFFIXES and path.exists():
        return decode_image(path)
    if len(value) < 512 and path.is_file():
        content = path.read_bytes()
        if content.startswith(b"%PDF-"):
            from services.certificate.formats.pdfqr import read_pdf

            return read_pdf(content)
        return content.decode("utf-8").strip()
    return value.strip()


def _signed(text: str) -> str:
    text = text.strip()
    return json.loads(text)["signed"] if text.startswith("{") else text


def sync(base_url: str, cache: Path) -> tuple[Path, Path, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    files = {"csca.cert.pem": "/v1/csca", "trust-list.json": "/v1/trust-list", "revocation-list.json":
             "/v1/revocation-list"}
    for name, route in files.items():
        with urllib.request.urlopen(base_url.rstrip("/") + route, timeout=10) as response:  # noqa: S310
            (cache / name).write_bytes(response.read())
    return cache / "csca.cert.pem", cache / "trust-list.json", cache / "revocation-list.json"


def load_store(anchor: Path, trust_list: Path, revocation_list: Path | None, at: datetime):
    from cryptography import x509

    from services.certificate.verifier import TrustStore

    csca = x509.load_pem_x509_certificate(anchor.read_bytes())
    revocations = _signed(revocation_list.read_text()) if revocation_list else None
    return TrustStore.from_signed(csca, _signed(trust_list.read_text()), revocations, at=at)


def check(text: str, store, at: datetime) -> dict:
    from services.certificate.verifier import Rejected, verify

    try:
        result = verify(text, store, at=at)
    except Rejected as rejected:
        return {"valid": False, "reason": rejected.reason, "detail": rejected.detail}
    return {"valid": True, "format": result.format, "certificate_id": result.certificate_id,
            "key_id": result.key_id, "issued_at": result.issued_at.isoformat(),
            "expires_at": result.expires_at.isoformat() if result.expires_at else None,
            "holder": result.holder, "entries": result.entries}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.certificate.verify", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    configure(parser)
    return run(parser.parse_args(argv), parser)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("certificate",
                        help="an HC1: or shc:/ string, a file holding one, a QR image or a certificate PDF")
    parser.add_argument("--anchor", type=Path, help="the pinned country signing CA (PEM)")
    parser.add_argument("--trust-list", type=Path, help="GET /v1/trust-list saved to a file")
    parser.add_argument("--revocation-list", type=Path, help="GET /v1/revocation-list saved to a file")
    parser.add_argument("--sync", metavar="URL", help="download the three files from a certificate service first")
    parser.add_argument("--cache", type=Path, default=Path(".vaxtrail/verifier"))
    parser.add_argument("--at", type=datetime.fromisoformat, default=None, help="verification time (default now)")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser | None = None) -> int:
    """Verify ``args.certificate``; ``vaxtrail verify`` calls this with the arguments :func:`configure` made."""
    from services.certificate.signing.lists import ListError

    at = args.at or datetime.now(UTC)
    if at.tzinfo is None:
        return _usage(parser, "--at needs a time zone (e.g. 2026-11-28T10:00:00Z)")
    if not args.sync and (not args.anchor or not args.trust_list):
        return _usage(parser, "give --anchor and --trust-list (or --sync URL)")
    try:
        if args.sync:
            args.anchor, args.trust_list, args.revocation_list = sync(args.sync, args.cache)
        store = load_store(args.anchor, args.trust_list, args.revocation_list, at)
        text = read_input(args.certificate)
    except (OSError, ValueError, ListError) as exc:  # UnicodeDecodeError is a ValueError
        print(json.dumps({"valid": False, "reason": "SETUP", "detail": str(exc)}))
        return 2
    result = check(text, store, at)
    print(json.dumps(result, indent=2, default=str, ensure_ascii=False))
    return 0 if result["valid"] else 1


def _usage(parser: argparse.ArgumentParser | None, message: str) -> int:
    if parser is not None:
        parser.error(message)  # exits 2
    print(f"verify: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
