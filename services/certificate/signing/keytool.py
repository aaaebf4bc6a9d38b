"""Key management for a deployment: ``python -m services.certificate.signing.keytool <command> <dir>``.

    init <dir> [--country VN]   new CSCA, list signer, first DSC (EKU vaccination) and SMART Health Card key
    rotate <dir>                new DSC + SHC key become active; the previous ones are retired but stay on
                                the trust list (what they signed stays verifiable); needs csca.key.pem
    withdraw <dir> <key id>     remove trust from a DSC (kid, base64) or SHC key (thumbprint) from now on
    show <dir>                  the keyring as JSON (no private material)

In production run ``init`` / ``rotate`` where the CSCA key is kept offline, then give the service a copy of
the folder *without* ``csca.key.pem`` (Kubernetes secret mounted at ``CERTIFICATE_KEYS_DIR``). Services load
keys at start: restart (roll) web and worker after a rotation.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

from services.certificate.signing.keyring import (
    KeyringError,
    init_keyring,
    load_keyring,
    rotate_keyring,
    withdraw_key,
)


def describe(directory: Path) -> dict:
    keyring = load_keyring(directory)
    return {
        "country": keyring.country, "version": keyring.version,
        "csca": keyring.csca.subject.rfc4514_string(),
        "dsc": [{"name": d.name, "kid": base64.b64encode(d.kid).decode(), "status": d.status,
                 "not_after": d.certificate.not_valid_after_utc.isoformat()} for d in keyring.dscs],
        "shc": [{"name": k.name, "kid": k.kid, "status": k.status} for k in keyring.shc_keys],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.certificate.signing.keytool", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create a new deployment's keys")
    init.add_argument("directory", type=Path)
    init.add_argument("--country", default="VN", help="ISO 3166-1 alpha-2 issuing country (default VN)")
    sub.add_parser("rotate", help="new signers; previous ones retired").add_argument("directory", type=Path)
    withdraw = sub.add_parser("withdraw", help="withdraw trust from a key")
    withdraw.add_argument("directory", type=Path)
    withdraw.add_argument("key_id")
    sub.add_parser("show", help="print the keyring").add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "init":
            init_keyring(args.directory, args.country)
        elif args.command == "rotate":
            rotate_keyring(args.directory)
        elif args.command == "withdraw":
            withdraw_key(args.directory, args.key_id)
        print(json.dumps(describe(args.directory), indent=2))
    except KeyringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
